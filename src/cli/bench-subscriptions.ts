import 'reflect-metadata';
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { decodeCursor } from '../app/credit/bill-update-cursor';
import { signUserToken } from '../auth/token';
import { loadConfig } from '../config';
import { ledgerNotices } from '../ledger/ledger-notices';
import { LedgerWriter } from '../ledger/ledger-writer';
import { connectNoticeTransport } from '../ledger/notice-transport';
import { CreditLineOpeningService } from '../app/credit/credit-line-opening.service';
import { demoApplicants, demoUsers, seededAt } from '../seed/demo-data';
import { connectDatabase } from '../storage/database';
import { databaseUri, startEngine } from '../storage/engine/engine';
import { creditLineIdOf } from '../storage/ids';
import { createRepositories } from '../storage/repositories/repositories';
import { percentile } from './bench-stats';

/**
 * `npm run bench:subscriptions`: this process is the load generator. It starts the product (embedded
 * FerretDB, four subgraphs, one gateway, REDIS_URL so that its own ledger appends reach the credit
 * subgraph), opens credit lines for BENCH_LINES users (default 100), then opens graphql-ws
 * subscribers on the gateway in steps (BENCH_COUNTS, default 1000,5000,10000), each a user's own
 * client, round-robin over the users (10,000 subscribers are 100 per line). It
 * appends limit changes at a fixed rate (BENCH_RATE per second, BENCH_EVENTS per step) to the lines
 * round-robin. Per step it prints the connect time, event-to-client p50/p99 (append done -> message
 * received, one clock), events lost (expected deliveries never received) and the gateway's RSS per
 * subscriber over its idle RSS. BENCH_LINES=3 is the worst case: a third of all subscribers get
 * every update of a line.
 */
const counts = (process.env.BENCH_COUNTS ?? '1000,5000,10000').split(',').map(Number);
const lineCount = Number(process.env.BENCH_LINES ?? 100);
const ratePerSecond = Number(process.env.BENCH_RATE ?? 20);
const eventsPerStep = Number(process.env.BENCH_EVENTS ?? 200);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const targets = { p99Ms: 200, kbPerSubscriber: 20 };

const distDir = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

function childPidRunning(parent: number, script: string): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).trim().split('\n');
  const table = rows.map((row) => {
    const [pid, ppid, ...args] = row.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), args: args.join(' ') };
  });
  const below = new Set([parent]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of table) {
      if (below.has(row.ppid) && !below.has(row.pid)) {
        below.add(row.pid);
        grew = true;
      }
    }
  }
  const found = table.find((row) => below.has(row.pid) && row.args.includes(script));
  if (!found) throw new Error(`no process running ${script}`);
  return found.pid;
}

interface Subscriber {
  client: Client;
  lineId: string;
  /** line:sequence -> received at (ms) */
  received: Map<string, number>;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-bench-subs-'));
  const engine = await startEngine({ mongodbUri: process.env.MONGODB_URI, dataDir });
  const databaseName = `bench_subscriptions_${Date.now()}`;
  const stack = fork(path.join(distDir, 'main.js'), [], {
    env: {
      ...process.env,
      PORT: '0',
      SUBGRAPH_BASE_PORT: '0',
      MONGODB_URI: engine.uri,
      DATABASE_NAME: databaseName,
      REDIS_URL: redisUrl,
      DATA_DIR: dataDir,
      // Every subscriber here is 127.0.0.1, and with BENCH_LINES=3 a user has 3,333 of them: their
      // subscribe messages would pass the per-address and per-viewer limits within the minute.
      RATE_LIMIT_ADDRESS_PER_MINUTE: '0',
      RATE_LIMIT_VIEWER_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    stack.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready' && message.url) resolve(message.url);
    });
    stack.once('exit', (code) => reject(new Error(`the product exited during start (${code})`)));
  });
  const gatewayPid = childPidRunning(stack.pid!, 'gateway/main.js');
  const creditPid = (() => {
    try {
      return childPidRunning(stack.pid!, 'subgraphs/main.js');
    } catch {
      return undefined;
    }
  })();

  // The writer side: real appends on the same database; their notices go out through Redis.
  const db = await connectDatabase(databaseUri(engine.uri, databaseName));
  const repos = createRepositories(db);
  const closeNotices = await connectNoticeTransport(ledgerNotices, redisUrl);
  const writer = new LedgerWriter(repos);
  const { authSecret } = loadConfig();
  // The demo users first, then users opened here with the first demo applicant's figures.
  const userIds = demoUsers.map((user) => user._id);
  const opening = new CreditLineOpeningService(repos);
  const applicant = demoApplicants[0]!;
  for (let i = userIds.length; i < lineCount; i += 1) {
    const userId = `u_bench_${String(i).padStart(5, '0')}`;
    await repos.users.insertOnce({
      _id: userId,
      displayName: `Bench ${i}`,
      phone: '13800000000',
      createdAt: seededAt,
    });
    await opening.open(userId, applicant.inputs, applicant.statementDay, seededAt);
    userIds.push(userId);
  }
  const users = userIds.slice(0, lineCount).map((userId) => ({
    lineId: creditLineIdOf(userId),
    token: signUserToken(authSecret, userId),
  }));
  const sentAt = new Map<string, number>();
  let eventSerial = 0;
  const append = async (lineId: string) => {
    const line = await repos.creditLines.byId(lineId);
    const limitMinor = line!.state!.limitMinor;
    eventSerial += 1;
    // Up by one fen, then back: a LIMIT_CHANGED update each time, nothing else changes.
    const raise = eventSerial % 2 === 1;
    const outcome = await writer.append({
      lineId,
      key: `bench-review:${eventSerial}`,
      requestHash: `bench-${eventSerial}`,
      now: new Date(Math.max(Date.now(), line!.state!.lastAt)),
      command: {
        type: 'REVIEW_LIMIT',
        reviewId: `bench-${eventSerial}`,
        action: raise ? 'RAISE' : 'CUT',
        newLimitMinor: limitMinor + (raise ? 1 : -1),
      },
    });
    if (outcome.status !== 'APPLIED') throw new Error(`append ${outcome.status}`);
    sentAt.set(`${lineId}:${outcome.entry!.sequence}`, Date.now());
  };

  const idleRssKb = rssKb(gatewayPid);
  const subscribers: Subscriber[] = [];
  let stopping = false; // once set, sockets close on purpose
  const query = 'subscription { billUpdated { cursor kind } }';
  const open = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const user = users[index % users.length]!;
      const subscriber: Subscriber = {
        client: createClient({
          url: url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${user.token}` },
          retryAttempts: 0,
          lazy: false,
          on: {
            connected: () => resolve(),
            closed: (event) => reject(new Error(`closed: ${JSON.stringify(event)}`)),
          },
        }),
        lineId: user.lineId,
        received: new Map(),
      };
      subscriber.client.subscribe<{ billUpdated: { cursor: string } }>(
        { query },
        {
          next: (payload) => {
            const cursor = payload.data?.billUpdated.cursor;
            const position = cursor ? decodeCursor(cursor) : undefined;
            const sequence = position?.get(subscriber.lineId);
            if (sequence !== undefined)
              subscriber.received.set(`${subscriber.lineId}:${sequence}`, Date.now());
          },
          // A refused or failed subscription would only show up as lost events: say so at once.
          error: (error: unknown) => {
            if (stopping) return;
            console.error(`subscriber ${index} of ${subscriber.lineId} failed:`, JSON.stringify(error));
            process.exitCode = 1;
          },
          complete: () => undefined,
        },
      );
      subscribers.push(subscriber);
    });

  console.log(
    `bench:subscriptions: ${ratePerSecond} events/s, ${eventsPerStep} per step, over ${users.length} lines; ` +
      `gateway idle RSS ${(idleRssKb / 1024).toFixed(1)} MiB; targets p99 <= ${targets.p99Ms} ms, ` +
      `<= ${targets.kbPerSubscriber} KB per subscriber`,
  );
  console.log(
    'subscribers | connect s | p50 ms | p99 ms | lost | gateway RSS MiB | KB/subscriber | credit RSS MiB',
  );
  try {
    for (const count of counts) {
      const started = Date.now();
      const batch = 200;
      try {
        for (let next = subscribers.length; next < count; next += batch) {
          await Promise.all(Array.from({ length: Math.min(batch, count - next) }, (_, i) => open(next + i)));
        }
      } catch (error) {
        console.log(`${String(count).padStart(11)} | could not open: ${(error as Error).message}`);
        break;
      }
      const connectSeconds = (Date.now() - started) / 1000;
      // Every subscriber is following once it has a warm-up update (repeated until all have one).
      for (let round = 0; ; round += 1) {
        const waiting = new Set(subscribers.filter((s) => s.received.size === 0).map((s) => s.lineId));
        if (waiting.size === 0) break;
        if (round > 120) throw new Error('subscribers never all received a warm-up update');
        for (const lineId of waiting) await append(lineId);
        await sleep(500);
      }
      for (const subscriber of subscribers) subscriber.received.clear();
      const driven: string[] = [];
      const before = new Set(sentAt.keys());
      for (let i = 0; i < eventsPerStep; i += 1) {
        const tick = Date.now();
        await append(users[i % users.length]!.lineId);
        await sleep(Math.max(0, 1000 / ratePerSecond - (Date.now() - tick)));
      }
      for (const key of sentAt.keys()) if (!before.has(key)) driven.push(key);
      const expected = () =>
        subscribers.reduce(
          (sum, s) => sum + driven.filter((key) => key.startsWith(`${s.lineId}:`)).length,
          0,
        );
      const deliveredCount = () =>
        subscribers.reduce((sum, s) => sum + driven.filter((key) => s.received.has(key)).length, 0);
      const deadline = Date.now() + 30_000;
      while (deliveredCount() < expected() && Date.now() < deadline) await sleep(200);
      const latencies: number[] = [];
      for (const subscriber of subscribers) {
        for (const key of driven) {
          const at = subscriber.received.get(key);
          if (at !== undefined) latencies.push(at - sentAt.get(key)!);
        }
      }
      latencies.sort((a, b) => a - b);
      const gatewayKb = rssKb(gatewayPid);
      console.log(
        [
          String(count).padStart(11),
          connectSeconds.toFixed(1).padStart(9),
          String(percentile(latencies, 50)).padStart(6),
          String(percentile(latencies, 99)).padStart(6),
          String(expected() - deliveredCount()).padStart(4),
          (gatewayKb / 1024).toFixed(1).padStart(15),
          ((gatewayKb - idleRssKb) / count).toFixed(1).padStart(13),
          creditPid ? (rssKb(creditPid) / 1024).toFixed(1).padStart(14) : '?',
        ].join(' | '),
      );
    }
  } finally {
    stopping = true;
    await Promise.all(subscribers.map((s) => s.client.dispose()));
    await closeNotices();
    await db.close();
    stack.kill('SIGTERM');
    await new Promise((resolve) => stack.once('exit', resolve));
    await engine.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
