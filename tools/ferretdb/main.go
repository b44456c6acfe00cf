// Command ferretdb runs FerretDB 1.24 embedded, on SQLite (the default) or on PostgreSQL, for local
// runs and tests. The plain `go install` of FerretDB's own command panics, so we embed the library.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	listenUnix := flag.String("listen-unix", "", "Unix socket to listen on instead of TCP (its directory keeps other users out)")
	dataDir := flag.String("data", "./.data/ferretdb", "SQLite data directory (one file per database)")
	watchStdin := flag.Bool("watch-stdin", false, "exit when standard input closes (parent process died)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	postgresqlURL := flag.String("postgresql-url", os.Getenv("FERRETDB_POSTGRESQL_URL"),
		"run on PostgreSQL at this URL instead of SQLite (default from FERRETDB_POSTGRESQL_URL, which keeps a password off the command line)")
	flag.Parse()

	dir, err := filepath.Abs(*dataDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb: data dir:", err)
		os.Exit(1)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		level = slog.LevelWarn
	}

	listener := ferretdb.ListenerConfig{TCP: *listen}
	if *listenUnix != "" {
		listener = ferretdb.ListenerConfig{Unix: *listenUnix}
	}

	config := &ferretdb.Config{
		Listener: listener,
		Handler:  "sqlite",
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}
	if *postgresqlURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresqlURL
	} else {
		config.SQLiteURL = "file:" + dir + "/"
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		// A parent killed with SIGKILL cannot stop us; its closed pipe can.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// Opening a data directory an older build wrote rebuilds its indexes, which can take minutes; a
	// stop meanwhile exits at once. Each rebuild is one transaction: SQLite rolls it back, and the
	// next start does it again.
	opened := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			select {
			case <-opened:
			default:
				fmt.Fprintln(os.Stderr, "ferretdb: stopped while opening its data")
				os.Exit(1)
			}
		case <-opened:
		}
	}()

	f, err := ferretdb.New(config)
	close(opened)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb: config:", err)
		os.Exit(1)
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	go func() {
		// MongoDBURI waits until the listener is up.
		fmt.Println("ready", f.MongoDBURI())
	}()

	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
