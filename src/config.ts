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
  /** Redis for ledger notices between processes; unset: the launcher relays them (one machine). */
  redisUrl: string | undefined;
  /** How often a bill-update stream looks at the ledger without a notice (what a lost notice costs). */
  billUpdatesPollMs: number;
  /** Gateway processes over the same subgraphs (the extra ones listen on PORT + 5 + n). */
  gatewayProcesses: number;
  /**
   * V8's young generation of each gateway process, per semi-space. A gateway mostly holds
   * long-lived sockets; a small nursery keeps its memory per subscriber low (bench:subscriptions).
   */
  gatewaySemiSpaceMb: number;
  limits: GatewayLimits;
}

/** What one request may ask of the gateway; each has a setting (README "Limits"). */
export interface GatewayLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
  maxDirectives: number;
  /** Demand control: the estimated cost of an operation (lists count as `listSize` items). */
  maxCost: number;
  listSize: number;
  maxBodyBytes: number;
  /** Requests per minute per viewer (token subject) and per client address; 0 turns one off. */
  viewerRequestsPerMinute: number;
  addressRequestsPerMinute: number;
  /** Each subgraph call, and the whole request. */
  upstreamTimeoutMs: number;
  requestTimeoutMs: number;
}

const devAuthSecret = 'creditgraph-local-dev-secret-change-me';

function intFromEnv(name: string, fallback: number, max = 65535, what = 'a port number'): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be ${what}, got "${raw}"`);
  }
  return value;
}

function atLeastOne(name: string, fallback: number): number {
  return Math.max(1, intFromEnv(name, fallback, 1_000_000_000, 'a positive integer'));
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
    redisUrl: env.REDIS_URL || undefined,
    billUpdatesPollMs:
      intFromEnv('BILL_UPDATES_POLL_MS', 2_000, 3_600_000, 'milliseconds (0-3600000)') || 2_000,
    gatewayProcesses: Math.max(1, intFromEnv('GATEWAY_PROCESSES', 1, 16, 'a count (1-16)')),
    gatewaySemiSpaceMb: Math.max(1, intFromEnv('GATEWAY_SEMI_SPACE_MB', 2, 256, 'megabytes (1-256)')),
    limits: {
      maxTokens: atLeastOne('MAX_TOKENS', 4_000),
      maxDepth: atLeastOne('MAX_DEPTH', 12),
      maxAliases: intFromEnv('MAX_ALIASES', 30, 1_000_000, 'a count'),
      maxFields: atLeastOne('MAX_FIELDS', 1_500),
      maxDirectives: intFromEnv('MAX_DIRECTIVES', 50, 1_000_000, 'a count'),
      maxCost: atLeastOne('MAX_COST', 5_000),
      listSize: atLeastOne('COST_LIST_SIZE', 20),
      maxBodyBytes: atLeastOne('MAX_BODY_BYTES', 102_400),
      viewerRequestsPerMinute: intFromEnv('RATE_LIMIT_VIEWER_PER_MINUTE', 1_200, 1_000_000_000, 'a count'),
      addressRequestsPerMinute: intFromEnv('RATE_LIMIT_ADDRESS_PER_MINUTE', 6_000, 1_000_000_000, 'a count'),
      upstreamTimeoutMs: atLeastOne('UPSTREAM_TIMEOUT_MS', 10_000),
      requestTimeoutMs: atLeastOne('REQUEST_TIMEOUT_MS', 30_000),
    },
  };
}
