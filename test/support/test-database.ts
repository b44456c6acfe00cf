import { randomBytes } from 'node:crypto';
import { connectDatabase, type Database, ensureIndexes } from '../../src/storage/database';
import { databaseUri } from '../../src/storage/engine/engine';
import { createRepositories, type Repositories } from '../../src/storage/repositories/repositories';

export function serverUri(): string {
  const uri = process.env.TEST_SERVER_URI;
  if (!uri)
    throw new Error('TEST_SERVER_URI is not set: run tests through jest (global setup starts the engine)');
  return uri;
}

export function uniqueDatabaseName(prefix = process.env.TEST_DATABASE_PREFIX ?? 'test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export interface TestDatabase extends AsyncDisposable {
  name: string;
  uri: string;
  db: Database;
  repos: Repositories;
}

/** An isolated database with indexes built; disposing drops it. */
export async function testDatabase(): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
  const uri = databaseUri(serverUri(), name);
  const db = await connectDatabase(uri);
  // A database that cannot be set up must not keep the connection (jest would never exit).
  await ensureIndexes(db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  return {
    name,
    uri,
    db,
    repos: createRepositories(db),
    async [Symbol.asyncDispose]() {
      await db.connection.dropDatabase();
      await db.close();
    },
  };
}
