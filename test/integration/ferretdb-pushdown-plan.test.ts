import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { connectDatabase, ensureIndexes } from '../../src/storage/database';
import { databaseUri } from '../../src/storage/engine/engine';
import { startFerretdb } from '../../src/storage/engine/ferretdb';
import { sortableId } from '../../src/storage/ids';
import type { OrderDoc } from '../../src/storage/models/order.model';
import { createRepositories } from '../../src/storage/repositories/repositories';

/** The SQL of one `>>> ` line of FerretDB's debug log (slog quotes its message like a Go string). */
function loggedSql(line: string): string | undefined {
  const message = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  if (message === undefined) return undefined;
  const text = JSON.parse(`"${message}"`) as string;
  return text.startsWith('>>> SELECT') ? text.slice(4) : undefined;
}

/** SQLite's plan for a statement, one detail per step; `?` placeholders plan as unbound values. */
function planOf(file: string, sql: string): string[] {
  // FerretDB writes `->"field"`, which SQLite reads as a string; node:sqlite refuses that by default.
  const db = new DatabaseSync(file, { readOnly: true, enableDoubleQuotedStringLiterals: true });
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
    return rows.map((row) => row.detail);
  } finally {
    db.close();
  }
}

const order = (userId: string, createdAt: Date, n: number): OrderDoc => ({
  _id: sortableId('mo', createdAt, String(n).padStart(3, '0')),
  userId,
  items: [{ sku: 'mall-tea-set', title: 'Tea set', quantity: 1, unitPriceMinor: 29_900 }],
  totalMinor: 29_900,
  plan: 'FULL',
  periods: 1,
  status: 'PLACED',
  lineId: `cl_${userId}`,
  authorizationId: `auth_${userId}_${n}`,
  idempotencyKey: `${userId}:${n}`,
  requestHash: 'h',
  capturedMinor: 0,
  refundedMinor: 0,
  createdAt,
});

/** Asks every repository read that must not grow with a collection for its SQLite plans. */
async function checkHotReadPlans(dataDir: string, uri: string, statements: string[]): Promise<void> {
  const db = await connectDatabase(uri);
  try {
    await ensureIndexes(db);
    const repos = createRepositories(db);
    const start = Date.UTC(2026, 0, 1);
    const orders = Array.from({ length: 60 }, (_, n) =>
      order(n % 2 === 0 ? 'u_alice' : 'u_bob', new Date(start + n * 60_000), n),
    );
    for (const doc of orders) await repos.mallOrders.insertOnce(doc);
    const aliceNewestFirst = orders.filter((doc) => doc.userId === 'u_alice').reverse();
    const firstPage = await repos.mallOrders.pageByUsers(['u_alice'], { first: 3 });
    // 30 orders of alice (even n); newest first: n = 58, 56, 54.
    expect(firstPage.get('u_alice')!.items.map((doc) => doc._id)).toEqual(
      aliceNewestFirst.slice(0, 3).map((doc) => doc._id),
    );

    // FerretDB's log reaches us through a pipe, after its answers: a read of a marker collection
    // after each read shows where that read's statements end.
    const marker = db.connection.collection('logMarker');
    await marker.updateOne({ _id: 'marker' as never }, { $set: { seen: true } }, { upsert: true });
    const isMarker = (sql: string) => /"logmarker_/.test(sql);
    /** Runs one repository read and returns the plans of the SELECTs it made FerretDB run. */
    const plansOf = async (name: string, read: () => Promise<unknown>): Promise<string[][]> => {
      statements.length = 0;
      await read();
      await marker.findOne({ _id: 'marker' as never });
      const deadline = Date.now() + 10_000;
      while (!statements.some(isMarker) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(statements.some(isMarker)).toBe(true);
      const own = statements.slice(0, statements.findIndex(isMarker));
      expect([name, own.length > 0]).toEqual([name, true]);
      return own.map((sql) => planOf(path.join(dataDir, 'pushdown.sqlite'), sql));
    };

    const reads: Record<string, () => Promise<unknown>> = {
      'first order page': () => repos.mallOrders.pageByUsers(['u_alice'], { first: 3 }),
      'next order page (keyset)': () =>
        repos.mallOrders.pageByUsers(['u_alice'], { first: 3, afterId: aliceNewestFirst[2]!._id }),
      'order by idempotency key': () => repos.mallOrders.byIdempotencyKey('u_bob:7'),
      'orders by ids ($in on _id)': () => repos.mallOrders.findByIds([orders[3]!._id, orders[4]!._id]),
      'credit lines of users ($in)': () => repos.creditLines.findByUserIds(['u_alice', 'u_bob']),
      'bindings of a user': () => repos.channelBindings.findByUserIds(['u_alice']),
      'bill page of a user': () => repos.bills.pageOfUser('u_alice', { first: 3 }),
    };
    for (const [name, read] of Object.entries(reads)) {
      for (const plan of await plansOf(name, read)) {
        const text = `${name}: ${plan.join('; ')}`;
        expect(text).toMatch(/SEARCH .* USING (COVERING )?INDEX/);
        // `SCAN CONSTANT ROW` is the guard's SELECT of its EXISTS answers, not a table.
        expect(text).not.toMatch(/\bSCAN (?!CONSTANT ROW)/);
        expect(text).not.toMatch(/TEMP B-TREE/);
      }
    }
  } finally {
    await db.close();
  }
}

describe('embedded FerretDB on SQLite: hot list reads search an index', () => {
  test('order pages, key lookups and reads by user plan as index searches that need no sort, in a new data directory and in one an older build wrote', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-pushdown-'));
    const file = path.join(dataDir, 'pushdown.sqlite');
    const statements: string[] = [];
    const start = () =>
      startFerretdb({
        dataDir,
        onDebugLogLine: (line) => {
          const sql = loggedSql(line);
          if (sql !== undefined) statements.push(sql);
        },
      });
    let engine = await start();
    try {
      await checkHotReadPlans(dataDir, databaseUri(engine.uri, 'pushdown'), statements);
      await engine.stop();

      // An older build wrote every index key as `_ferretdb_sjson->'field'` (`->"field"` upstream;
      // node:sqlite refuses double-quoted strings, and the planner sees both the same way), `_id` too.
      const db = new DatabaseSync(file, { enableDoubleQuotedStringLiterals: true });
      const indexes = db
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
        .all() as { name: string; sql: string }[];
      const rewritten = indexes.filter((index) => /_ferretdb_sjson->/.test(index.sql));
      expect(rewritten.length).toBeGreaterThan(10);
      for (const index of rewritten) {
        const older = index.sql
          .replace(/\(CASE .* END\)/, `_ferretdb_sjson->'_id'`)
          .replace(/_ferretdb_sjson->'\$\._id'/g, `_ferretdb_sjson->'_id'`)
          .replace(/->"([^"]+)"/g, `->'$1'`);
        expect(older).not.toEqual(index.sql);
        db.exec(`DROP INDEX "${index.name}"`);
        db.exec(older);
      }
      db.close();

      engine = await start();
      await checkHotReadPlans(dataDir, databaseUri(engine.uri, 'pushdown'), statements);
    } finally {
      await engine.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
