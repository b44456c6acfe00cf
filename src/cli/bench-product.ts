import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DatabaseEngine, startEngine } from '../storage/engine/engine';

/** A benchmark's own database engine and its throwaway data directory. */
export interface BenchEngine {
  engine: DatabaseEngine;
  dataDir: string;
  /** Stops the engine and removes the data directory. */
  stop(): Promise<void>;
}

/**
 * The engine a benchmark measures on: the MongoDB of MONGODB_URI, else the embedded FerretDB (on
 * FERRETDB_POSTGRESQL_URL's PostgreSQL when set, else SQLite in a throwaway directory).
 */
export async function startBenchEngine(name: string): Promise<BenchEngine> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `creditgraph-${name}-`));
  const engine = await startEngine({
    mongodbUri: process.env.MONGODB_URI,
    ferretdbPostgresqlUrl: process.env.FERRETDB_POSTGRESQL_URL,
    dataDir,
  });
  return {
    engine,
    dataDir,
    async stop() {
      await engine.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The product as a benchmark runs it: `dist/main.js` on free ports over a throwaway data directory. */
export interface BenchProduct {
  child: ChildProcess;
  /** The (first) gateway's GraphQL URL. */
  url: string;
  subgraphs: { name: string; url: string }[];
  gatewayPids: number[];
}

/**
 * Starts the product and resolves with what its launcher reports when ready. `env` adds to or
 * overrides the defaults (free ports, the embedded engine in `dataDir`, warnings only in the logs).
 */
export function startBenchProduct(dataDir: string, env: Record<string, string> = {}): Promise<BenchProduct> {
  const child = fork(path.join(__dirname, '..', 'main.js'), [], {
    env: {
      ...process.env,
      PORT: '0',
      SUBGRAPH_BASE_PORT: '0',
      LAUNCHER_METRICS_PORT: '0',
      DATA_DIR: dataDir,
      MONGODB_URI: '',
      FERRETDB_POSTGRESQL_URL: '',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    // The first start may build FerretDB (minutes); past that the launcher is stuck.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the product did not start within 5 minutes'));
    }, 300_000);
    child.on('message', (message: Partial<BenchProduct> & { type?: string }) => {
      if (message.type === 'ready' && message.url && message.subgraphs && message.gatewayPids) {
        clearTimeout(timer);
        resolve({ child, url: message.url, subgraphs: message.subgraphs, gatewayPids: message.gatewayPids });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`product exited during start (code ${code})`));
    });
  });
}

/** Stops the product and waits for its launcher to exit (it stops its children first). */
export async function stopBenchProduct(product: BenchProduct): Promise<void> {
  if (product.child.exitCode !== null || product.child.signalCode !== null) return;
  const exited = new Promise((resolve) => product.child.once('exit', resolve));
  product.child.kill('SIGTERM');
  // The launcher stops its children first; one that hangs past 30 s is killed.
  const timer = setTimeout(() => product.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
