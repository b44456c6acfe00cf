import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseEngine } from '../../src/storage/engine/engine';
import { type FerretdbOptions, startFerretdb } from '../../src/storage/engine/ferretdb';

/** An embedded FerretDB on SQLite files of its own, which a test can stop and start again. */
export interface ScratchFerretdb extends AsyncDisposable {
  dataDir: string;
  /** The SQLite file of one database. */
  file(database: string): string;
  /** The running engine (throws while stopped). */
  readonly engine: DatabaseEngine;
  start(): Promise<DatabaseEngine>;
  stop(): Promise<void>;
}

/** Starts one in a new temporary directory; disposing stops it and removes the directory. */
export async function scratchFerretdb(
  name: string,
  options: Omit<FerretdbOptions, 'dataDir'> = {},
): Promise<ScratchFerretdb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `creditgraph-${name}-`));
  let running: DatabaseEngine | undefined;
  const scratch: ScratchFerretdb = {
    dataDir,
    file: (database) => path.join(dataDir, `${database}.sqlite`),
    get engine() {
      if (!running) throw new Error('the scratch FerretDB is stopped');
      return running;
    },
    async start() {
      running = await startFerretdb({ ...options, dataDir });
      return running;
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
    async [Symbol.asyncDispose]() {
      await scratch.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await scratch.start();
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return scratch;
}
