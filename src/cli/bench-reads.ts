import fs from 'node:fs';
import path from 'node:path';
import { signPartnerToken, signUserToken } from '../auth/token';
import { loadConfig, projectRoot } from '../config';
import { connectDatabase, type Models } from '../storage/database';
import { databaseUri } from '../storage/engine/engine';
import { creditLineIdOf, sortableId } from '../storage/ids';
import type { OrderDoc } from '../storage/models/order.model';
import { startWireCounter } from '../storage/wire-counter';
import { type BenchProduct, startBenchEngine, startBenchProduct, stopBenchProduct } from './bench-product';
import { percentile } from './bench-stats';

/**
 * `npm run bench:reads`: the account-home query as a user's history grows, and a partner's payments
 * page as its payments grow. It starts a database engine (the embedded FerretDB;
 * FERRETDB_POSTGRESQL_URL puts it on PostgreSQL; MONGODB_URI uses that server), runs the product over
 * it through a proxy that counts MongoDB messages, then grows the demo users' order histories to 1,
 * 20, 200 and 2,000 orders per store, and as many payments per user for each of two partners. At
 * each size it prints the database messages one read costs and its p50/p99 through the gateway, with
 * the ratio to the smallest size (targets: the same messages at every size; p50 within 1.5x).
 */
const sizes = (process.env.BENCH_SIZES ?? '1,20,200,2000').split(',').map(Number);
const requestsPerSize = Number(process.env.BENCH_REQUESTS ?? 60);
/** Users whose histories grow (the viewer and one other, so the collections grow past the viewer). */
const users = ['u_alice', 'u_bob'];
/** The partner whose page is read, and one more, so the collection grows past it (demo partners). */
const partners = ['p_lakeside_wallet', 'p_skyline_telecom'];

/** A payment a partner took for a bound user, as the wallets subgraph records it. */
function syntheticPartnerPayment(partnerId: string, userId: string, n: number, at: Date): OrderDoc {
  return {
    ...syntheticOrder(userId, 'mall', n, at),
    _id: sortableId('pp', at, `b${partnerId.slice(2, 5)}${String(n).padStart(6, '0')}${userId.slice(2, 6)}`),
    authorizationId: `auth_bench_${partnerId}_${userId}_${n}`,
    idempotencyKey: `${partnerId}:bench-${userId}-${n}`,
    partner: { partnerId, partnerUserId: `bench-${userId}`, kind: 'IN_APP', merchantRef: `bench-${n}` },
  };
}

/**
 * Inserts synthetic documents until `filter` matches `target` of them; `make(n)` builds one, numbered
 * on from the documents already there.
 */
async function fillTo(
  model: Models['mallOrders'],
  filter: Record<string, string>,
  target: number,
  make: (n: number) => OrderDoc,
): Promise<void> {
  const have = await model.countDocuments(filter).exec();
  const docs = Array.from({ length: Math.max(0, target - have) }, (_, i) => make(have + i));
  for (let i = 0; i < docs.length; i += 500) await model.insertMany(docs.slice(i, i + 500));
}

interface Read {
  name: string;
  body: string;
  token: string;
  /** The field the answer must hold. */
  field: string;
}

/** A shipped order as checkout and shipping leave it; only what account home reads matters here. */
function syntheticOrder(userId: string, store: string, n: number, at: Date): OrderDoc {
  return {
    _id: sortableId('ord', at, `b${store[0]}${String(n).padStart(6, '0')}${userId.slice(2, 6)}`),
    userId,
    items: [{ sku: 'mall-tea-set', title: 'Tea set', quantity: 1, unitPriceMinor: 12_900 }],
    totalMinor: 12_900,
    plan: store === 'mall' ? 'FULL' : 'INSTALLMENTS',
    periods: store === 'mall' ? 1 : 3,
    status: 'SHIPPED',
    lineId: creditLineIdOf(userId),
    authorizationId: `auth_bench_${store}_${userId}_${n}`,
    idempotencyKey: `${userId}:bench-${store}-${n}`,
    requestHash: 'bench',
    capturedMinor: 12_900,
    refundedMinor: 0,
    createdAt: at,
  };
}

async function main(): Promise<void> {
  const { engine, dataDir, stop: stopEngine } = await startBenchEngine('bench-reads');
  const databaseName = `bench_reads_${Date.now()}`;
  const counter = await startWireCounter(engine.uri);
  const db = await connectDatabase(databaseUri(engine.uri, databaseName));
  let product: BenchProduct | undefined;
  try {
    product = await startBenchProduct(dataDir, {
      MONGODB_URI: counter.uri,
      DATABASE_NAME: databaseName,
      RATE_LIMIT_ADDRESS_PER_MINUTE: '0',
      RATE_LIMIT_VIEWER_PER_MINUTE: '0',
      // One user's page loads back to back: its time share would time the wait, not the read.
      CALLER_TIME_PERCENT: '0',
    });
    const { authSecret } = loadConfig();
    const reads: Read[] = [
      {
        name: 'account home',
        body: JSON.stringify({
          query: fs.readFileSync(
            path.join(projectRoot, 'client', 'operations', 'account-home.graphql'),
            'utf8',
          ),
        }),
        token: signUserToken(authSecret, 'u_alice'),
        field: 'me',
      },
      {
        name: 'partner payments page',
        body: JSON.stringify({
          query:
            '{ partnerPayments(first: 20) { edges { cursor node { id kind partnerUserId merchantRef ' +
            'amount { minor } status createdAt } } pageInfo { hasNextPage endCursor } } }',
        }),
        token: signPartnerToken(authSecret, partners[0]!, ['payments']),
        field: 'partnerPayments',
      },
    ];
    const send = async (read: Read) => {
      const response = await fetch(product!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${read.token}` },
        body: read.body,
      });
      const json = (await response.json()) as { errors?: unknown[]; data?: Record<string, unknown> };
      if (response.status !== 200 || json.errors || !json.data?.[read.field]) {
        throw new Error(`${read.name} failed: ${response.status} ${JSON.stringify(json.errors)}`);
      }
    };
    console.log(
      `engine: ${engine.description}; Node ${process.version}; ${requestsPerSize} requests of each read per size, one at a time`,
    );
    console.log(
      `size = orders per store per user (users: ${users.join(', ')}), and payments per user (at least 10, ` +
        `so a page of 20 is full) for each of ${partners.join(', ')} (the first one's page is read)`,
    );
    console.log(`read                  |   size | messages | p50 ms | p99 ms | p50 ratio`);

    const stores = { mall: db.models.mallOrders, installment: db.models.installmentOrders } as const;
    // Orders placed a minute apart, ending before now, so the seeded orders stay the newest.
    const start = Date.now() - 60_000 * (Math.max(...sizes) + 10) * users.length;
    const baseP50 = new Map<string, number>();
    for (const size of sizes) {
      const at = (n: number) => new Date(start + n * 60_000);
      for (const [store, model] of Object.entries(stores)) {
        for (const userId of users) {
          await fillTo(model, { userId }, size, (n) => syntheticOrder(userId, store, n, at(n)));
        }
      }
      for (const partnerId of partners) {
        for (const userId of users) {
          // At least 10 per user, so the page of 20 is full at every size.
          await fillTo(
            db.models.partnerPayments,
            { 'partner.partnerId': partnerId, userId },
            Math.max(size, 10),
            (n) => syntheticPartnerPayment(partnerId, userId, n, at(n)),
          );
        }
      }
      for (const read of reads) {
        for (let i = 0; i < 5; i += 1) await send(read); // warm-up: connections, plans, caches
        // Messages of one request: the least over several, so a background job's read cannot count.
        const counts: number[] = [];
        for (let i = 0; i < 5; i += 1) {
          counter.reset();
          await send(read);
          counts.push(counter.commands().length);
        }
        const latencies: number[] = [];
        for (let i = 0; i < requestsPerSize; i += 1) {
          const started = performance.now();
          await send(read);
          latencies.push(performance.now() - started);
        }
        latencies.sort((a, b) => a - b);
        const p50 = percentile(latencies, 50);
        if (!baseP50.has(read.name)) baseP50.set(read.name, p50);
        console.log(
          `${read.name.padEnd(21)} | ${String(size).padStart(6)} | ${String(Math.min(...counts)).padStart(3)} (seen ${counts.join(',')}) | ` +
            `${p50.toFixed(1).padStart(7)} | ${percentile(latencies, 99).toFixed(1).padStart(7)} | ${(p50 / baseP50.get(read.name)!).toFixed(2)}x`,
        );
      }
    }
  } finally {
    if (product) await stopBenchProduct(product);
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await counter.close();
    await stopEngine();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
