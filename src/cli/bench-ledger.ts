import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Schema } from 'mongoose';
import { LedgerWriter } from '../ledger/ledger-writer';
import { CheckoutService } from '../app/orders/checkout.service';
import { ClockService } from '../app/common/clock.service';
import { CreditLineOpeningService } from '../app/credit/credit-line-opening.service';
import { demoProducts } from '../seed/demo-data';
import { connectDatabase, ensureIndexes } from '../storage/database';
import { databaseUri, startEngine } from '../storage/engine/engine';
import { createRepositories } from '../storage/repositories/repositories';

/**
 * `npm run bench:ledger`: checkouts per second on many lines and on one hot line, next to the engine's
 * raw unique-insert rate (the only atomic primitive every append is built on), and their ratios.
 * Runs on MONGODB_URI if set, else a throwaway embedded FerretDB.
 */
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function pool<T>(count: number, worker: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await worker(index);
      }
    }),
  );
  return results;
}

async function timed<T>(
  label: string,
  count: number,
  run: () => Promise<T>,
): Promise<{ perSecond: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = count / seconds;
  console.log(
    `${label.padEnd(44)} ${String(count).padStart(5)} in ${seconds.toFixed(2)} s = ${perSecond.toFixed(1)}/s`,
  );
  return { perSecond, result };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-bench-'));
  const engine = await startEngine({ mongodbUri: process.env.MONGODB_URI, dataDir });
  const db = await connectDatabase(databaseUri(engine.uri, `bench_${Date.now()}`));
  try {
    console.log(`engine: ${engine.description}; Node ${process.version}; concurrency ${concurrency}`);
    await ensureIndexes(db);
    const repos = createRepositories(db);
    for (const product of demoProducts) await repos.products.insertOnce(product);

    // 1. Raw unique-key inserts.
    const raw = db.connection.model(
      'BenchInsert',
      new Schema(
        { _id: String, lineId: String, sequence: Number },
        { collection: 'benchInserts', autoIndex: false },
      ),
    );
    await raw.createCollection();
    await raw.collection.createIndex({ lineId: 1, sequence: 1 }, { unique: true });
    const rawCount = 2_000;
    const rawRate = await timed('raw unique inserts', rawCount, () =>
      pool(rawCount, (i) => raw.create({ _id: `b${i}`, lineId: `l${i % 50}`, sequence: i })),
    );

    // Lines with the top limit (30,000.00), opened through the ledger like real ones.
    const opening = new CreditLineOpeningService(repos);
    const strong = {
      accountAgeDays: 800,
      verifiedIncomeBand: 4,
      onTimeBills: 24,
      lateBills: 0,
      maxDaysOverdue: 0,
      purchasesLast90Days: 20,
    };
    const users = Array.from({ length: 50 }, (_, i) => `u_bench${i}`);
    for (const userId of users) await opening.open(userId, strong, 5, new Date());

    // Simulated time moves a minute per checkout, so the velocity rule never refuses a bench order.
    let fakeNow = Date.now();
    const ledger = new LedgerWriter(repos);
    const checkout = (userId: string, key: string) =>
      new CheckoutService(
        'MALL',
        repos,
        repos.mallOrders,
        new ClockService(repos.clock, 'local', () => (fakeNow += 60_000)),
        ledger,
      ).checkout(
        { userId, scopes: ['user'] },
        { items: [{ productId: 'mall-tea-set', quantity: 1 }], plan: 'FULL', idempotencyKey: key },
      );

    // 2. Many lines: 500 checkouts over 49 lines.
    const manyCount = 490;
    const many = await timed('checkouts, many lines (49)', manyCount, () =>
      pool(manyCount, (i) => checkout(users[1 + (i % 49)]!, `many-${i}-0000`)),
    );

    // 3. One hot line: every checkout contends for the same ledger head.
    const hotCount = 100;
    const hot = await timed('checkouts, one hot line', hotCount, () =>
      pool(hotCount, (i) => checkout(users[0]!, `hot-${i}-00000`)),
    );

    const refused = [...many.result, ...hot.result].filter((r) => r.order === null).length;
    const heads = await repos.ledger.all('cl_bench0');
    console.log(
      `refused checkouts: ${refused} (expected 0); hot line ledger entries: ${heads.length} (expected ${hotCount + 1})`,
    );
    console.log(`ratio many lines / raw inserts: ${(many.perSecond / rawRate.perSecond).toFixed(3)}`);
    console.log(`ratio hot line / raw inserts:   ${(hot.perSecond / rawRate.perSecond).toFixed(3)}`);
    console.log(`ratio hot line / many lines:    ${(hot.perSecond / many.perSecond).toFixed(3)}`);
    if (refused > 0 || heads.length !== hotCount + 1) process.exitCode = 1;
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await engine.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
