import path from 'node:path';
import { oauthTokenPath, signOperatorToken, signPartnerToken, signUserToken } from './auth/token';
import {
  exitOnConfigError,
  gatewayPortOf,
  gatewayV8Flags,
  loadConfig,
  subgraphNames,
  subgraphPortOf,
} from './config';
import { ensurePortsFree, PortInUseError } from './runtime/listen';
import { startFailureReason } from './runtime/start-failure';
import { embeddedEngineSocket, type PrivateSocket } from './runtime/private-socket';
import { healthCheckPath } from './runtime/probe-paths';
import { isLedgerNotice } from './ledger/ledger-notices';
import { type RunningChild, startChild } from './runtime/child';
import { type Restartable, Supervised } from './runtime/supervisor';
import { demoPartners, demoUserId } from './seed/demo-data';
import { seedDemoData } from './seed/seed';
import { connectDatabase, ensureIndexes } from './storage/database';
import { type DatabaseEngine, databaseUri, startEngine } from './storage/engine/engine';
import { createRepositories } from './storage/repositories/repositories';
import { log, useProcessLog } from './observability/log';
import { startMetrics } from './observability/metrics';
import { type MetricsServer, serveMetrics } from './observability/metrics-server';

/** The port a started child listens on, so a restart listens there again and callers need no news. */
function portOf(url: string): string {
  return new URL(url).port;
}

/**
 * `npm start`: the database engine, the four subgraph processes and the gateway process (local mode:
 * with demo data). A process that crashes is restarted with backoff; Ctrl-C stops them in reverse
 * order; children also exit if this process dies.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  const local = config.mode === 'local';
  useProcessLog('launcher');
  startMetrics('launcher');
  console.log(`creditgraph on Node ${process.version} (${config.mode} mode)`);
  // Restarts are counted here; a busy port costs the launcher's metrics, not the product.
  const launcherMetrics: MetricsServer | undefined = await serveMetrics({
    port: config.launcherMetricsPort,
    access: { mode: config.mode, metricsToken: config.metricsToken },
  }).catch((error: unknown) => {
    if (error instanceof PortInUseError) log().warn(`launcher metrics not served: ${error.message}`);
    else log().warn('launcher metrics not served', { error });
    return undefined;
  });

  const supervised: Supervised<Restartable>[] = [];
  let engineSocket: PrivateSocket | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (code: number) =>
    (stopping ??= (async () => {
      // A signal to the whole process group reaches the children too: their exits are no crash.
      for (const running of supervised) running.stopRestarting();
      for (const running of [...supervised].reverse()) await running.stop();
      engineSocket?.remove();
      await launcherMetrics?.close();
      process.exit(code);
    })());
  const giveUp = (reason: string) => {
    if (stopping) return;
    log().error(`${reason}; stopping everything`);
    void stopAll(1);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log().info(`${signal}: stopping everything`);
      void stopAll(0);
    });
  }

  try {
    await ensurePortsFree([
      ...Array.from({ length: config.gatewayProcesses }, (_, index) => ({
        port: gatewayPortOf(config.gatewayPort, index),
        host: config.gatewayHost,
      })),
      ...subgraphNames.map((_, index) => ({
        port: subgraphPortOf(config.subgraphBasePort, index),
        host: config.subgraphHost,
      })),
    ]);
    // The embedded engine restarts on the port it first had; a MONGODB_URI server is not ours to run.
    // In production it listens on a Unix socket only this user can reach (it has no authentication).
    engineSocket = embeddedEngineSocket(config);
    let engineListen: string | undefined = engineSocket?.socketPath;
    const database = new Supervised<DatabaseEngine & Restartable>(
      'database',
      async (signal) => {
        const engine = await startEngine({
          mongodbUri: config.mongodbUri,
          ferretdbPostgresqlUrl: config.ferretdbPostgresqlUrl,
          dataDir: config.dataDir,
          ...(engineListen ? { listen: engineListen } : {}),
          signal,
        });
        engineListen ??= new URL(engine.uri).host;
        return { ...engine, exited: engine.exited ?? new Promise<string>(() => {}) };
      },
      giveUp,
    );
    supervised.push(database);
    const engine = await database.begin();
    // The embedded engine's address, for a MongoDB client or shell (a MONGODB_URI is in the description).
    const address = engine.kind === 'mongodb-uri' ? '' : ` at ${engine.uri}`;
    console.log(`database engine: ${engine.description}${address}`);

    const dbUri = databaseUri(engine.uri, config.databaseName);
    const db = await connectDatabase(dbUri);
    await ensureIndexes(db);
    if (local) console.log(`demo data: ${await seedDemoData(createRepositories(db))} new records`);
    await db.close();

    const subgraphs = subgraphNames.map((name, index) => {
      let port = String(subgraphPortOf(config.subgraphBasePort, index));
      const subgraph: Supervised<RunningChild> = new Supervised(
        `subgraph ${name}`,
        async () => {
          const child = await startChild(`subgraph ${name}`, path.join(__dirname, 'subgraphs', 'main.js'), {
            SUBGRAPH_NAME: name,
            SUBGRAPH_PORT: port,
            DATABASE_URI: dbUri,
          });
          port = portOf(child.url);
          // The embedded relay of ledger notices (REDIS_URL replaces it): each subgraph's to all others.
          if (!config.redisUrl) child.process.on('message', (message) => relayNotice(child, message));
          return child;
        },
        giveUp,
      );
      return subgraph;
    });
    const relayNotice = (source: RunningChild, message: unknown) => {
      if (!isLedgerNotice(message)) return;
      for (const target of subgraphs) {
        const child = target.running;
        if (child && child !== source && child.process.connected) child.process.send(message);
      }
    };
    supervised.push(...subgraphs);
    const subgraphChildren = await Promise.all(subgraphs.map((subgraph) => subgraph.begin()));

    const demoToken = signUserToken(config.authSecret, demoUserId);
    const operatorToken = signOperatorToken(config.authSecret);
    // Prefilled in the playground in local mode only; production prints and passes no token.
    const playgroundTokens = local
      ? {
          DEMO_TOKEN: demoToken,
          OPERATOR_TOKEN: operatorToken,
          PARTNER_TOKEN: signPartnerToken(
            config.authSecret,
            demoPartners[0]!._id,
            demoPartners[0]!.scopes,
            12 * 3600,
          ),
        }
      : {};
    const subgraphList = subgraphChildren.map((child, n) => ({ name: subgraphNames[n]!, url: child.url }));
    const subgraphUrls = JSON.stringify(subgraphList);
    // GATEWAY_PROCESSES > 1 starts more gateways over the same subgraphs (on PORT + 5 + n).
    const gateways: Supervised<RunningChild>[] = [];
    for (let index = 0; index < config.gatewayProcesses; index += 1) {
      let port = String(gatewayPortOf(config.gatewayPort, index));
      const gateway = new Supervised(
        `gateway ${index + 1}`,
        async () => {
          const child = await startChild(
            `gateway ${index + 1}`,
            path.join(__dirname, 'gateway', 'main.js'),
            { PORT: port, SUBGRAPHS: subgraphUrls, ...playgroundTokens },
            {
              execArgv: gatewayV8Flags(config),
            },
          );
          port = portOf(child.url);
          return child;
        },
        giveUp,
      );
      supervised.push(gateway);
      gateways.push(gateway);
      await gateway.begin();
    }
    const gatewayUrls = gateways.map((gateway) => gateway.current.url);
    const gatewayUrl = gatewayUrls[0]!;

    console.log(
      `subgraphs: ${subgraphChildren.map((child, index) => `${subgraphNames[index]} ${child.url}`).join(', ')}`,
    );
    if (launcherMetrics) console.log(`launcher metrics (restarts): ${launcherMetrics.url}`);
    console.log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    console.log(`gateway ready at ${gatewayUrls.join(', ')}`);
    console.log(
      local
        ? `playground: open ${gatewayUrl} in a browser (health: ${new URL(healthCheckPath, gatewayUrl).href})`
        : `production mode: no playground, no demo data, no tokens printed (health: ${new URL(healthCheckPath, gatewayUrl).href})`,
    );
    if (local) {
      console.log(`demo user ${demoUserId} token (also prefilled in the playground):\n${demoToken}`);
      console.log(`operator token (the playground's second tab):\n${operatorToken}`);
      const tokenUrl = new URL(oauthTokenPath, gatewayUrl).href;
      console.log(`demo partners (client credentials at POST ${tokenUrl}; the playground's Partner tab):`);
      for (const partner of demoPartners) {
        console.log(
          `  ${partner.name} (${partner.kind}): client_id=${partner._id} client_secret=${partner.demoClientSecret} scopes="${partner.scopes.join(' ')}"`,
        );
      }
    }
    // Benchmarks (bench:gateway) also read the subgraphs' URLs and the gateways' process ids.
    if (process.send)
      process.send({
        type: 'ready',
        url: gatewayUrl,
        urls: gatewayUrls,
        metricsUrl: launcherMetrics?.url,
        subgraphs: subgraphList,
        gatewayPids: gateways.map((gateway) => gateway.current.process.pid),
      });
  } catch (error) {
    // One readable line; the whole error (stack, engine frames) goes in the log record.
    const reason = startFailureReason(error);
    log().error(`start failed: ${reason}`, error instanceof PortInUseError ? {} : { error });
    console.error(`creditgraph: cannot start: ${reason}`);
    await stopAll(1);
  }
}

main().catch((error: unknown) => {
  exitOnConfigError(error, (message) => console.error(`creditgraph: cannot start: ${message}`));
  throw error;
});
