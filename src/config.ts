import path from 'node:path';

/** Where the project lives; data and the built FerretDB binary are kept relative to it. */
export const projectRoot = path.resolve(__dirname, '..');

export type AppMode = 'local' | 'production';

export const subgraphNames = ['credit', 'mall', 'installment', 'wallets'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

export interface AppConfig {
  mode: AppMode;
  gatewayPort: number;
  /** The subgraphs listen on consecutive ports from here, in `subgraphNames` order. */
  subgraphBasePort: number;
  dataDir: string;
  mongodbUri: string | undefined;
  databaseName: string;
  authSecret: string;
}

const devAuthSecret = 'creditgraph-local-dev-secret-change-me';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const mode: AppMode = env.APP_MODE === 'production' ? 'production' : 'local';
  const authSecret = env.AUTH_SECRET ?? (mode === 'production' ? '' : devAuthSecret);
  if (authSecret.length < 16) throw new Error('AUTH_SECRET must be set (16+ characters) in production mode');
  const gatewayPort = intFromEnv('PORT', 4000);
  return {
    mode,
    gatewayPort,
    subgraphBasePort: intFromEnv('SUBGRAPH_BASE_PORT', gatewayPort === 0 ? 0 : gatewayPort + 1),
    dataDir: path.resolve(env.DATA_DIR ?? path.join(projectRoot, '.data')),
    mongodbUri: env.MONGODB_URI || undefined,
    databaseName: env.DATABASE_NAME ?? 'creditgraph',
    authSecret,
  };
}
