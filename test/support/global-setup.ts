import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { startEngine, type DatabaseEngine } from '../../src/storage/engine/engine';

declare global {
  var testEngines: DatabaseEngine[] | undefined;
  var testEngineDir: string | undefined;
}

/** PostgreSQL on these machines (trust auth); FerretDB keeps each test database in its own schema. */
const defaultPostgresqlUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

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
  const engine = await startEngine({ mongodbUri: process.env.MONGODB_URI, dataDir });
  globalThis.testEngines.push(engine);
  console.log(`\ntest database engine: ${engine.description}`);
  process.env.TEST_SERVER_URI = engine.uri;
  if (projects.length === 0 || projects.includes('integration-postgresql')) {
    const onPostgresql = await startEngine({
      mongodbUri: process.env.MONGODB_URI,
      ferretdbPostgresqlUrl: process.env.TEST_FERRETDB_POSTGRESQL_URL ?? defaultPostgresqlUrl,
      dataDir: path.join(dataDir, 'postgresql'),
    });
    globalThis.testEngines.push(onPostgresql);
    console.log(`test database engine (integration-postgresql): ${onPostgresql.description}`);
    process.env.TEST_SERVER_URI_POSTGRESQL = onPostgresql.uri;
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
