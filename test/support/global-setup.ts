import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEngine, type DatabaseEngine } from '../../src/storage/engine/engine';
import { redactUrl } from '../../src/storage/engine/redact-url';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { postgresqlTierUrl } = require('./engine-tiers') as { postgresqlTierUrl: () => string | undefined };

declare global {
  var testEngines: DatabaseEngine[] | undefined;
  var testEngineDir: string | undefined;
}

/**
 * One database server for the whole run (MONGODB_URI if set, else the embedded FerretDB on SQLite),
 * and a second embedded FerretDB on PostgreSQL for the integration-postgresql project; none when only
 * the unit project runs (`npm run test:unit`), which is pure code.
 */
export default async function globalSetup(): Promise<void> {
  const projects = selectedProjects(process.argv);
  if (projects.length > 0 && projects.every((project) => project === 'unit')) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-test-'));
  globalThis.testEngineDir = dataDir;
  globalThis.testEngines = [];
  // Every test database of this run starts with it, so teardown can drop what a failed test left
  // (PostgreSQL keeps them; SQLite files go with the temporary directory).
  process.env.TEST_DATABASE_PREFIX = `test_${randomBytes(3).toString('hex')}`;
  const engine = await startEngine({ mongodbUri: process.env.MONGODB_URI, dataDir });
  globalThis.testEngines.push(engine);
  console.log(`\ntest database engine: ${engine.description}`);
  process.env.TEST_SERVER_URI = engine.uri;
  const postgresqlUrl = postgresqlTierUrl();
  if (postgresqlUrl && (projects.length === 0 || projects.includes('integration-postgresql'))) {
    await expectReachable(postgresqlUrl);
    const onPostgresql = await startEngine({
      ferretdbPostgresqlUrl: postgresqlUrl,
      dataDir: path.join(dataDir, 'postgresql'),
    });
    globalThis.testEngines.push(onPostgresql);
    await expectWorking(onPostgresql.uri, postgresqlUrl);
    console.log(`test database engine (integration-postgresql): ${onPostgresql.description}`);
    process.env.TEST_SERVER_URI_POSTGRESQL = onPostgresql.uri;
  }
}

/** FerretDB starts even when PostgreSQL is down; then every test would fail on its own. */
async function expectReachable(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(port || 5432), hostname || '127.0.0.1');
    const answer = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3_000);
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
  if (!reachable) {
    throw new Error(
      `PostgreSQL at ${redactUrl(url)} does not answer: the integration-postgresql tier needs it. ` +
        'Start it, point TEST_FERRETDB_POSTGRESQL_URL at another, or set TEST_FERRETDB_POSTGRESQL_URL=off to leave that tier out.',
    );
  }
}

/** FerretDB also starts with a wrong database name or credentials: try one write through it. */
async function expectWorking(serverUri: string, postgresqlUrl: string): Promise<void> {
  const connection = await mongoose
    .createConnection(serverUri, { serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  const probe = connection.useDb(`${process.env.TEST_DATABASE_PREFIX}_probe`);
  try {
    await probe.collection('probe').insertOne({ at: new Date() });
    await probe.dropDatabase();
  } catch (error) {
    throw new Error(
      `FerretDB cannot use PostgreSQL at ${redactUrl(postgresqlUrl)} (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). ` +
        'Check the database name and credentials, or set TEST_FERRETDB_POSTGRESQL_URL=off to leave that tier out.',
      { cause: error },
    );
  } finally {
    await connection.close();
  }
}

/** The projects named after `--selectProjects` on jest's command line (jest keeps them from globalSetup). */
function selectedProjects(argv: string[]): string[] {
  const at = argv.indexOf('--selectProjects');
  if (at < 0) return [];
  const names: string[] = [];
  for (const arg of argv.slice(at + 1)) {
    if (arg.startsWith('-')) break;
    names.push(arg);
  }
  return names;
}
