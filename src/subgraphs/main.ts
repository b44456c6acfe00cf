import 'reflect-metadata';
import { exitOnConfigError, loadConfig, subgraphNames, type SubgraphName } from '../config';
import { ledgerNotices } from '../ledger/ledger-notices';
import { connectNoticeTransport } from '../ledger/notice-transport';
import { announceReady, onShutdown } from '../runtime/lifecycle';
import { connectDatabase, databaseAnswers } from '../storage/database';
import { observeDatabase } from '../observability/database-observer';
import { log, useProcessLog } from '../observability/log';
import { startMetrics } from '../observability/metrics';
import { startTracing } from '../observability/tracing';
import { createRepositories } from '../storage/repositories/repositories';
import { serveSubgraph } from './serve-subgraph';
import { subgraphs } from './subgraphs';

/** One subgraph process: SUBGRAPH_NAME, SUBGRAPH_PORT and DATABASE_URI come from the launcher. */
async function main(): Promise<void> {
  const name = process.env.SUBGRAPH_NAME as SubgraphName;
  if (!subgraphNames.includes(name))
    throw new Error(`SUBGRAPH_NAME must be one of ${subgraphNames.join(', ')}`);
  const databaseUri = process.env.DATABASE_URI;
  if (!databaseUri) throw new Error('DATABASE_URI is required');
  const config = loadConfig();
  useProcessLog(name);
  startMetrics(name);
  const tracing = startTracing(name);
  const db = await connectDatabase(databaseUri, { monitorCommands: true });
  observeDatabase(db.connection);
  const closeNotices = await connectNoticeTransport(ledgerNotices, config.redisUrl);
  const repos = createRepositories(db);
  const serving = await serveSubgraph(subgraphs[name], {
    port: Number(process.env.SUBGRAPH_PORT ?? 0),
    host: config.subgraphHost,
    repos,
    authSecret: config.authSecret,
    gatewaySecret: config.gatewaySecret,
    ready: () => databaseAnswers(db),
    mode: config.mode,
    metrics: { mode: config.mode, metricsToken: config.metricsToken },
  });
  const background = subgraphs[name].startBackground?.(repos, config);
  onShutdown(async () => {
    // A run in progress finishes while requests drain; the database closes after both.
    await Promise.all([background?.stop(), serving.stop()]);
    await closeNotices();
    await db.close();
    await tracing.shutdown();
  });
  announceReady(serving.url);
}

main().catch((error: unknown) => {
  exitOnConfigError(error, (message) => log().error(`subgraph cannot start: ${message}`));
  log().error('subgraph failed to start', { subgraph: process.env.SUBGRAPH_NAME, error });
  process.exit(1);
});
