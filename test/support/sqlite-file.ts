import { DatabaseSync } from 'node:sqlite';

/**
 * Runs `use` on one of the embedded FerretDB's SQLite files, opened for the call only (read-only
 * unless `write`). FerretDB writes `->"field"`, a double-quoted string node:sqlite refuses by default.
 */
export function onSqliteFile<T>(
  file: string,
  use: (db: DatabaseSync) => T,
  options: { write?: boolean } = {},
): T {
  const db = new DatabaseSync(file, { readOnly: !options.write, enableDoubleQuotedStringLiterals: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

export interface StoredIndex {
  name: string;
  sql: string;
}

/** The file's indexes on document fields (not SQLite's own), as their statements are stored. */
export function fieldIndexes(file: string): StoredIndex[] {
  return onSqliteFile(
    file,
    (db) =>
      db
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%_ferretdb_sjson->%'`,
        )
        .all() as unknown as StoredIndex[],
  );
}

/** The statement index `name` is stored with now. */
export function indexSql(file: string, name: string): string {
  return onSqliteFile(
    file,
    (db) =>
      (db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(name) as unknown as StoredIndex).sql,
  );
}

/** Drops index `name` and creates it again with `sql`, as another build would have written it. */
export function rewriteIndex(file: string, name: string, sql: string): void {
  onSqliteFile(
    file,
    (db) => {
      db.exec(`DROP INDEX "${name}"`);
      db.exec(sql);
    },
    { write: true },
  );
}
