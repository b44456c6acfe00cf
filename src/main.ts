import path from 'node:path';
import { oauthTokenPath, signOperatorToken, signPartnerToken, signUserToken } from './auth/token';
import { loadConfig, subgraphNames } from './config';
import { healthCheckPath } from './gateway/probe-paths';
import { isLedgerNotice } from './ledger/ledger-notices';
import { type RunningChild, startChild } from './runtime/child';
import { demoPartners, demoUserId } from './seed/demo-data';
import { seedDemoData } from './seed/seed';
import { connectDatabase, ensureIndexes } from './storage/database';
import { databaseUri, startEngine } from './storage/engine/engine';
import { createRepositories } from './storage/repositories/repositories';

/**
 * `npm start`: the database engine, the four subgraph processes and the gateway process, with demo
 * data. Ctrl-C stops them in reverse order; children also exit if this process dies.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  console.log(`creditgraph on Node ${process.version} (${config.mode} mode)`);

  const engine = await startEngine({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  console.log(`database engine: ${engine.description}`);
  const children: RunningChild[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (code: number) =>
    (stopping ??= (async () => {
      for (const child of [...children].reverse()) await child.stop();
      await engine.stop();
      process.exit(code);
    })());
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    const dbUri = databaseUri(engine.uri, config.databaseName);
    const db = await connectDatabase(dbUri);
    await ensureIndexes(db);
    const added = await seedDemoData(createRepositories(db));
    await db.close();
    console.log(`demo data: ${added} new records`);

    const subgraphs = await Promise.all(
      subgraphNames.map((name, index) =>
        startChild(`subgraph ${name}`, path.join(__dirname, 'subgraphs', 'main.js'), {
          SUBGRAPH_NAME: name,
          SUBGRAPH_PORT: String(config.subgraphBasePort === 0 ? 0 : config.subgraphBasePort + index),
          DATABASE_URI: dbUri,
        }),
      ),
    );
    children.push(...subgraphs);
    // The embedded relay of ledger notices (REDIS_URL replaces it): each subgraph's to all others.
    if (!config.redisUrl) {
      for (const source of subgraphs) {
        source.process.on('message', (message: unknown) => {
          if (!isLedgerNotice(message)) return;
          for (const target of subgraphs)
            if (target !== source && target.process.connected) target.process.send(message);
        });
      }
    }
    const demoToken = signUserToken(config.authSecret, demoUserId);
    const operatorToken = signOperatorToken(config.authSecret);
    // GATEWAY_PROCESSES > 1 starts more gateways over the same subgraphs (on PORT + 5 + n).
    const gateways: RunningChild[] = [];
    for (let index = 0; index < config.gatewayProcesses; index += 1) {
      const port =
        index === 0 || config.gatewayPort === 0 ? config.gatewayPort : config.gatewayPort + 5 + index;
      gateways.push(
        await startChild(
          `gateway ${index + 1}`,
          path.join(__dirname, 'gateway', 'main.js'),
          {
            PORT: String(port),
            SUBGRAPHS: JSON.stringify(
              subgraphs.map((child, n) => ({ name: subgraphNames[n], url: child.url })),
            ),
            DEMO_TOKEN: demoToken,
            OPERATOR_TOKEN: operatorToken,
            PARTNER_TOKEN: signPartnerToken(
              config.authSecret,
              demoPartners[0]!._id,
              demoPartners[0]!.scopes,
              12 * 3600,
            ),
          },
          { execArgv: [`--max-semi-space-size=${config.gatewaySemiSpaceMb}`] },
        ),
      );
    }
    const gateway = gateways[0]!;
    children.push(...gateways);
    for (const child of children) {
      void child.exited.then((code) => {
        if (stopping) return;
        console.error(`${child.name} exited unexpectedly (code ${code}); stopping everything`);
        void stopAll(1);
      });
    }

    console.log(
      `subgraphs: ${subgraphs.map((child, index) => `${subgraphNames[index]} ${child.url}`).join(', ')}`,
    );
    console.log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    console.log(`gateway ready at ${gateways.map((running) => running.url).join(', ')}`);
    console.log(
      `playground: open ${gateway.url} in a browser (health: ${new URL(healthCheckPath, gateway.url).href})`,
    );
    console.log(`demo user ${demoUserId} token (also prefilled in the playground):\n${demoToken}`);
    if (config.mode === 'local') {
      console.log(`operator token (the playground's second tab):\n${operatorToken}`);
      const tokenUrl = new URL(oauthTokenPath, gateway.url).href;
      console.log(`demo partners (client credentials at POST ${tokenUrl}; the playground's Partner tab):`);
      for (const partner of demoPartners) {
        console.log(
          `  ${partner.name} (${partner.kind}): client_id=${partner._id} client_secret=${partner.demoClientSecret} scopes="${partner.scopes.join(' ')}"`,
        );
      }
    }
    if (process.send) process.send({ type: 'ready', url: gateway.url, urls: gateways.map((g) => g.url) });
  } catch (error) {
    console.error('start failed:', error);
    await stopAll(1);
  }
}

void main();
