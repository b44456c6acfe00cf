// creditgraph: added to FerretDB's SQLite backend at build time (src/storage/engine/ferretdb.ts).

package sqlite

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// idRangeOperators maps MongoDB's range operators to SQL's.
var idRangeOperators = map[string]string{"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}

// condition is one SQL condition and its arguments.
type condition struct {
	sql  string
	args []any
}

// equality is what a filter asks of one field that an index can search: one of some strings (their
// JSON), or null.
type equality struct {
	values []any
	null   bool
}

// condition matches column, the field's KeyColumn: `{f: null}` matches a missing field and a null
// (an array holding null is the guard's).
func (e equality) condition(column string) condition {
	if e.null {
		return condition{sql: `(` + column + ` IS NULL OR ` + column + ` = 'null')`}
	}

	return condition{sql: column + ` IN (` + placeholders(len(e.values)) + `)`, args: e.values}
}

// maxPushdownArguments keeps a pushed-down read (whose guard repeats the filter's values) well under
// SQLite's limit on SQL variables; a larger `$in` goes to upstream's plan.
const maxPushdownArguments = 1000

// pushdown is a read creditgraphQuery can answer from an index: a guard, then the query.
type pushdown struct {
	where     string
	args      []any
	guard     string
	guardArgs []any
	sorted    bool
}

// creditgraphQuery answers a query upstream FerretDB would answer by reading the whole table, when it
// can do better; it returns nil to leave the query to upstream's plan.
//
// What it pushes down:
//   - string equality (or `$in` of strings), or equality to null, on the leading fields of one of the
//     collection's indexes (dotted fields too), so SQLite searches that index;
//   - `_id` ranges ($lt, $lte, $gt, $gte) against a string;
//   - an `_id` sort, as IDSortKeyColumn, which compound indexes hold after their leading fields: SQLite
//     then streams rows in order, and the handler stops reading at its limit.
//
// Rows are candidates: the handler still applies the whole filter, so extra rows cost time only. A
// missing row would be a wrong answer, and it can happen in two ways, both checked first through the
// same index (the guard): MongoDB's `{f: "x"}` also matches an array holding "x" (and `{"a.f": "x"}`
// an array of documents at `a`), which the SQL equality does not; and IDSortKeyColumn does not order
// every type. If the guard finds either in the collection, the query goes to upstream's plan. The guard and the rows are read in one transaction,
// so a write between them cannot change the answer; the iterator rolls it back when it closes.
func creditgraphQuery(ctx context.Context, db *fsql.DB, meta *metadata.Collection, params *backends.QueryParams, selectClause string) (*backends.QueryResult, error) {
	plan := planPushdown(meta, params)
	if plan == nil {
		return nil, nil
	}

	tx, err := db.CreditgraphBeginTx(ctx)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	var unsafe bool
	if err = tx.QueryRowContext(ctx, plan.guard, plan.guardArgs...).Scan(&unsafe); err != nil {
		_ = tx.Rollback()
		return nil, lazyerrors.Error(err)
	}

	if unsafe {
		_ = tx.Rollback()
		return nil, nil
	}

	rows, err := tx.QueryContext(ctx, selectClause+plan.where, plan.args...)
	if err != nil {
		_ = tx.Rollback()
		return nil, lazyerrors.Error(err)
	}

	return &backends.QueryResult{
		Iter:              &snapshotIterator{DocumentsIterator: newQueryIterator(ctx, rows, params.OnlyRecordIDs), tx: tx},
		CreditgraphSorted: plan.sorted,
	}, nil
}

// snapshotIterator ends its transaction when it closes.
type snapshotIterator struct {
	types.DocumentsIterator
	tx   *fsql.Tx
	once sync.Once
}

func (iter *snapshotIterator) Close() {
	iter.DocumentsIterator.Close()
	iter.once.Do(func() { _ = iter.tx.Rollback() })
}

// planPushdown builds the guard and the query for params, or returns nil.
func planPushdown(meta *metadata.Collection, params *backends.QueryParams) *pushdown {
	// find passes its whole filter; other commands, and find without pushdown, their Filter.
	filter := params.CreditgraphFilter
	if filter == nil {
		filter = params.Filter
	}

	if meta.Capped() || filter == nil {
		return nil
	}

	equal := map[string]equality{}
	var idBounds []condition

	for _, key := range filter.Keys() {
		// A reserved name would read as one of the table's columns, not a field.
		if key != "_id" && (!metadata.PlainFieldPath(key) || strings.HasPrefix(key, backends.ReservedPrefix)) {
			continue
		}

		value := must.NotFail(filter.Get(key))
		if key == "_id" {
			idBounds = idRangeConditions(value)
		}

		if values, ok := stringSet(value); ok {
			equal[key] = equality{values: values}
		} else if value == types.Null {
			equal[key] = equality{null: true}
		}
	}

	index, prefix := leadingEqualityIndex(meta.Settings.Indexes, equal)
	if prefix == 0 {
		return nil
	}

	table := fmt.Sprintf("%q", meta.TableName) // as upstream names it

	var matching []condition
	var guards []condition

	for i, key := range index.Key[:prefix] {
		column := index.KeyColumn(i)

		// Arrays are the only JSON values whose text starts with '['.
		guards = append(guards, conjunction(append(matching, condition{sql: column + ` >= '[' AND ` + column + ` < '\'`})))
		matching = append(matching, equal[key.Field].condition(column))
	}

	matching = append(matching, idBounds...)

	plan := &pushdown{}
	orderBy := ""

	if direction, ok := idSortDirection(params.CreditgraphSort); ok {
		guards = append(guards, conjunction(append(matching, condition{sql: metadata.IDSortKeyColumn + ` >= '` + metadata.UnrankedIDSortKey + `'`})))
		orderBy = ` ORDER BY ` + metadata.IDSortKeyColumn + direction
		plan.sorted = true
	}

	var exists []string

	for _, guard := range guards {
		exists = append(exists, `EXISTS (SELECT 1 FROM `+table+` WHERE `+guard.sql+`)`)
		plan.guardArgs = append(plan.guardArgs, guard.args...)
	}

	plan.guard = `SELECT ` + strings.Join(exists, ` OR `)

	where := conjunction(matching)
	plan.where = ` WHERE ` + where.sql + orderBy
	plan.args = where.args

	if len(plan.args)+len(plan.guardArgs) > maxPushdownArguments {
		return nil
	}

	return plan
}

// stringSet reads `"x"` or `{$in: ["x", ...]}` (and nothing else) as the JSON of those strings, the
// text KeyColumn holds for a string.
func stringSet(value any) ([]any, bool) {
	if s, ok := value.(string); ok {
		return []any{string(must.NotFail(sjson.MarshalSingleValue(s)))}, true
	}

	operators, ok := value.(*types.Document)
	if !ok || operators.Len() == 0 {
		return nil, false
	}

	in, err := operators.Get("$in")
	if err != nil {
		return nil, false
	}

	array, ok := in.(*types.Array)
	if !ok || array.Len() == 0 {
		return nil, false
	}

	values := make([]any, 0, array.Len())

	for i := 0; i < array.Len(); i++ {
		s, ok := must.NotFail(array.Get(i)).(string)
		if !ok {
			return nil, false
		}

		values = append(values, string(must.NotFail(sjson.MarshalSingleValue(s))))
	}

	return values, true
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// leadingEqualityIndex returns the index whose leading fields the most equalities cover, and how many.
// On a tie, the one with fewer equalities to null: those match every document missing the field.
// A key held as IDSortKeyColumn does not hold the JSON the equalities compare.
func leadingEqualityIndex(indexes []metadata.IndexInfo, equal map[string]equality) (metadata.IndexInfo, int) {
	var best metadata.IndexInfo
	bestPrefix, bestNulls := 0, 0

	for _, index := range indexes {
		prefix, nulls := 0, 0
		for i, key := range index.Key {
			if index.KeyColumn(i) == metadata.IDSortKeyColumn {
				break
			}

			e, ok := equal[key.Field]
			if !ok {
				break
			}
			prefix++

			if e.null {
				nulls++
			}
		}

		if prefix > bestPrefix || (prefix == bestPrefix && nulls < bestNulls) {
			best, bestPrefix, bestNulls = index, prefix, nulls
		}
	}

	return best, bestPrefix
}

// idRangeConditions turns `{$lt: "x", ...}` on `_id` into conditions on IDSortKeyColumn. Only strings
// match a range on a string, so they bound the key among the strings'; other operators are left to the
// handler.
func idRangeConditions(value any) []condition {
	operators, ok := value.(*types.Document)
	if !ok {
		return nil
	}

	lowest := metadata.StringIDSortKeyPrefix
	aboveAll := metadata.StringIDSortKeyBound
	key := metadata.IDSortKeyColumn

	var conditions []condition

	for _, operator := range operators.Keys() {
		sqlOperator, known := idRangeOperators[operator]
		bound, isString := must.NotFail(operators.Get(operator)).(string)

		if !known || !isString {
			continue
		}

		conditions = append(conditions, condition{sql: key + ` ` + sqlOperator + ` ?`, args: []any{lowest + bound}})
	}

	if len(conditions) > 0 {
		conditions = append(conditions,
			condition{sql: key + ` >= ?`, args: []any{lowest}},
			condition{sql: key + ` < ?`, args: []any{aboveAll}},
		)
	}

	return conditions
}

// idSortDirection reads a `{_id: 1}` or `{_id: -1}` sort.
func idSortDirection(sort *types.Document) (string, bool) {
	if sort == nil || sort.Len() != 1 || sort.Keys()[0] != "_id" {
		return "", false
	}

	switch must.NotFail(sort.Get("_id")) {
	case int64(1):
		return "", true
	case int64(-1):
		return " DESC", true
	default:
		return "", false
	}
}

func conjunction(conditions []condition) condition {
	var sqls []string
	var args []any

	for _, c := range conditions {
		sqls = append(sqls, c.sql)
		args = append(args, c.args...)
	}

	return condition{sql: strings.Join(sqls, " AND "), args: args}
}
