import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import os from 'node:os';
import path from 'node:path';
import { AccountHomeDocument, CheckoutDocument } from '../../client/generated/graphql';
import { signOperatorToken } from '../../src/auth/token';
import { descendantPids, isAlive, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

describe('npm start lifecycle on the embedded FerretDB', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-e2e-'));
  const env = { MONGODB_URI: '', DATA_DIR: dataDir };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('starts the engine, stops every process on Ctrl-C, and keeps its data across restarts', async () => {
    const first = await startStack(env);
    expect(first.output()).toContain('database engine: FerretDB 1.24');
    expect(first.output()).toMatch(/Node v24\./);
    const home = await first.execute(AccountHomeDocument, {}, tokenFor('u_alice'));
    expect(home.data?.me?.creditLine?.limit.amount).toBe('29000.00');
    const input = {
      items: [{ productId: 'mall-tea-set', quantity: 1 }],
      plan: 'FULL' as const,
      idempotencyKey: 'keep-me-0001',
    };
    const placed = await first.execute(CheckoutDocument, { input }, tokenFor('u_alice'));
    expect(placed.data?.checkout.userErrors).toEqual([]);

    const children = descendantPids(first.process.pid!);
    expect(children.length).toBeGreaterThanOrEqual(6); // FerretDB, 4 subgraphs, gateway
    expect(await first.stop('SIGINT')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(children.filter(isAlive)).toEqual([]);
    expect(first.output()).toContain('SIGINT: stopping everything');
    // Every child stopped by itself, none by its shutdown timeout.
    expect(first.output()).not.toContain('exiting anyway');

    await using second = await startStack(env);
    expect(second.output()).toContain('demo data: 0 new records');
    const again = await second.execute(AccountHomeDocument, {}, tokenFor('u_alice'));
    expect(again.data?.me?.mallOrders.edges.map((edge) => edge.node.id)).toEqual([
      placed.data?.checkout.order?.id,
    ]);
    expect(again.data?.me?.creditLine?.available.amount).toBe('28701.00');
  });

  test('in production the embedded engine listens on a Unix socket in a private directory, on no TCP port', async () => {
    const productionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-e2e-prod-'));
    try {
      const stack = await startStack({
        MONGODB_URI: '',
        DATA_DIR: productionDir,
        APP_MODE: 'production',
        AUTH_SECRET: 'lifecycle-test-auth-secret-0123456789',
        GATEWAY_SECRET: 'lifecycle-test-gateway-secret-0123456789',
      });
      const uri = /database engine: FerretDB 1\.24 \(SQLite in \S+\) at mongodb:\/\/(\S+)\//.exec(
        stack.output(),
      )?.[1];
      const socketPath = decodeURIComponent(uri ?? '');
      expect(socketPath).toMatch(/^\/.*\/ferretdb\.sock$/);
      expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
      // Only this user may enter the socket's directory, or the engine's data files.
      expect(fs.statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(productionDir, 'ferretdb')).mode & 0o777).toBe(0o700);
      const engine = descendantPids(stack.process.pid!).find((pid) =>
        fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('.bin/ferretdb'),
      );
      expect(engine).toBeDefined();
      const args = fs.readFileSync(`/proc/${engine}/cmdline`, 'utf8').split('\0');
      expect(args).toContain('-listen-unix');
      expect(args).not.toContain('-listen');
      const listeners = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
      expect(listeners).not.toContain(`pid=${engine},`);
      // The subgraphs reach it there: the credit subgraph's due jobs ran at start, reading every line.
      for (let tries = 0; !stack.output().includes('"msg":"due jobs ran"') && tries < 100; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(stack.output()).toContain('"msg":"due jobs ran"');
      // Killed, the engine comes back on the same socket (the one it left is replaced) and answers.
      process.kill(engine!, 'SIGKILL');
      for (let tries = 0; !stack.output().includes('"msg":"database restarted"') && tries < 100; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const operator = signOperatorToken('lifecycle-test-auth-secret-0123456789');
      const products = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
        body: JSON.stringify({ query: '{ products { id } }' }),
      });
      // Production seeds nothing: an empty catalog, read from the engine without an error.
      const answer = (await products.json()) as { data?: unknown; errors?: unknown };
      expect(answer).toMatchObject({ data: { products: [] } });
      expect(answer.errors).toBeUndefined();
      expect(fs.lstatSync(socketPath).isSocket()).toBe(true);
      expect(await stack.stop('SIGINT')).toBe(0);
      expect(fs.existsSync(path.dirname(socketPath))).toBe(false);
    } finally {
      fs.rmSync(productionDir, { recursive: true, force: true });
    }
  });

  test('a port in use stops the start at once with a plain reason', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      // The subgraphs listen on SUBGRAPH_BASE_PORT and the next three: the first is taken.
      const started = startStack({
        MONGODB_URI: serverUri(),
        DATABASE_NAME: uniqueDatabaseName('port'),
        SUBGRAPH_BASE_PORT: String(port),
      });
      await expect(started).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
      await expect(started).rejects.toThrow(/stack exited during start \(code 1\)/);
    } finally {
      holder.close();
    }
  });

  test('a bad setting stops the start with one plain line naming it (no stack), exit code 2', async () => {
    const started = startStack({ MONGODB_URI: serverUri(), MAX_DEPTH: '1e1' });
    await expect(started).rejects.toThrow(/stack exited during start \(code 2\)/);
    const output = await started.catch((error: Error) => error.message);
    expect(output).toContain('creditgraph: cannot start: MAX_DEPTH must be a positive integer, got "1e1"');
    expect(output).not.toMatch(/\n\s+at /);
  });

  // SIGINT: Ctrl-C in a terminal; SIGTERM: a shell's or a supervisor's kill of the group.
  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s to the whole process group is logged and restarts nothing',
    async (signal) => {
      const stack = await startStack(
        { MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('group') },
        { ownProcessGroup: true },
      );
      const children = descendantPids(stack.process.pid!);
      // A subscriber is told to come back (the gateway gets the signal twice: from the terminal and
      // from the launcher; the second must not cut its shutdown short).
      const client = createClient({
        url: stack.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${tokenFor('u_alice')}` },
        retryAttempts: 0,
      });
      const ended = new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription { billUpdated { cursor } }' },
          { next: resolve, error: resolve, complete: () => resolve('complete') },
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 500)); // subscribed
      // Every child gets the signal too, and exits on it at once: no crash for the launcher to restart.
      expect(await stack.stopGroup(signal)).toBe(0);
      expect(JSON.stringify(await ended)).toContain('SERVICE_UNAVAILABLE');
      await client.dispose();
      expect(stack.output()).toContain(`${signal}: stopping everything`);
      expect(stack.output()).not.toMatch(/unexpectedly|restarting|exiting anyway/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(children.filter(isAlive)).toEqual([]);
    },
  );
});
