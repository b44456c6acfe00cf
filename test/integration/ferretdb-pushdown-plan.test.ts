import { spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { connectDatabase, ensureIndexes } from '../../src/storage/database';
import { databaseUri } from '../../src/storage/engine/engine';
import { ferretdbBinary, startFerretdb } from '../../src/storage/engine/ferretdb';
import { createRepositories } from '../../src/storage/repositories/repositories';
import { placedOrder } from '../support/orders';
import { scratchFerretdb } from '../support/scratch-ferretdb';
import { fieldIndexes, indexSql, onSqliteFile, rewriteIndex } from '../support/sqlite-file';

interface LoggedStatement {
  sql: string;
  /** The rest of the line: its arguments, as slog printed them. */
  args: string;
}

/** One `>>> SELECT` line of FerretDB's debug log (slog quotes its message like a Go string). */
function loggedStatement(line: string): LoggedStatement | undefined {
  const match = /msg="((?:[^"\\]|\\.)*)"(.*)$/.exec(line);
  if (match === null) return undefined;
  const text = JSON.parse(`"${match[1]}"`) as string;
  return text.startsWith('>>> SELECT') ? { sql: text.slice(4), args: match[2]! } : undefined;
}

/** SQLite's plan for a statement, one detail per step; `?` placeholders plan as unbound values. */
function planOf(file: string, sql: string): string[] {
  return onSqliteFile(file, (db) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail),
  );
}

/** `_id` as a compound index holds it (IDSortKeyColumn); builds before the pushdown held its JSON. */
const idSortKey = /\(CASE _ferretdb_sjson->>.* END\)/;

/** Markers are numbered across engine restarts, so a late line of an earlier run cannot match. */
let markers = 0;

/** Asks every repository read that must not grow with a collection for its SQLite plans. */
async function checkHotReadPlans(file: string, uri: string, statements: LoggedStatement[]): Promise<void> {
  const db = await connectDatabase(uri);
  try {
    await ensureIndexes(db);
    const repos = createRepositories(db);
    const start = Date.UTC(2026, 0, 1);
    const orders = Array.from({ length: 60 }, (_, n) =>
      placedOrder(
        n % 2 === 0 ? 'u_alice' : 'u_bob',
        new Date(start + n * 60_000),
        n + 1,
        String(n).padStart(3, '0'),
      ),
    );
    for (const doc of orders) await repos.mallOrders.insertOnce(doc);
    // Payments two partners took (a dotted field, `partner.partnerId`) and an outbox of reminders
    // (`sentAt: null`): odd n are a wallet's and unsent.
    for (const [n, doc] of orders.slice(0, 20).entries()) {
      const partnerId = n % 2 === 1 ? 'pt_wallet' : 'pt_telecom';
      const merchantRef = `ref-${n}`;
      await repos.partnerPayments.insertOnce({
        ...doc,
        partner: { partnerId, partnerUserId: `pu_${n}`, kind: 'IN_APP', merchantRef },
      });
      await repos.notifications.record({
        _id: `due-soon:bl_${n}`,
        userId: doc.userId,
        kind: 'DUE_SOON',
        message: 'due soon',
        ref: `bl_${n}`,
        createdAt: doc.createdAt,
        sentAt: n % 2 === 1 ? null : doc.createdAt,
      });
    }
    // 10 wallet payments (odd n); newest first: n = 19, 17, 15.
    const walletPage = await repos.partnerPayments.pageOfPartner('pt_wallet', { first: 3 });
    expect(walletPage.items.map((doc) => doc._id)).toEqual([19, 17, 15].map((n) => orders[n]!._id));
    // Unsent: odd n, oldest first: 1, 3.
    expect((await repos.notifications.unsent(2)).map((doc) => doc._id)).toEqual([
      'due-soon:bl_1',
      'due-soon:bl_3',
    ]);
    const aliceNewestFirst = orders.filter((doc) => doc.userId === 'u_alice').reverse();
    const firstPage = await repos.mallOrders.pageByUsers(['u_alice'], { first: 3 });
    // 30 orders of alice (even n); newest first: n = 58, 56, 54.
    expect(firstPage.get('u_alice')!.items.map((doc) => doc._id)).toEqual(
      aliceNewestFirst.slice(0, 3).map((doc) => doc._id),
    );

    // FerretDB's log reaches us through a pipe, after its answers: a read of a marker document named
    // for the moment, then waiting for its line, shows where the statements before it end.
    const marker = db.connection.collection('logMarker');
    const sync = async (): Promise<number> => {
      const id = `marker-${String(++markers).padStart(6, '0')}`;
      await marker.findOne({ _id: id as never });
      const deadline = Date.now() + 10_000;
      const at = () => statements.findIndex((statement) => statement.args.includes(id));
      while (at() < 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect([id, at() >= 0]).toEqual([id, true]);
      return at();
    };
    await marker.updateOne({ _id: 'marker' as never }, { $set: { seen: true } }, { upsert: true });
    /** Runs one repository read and returns the plans of the SELECTs it made FerretDB run. */
    const plansOf = async (name: string, read: () => Promise<unknown>): Promise<string[][]> => {
      const start = (await sync()) + 1;
      await read();
      const own = statements.slice(start, await sync());
      expect([name, own.length > 0]).toEqual([name, true]);
      return own.map(({ sql }) => planOf(file, sql));
    };

    const reads: Record<string, () => Promise<unknown>> = {
      'first order page': () => repos.mallOrders.pageByUsers(['u_alice'], { first: 3 }),
      'next order page (keyset)': () =>
        repos.mallOrders.pageByUsers(['u_alice'], { first: 3, afterId: aliceNewestFirst[2]!._id }),
      'order by idempotency key': () => repos.mallOrders.byIdempotencyKey('u_bob:8'),
      'orders by ids ($in on _id)': () => repos.mallOrders.findByIds([orders[3]!._id, orders[4]!._id]),
      'credit lines of users ($in)': () => repos.creditLines.findByUserIds(['u_alice', 'u_bob']),
      'bindings of a user': () => repos.channelBindings.findByUserIds(['u_alice']),
      'bill page of a user': () => repos.bills.pageOfUser('u_alice', { first: 3 }),
      'payments page of a partner (dotted field)': () =>
        repos.partnerPayments.pageOfPartner('pt_wallet', { first: 3, afterId: orders[15]!._id }),
      'unsent notifications (null)': () => repos.notifications.unsent(50),
      "due jobs' walk of the lines (status, _id keyset)": () =>
        repos.creditLines.pageOfStatus('ACTIVE', 'cl_u_alice', 200),
      "a partner stream's read of its bindings (partnerId, status, _id keyset)": () =>
        repos.channelBindings.activePageOfPartner('pt_wallet', 'cb_a', 500),
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
    const statements: LoggedStatement[] = [];
    await using scratch = await scratchFerretdb('pushdown', {
      onDebugLogLine: (line) => {
        const statement = loggedStatement(line);
        if (statement !== undefined) statements.push(statement);
      },
    });
    const file = scratch.file('pushdown');
    await checkHotReadPlans(file, databaseUri(scratch.engine.uri, 'pushdown'), statements);
    await scratch.stop();

    // Older builds wrote every index key as upstream does, `_ferretdb_sjson->"field"` (a dotted one as
    // `->"partner"->"partnerId"`), `_id` too; this one writes `->'field'` (SQLite reads "rowid" or
    // "oid" in double quotes as the table's rowid).
    const rewritten = fieldIndexes(file);
    expect(rewritten.length).toBeGreaterThan(10);
    for (const index of rewritten) {
      const older = index.sql
        .replace(/\(CASE WHEN .*? THEN '\[' \|\| \(_ferretdb_sjson->'\$\._id'\) ELSE (.*?) END\)/g, '$1')
        .replace(idSortKey, `_ferretdb_sjson->'_id'`)
        .replace(/_ferretdb_sjson->'\$\._id'/g, `_ferretdb_sjson->'_id'`)
        .replace(/->'([^'$]+)'/g, '->"$1"');
      expect(older).not.toEqual(index.sql);
      rewriteIndex(file, index.name, older);
    }

    await scratch.start();
    await checkHotReadPlans(file, databaseUri(scratch.engine.uri, 'pushdown'), statements);

    // Rebuilt: each index whose keys differ (`_id` as `->'_id'`, not the read's `->'$._id'` or the
    // sort key; a dotted field without its array marker). Kept: those that differ only by
    // `->"field"`, which SQLite reads as `->'field'` in CREATE INDEX (the credit lines' `userId`, say).
    const differs = (index: { sql: string }) => /CASE|'\$\._id'/.test(index.sql);
    const kept = rewritten.filter((index) => !differs(index));
    const rebuilt = rewritten.filter(differs);
    expect(kept.map((index) => index.name)).toContainEqual(
      expect.stringMatching(/^creditlines_.*_userId_1$/),
    );
    expect(rebuilt.map((index) => index.name)).toContainEqual(
      expect.stringMatching(/^partnerpayments_.*_partner\.partnerId_1__id_-1$/),
    );
    for (const index of kept) expect(indexSql(file, index.name)).toMatch(/->"/);
    for (const index of rebuilt) expect(indexSql(file, index.name)).toEqual(index.sql);
  });
});

describe('embedded FerretDB on SQLite: pushed-down reads under concurrent writes and open cursors', () => {
  test('a document that matches throughout is never missed while another client rewrites it, and 101 open sorted cursors hold no connection', async () => {
    await using scratch = await scratchFerretdb('pushdown-race');
    const client = new MongoClient(databaseUri(scratch.engine.uri, 'race'), { maxPoolSize: 12 });
    try {
      await client.connect();
      const probe = client.db().collection<{ _id: string; a: string | string[] }>('probe');
      await probe.createIndex({ a: 1, _id: 1 });
      await probe.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `o${n}`, a: 'x' })));
      // `d` holds 'x' as a string, then in an array, and back: it matches `{a: 'x'}` all the time.
      await probe.insertOne({ _id: 'd', a: 'x' });
      let stop = false;
      let reads = 0;
      let misses = 0;
      const writer = async () => {
        for (let n = 0; !stop; n++)
          await probe.updateOne({ _id: 'd' }, { $set: { a: n % 2 ? ['x', 'y'] : 'x' } });
      };
      const reader = async () => {
        while (!stop) {
          const docs = await probe.find({ a: 'x' }).sort({ _id: 1 }).toArray();
          reads++;
          if (!docs.some((doc) => doc._id === 'd')) misses++;
        }
      };
      const running = [writer(), writer(), ...Array.from({ length: 6 }, reader)];
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      stop = true;
      await Promise.all(running);
      expect(reads).toBeGreaterThan(100);
      expect(misses).toBe(0);

      // Cursors left open after a first batch of one: the rows were read before the reply, so they
      // keep no SQLite connection (FerretDB has 100), and a read after them is answered.
      const db = client.db();
      for (let n = 0; n < 101; n++) {
        await db.command({ find: 'probe', filter: { a: 'x' }, sort: { _id: 1 }, batchSize: 1 });
      }
      const answer = await Promise.race([
        probe.findOne({ _id: 'o1' }),
        new Promise((resolve) => setTimeout(() => resolve('no answer within 5 s'), 5_000)),
      ]);
      expect(answer).toEqual({ _id: 'o1', a: 'x' });
    } finally {
      await client.close(true);
    }
  });
});

describe('embedded FerretDB on SQLite: names FerretDB escapes', () => {
  test('a collection and an index whose names hold a backslash and a tab are read through the pushdown, and the directory opens again', async () => {
    await using scratch = await scratchFerretdb('pushdown-names');
    {
      const readBack = async () => {
        const client = new MongoClient(databaseUri(scratch.engine.uri, 'names'));
        try {
          const probe = client.db().collection<{ _id: string; a: string }>('back\\slash\tname');
          if ((await probe.countDocuments({})) === 0) {
            await probe.createIndex({ a: 1 }, { name: 'by\\a\tkey' });
            await probe.insertMany([
              { _id: 'k1', a: 'x' },
              { _id: 'k2', a: 'y' },
            ]);
          }
          return (await probe.find({ a: 'x' }).toArray()).map((doc) => doc._id);
        } finally {
          await client.close();
        }
      };
      expect(await readBack()).toEqual(['k1']);
      await scratch.stop();
      await scratch.start();
      expect(await readBack()).toEqual(['k1']);
    }
  });
});

describe('embedded FerretDB on SQLite: a stop while it rebuilds an older directory', () => {
  test('closing its standard input during the rebuild ends it before it is done, and the next start finishes the rebuild', async () => {
    await using scratch = await scratchFerretdb('rebuild-stop');
    const client = await MongoClient.connect(databaseUri(scratch.engine.uri, 'big'));
    const orders = client.db('big').collection<{ _id: string; userId: string }>('orders');
    await orders.createIndex({ userId: 1, _id: -1 });
    // Enough rows that the rebuild takes far longer than the stop (about 2 s for 150,000 here).
    for (let batch = 0; batch < 150; batch += 1) {
      await orders.insertMany(
        Array.from({ length: 1000 }, (_, n) => ({ _id: `o${batch}_${n}`, userId: `u${n % 97}` })),
      );
    }
    await client.close();
    await scratch.stop();

    // The index as builds before the pushdown wrote it (`_id` as its JSON, not the sort key), which this
    // build rebuilds when it opens the file.
    const file = scratch.file('big');
    const index = fieldIndexes(file).find((candidate) => candidate.sql.includes(`->'userId'`))!;
    rewriteIndex(file, index.name, index.sql.replace(idSortKey, `_ferretdb_sjson->'_id'`));

    // As the product starts it: its standard input is the parent's pipe, closed when the parent dies.
    const child = spawn(
      ferretdbBinary,
      ['-listen', '127.0.0.1:0', '-data', scratch.dataDir, '-watch-stdin'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('rebuilding index')) resolve();
      }),
    );
    child.stdin.end();
    expect(await exited).toBe(1);
    expect(stdout).not.toMatch(/^ready/m);
    expect(stderr).toMatch(/stopped while opening its data/);

    // The rebuild was rolled back: the next start does it again, and reads answer.
    expect(indexSql(file, index.name)).not.toMatch(idSortKey);

    // The product's own start gives it up the same way when its signal aborts (the launcher's stop
    // during a restart after a crash): aborted as FerretDB says it is rebuilding.
    const abort = new AbortController();
    const printed = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      if (String(line).includes('rebuilding index')) abort.abort();
    });
    try {
      await expect(startFerretdb({ dataDir: scratch.dataDir, signal: abort.signal })).rejects.toThrow(
        /FerretDB exited during start/,
      );
    } finally {
      printed.mockRestore();
    }
    expect(abort.signal.aborted).toBe(true);
    expect(indexSql(file, index.name)).not.toMatch(idSortKey);
    const engine = await scratch.start();
    const again = await MongoClient.connect(databaseUri(engine.uri, 'big'));
    // u5 holds n = 5, 102, 199, ... of each batch: 11 per batch of 1,000 (5 + 97k < 1000 for k <= 10).
    expect(await again.db('big').collection('orders').countDocuments({ userId: 'u5' })).toBe(150 * 11);
    await again.close();
    expect(indexSql(file, index.name)).toMatch(idSortKey);
  }, 120_000);
});
