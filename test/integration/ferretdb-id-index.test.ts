import mongoose from 'mongoose';
import { databaseUri } from '../../src/storage/engine/engine';
import { scratchFerretdb } from '../support/scratch-ferretdb';
import { onSqliteFile } from '../support/sqlite-file';

/**
 * The embedded FerretDB on SQLite filters an `_id` read with exactly this SQL (its metadata.IDColumn;
 * the only filter its SQLite backend pushes down). SQLite uses an index only when the indexed
 * expression is written the same way, so each collection table must plan this query as a SEARCH.
 */
function idReadPlan(file: string, table: string): string {
  return onSqliteFile(file, (db) =>
    (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = ?`,
        )
        .all('"x"') as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('; '),
  );
}

/** Collection name -> SQLite table name, from FerretDB's own metadata table. */
function collectionTables(file: string): Map<string, string> {
  return onSqliteFile(file, (db) => {
    const rows = db.prepare('SELECT name, table_name FROM _ferretdb_collections').all() as {
      name: string;
      table_name: string;
    }[];
    return new Map(rows.map((row) => [row.name, row.table_name]));
  });
}

async function insertSome(uri: string, collections: string[]): Promise<void> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    for (const name of collections) {
      await connection.collection(name).insertMany(
        Array.from({ length: 50 }, (_, i) => ({
          _id: `${name}-${i}` as unknown as mongoose.Types.ObjectId,
        })),
      );
    }
  } finally {
    await connection.close();
  }
}

describe('embedded FerretDB on SQLite: _id reads use an index', () => {
  test('every collection table, including ones created while running and ones from an older data directory, plans an _id read as SEARCH, not SCAN', async () => {
    await using scratch = await scratchFerretdb('idindex');
    const file = scratch.file('idindex');
    {
      const uri = databaseUri(scratch.engine.uri, 'idindex');
      await insertSome(uri, ['earlyOrders', 'earlyLedger']);
      // Created later in the same run: FerretDB makes the table on first insert.
      await insertSome(uri, ['laterBills']);
      await scratch.stop();

      let tables = collectionTables(file);
      expect([...tables.keys()].sort()).toEqual(['earlyLedger', 'earlyOrders', 'laterBills']);
      for (const table of tables.values()) {
        const plan = idReadPlan(file, table);
        expect(plan).toMatch(/^SEARCH .* USING INDEX/);
        expect(plan).not.toMatch(/\bSCAN\b/);
      }

      // A data directory written by a FerretDB without the edit: its tables carry only an index on
      // another spelling of the path (`->"_id"`; node:sqlite refuses double-quoted strings, so `->'_id'`,
      // just as foreign to the planner). Rebuild one table that way.
      const legacyTable = tables.get('earlyOrders')!;
      onSqliteFile(
        file,
        (db) => {
          const indexes = db
            .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`)
            .all(legacyTable) as { name: string }[];
          for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
          db.exec(`CREATE UNIQUE INDEX "${legacyTable}__id_" ON "${legacyTable}" (_ferretdb_sjson->'_id')`);
        },
        { write: true },
      );
      expect(idReadPlan(file, legacyTable)).toMatch(/\bSCAN\b/);

      // This build recreates such an index when it opens the file (creditgraphRebuildIndexes).
      await scratch.start();
      const reopened = await mongoose
        .createConnection(databaseUri(scratch.engine.uri, 'idindex'))
        .asPromise();
      const found = await reopened.collection('earlyOrders').findOne({ _id: 'earlyOrders-7' as never });
      await reopened.close();
      await scratch.stop();
      expect(found).toEqual({ _id: 'earlyOrders-7' });
      tables = collectionTables(file);
      expect(idReadPlan(file, tables.get('earlyOrders')!)).toMatch(/^SEARCH .* USING INDEX/);
    }
  });
});
