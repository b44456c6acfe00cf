// creditgraph: added to FerretDB at build time (src/storage/engine/ferretdb.ts).

package fsql

import (
	"context"

	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

// CreditgraphBeginTx starts a transaction whose statements read one snapshot of the database; a
// pushed-down read checks its guard and reads its rows in it. The caller rolls it back when done.
func (db *DB) CreditgraphBeginTx(ctx context.Context) (*Tx, error) {
	sqlTx, err := db.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return wrapTx(sqlTx, db.l), nil
}
