import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { startEngine, type DatabaseEngine } from '../../src/storage/engine/engine';

declare global {
  var testEngine: DatabaseEngine | undefined;
  var testEngineDir: string | undefined;
}

/**
 * One database server for the whole run (MONGODB_URI if set, else the embedded FerretDB); none when
 * only the unit project runs (`npm run test:unit`), which is pure code.
 */
export default async function globalSetup(): Promise<void> {
  const projects = selectedProjects(process.argv);
  if (projects.length > 0 && projects.every((project) => project === 'unit')) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-test-'));
  const engine = await startEngine({ mongodbUri: process.env.MONGODB_URI, dataDir });
  console.log(`\ntest database engine: ${engine.description}`);
  process.env.TEST_SERVER_URI = engine.uri;
  globalThis.testEngine = engine;
  globalThis.testEngineDir = dataDir;
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
