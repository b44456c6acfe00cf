import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GatewayCredentialSigner, gatewayCredentialHeader } from '../auth/gateway-credential';
import { signUserToken } from '../auth/token';
import { type BenchProduct, startBenchProduct, stopBenchProduct } from './bench-product';
import { gatewayV8Flags, loadConfig, projectRoot } from '../config';
import { fetchSubgraphSdl } from '../gateway/fetch-subgraph-sdl';
import { useGatewayCredential } from '../gateway/use-gateway-credential';
import { median, percentile } from './bench-stats';

/**
 * `npm run bench:gateway`: the product's gateway against @apollo/gateway over the same subgraphs, in
 * the same run. It starts the product (embedded FerretDB, four subgraphs, the gateway), then, each
 * in a process of its own over the product's subgraphs, an Apollo gateway (@apollo/server +
 * @apollo/gateway), the bare Hive runtime (`bareRuntime`: the product's gateway without its plugins,
 * limits and flags), a plain Node HTTP proxy (`plainProxy`: no GraphQL, the floor of one more Node
 * hop) and a load generator (autocannon). Every request carries a token of its own (a
 * pool of pre-signed tokens, rotated), so no gateway can merge or remember by token.
 *
 * Rounds are interleaved: in each, every query goes to the product's gateway, Apollo's gateway, the
 * bare runtime and, when the query touches one subgraph, to the proxy and to that subgraph alone (with the gateway
 * credential), first on BENCH_CONNECTIONS connections (throughput), then on one (latency without
 * queueing). Prints each window, then medians, the throughput ratios, the latency each gateway adds
 * over the subgraph alone (p50 at one connection), each gateway process's CPU time per request
 * (/proc/<pid>/stat over the window) and its peak RSS in its windows (VmRSS, sampled every 100 ms).
 * The machine's load average is printed too: a busy neighbour on a small machine lowers every
 * figure. Figures only: nothing here passes or fails.
 */
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const windowMs = Number(process.env.BENCH_WINDOW_MS ?? 5_000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const tokenCount = Number(process.env.BENCH_TOKENS ?? 50_000);
/** The product's default (one log line per request in every process); `warn` leaves them out. */
const logLevel = process.env.BENCH_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info';

interface Query {
  name: string;
  body: string;
  /** The one subgraph that serves it, if one does (then it is also measured alone). */
  subgraph?: string;
}

const queries: Query[] = [
  {
    name: 'account-home',
    body: JSON.stringify({
      query: fs.readFileSync(path.join(projectRoot, 'client', 'operations', 'account-home.graphql'), 'utf8'),
      operationName: 'AccountHome',
    }),
  },
  {
    // The account home's credit part: every field is the credit subgraph's.
    name: 'credit-only',
    body: JSON.stringify({
      query:
        'query CreditHome { me { id displayName creditLine { id status limit { amount currency minor } ' +
        'available { amount } used { amount } statementDay } } }',
      operationName: 'CreditHome',
    }),
    subgraph: 'credit',
  },
  { name: 'me { id }', body: JSON.stringify({ query: '{ me { id } }' }), subgraph: 'credit' },
];

type TargetName = 'product' | 'apollo' | 'bare' | 'proxy' | 'subgraph';

interface LoadOrder {
  url: string;
  body: string;
  connections: number;
  durationMs: number;
  /** Add the gateway credential (a call straight to a subgraph). */
  credential: boolean;
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  graphqlErrors: number;
  /** The first answer that failed (its status and the start of its body), to say why. */
  firstFailure?: string;
  socketErrors: number;
  timeouts: number;
}

/**
 * The load generator (its own process): autocannon with keep-alive connections, a token of the pool
 * per request (the pool is rotated across windows), latencies kept at sub-millisecond resolution.
 */
async function loadGenerator(tokensFile: string): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const tokens = JSON.parse(fs.readFileSync(tokensFile, 'utf8')) as string[];
  const signer = new GatewayCredentialSigner(loadConfig().gatewaySecret);
  let next = 0;
  process.on('message', (order: LoadOrder) => {
    const latencies: number[] = [];
    let graphqlErrors = 0;
    let firstFailure: string | undefined;
    const instance = autocannon(
      {
        url: order.url,
        connections: order.connections,
        duration: order.durationMs / 1000,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            body: order.body,
            setupRequest: (request) => {
              const token = tokens[next]!;
              next = (next + 1) % tokens.length;
              request.headers = {
                ...request.headers,
                'content-type': 'application/json',
                authorization: `Bearer ${token}`,
                ...(order.credential ? { [gatewayCredentialHeader]: signer.current() } : {}),
              };
              return request;
            },
            onResponse: (status, body) => {
              const failed = status !== 200 || body.includes('"errors"');
              if (status === 200 && failed) graphqlErrors += 1;
              if (failed) firstFailure ??= `${status} ${body.slice(0, 500)}`;
            },
          },
        ],
      },
      (error, result) => {
        if (error) throw error;
        const sorted = latencies.sort((a, b) => a - b);
        const reply: LoadResult = {
          requests: result.requests.total,
          rps: (sorted.length * 1000) / order.durationMs,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          non2xx: result.non2xx,
          graphqlErrors,
          firstFailure,
          socketErrors: result.errors,
          timeouts: result.timeouts,
        };
        process.send!(reply);
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  process.send!('ready');
}

/** @apollo/gateway under @apollo/server, over the product's subgraphs (its own process). */
async function apolloGateway(supergraphFile: string): Promise<void> {
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const signer = new GatewayCredentialSigner(loadConfig().gatewaySecret);
  interface Context {
    authorization?: string;
  }
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(supergraphFile, 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          // As the product's gateway does: the caller's bearer token, and the gateway credential.
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          request.http?.headers.set(gatewayCredentialHeader, signer.current());
        },
      }),
  });
  const server = new ApolloServer<Context>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  process.send!({ type: 'ready', url });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * The Hive gateway runtime with none of the product's plugins or options (its own process, Node's
 * default flags): only what the subgraphs need to answer it, the caller's token and the gateway
 * credential. What the product's plugins, limits and memory flags cost is the gap to this one.
 */
async function bareRuntime(supergraphFile: string): Promise<void> {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway-runtime');
  const http = await import('node:http');
  const signer = new GatewayCredentialSigner(loadConfig().gatewaySecret);
  const runtime = createGatewayRuntime({
    supergraph: fs.readFileSync(supergraphFile, 'utf8'),
    landingPage: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
    },
    plugins: () => [useGatewayCredential(signer)],
  });
  const server = http.createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * The floor under a gateway built on Node's HTTP stack here: a plain Node HTTP proxy (its own process, Node's default flags)
 * that forwards each request's bytes to one subgraph (`/<name>`) over keep-alive connections with the
 * caller's token and the gateway credential, and the answer's bytes back: no parsing, no GraphQL.
 * What it costs is what one more Node HTTP hop costs on this machine.
 */
async function plainProxy(subgraphsJson: string): Promise<void> {
  const http = await import('node:http');
  const subgraphs = new Map(
    (JSON.parse(subgraphsJson) as { name: string; url: string }[]).map((subgraph) => [
      subgraph.name,
      new URL(subgraph.url),
    ]),
  );
  const signer = new GatewayCredentialSigner(loadConfig().gatewaySecret);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((request, response) => {
    const target = subgraphs.get(request.url?.slice(1) ?? '');
    if (!target) {
      response.writeHead(404).end();
      return;
    }
    const call = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
          // A length, as the gateways send, rather than chunks.
          ...(request.headers['content-length']
            ? { 'content-length': request.headers['content-length'] }
            : {}),
          [gatewayCredentialHeader]: signer.current(),
        },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, {
          'content-type': 'application/json',
          ...(answer.headers['content-length'] ? { 'content-length': answer.headers['content-length'] } : {}),
        });
        // A failure past this point ends the client's connection (autocannon counts it); a client
        // gone (a window's end) is no failure of the proxy.
        answer.on('error', () => response.destroy());
        answer.pipe(response);
      },
    );
    call.on('error', () => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
    request.pipe(call);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}` });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

function forkSelf(args: string[]): Promise<{ child: ChildProcess; message: unknown }> {
  // Node's default flags, whatever this process was started with (NODE_OPTIONS still applies).
  const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message }));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited during start (code ${code})`)));
  });
}

/** CPU time a process has used so far, in ms (Linux: utime + stime of /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
const ticksPerSecond = 100;

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** VmRSS of a process in MiB (Linux). */
function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function composeForApollo(subgraphs: { name: string; url: string }[]): Promise<string> {
  const { composeServices } = await import('@apollo/composition');
  const { parse } = await import('graphql');
  const signer = new GatewayCredentialSigner(loadConfig().gatewaySecret);
  const sources = await Promise.all(subgraphs.map((subgraph) => fetchSubgraphSdl(subgraph, signer)));
  const result = composeServices(
    sources.map((source) => ({ name: source.name, url: source.url, typeDefs: parse(source.sdl) })),
  );
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--load') return loadGenerator(process.argv[3]!);
  if (process.argv[2] === '--apollo') return apolloGateway(process.argv[3]!);
  if (process.argv[2] === '--bare') return bareRuntime(process.argv[3]!);
  if (process.argv[2] === '--proxy') return plainProxy(process.argv[3]!);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-bench-gateway-'));
  // The product's limits out of the way: every request here comes from 127.0.0.1 and three users.
  const productEnv = {
    LOG_LEVEL: logLevel,
    RATE_LIMIT_VIEWER_PER_MINUTE: '0',
    RATE_LIMIT_ADDRESS_PER_MINUTE: '0',
    MAX_IN_FLIGHT_PER_CALLER: '100000',
    CALLER_TIME_PERCENT: '0',
  };
  const config = loadConfig({ ...process.env, ...productEnv });
  const children: ChildProcess[] = [];
  let product: BenchProduct | undefined;
  try {
    // Distinct tokens: the same three seeded users, each token with its own expiry (so its own string).
    const users = ['u_alice', 'u_bob', 'u_carol'];
    const signing = performance.now();
    const tokens = Array.from({ length: tokenCount }, (_, n) =>
      signUserToken(config.authSecret, users[n % users.length]!, 7 * 24 * 3600 + n),
    );
    if (new Set(tokens).size !== tokens.length) throw new Error('tokens are not distinct');
    const tokensFile = path.join(dataDir, 'tokens.json');
    fs.writeFileSync(tokensFile, JSON.stringify(tokens));
    const signedIn = performance.now() - signing;

    product = await startBenchProduct(dataDir, productEnv);
    const gatewayPid = product.gatewayPids[0]!;
    const subgraphs = product.subgraphs;
    const productUrl = product.url;
    const supergraphFile = path.join(dataDir, 'supergraph.graphql');
    fs.writeFileSync(supergraphFile, await composeForApollo(subgraphs));
    const apollo = await forkSelf(['--apollo', supergraphFile]);
    children.push(apollo.child);
    const apolloUrl = (apollo.message as { url: string }).url;
    const bare = await forkSelf(['--bare', supergraphFile]);
    children.push(bare.child);
    const bareUrl = (bare.message as { url: string }).url;
    const proxy = await forkSelf(['--proxy', JSON.stringify(subgraphs)]);
    children.push(proxy.child);
    const proxyUrl = (proxy.message as { url: string }).url;
    const load = await forkSelf(['--load', tokensFile]);
    children.push(load.child);

    const urls: Record<TargetName, (query: Query) => string> = {
      product: () => productUrl,
      apollo: () => apolloUrl,
      bare: () => bareUrl,
      proxy: (query) => `${proxyUrl}/${query.subgraph}`,
      subgraph: (query) => subgraphs.find((subgraph) => subgraph.name === query.subgraph)!.url,
    };
    const pids: Partial<Record<TargetName, number>> = {
      product: gatewayPid,
      apollo: apollo.child.pid!,
      bare: bare.child.pid!,
      proxy: proxy.child.pid!,
    };
    const peakRss: Record<string, number> = { product: 0, apollo: 0, bare: 0, proxy: 0 };
    const idleRss = {
      product: rssMiB(gatewayPid),
      apollo: rssMiB(apollo.child.pid!),
      bare: rssMiB(bare.child.pid!),
    };

    const { limits } = config;
    // The machine is shared: a busy neighbour shows here (it lowers every figure, not only one side's).
    console.log(`load average before the run: ${loadAverage()}`);
    console.log(
      `Node ${process.version}; ${os.cpus().length} cores; load generator: autocannon in its own process; ` +
        `${connections} connections (latency at 1); ${rounds} rounds of ${windowMs / 1000} s windows ` +
        `after ${warmupMs / 1000} s warm-up each`,
    );
    console.log(
      `tokens: ${tokenCount} distinct (3 seeded users, signed in ${signedIn.toFixed(0)} ms), one per request, ` +
        `rotated; LOG_LEVEL=${logLevel}; product limits: viewer ${limits.viewerRequestsPerMinute}/min, ` +
        `address ${limits.addressRequestsPerMinute}/min (0 = off), ${limits.inFlightPerCaller} in flight per ` +
        `caller, gateway V8 flags ${gatewayV8Flags(config).join(' ')}; gateway RSS idle: product ` +
        `${idleRss.product.toFixed(0)} MiB, apollo ${idleRss.apollo.toFixed(0)} MiB, bare runtime ` +
        `${idleRss.bare.toFixed(0)} MiB`,
    );
    console.log(
      "targets: product = the product's gateway process; apollo = @apollo/gateway; bare = the Hive " +
        "runtime with none of the product's plugins, limits or flags; proxy = a plain Node HTTP proxy " +
        'that forwards bytes to the one subgraph (no GraphQL: the floor under a gateway on the Node HTTP stack); subgraph = ' +
        'the one subgraph alone',
    );

    const run = async (target: TargetName, query: Query, conns: number, durationMs: number) => {
      const order: LoadOrder = {
        url: urls[target](query),
        body: query.body,
        connections: conns,
        durationMs,
        credential: target === 'subgraph',
      };
      const pid = pids[target];
      let peak = 0;
      const sampler = pid
        ? setInterval(() => {
            peak = Math.max(peak, rssMiB(pid));
          }, 100)
        : undefined;
      // The load generator dying (autocannon failing) must end the run, not hang it.
      const reply = new Promise<LoadResult>((resolve, reject) => {
        const died = (code: number | null) => reject(new Error(`the load generator exited (code ${code})`));
        load.child.once('exit', died);
        load.child.once('message', (message: LoadResult) => {
          load.child.off('exit', died);
          resolve(message);
        });
      });
      const cpuBefore = pid ? cpuMs(pid) : 0;
      load.child.send(order);
      const result = await reply;
      const cpuPerRequest = pid ? (cpuMs(pid) - cpuBefore) / Math.max(1, result.requests) : NaN;
      if (sampler) clearInterval(sampler);
      if (pid) peak = Math.max(peak, rssMiB(pid));
      if (pid) peakRss[target] = Math.max(peakRss[target]!, peak);
      if (result.non2xx + result.graphqlErrors + result.socketErrors + result.timeouts > 0)
        throw new Error(`${target} ${query.name}: failures ${JSON.stringify(result)}`);
      return { ...result, peak, cpuPerRequest };
    };
    const targetsOf = (query: Query): TargetName[] =>
      query.subgraph ? ['product', 'apollo', 'bare', 'proxy', 'subgraph'] : ['product', 'apollo', 'bare'];

    // One check per query and target that the answer has data and no errors.
    for (const query of queries)
      for (const target of targetsOf(query)) {
        const response = await fetch(urls[target](query), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${signUserToken(config.authSecret, 'u_alice')}`,
            ...(target === 'subgraph' ? new GatewayCredentialSigner(config.gatewaySecret).headers() : {}),
          },
          body: query.body,
        });
        const json = (await response.json()) as { data?: { me?: unknown }; errors?: unknown };
        if (response.status !== 200 || json.errors || !json.data?.me)
          throw new Error(
            `${target} ${query.name}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`,
          );
      }
    for (const query of queries)
      for (const target of targetsOf(query)) await run(target, query, connections, warmupMs);

    type Key = `${string}|${TargetName}|${'load' | 'one'}`;
    type Measured = LoadResult & { peak: number; cpuPerRequest: number };
    const results = new Map<Key, Measured[]>();
    const record = (key: Key, result: Measured) => results.set(key, [...(results.get(key) ?? []), result]);
    const fmt = (result: Measured, target: TargetName) =>
      `${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2).padStart(6)} ms  p99 ${result.p99
        .toFixed(2)
        .padStart(6)} ms` +
      (target === 'subgraph'
        ? ''
        : `  gateway CPU ${result.cpuPerRequest.toFixed(2)} ms/req  RSS peak ${result.peak.toFixed(0)} MiB`);
    for (let round = 1; round <= rounds; round += 1) {
      for (const [mode, conns] of [
        ['load', connections],
        ['one', 1],
      ] as const) {
        for (const query of queries) {
          // The order of targets turns each round, so none is always first or last.
          const targets = targetsOf(query);
          const turned = [
            ...targets.slice((round - 1) % targets.length),
            ...targets.slice(0, (round - 1) % targets.length),
          ];
          for (const target of turned) {
            const result = await run(target, query, conns, windowMs);
            record(`${query.name}|${target}|${mode}`, result);
            console.log(
              `round ${round}  ${String(conns).padStart(2)} conn  ${query.name.padEnd(13)} ${target.padEnd(8)} ${fmt(result, target)}`,
            );
          }
        }
      }
      console.log(`round ${round} done; load average ${loadAverage()}`);
    }

    console.log(`\nmedians over ${rounds} rounds`);
    const med = (key: Key, field: 'rps' | 'p50' | 'p99' | 'cpuPerRequest') =>
      median((results.get(key) ?? []).map((r) => r[field]));
    for (const query of queries) {
      const throughput = targetsOf(query)
        .map((target) => `${target} ${med(`${query.name}|${target}|load`, 'rps').toFixed(0)}`)
        .join(', ');
      const rps = (target: TargetName) => med(`${query.name}|${target}|load`, 'rps');
      const cpu = (target: TargetName) => med(`${query.name}|${target}|load`, 'cpuPerRequest').toFixed(2);
      // The plain proxy does no GraphQL work: its figures are about the most a Node gateway could reach here.
      const ceiling = query.subgraph
        ? `, proxy/apollo ${(rps('proxy') / rps('apollo')).toFixed(2)}x (the ceiling)`
        : '';
      console.log(
        `${query.name.padEnd(13)} ${connections} conn req/s: ${throughput}; product/apollo ` +
          `${(rps('product') / rps('apollo')).toFixed(2)}x (target >= 1.50x), bare/apollo ` +
          `${(rps('bare') / rps('apollo')).toFixed(2)}x, product/bare ${(rps('product') / rps('bare')).toFixed(2)}x${ceiling}; ` +
          `gateway CPU per request: product ${cpu('product')} ms, apollo ${cpu('apollo')} ms, bare ${cpu('bare')} ms` +
          (query.subgraph ? `, proxy ${cpu('proxy')} ms` : ''),
      );
      const p50s = targetsOf(query)
        .map(
          (target) =>
            `${target} p50 ${med(`${query.name}|${target}|one`, 'p50').toFixed(2)} p99 ${med(`${query.name}|${target}|one`, 'p99').toFixed(2)}`,
        )
        .join(', ');
      let added = '';
      if (query.subgraph) {
        const alone = med(`${query.name}|subgraph|one`, 'p50');
        const addedMs = (target: TargetName) =>
          (med(`${query.name}|${target}|one`, 'p50') - alone).toFixed(2);
        added = `; added over the subgraph alone: product ${addedMs('product')} ms, apollo ${addedMs('apollo')} ms, bare ${addedMs('bare')} ms, proxy ${addedMs('proxy')} ms (target <= 1.00 ms)`;
      }
      console.log(`${''.padEnd(13)} 1 conn ms: ${p50s}${added}`);
    }
    console.log(
      `gateway RSS peak in its load windows: product ${peakRss.product!.toFixed(0)} MiB, apollo ${peakRss.apollo!.toFixed(0)} MiB, ` +
        `bare ${peakRss.bare!.toFixed(0)} MiB, proxy ${peakRss.proxy!.toFixed(0)} MiB ` +
        `(target: product <= apollo)`,
    );
  } finally {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // A gateway child may take SIGTERM as a graceful stop that never ends (its own handlers): the
      // run must end all the same.
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (product) await stopBenchProduct(product);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
