import 'reflect-metadata';
import { Schema } from 'mongoose';
import { LedgerWriter } from '../ledger/ledger-writer';
import { CheckoutService } from '../app/orders/checkout.service';
import { ClockService } from '../app/common/clock.service';
import { CreditLineOpeningService } from '../app/credit/credit-line-opening.service';
import { demoProducts } from '../seed/demo-data';
import { connectDatabase, ensureIndexes } from '../storage/database';
import { databaseUri } from '../storage/engine/engine';
import { creditLineIdOf } from '../storage/ids';
import { ledgerEntryId } from '../storage/models/ledger-entry.model';
import { createRepositories, type Repositories } from '../storage/repositories/repositories';
import { startBenchEngine } from './bench-product';
import { median } from './bench-stats';

/**
 * `npm run bench:ledger`: checkouts per second on many lines and on one hot line, next to the engine's
 * raw unique-insert rate (the only atomic primitive every append is built on), and their ratios; then
 * checkouts per second with 1,000 and with 20,000 ledger entries in the collection.
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
  const { engine, stop: stopEngine } = await startBenchEngine('bench');
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
    const checkoutOn = (on: Repositories) => {
      const ledger = new LedgerWriter(on);
      // A clock per checkout: it keeps one instant per request.
      return (userId: string, key: string) =>
        new CheckoutService(
          'MALL',
          on,
          on.mallOrders,
          new ClockService(on.clock, 'local', () => (fakeNow += 60_000)),
          ledger,
        ).checkout(
          { userId, scopes: ['user'] },
          { items: [{ productId: 'mall-tea-set', quantity: 1 }], plan: 'FULL', idempotencyKey: key },
        );
    };
    const checkout = checkoutOn(repos);

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

    // 4. Checkouts as the database grows, side by side: two more databases on the same engine, one
    // with 1,000 ledger entries, one with 20,000 and 2,000 orders for each checking-out user; rounds
    // of 100 checkouts over 10 lines alternate between them. The filler is copies of a real entry and
    // order under other ids (the bench cannot wait for 20,000 real checkouts).
    const sized = async (ledgerEntries: number, ordersPerUser: number) => {
      const sizedDb = await connectDatabase(databaseUri(engine.uri, `bench_${ledgerEntries}_${Date.now()}`));
      opened.push(sizedDb);
      await ensureIndexes(sizedDb);
      const sizedRepos = createRepositories(sizedDb);
      for (const product of demoProducts) await sizedRepos.products.insertOnce(product);
      const lineUsers = users.slice(0, 10);
      for (const userId of lineUsers)
        await new CreditLineOpeningService(sizedRepos).open(userId, strong, 5, new Date());
      const run = checkoutOn(sizedRepos);
      await run(lineUsers[0]!, 'template-000000');
      const template = (await sizedRepos.ledger.entry(creditLineIdOf(lineUsers[0]!), 2))!;
      const orderTemplate = (await sizedDb.models.mallOrders.findOne({}).lean().exec())!;
      for (
        let filled = await sizedDb.models.ledgerEntries.estimatedDocumentCount().exec();
        filled < ledgerEntries;
      ) {
        const docs = Array.from({ length: Math.min(1_000, ledgerEntries - filled) }, () => {
          filled += 1;
          const lineId = `cl_filler${filled % 500}`;
          const sequence = Math.floor(filled / 500) + 1;
          return {
            ...template,
            _id: ledgerEntryId(lineId, sequence),
            lineId,
            sequence,
            idempotencyKey: `${lineId}:filler-${filled}`,
          };
        });
        await sizedDb.models.ledgerEntries.collection.insertMany(docs as never[]);
      }
      for (const userId of lineUsers) {
        const orders = Array.from({ length: ordersPerUser }, (_, n) => ({
          ...orderTemplate,
          _id: `${orderTemplate._id}_f${String(n).padStart(5, '0')}${userId}`,
          userId,
          idempotencyKey: `${userId}:filler-${n}`,
        }));
        for (let i = 0; i < orders.length; i += 1_000)
          await sizedDb.models.mallOrders.collection.insertMany(orders.slice(i, i + 1_000) as never[]);
      }
      const entries = await sizedDb.models.ledgerEntries.estimatedDocumentCount().exec();
      const orders = await sizedDb.models.mallOrders.estimatedDocumentCount().exec();
      let round = 0;
      return {
        label: `${entries} ledger entries, ${orders} orders`,
        round: () => {
          round += 1;
          return pool(100, (i) => run(lineUsers[i % lineUsers.length]!, `r${round}-${i}-000000`));
        },
      };
    };
    const opened: Awaited<ReturnType<typeof connectDatabase>>[] = [];
    try {
      const databases = [await sized(1_000, 0), await sized(20_000, 2_000)];
      const rates: number[][] = databases.map(() => []);
      const growthResults: Awaited<ReturnType<typeof checkout>>[] = [];
      for (let round = 1; round <= 3; round += 1) {
        for (const [index, database] of databases.entries()) {
          const { perSecond, result } = await timed(
            `round ${round}: checkouts, ${database.label}`,
            100,
            database.round,
          );
          rates[index]!.push(perSecond);
          growthResults.push(...result);
        }
      }
      const [smallRate, largeRate] = rates.map(median) as [number, number];
      console.log(
        `checkouts/s, median of 3 rounds: ${smallRate.toFixed(1)} at ${databases[0]!.label}; ` +
          `${largeRate.toFixed(1)} at ${databases[1]!.label}; ratio large/small ${(largeRate / smallRate).toFixed(3)} (target >= 0.667: within 1.5x)`,
      );
      const growthRefused = growthResults.filter((r) => r.order === null).length;
      console.log(`refused checkouts in the growth rounds: ${growthRefused} (expected 0)`);
      if (growthRefused > 0) process.exitCode = 1;
    } finally {
      for (const sizedDb of opened) {
        await sizedDb.connection.dropDatabase().catch(() => undefined);
        await sizedDb.close();
      }
    }

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
    await stopEngine();
  }
}

void main();
