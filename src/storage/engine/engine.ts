import path from 'node:path';
import { goAvailable, startFerretdb } from './ferretdb';
import { redactUrl } from './redact-url';

export interface DatabaseEngine {
  kind: 'mongodb-uri' | 'ferretdb' | 'mongodb-memory-server';
  /** Server URI without a database name; each caller picks its database. */
  uri: string;
  description: string;
  /** The engine's own process, when it runs one (FerretDB): how it ended. */
  exited?: Promise<string>;
  stop(): Promise<void>;
}

export interface EngineOptions {
  mongodbUri?: string | undefined;
  /** Run the embedded FerretDB on this PostgreSQL database instead of SQLite files in dataDir. */
  ferretdbPostgresqlUrl?: string | undefined;
  dataDir: string;
  /** host:port for the embedded engine; a restart passes the first start's, so clients reconnect. */
  listen?: string;
  /** Aborting it stops a start of the embedded engine under way. */
  signal?: AbortSignal;
}

/**
 * Engine choice, in order: MONGODB_URI if set -> the local embedded FerretDB (needs Go to build once;
 * on SQLite, or on PostgreSQL with FERRETDB_POSTGRESQL_URL) -> mongodb-memory-server (a real MongoDB, only where its binary can be downloaded).
 */
export async function startEngine(options: EngineOptions): Promise<DatabaseEngine> {
  if (options.mongodbUri) {
    const redacted = redactUrl(options.mongodbUri);
    return {
      kind: 'mongodb-uri',
      uri: options.mongodbUri,
      description: `MONGODB_URI ${redacted}`,
      stop: async () => {},
    };
  }
  if (goAvailable()) {
    return startFerretdb({
      dataDir: path.join(options.dataDir, 'ferretdb'),
      listen: options.listen,
      postgresqlUrl: options.ferretdbPostgresqlUrl,
      signal: options.signal,
    });
  }
  if (options.ferretdbPostgresqlUrl)
    throw new Error('FERRETDB_POSTGRESQL_URL needs Go to build the embedded FerretDB');
  return startMemoryServer();
}

async function startMemoryServer(): Promise<DatabaseEngine> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await MongoMemoryServer.create();
  return {
    kind: 'mongodb-memory-server',
    uri: server.getUri(),
    description: 'mongodb-memory-server (in-memory MongoDB, data is not kept)',
    stop: async () => {
      await server.stop();
    },
  };
}

/** Appends a database name to a server URI, keeping any query string. */
export function databaseUri(serverUri: string, databaseName: string): string {
  const url = new URL(serverUri);
  url.pathname = `/${databaseName}`;
  return url.toString();
}
