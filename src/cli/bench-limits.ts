import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signUserToken } from '../auth/token';
import { loadConfig } from '../config';
import { startBenchProduct, stopBenchProduct } from './bench-product';
import { median, percentile } from './bench-stats';

/**
 * `npm run bench:limits`: does the worst operation the limits still allow, sent on 20 connections,
 * starve another client? It starts the product (embedded FerretDB), finds the slowest of several
 * allowed heavy operations, then alternates rounds: another client's `me { id }` alone, then the
 * same while a load generator in another process keeps 20 connections of the heavy operation busy.
 * Prints p50/p99 per round and the loaded/idle p50 ratio (target: within 2x).
 */
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const windowMs = Number(process.env.BENCH_WINDOW_MS ?? 5_000);
/**
 * The heavy client's accounts: one by default (one client, 20 connections); 2 spreads it over bob
 * and carol. Never alice: she is the other client, and sharing her account would measure her own share.
 */
const attackerAccounts = Math.max(1, Math.min(2, Number(process.env.BENCH_ACCOUNTS ?? 1)));

interface Request {
  token: string;
  body: string;
}

async function post(url: string, request: Request): Promise<{ status: number; errors: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
    body: request.body,
  });
  const json = (await response.json()) as { errors?: unknown[] };
  return { status: response.status, errors: json.errors?.length ?? 0 };
}

/** The load generator: `connections` loops sending the operation until told to stop. */
async function attack(url: string, requests: Request[]): Promise<void> {
  let stopped = false;
  const statuses: Record<number, number> = {};
  process.on('message', (message) => {
    if (message === 'stop') stopped = true;
  });
  await Promise.all(
    requests.map(async (request) => {
      while (!stopped) {
        const { status } = await post(url, request).catch(() => ({ status: 0 }));
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  process.send!({ statuses });
  process.disconnect();
}

/** `me { id }` ten times a second (as a user's app would, within its rate limit) for `windowMs`. */
async function measure(url: string, request: Request): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + windowMs;
  while (performance.now() < until) {
    const started = performance.now();
    const { status, errors } = await post(url, request);
    if (status !== 200 || errors > 0) throw new Error(`me { id } failed: ${status}`);
    const took = performance.now() - started;
    latencies.push(took);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - took)));
  }
  return latencies.sort((a, b) => a - b);
}

/** Heavy operations within the default limits (README "Limits"); the slowest is the one sent. */
const aliases = (count: number, field: string) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const fragmentChain = (n: number) =>
  `query FanOut { products { ...F0 } } ${Array.from(
    { length: n },
    (_, i) => `fragment F${i} on MallProduct { ${i < n - 1 ? `...F${i + 1} ...F${i + 1}` : 'id title'} }`,
  ).join(' ')}`;
const candidates: Record<string, string> = {
  '30 aliases of installmentOffers': aliases(
    30,
    'installmentOffers(amount: "9999.00") { periods perPeriodPayment { amount } totalFee { amount } annualizedRate }',
  ),
  '30 aliases of products(first: 50)': aliases(30, 'products(first: 50) { id title price { amount } }'),
  '30 aliases of me with orders and bills': aliases(
    30,
    'me { creditLine { available { minor } } mallOrders(first: 50) { edges { node { id status } } } bills(first: 12) { edges { node { id } } } }',
  ),
  'fragment chain of 10 (1,024 fields)': fragmentChain(10),
};

async function main(): Promise<void> {
  if (process.argv[2] === '--attack') {
    const { url, requests } = JSON.parse(process.argv[3]!) as { url: string; requests: Request[] };
    return attack(url, requests);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-bench-limits-'));
  // Every client here is 127.0.0.1: a per-address limit would measure itself, not the product.
  const product = await startBenchProduct(dataDir, { RATE_LIMIT_ADDRESS_PER_MINUTE: '0' });
  const { url } = product;
  try {
    const { authSecret, limits } = loadConfig();
    const me: Request = { token: signUserToken(authSecret, 'u_alice'), body: '{"query":"{ me { id } }"}' };
    console.log(
      `Node ${process.version}; ${connections} connections; ${rounds} rounds of ${windowMs / 1000} s; ` +
        `limits: cost ${limits.maxCost}, aliases ${limits.maxAliases}, fields ${limits.maxFields}, ` +
        `${limits.viewerRequestsPerMinute}/min, ${limits.inFlightPerCaller} at once and ` +
        (limits.callerTimePercent > 0
          ? `${limits.callerTimePercent}% of the time (burst ${limits.callerTimeBurstMs} ms) per viewer`
          : 'no time share per viewer'),
    );
    // The heavy operation: the slowest candidate the gateway accepts.
    let worst: { name: string; query: string; p50: number } | undefined;
    for (const [name, query] of Object.entries(candidates)) {
      const request = { token: signUserToken(authSecret, 'u_bob'), body: JSON.stringify({ query }) };
      const times: number[] = [];
      let refused = false;
      for (let n = 0; n < 7; n += 1) {
        const started = performance.now();
        const { status, errors } = await post(url, request);
        times.push(performance.now() - started);
        refused ||= status !== 200 || errors > 0;
      }
      const p50 = percentile(
        times.sort((a, b) => a - b),
        50,
      );
      console.log(
        `  candidate ${name.padEnd(40)} ${refused ? 'refused by the limits' : `${p50.toFixed(1)} ms`}`,
      );
      if (!refused && (!worst || p50 > worst.p50)) worst = { name, query, p50 };
    }
    if (!worst) throw new Error('every candidate was refused');
    console.log(`heavy operation: ${worst.name}, sent by ${attackerAccounts} account(s)`);
    // Seeded users with a credit line, so every heavy request is served in full.
    const accounts = ['u_bob', 'u_carol'].slice(0, attackerAccounts);
    const requests = Array.from({ length: connections }, (_, n) => ({
      token: signUserToken(authSecret, accounts[n % accounts.length]!),
      body: JSON.stringify({ query: worst!.query }),
    }));

    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const idle = await measure(url, me);
      const attacker = fork(__filename, ['--attack', JSON.stringify({ url, requests })], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const report = new Promise<Record<number, number>>((resolve) =>
        attacker.on('message', (message: { statuses: Record<number, number> }) => resolve(message.statuses)),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the 20 connections are busy
      const loaded = await measure(url, me);
      attacker.send('stop');
      const statuses = await report;
      const ratio = percentile(loaded, 50) / percentile(idle, 50);
      ratios.push(ratio);
      const sent = Object.values(statuses).reduce((sum, count) => sum + count, 0);
      console.log(
        `round ${round}: me idle p50 ${percentile(idle, 50).toFixed(1)} ms p99 ${percentile(idle, 99).toFixed(1)} ms (${idle.length}); ` +
          `loaded p50 ${percentile(loaded, 50).toFixed(1)} ms p99 ${percentile(loaded, 99).toFixed(1)} ms (${loaded.length}); ` +
          `ratio ${ratio.toFixed(2)}x; heavy: ${sent} sent, by status ${JSON.stringify(statuses)}`,
      );
    }
    console.log(
      `me p50 loaded/idle: median ${median(ratios).toFixed(2)}x over ${rounds} rounds (target <= 2.00x)`,
    );
  } finally {
    await stopBenchProduct(product);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
