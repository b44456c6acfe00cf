import fs from 'node:fs';
import mongoose from 'mongoose';

export default async function globalTeardown(): Promise<void> {
  const prefix = process.env.TEST_DATABASE_PREFIX;
  for (const engine of globalThis.testEngines ?? []) {
    // What a failed or timed-out test did not drop (it matters on PostgreSQL and MONGODB_URI).
    if (prefix) await dropRunDatabases(engine.uri, prefix).catch(() => undefined);
    await engine.stop();
  }
  if (globalThis.testEngineDir) fs.rmSync(globalThis.testEngineDir, { recursive: true, force: true });
}

async function dropRunDatabases(serverUri: string, prefix: string): Promise<void> {
  const connection = await mongoose
    .createConnection(serverUri, { serverSelectionTimeoutMS: 3_000 })
    .asPromise();
  try {
    const { databases } = await connection.db!.admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (name.startsWith(`${prefix}_`)) await connection.useDb(name).dropDatabase();
    }
  } finally {
    await connection.close();
  }
}
