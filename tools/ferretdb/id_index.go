package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite"
)

// pushdownIDExpression is the expression FerretDB's SQLite backend filters `_id` reads by
// (metadata.IDColumn). SQLite's planner matches index expressions textually, so only an index on
// exactly this expression turns those reads from SCAN into SEARCH.
const pushdownIDExpression = `_ferretdb_sjson->'$._id'`

// indexExistingIDs gives every collection table of every database file in dir an index on the
// pushdown expression. Tables created by this build get one from FerretDB itself (the edit the
// build applies to FerretDB's source); this pass covers data directories written by earlier
// builds. It runs before FerretDB opens the files.
func indexExistingIDs(dir string) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return 0, err
	}
	created := 0
	for _, file := range files {
		n, err := indexDatabaseFile(file)
		if err != nil {
			return created, fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
		created += n
	}
	return created, nil
}

func indexDatabaseFile(file string) (int, error) {
	if info, err := os.Stat(file); err != nil || info.Size() == 0 {
		return 0, err
	}
	// Another process (npm run rebuild) may hold the file for a moment.
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()

	var hasMetadata int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_ferretdb_collections'`).Scan(&hasMetadata); err != nil || hasMetadata == 0 {
		return 0, err
	}
	rows, err := db.Query(`SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return 0, err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, table)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, err
	}
	rows.Close()

	created := 0
	for _, table := range tables {
		// An index whose only key is the pushdown expression (a compound one would not serve it).
		var indexed int
		err := db.QueryRow(
			`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE ?`,
			table, "%("+pushdownIDExpression+")",
		).Scan(&indexed)
		if err != nil {
			return created, err
		}
		if indexed > 0 {
			continue
		}
		q := fmt.Sprintf(`CREATE UNIQUE INDEX %s ON %s (%s)`,
			quoteIdentifier(table+"__id_pushdown"), quoteIdentifier(table), pushdownIDExpression)
		if _, err := db.Exec(q); err != nil {
			return created, fmt.Errorf("%s: %w", strings.TrimSpace(q), err)
		}
		created++
	}
	return created, nil
}

// quoteIdentifier quotes an SQL identifier: in double quotes, inner ones doubled.
func quoteIdentifier(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
