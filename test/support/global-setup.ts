import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { startEngine, type DatabaseEngine } from '../../src/storage/engine/engine';

declare global {
  var testEngine: DatabaseEngine | undefined;
  var testEngineDir: string | undefined;
}

/** One database server for the whole run (MONGODB_URI if set, else the embedded FerretDB). */
export default async function globalSetup(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-test-'));
  const engine = await startEngine({ mongodbUri: process.env.MONGODB_URI, dataDir });
  console.log(`\ntest database engine: ${engine.description}`);
  process.env.TEST_SERVER_URI = engine.uri;
  globalThis.testEngine = engine;
  globalThis.testEngineDir = dataDir;
}
