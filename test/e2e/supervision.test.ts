import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { metricValue, scrape } from '../support/metrics-text';
import { distDir, descendantPids, type Stack, startStack, tokenFor } from '../support/stack';

/**
 * Kill -9 during a checkout storm (README "Supervision and readiness"): the launcher restarts a
 * subgraph and the embedded FerretDB by itself, /readiness says 503 meanwhile, the system serves
 * again within 10 s, and no acknowledged payment is lost or duplicated; the ledger rebuilds clean.
 */
describe('supervision: kill -9 during a checkout storm', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-kill-'));
  const env = { MONGODB_URI: '', DATA_DIR: dataDir };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** The process of the stack whose environment or command line matches. */
  function processOf(stack: Stack, matches: (environ: string, cmdline: string) => boolean): number {
    for (const pid of descendantPids(stack.process.pid!)) {
      try {
        const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (matches(environ, cmdline)) return pid;
      } catch {
        // gone meanwhile
      }
    }
    throw new Error('process not found');
  }

  async function graphql(stack: Stack, token: string, query: string, variables: unknown = {}) {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    return (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
    };
  }

  const checkoutMutation = `mutation($input: CheckoutInput!) { checkout(input: $input) {
    order { id } userErrors { code } } }`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /**
   * One checkout, retried with its key until it has an answer (an order or a refusal): what a client
   * that was not acknowledged does.
   */
  async function checkoutUntilAnswered(stack: Stack, token: string, key: string): Promise<string> {
    const input = { items: [{ productId: 'mall-tea-set', quantity: 1 }], plan: 'FULL', idempotencyKey: key };
    // A stack that never answers again fails the test instead of holding Jest open.
    for (const giveUpAt = Date.now() + 60_000; Date.now() < giveUpAt;) {
      try {
        const answer = await graphql(stack, token, checkoutMutation, { input });
        const checkout = (
          answer.data as { checkout?: { order: { id: string } | null; userErrors: unknown[] } } | null
        )?.checkout;
        if (checkout?.order) return checkout.order.id;
        if (checkout && checkout.userErrors.length > 0)
          throw new Error(`refused: ${JSON.stringify(checkout)}`);
      } catch (error) {
        if (String(error).includes('refused:')) throw error;
      }
      await sleep(100);
    }
    throw new Error(`checkout ${key} not answered within 60 s`);
  }

  test('a subgraph and then the database killed mid-storm: back within 10 s, every acknowledged order once', async () => {
    // Disposed even when an expectation fails: a stack left running would keep Jest from exiting.
    await using stack = await startStack(env);
    const users = { u_alice: tokenFor('u_alice'), u_bob: tokenFor('u_bob') };
    const acknowledged = new Map<string, { userId: string; orderId: string }>();
    let stormOver = false;
    // Two clients per user, one checkout after another, paced: at most 18 approvals per line, under
    // the velocity rule's 20 in 10 minutes, so every checkout is approved.
    const clients = Object.entries(users).flatMap(([userId, token]) =>
      [0, 1].map(async (client) => {
        for (let n = 0; !stormOver && n < 9; n += 1) {
          const key = `storm-${userId}-${client}-${n}`;
          acknowledged.set(key, { userId, orderId: await checkoutUntilAnswered(stack, token, key) });
          await sleep(250);
        }
      }),
    );

    // A reader that asks every 100 ms for what both the mall subgraph and the database serve.
    const probes: { sentAtMs: number; answeredAtMs: number; ok: boolean; errors: string[] }[] = [];
    const reader = (async () => {
      while (!stormOver) {
        const sentAtMs = Date.now();
        const answer = await graphql(
          stack,
          users.u_alice,
          '{ me { creditLine { available { minor } } mallOrders(first: 1) { edges { node { id } } } } }',
        ).catch((error: unknown) => String(error));
        probes.push({
          sentAtMs,
          answeredAtMs: Date.now(),
          ok: typeof answer === 'object' && !answer.errors && !!answer.data,
          // `code: message at path`, so a failure says which error the product did not recognise.
          errors:
            typeof answer === 'string'
              ? [`NO_ANSWER: ${answer}`]
              : (answer.errors ?? []).map(
                  (error) =>
                    `${error.extensions?.code ?? 'NONE'}: ${error.message} at ${(error.path ?? []).join('.')}`,
                ),
        });
        await sleep(100);
      }
    })();

    const readinessCodes: number[] = [];
    /** Kills a process; how long until a read sent after the kill is answered in full. */
    const killAndMeasure = async (pid: number) => {
      const before = acknowledged.size;
      while (acknowledged.size < before + 3) await sleep(50);
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const readiness = new URL('/readiness', stack.url);
      for (let n = 0; n < 10; n += 1) {
        readinessCodes.push((await fetch(readiness).catch(() => ({ status: 0 }))).status);
        await sleep(30);
      }
      for (;;) {
        const served = probes.find((probe) => probe.sentAtMs > killedAt && probe.ok);
        if (served) return served.answeredAtMs - killedAt;
        if (Date.now() - killedAt > 30_000) throw new Error('not served again within 30 s of the kill');
        await sleep(50);
      }
    };
    let mallRecoveryMs: number;
    let databaseRecoveryMs: number;
    try {
      mallRecoveryMs = await killAndMeasure(
        processOf(stack, (environ) => environ.includes('SUBGRAPH_NAME=mall\0')),
      );
      databaseRecoveryMs = await killAndMeasure(
        processOf(stack, (_environ, cmdline) => cmdline.includes('ferretdb')),
      );
    } finally {
      stormOver = true;
      // Settled before anything is asserted: a failure below must not leave them running unawaited.
      await Promise.allSettled([...clients, reader]);
    }
    // First, whatever else fails: meanwhile a read failed with a code to retry on, never an internal
    // error. Anything else is shown with what the processes logged as errors (ECONNREFUSED lines are
    // the expected ones).
    const unexpected = probes.flatMap((probe) =>
      probe.errors.filter((error) => !/^SERVICE_UNAVAILABLE:/.test(error)),
    );
    const unexpectedLogLines = stack
      .output()
      .split('\n')
      .filter((line) => /"level":"error"/.test(line) && !/ECONNREFUSED/.test(line));
    expect({ unexpected, logged: unexpected.length > 0 ? unexpectedLogLines : [] }).toEqual({
      unexpected: [],
      logged: [],
    });
    const failedReads = probes.filter((probe) => !probe.ok).length;
    await Promise.all([...clients, reader]);
    console.log(
      `served again after kill -9: mall ${mallRecoveryMs} ms, FerretDB ${databaseRecoveryMs} ms; ` +
        `${failedReads} of ${probes.length} reads failed; ${acknowledged.size} checkouts acknowledged`,
    );

    expect(mallRecoveryMs).toBeLessThan(10_000);
    expect(databaseRecoveryMs).toBeLessThan(10_000);
    expect(readinessCodes).toContain(503);
    // With no unexpected error left: some read did fail during the kills (the probe saw them).
    expect(new Set(probes.flatMap((probe) => probe.errors.map((error) => error.split(':')[0])))).toEqual(
      new Set(['SERVICE_UNAVAILABLE']),
    );
    expect(stack.output()).toMatch(/subgraph mall exited unexpectedly \(signal SIGKILL\); restarting/);
    expect(stack.output()).toMatch(/database exited unexpectedly \(signal SIGKILL\); restarting/);
    // The launcher counts each restart (README "Observability").
    const launcherMetrics = await scrape(stack.metricsUrl!);
    expect(metricValue(launcherMetrics, 'creditgraph_restarts_total', { process: 'subgraph mall' })).toBe(1);
    expect(metricValue(launcherMetrics, 'creditgraph_restarts_total', { process: 'database' })).toBe(1);

    // Each client waited for an answer before its next checkout, so every order placed was
    // acknowledged: each user's orders are exactly their acknowledged ones, each once, and the line
    // holds 299.00 for each.
    for (const [userId, token] of Object.entries(users)) {
      const home = await graphql(
        stack,
        token,
        `
          {
            me {
              creditLine {
                held {
                  minor
                }
              }
              mallOrders(first: 50) {
                edges {
                  node {
                    id
                  }
                }
                pageInfo {
                  hasNextPage
                }
              }
            }
          }
        `,
      );
      const me = (
        home.data as {
          me: {
            creditLine: { held: { minor: number } };
            mallOrders: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } };
          };
        }
      ).me;
      const orderIds = me.mallOrders.edges.map((edge) => edge.node.id).sort();
      const theirs = [...acknowledged.values()]
        .filter((ack) => ack.userId === userId)
        .map((ack) => ack.orderId);
      expect(me.mallOrders.pageInfo.hasNextPage).toBe(false);
      expect(orderIds).toEqual([...new Set(theirs)].sort());
      expect(theirs.length).toBe(orderIds.length);
      expect(me.creditLine.held.minor).toBe(orderIds.length * 29_900);
    }
    // A retry of a key still answers its order (none made twice).
    for (const [key, { userId, orderId }] of [...acknowledged].slice(0, 4))
      expect(await checkoutUntilAnswered(stack, users[userId as keyof typeof users], key)).toBe(orderId);

    expect(await stack.stop('SIGINT')).toBe(0);
    const rebuild = execFileSync(process.execPath, [path.join(distDir, 'cli', 'rebuild.js')], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(rebuild).toContain('every projection matches the ledger');
  });

  test('its log reader going away (a closed stdout pipe) ends no process: the stack keeps serving', async () => {
    const stack = await startStack({
      MONGODB_URI: '',
      DATA_DIR: fs.mkdtempSync(path.join(dataDir, 'pipe-')),
    });
    await using _stack = stack;
    const before = descendantPids(stack.process.pid!).sort();
    // What `npm start | head` does once head exits: every write to the pipe is then EPIPE.
    stack.process.stdout!.destroy();
    stack.process.stderr!.destroy();
    const alice = tokenFor('u_alice');
    for (let i = 0; i < 20; i += 1) {
      // Each request writes request log lines (gateway and subgraphs) into the closed pipe.
      expect((await graphql(stack, alice, '{ me { id } }')).data).toEqual({ me: { id: 'u_alice' } });
    }
    await sleep(500);
    expect(descendantPids(stack.process.pid!).sort()).toEqual(before);
    expect(metricValue(await scrape(stack.metricsUrl!), 'creditgraph_restarts_total')).toBe(0);
  });
});
