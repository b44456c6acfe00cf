import path from 'node:path';
import { isLogLevel } from './observability/log';

/** Where the project lives; data and the built FerretDB binary are kept relative to it. */
export const projectRoot = path.resolve(__dirname, '..');

export type AppMode = 'local' | 'production';

export const subgraphNames = ['credit', 'mall', 'installment', 'wallets'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

export interface AppConfig {
  mode: AppMode;
  gatewayPort: number;
  /** Where the gateway and the subgraph processes listen (HOST, SUBGRAPH_HOST; empty = the default). */
  gatewayHost: string;
  subgraphHost: string;
  /** The subgraphs listen on consecutive ports from here, in `subgraphNames` order. */
  subgraphBasePort: number;
  dataDir: string;
  mongodbUri: string | undefined;
  /** The embedded FerretDB stores its data in this PostgreSQL database instead of SQLite files. */
  ferretdbPostgresqlUrl: string | undefined;
  databaseName: string;
  authSecret: string;
  /** Signs the gateway's calls to the subgraphs (src/auth/gateway-credential.ts); never given to clients. */
  gatewaySecret: string;
  /** Redis for ledger notices between processes; unset: the launcher relays them (one machine). */
  redisUrl: string | undefined;
  /** How often a bill-update stream looks at the ledger without a notice (what a lost notice costs). */
  billUpdatesPollMs: number;
  /**
   * The credit subgraph runs the due jobs by itself at start, on each new business day and this
   * often (DUE_JOBS_EVERY_MINUTES); 0: only by hand (`runDueJobs`). Default 60 in production, 0 in
   * local mode, whose clock an operator moves by hand.
   */
  dueJobsEveryMinutes: number;
  /** Gateway processes over the same subgraphs (the extra ones listen on PORT + 5 + n). */
  gatewayProcesses: number;
  /**
   * V8's young generation of each gateway process, per semi-space. A gateway mostly holds
   * long-lived sockets; a small nursery keeps its memory per subscriber low (bench:subscriptions).
   */
  gatewaySemiSpaceMb: number;
  /**
   * How far V8 lets each gateway process's old generation grow past what survived its last full
   * collection before the next (`--heap-growing-percent`; 0: V8's own factor). A low one keeps the
   * memory under load down at little CPU, with no ceiling that could crash a busy process.
   */
  gatewayHeapGrowingPercent: number;
  /**
   * V8's `--optimize-for-size` for each gateway process (GATEWAY_OPTIMIZE_FOR_SIZE=1; off by
   * default): less memory under load (192 against 226 MiB) for about half the throughput
   * (README "Performance").
   */
  gatewayOptimizeForSize: boolean;
  /** TRUST_CLIENT_TRACEPARENT=1: the gateway continues a caller's trace context (a trusted edge in front). */
  trustClientTraceContext: boolean;
  limits: GatewayLimits;
  /** The trusted-documents manifest the gateway loads; unset: the client SDK's (client/generated). */
  trustedDocumentsPath: string | undefined;
  /** Production: browser origins allowed by CORS (comma-separated CORS_ORIGINS); none by default. */
  corsOrigins: string[];
  /** The bearer token GET /metrics asks for (METRICS_TOKEN); production serves no metrics without one. */
  metricsToken: string | undefined;
  /** The launcher's own /metrics (restarts): PORT + 99 by default, a free port when PORT is 0. */
  launcherMetricsPort: number;
}

/** What one request may ask of the gateway; each has a setting (README "Limits"). */
export interface GatewayLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  /** Fields once fragments are spread out: what a fragment fan-out multiplies. */
  maxFields: number;
  maxDirectives: number;
  /** Demand control (src/gateway/operation-cost.ts): the most an operation may be estimated at. */
  maxCost: number;
  listSize: number;
  maxBodyBytes: number;
  /** Requests per minute per viewer (token subject) and per client address; 0 turns one off. */
  viewerRequestsPerMinute: number;
  addressRequestsPerMinute: number;
  /**
   * GraphQL requests one caller (a user, or an address without a token) runs at once per gateway
   * process; a partner app (server to server, for many users) has its own; then this many wait.
   */
  inFlightPerCaller: number;
  inFlightPerPartner: number;
  queuedPerCaller: number;
  /**
   * The part of real time (percent; 0 = no limit) one caller's requests may take on average per
   * gateway process, and how far ahead (ms) it may get in a burst; a partner app has
   * `inFlightPerPartner / inFlightPerCaller` times as much.
   */
  callerTimePercent: number;
  callerTimeBurstMs: number;
  /** Operations one graphql-ws socket may hold at once (each subscribe message also counts as a request). */
  maxSubscriptionsPerSocket: number;
  /** graphql-ws sockets one client address may hold open at once per gateway process; 0 = no limit. */
  maxWebSocketsPerAddress: number;
  /** Each subgraph call, and the whole request. */
  upstreamTimeoutMs: number;
  requestTimeoutMs: number;
  /** Executing a query or mutation (subscriptions have none); a longer wait for the time share is refused. */
  responseDeadlineMs: number;
}

const devAuthSecret = 'creditgraph-local-dev-secret-change-me';
const devGatewaySecret = 'creditgraph-local-gateway-secret-change-me';

/** A setting the product cannot run with; its message names the setting and what it takes. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function intFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  { min = 0, max = 65535, what = 'a port number' }: { min?: number; max?: number; what?: string } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // Plain digits only: Number() would also take " 5", "1e1", "0x10" and "5.0".
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be ${what}, got "${raw}"`);
  }
  return value;
}

/** The V8 flags each gateway process starts with (README "Performance" measures them). */
export function gatewayV8Flags(
  config: Pick<AppConfig, 'gatewaySemiSpaceMb' | 'gatewayHeapGrowingPercent' | 'gatewayOptimizeForSize'>,
): string[] {
  return [
    `--max-semi-space-size=${config.gatewaySemiSpaceMb}`,
    ...(config.gatewayHeapGrowingPercent > 0
      ? [`--heap-growing-percent=${config.gatewayHeapGrowingPercent}`]
      : []),
    ...(config.gatewayOptimizeForSize ? ['--optimize-for-size'] : []),
  ];
}

/** "1" or "0" (unset: the default); anything else is refused rather than read as one of them. */
function flagFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== '0' && raw !== '1') throw new ConfigError(`${name} must be 1 (on) or 0 (off), got "${raw}"`);
  return raw === '1';
}

const positive = { min: 1, max: 1_000_000_000, what: 'a positive integer' };
const count = { max: 1_000_000_000, what: 'a count' };
const countOrOff = { max: 1_000_000_000, what: 'a count (0 = off)' };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const config = readConfig(env);
  checkPortsFit(config);
  return config;
}

/** Gateway process `index`'s port: PORT, then PORT + 6, PORT + 7... (0 stays any free port). */
export function gatewayPortOf(firstPort: number, index: number): number {
  return index === 0 || firstPort === 0 ? firstPort : firstPort + 5 + index;
}

/** Subgraph `index`'s port: SUBGRAPH_BASE_PORT and the next three (0 stays any free port). */
export function subgraphPortOf(basePort: number, index: number): number {
  return basePort === 0 ? 0 : basePort + index;
}

/** Ports worked out from PORT and SUBGRAPH_BASE_PORT must exist too (at most 65535). */
function checkPortsFit(config: AppConfig): void {
  const { gatewayPort, subgraphBasePort, launcherMetricsPort, gatewayProcesses } = config;
  const derived: [string, number][] = [
    [
      'the last subgraph (SUBGRAPH_BASE_PORT + 3)',
      subgraphPortOf(subgraphBasePort, subgraphNames.length - 1),
    ],
    ['the launcher metrics (LAUNCHER_METRICS_PORT, PORT + 99 by default)', launcherMetricsPort],
    [
      'the last gateway process (PORT + 5 + GATEWAY_PROCESSES - 1)',
      gatewayPortOf(gatewayPort, gatewayProcesses - 1),
    ],
  ];
  for (const [what, port] of derived) {
    if (port > 65535) throw new ConfigError(`the ports do not fit: ${what} would be ${port}, above 65535`);
  }
}

/**
 * How every entry point ends on a bad setting: the message alone (`report`), no stack, exit code 2.
 * Returns for any other error.
 */
export function exitOnConfigError(error: unknown, report: (message: string) => void): void {
  if (!(error instanceof ConfigError)) return;
  report(error.message);
  process.exit(2);
}

function readConfig(env: NodeJS.ProcessEnv): AppConfig {
  // A misspelt "production" must not start local mode, with its demo data and known secrets.
  if (env.APP_MODE && env.APP_MODE !== 'production' && env.APP_MODE !== 'local')
    throw new ConfigError(`APP_MODE must be production or local, got "${env.APP_MODE}"`);
  const mode: AppMode = env.APP_MODE === 'production' ? 'production' : 'local';
  // The gateway runtime reads LOG_LEVEL too, and stops on a level it does not know.
  if (env.LOG_LEVEL && !isLogLevel(env.LOG_LEVEL))
    throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got "${env.LOG_LEVEL}"`);
  const authSecret = env.AUTH_SECRET ?? (mode === 'production' ? '' : devAuthSecret);
  if (authSecret.length < 16)
    throw new ConfigError(
      mode === 'production'
        ? 'AUTH_SECRET must be set (16+ characters) in production mode'
        : 'AUTH_SECRET must be 16+ characters (or unset in local mode, for the dev secret)',
    );
  const gatewaySecret = env.GATEWAY_SECRET ?? (mode === 'production' ? '' : devGatewaySecret);
  if (gatewaySecret.length < 16)
    throw new ConfigError(
      mode === 'production'
        ? 'GATEWAY_SECRET must be set (16+ characters) in production mode'
        : 'GATEWAY_SECRET must be 16+ characters (or unset in local mode, for the dev secret)',
    );
  // A token signer must not also be able to speak for the gateway, and the other way round.
  if (gatewaySecret === authSecret) throw new ConfigError('GATEWAY_SECRET must differ from AUTH_SECRET');
  const gatewayPort = intFromEnv(env, 'PORT', 4000);
  const dueJobsEveryMinutes = intFromEnv(env, 'DUE_JOBS_EVERY_MINUTES', mode === 'production' ? 60 : 0, {
    max: 1_440,
    what: 'minutes (0-1440, 0 = only by hand)',
  });
  // Production has no runDueJobs: nothing else would cut a statement or accrue a penalty.
  if (mode === 'production' && dueJobsEveryMinutes === 0)
    throw new ConfigError(
      'DUE_JOBS_EVERY_MINUTES cannot be 0 in production: nothing else runs the due jobs there',
    );
  return {
    mode,
    gatewayPort,
    gatewayHost: env.HOST || '127.0.0.1',
    subgraphHost: env.SUBGRAPH_HOST || '127.0.0.1',
    subgraphBasePort: intFromEnv(env, 'SUBGRAPH_BASE_PORT', gatewayPort === 0 ? 0 : gatewayPort + 1),
    dataDir: path.resolve(env.DATA_DIR ?? path.join(projectRoot, '.data')),
    mongodbUri: env.MONGODB_URI || undefined,
    ferretdbPostgresqlUrl: env.FERRETDB_POSTGRESQL_URL || undefined,
    databaseName: env.DATABASE_NAME ?? 'creditgraph',
    authSecret,
    gatewaySecret,
    redisUrl: env.REDIS_URL || undefined,
    billUpdatesPollMs: intFromEnv(env, 'BILL_UPDATES_POLL_MS', 2_000, {
      min: 1,
      max: 3_600_000,
      what: 'milliseconds (1-3600000)',
    }),
    dueJobsEveryMinutes,
    gatewayProcesses: intFromEnv(env, 'GATEWAY_PROCESSES', 1, { min: 1, max: 16, what: 'a count (1-16)' }),
    gatewaySemiSpaceMb: intFromEnv(env, 'GATEWAY_SEMI_SPACE_MB', 8, {
      min: 1,
      max: 256,
      what: 'megabytes (1-256)',
    }),
    gatewayHeapGrowingPercent: intFromEnv(env, 'GATEWAY_HEAP_GROWING_PERCENT', 20, {
      min: 0,
      max: 1_000,
      what: 'a percentage (0-1000; 0: V8 decides)',
    }),
    trustClientTraceContext: flagFromEnv(env, 'TRUST_CLIENT_TRACEPARENT', false),
    gatewayOptimizeForSize: flagFromEnv(env, 'GATEWAY_OPTIMIZE_FOR_SIZE', false),
    trustedDocumentsPath: env.TRUSTED_DOCUMENTS_FILE || undefined,
    metricsToken: env.METRICS_TOKEN || undefined,
    launcherMetricsPort: intFromEnv(env, 'LAUNCHER_METRICS_PORT', gatewayPort === 0 ? 0 : gatewayPort + 99),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    limits: {
      maxTokens: intFromEnv(env, 'MAX_TOKENS', 4_000, positive),
      maxDepth: intFromEnv(env, 'MAX_DEPTH', 12, positive),
      maxAliases: intFromEnv(env, 'MAX_ALIASES', 30, count),
      maxFields: intFromEnv(env, 'MAX_FIELDS', 1_500, positive),
      maxDirectives: intFromEnv(env, 'MAX_DIRECTIVES', 50, count),
      maxCost: intFromEnv(env, 'MAX_COST', 5_000, positive),
      listSize: intFromEnv(env, 'COST_LIST_SIZE', 20, positive),
      maxBodyBytes: intFromEnv(env, 'MAX_BODY_BYTES', 102_400, positive),
      viewerRequestsPerMinute: intFromEnv(env, 'RATE_LIMIT_VIEWER_PER_MINUTE', 1_200, countOrOff),
      addressRequestsPerMinute: intFromEnv(env, 'RATE_LIMIT_ADDRESS_PER_MINUTE', 6_000, countOrOff),
      inFlightPerCaller: intFromEnv(env, 'MAX_IN_FLIGHT_PER_CALLER', 2, positive),
      inFlightPerPartner: intFromEnv(env, 'MAX_IN_FLIGHT_PER_PARTNER', 16, positive),
      queuedPerCaller: intFromEnv(env, 'MAX_QUEUED_PER_CALLER', 256, count),
      callerTimePercent: intFromEnv(env, 'CALLER_TIME_PERCENT', 50, countOrOff),
      callerTimeBurstMs: intFromEnv(env, 'CALLER_TIME_BURST_MS', 2_000, count),
      maxSubscriptionsPerSocket: intFromEnv(env, 'MAX_SUBSCRIPTIONS_PER_SOCKET', 50, positive),
      maxWebSocketsPerAddress: intFromEnv(env, 'MAX_WEBSOCKETS_PER_ADDRESS', 100, countOrOff),
      upstreamTimeoutMs: intFromEnv(env, 'UPSTREAM_TIMEOUT_MS', 10_000, positive),
      requestTimeoutMs: intFromEnv(env, 'REQUEST_TIMEOUT_MS', 30_000, positive),
      responseDeadlineMs: intFromEnv(env, 'RESPONSE_DEADLINE_MS', 20_000, positive),
    },
  };
}
