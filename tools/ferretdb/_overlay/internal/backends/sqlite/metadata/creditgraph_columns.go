// creditgraph: added to FerretDB's SQLite backend at build time (src/storage/engine/ferretdb.ts).

package metadata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/internal/util/fsql"
)

// IDSortKeyColumn is `_id` as a value SQLite orders the way MongoDB sorts `_id`s, for the types it
// ranks: int and long as numbers, then strings ('S' + text), then ObjectIds ('U' + lowercase hex).
// Every other type maps to UnrankedIDSortKey + its JSON, at or after which the order is not trusted.
// Compound indexes hold `_id` as this key, so a pushed-down filter on their leading fields can stream
// documents in `_id` order.
const IDSortKeyColumn = `(CASE ` + DefaultColumn + `->>'$."$s".p._id.t'` +
	` WHEN 'int' THEN ` + DefaultColumn + `->>'$._id'` +
	` WHEN 'long' THEN ` + DefaultColumn + `->>'$._id'` +
	` WHEN 'string' THEN '` + StringIDSortKeyPrefix + `' || (` + DefaultColumn + `->>'$._id')` +
	` WHEN 'objectId' THEN 'U' || (` + DefaultColumn + `->>'$._id')` +
	` ELSE '` + UnrankedIDSortKey + `' || (` + DefaultColumn + `->'$._id') END)`

const (
	// StringIDSortKeyPrefix starts the sort key of every string `_id`.
	StringIDSortKeyPrefix = "S"
	// StringIDSortKeyBound is above every string `_id`'s sort key and below every ObjectId's.
	StringIDSortKeyBound = "T"
	// UnrankedIDSortKey bounds from below the sort keys of types IDSortKeyColumn does not order.
	UnrankedIDSortKey = "Z"
)

// KeyColumn is the SQL expression key i of the index is built on. A pushed-down filter or sort must
// repeat it word for word: SQLite matches index expressions textually. `_id` alone is held as the
// expression `_id` reads filter by; inside a compound index, as IDSortKeyColumn. A dotted field is
// held as its value's JSON, or, when a document on its way is an array, as '[' and the document's
// `_id` (unique per document, so a unique index still takes them all): MongoDB then looks into each
// element, which a pushed-down read cannot, so its guard must see it through the index.
func (index IndexInfo) KeyColumn(i int) string {
	field := index.Key[i].Field
	if field == "_id" {
		if len(index.Key) > 1 {
			return IDSortKeyColumn
		}

		return IDColumn
	}

	parts := strings.Split(field, ".")
	path := DefaultColumn
	var arrayOnTheWay []string

	for j, part := range parts {
		path += "->" + keyLabel(part)
		if j < len(parts)-1 {
			arrayOnTheWay = append(arrayOnTheWay, "json_type("+path+") = 'array'")
		}
	}

	if len(arrayOnTheWay) == 0 {
		return path
	}

	return "(CASE WHEN " + strings.Join(arrayOnTheWay, " OR ") + " THEN '[' || (" + IDColumn + ") ELSE " + path + " END)"
}

// plainName is a field name SQLite's `->` reads as the same object label when single-quoted.
const plainName = `[A-Za-z_][A-Za-z0-9_]*`

var (
	plainLabel = regexp.MustCompile(`^` + plainName + `$`)
	// plainPath is plain names joined by dots (a numeric part would index into an array).
	plainPath = regexp.MustCompile(`^` + plainName + `(\.` + plainName + `)*$`)
	// upstreamLabel is a plain name as upstream writes it, `->"field"`.
	upstreamLabel = regexp.MustCompile(`->"(` + plainName + `)"`)
)

// PlainFieldPath says whether KeyColumn writes every part of field as a plain label, which a
// pushed-down read needs: its SQL must repeat the index expression word for word.
func PlainFieldPath(field string) bool {
	return plainPath.MatchString(field)
}

// keyLabel is one field name on the right of `->`. A plain name is written as an SQL string: in a
// query, double quotes (as upstream writes it) make SQLite read "rowid", "oid" and "_rowid_" as the
// table's row id, not the field. Other names keep upstream's spelling; no read is pushed down on them.
func keyLabel(part string) string {
	if plainLabel.MatchString(part) {
		return "'" + part + "'"
	}

	return fmt.Sprintf("%q", part)
}

// sameIndexSQL says whether an index made as have is the one want describes. In CREATE INDEX, SQLite
// reads `->"field"` as `->'field'` (only a query reads "rowid" there as the row id), and its planner
// matches the two, so an index upstream or an older build made that way is kept, not rebuilt.
func sameIndexSQL(have, want string) bool {
	return have == want || upstreamLabel.ReplaceAllString(have, `->'$1'`) == want
}

// creditgraphIndexName is the quoted SQLite name of index on table, as upstream names it.
func creditgraphIndexName(table string, index IndexInfo) string {
	return fmt.Sprintf("%q", table+"_"+index.Name)
}

// creditgraphIndexSQL is the statement that creates index on table.
func creditgraphIndexSQL(table string, index IndexInfo) string {
	columns := make([]string, len(index.Key))
	for i, key := range index.Key {
		columns[i] = index.KeyColumn(i)
		if key.Descending {
			columns[i] += " DESC"
		}
	}

	unique := ""
	if index.Unique {
		unique = "UNIQUE "
	}

	return fmt.Sprintf("CREATE %sINDEX %s ON %q (%s)", unique, creditgraphIndexName(table, index), table, strings.Join(columns, ", "))
}

// creditgraphRebuildIndexes recreates every index whose definition differs from what this build
// creates: a data directory written by an older build (or by upstream FerretDB) gets the indexes
// pushed-down reads use. It runs once per database file, when FerretDB opens it. An index it cannot
// rebuild is kept as it was (reads stay correct, only slower), and said so on standard error.
func creditgraphRebuildIndexes(ctx context.Context, db *fsql.DB, colls map[string]*Collection) error {
	for _, c := range colls {
		for _, index := range c.Settings.Indexes {
			want := creditgraphIndexSQL(c.TableName, index)
			quoted := creditgraphIndexName(c.TableName, index)
			// SQLite keeps the name as written between the quotes, Go's escapes included.
			stored := quoted[1 : len(quoted)-1]

			var have string
			err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, stored).Scan(&have)

			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			case sameIndexSQL(have, want):
				continue
			}

			// On standard output, beside "ready": the product waits for FerretDB without a time limit
			// once it has seen this (src/storage/engine/ferretdb.ts). Names quoted, so none can start
			// a line of its own.
			fmt.Printf("rebuilding index %q of table %q (another build made it differently)\n", index.Name, c.TableName)
			started := time.Now()

			err = db.InTransaction(ctx, func(tx *fsql.Tx) error {
				if have != "" {
					if _, err := tx.ExecContext(ctx, "DROP INDEX "+quoted); err != nil {
						return err
					}
				}

				_, err := tx.ExecContext(ctx, want)

				return err
			})
			if err != nil {
				fmt.Fprintf(os.Stderr, "creditgraph: index %q of table %q kept as it was: %v\n", index.Name, c.TableName, err)
				continue
			}

			fmt.Printf("rebuilt index %q of table %q in %.1f s\n", index.Name, c.TableName, time.Since(started).Seconds())
		}
	}

	return nil
}
