import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * This process's Prometheus metrics, each named once here. A process registers the ones it feeds;
 * all share the `service` label (gateway, credit, mall, ..., launcher).
 */
export const registry = new Registry();

const latencyBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const requestsTotal = new Counter({
  name: 'creditgraph_requests_total',
  help: 'GraphQL requests answered, by operation name and outcome (OK or the first error code)',
  labelNames: ['operation', 'code'] as const,
  registers: [registry],
});

export const requestDurationSeconds = new Histogram({
  name: 'creditgraph_request_duration_seconds',
  help: 'Time to answer a GraphQL request, by operation name',
  labelNames: ['operation'] as const,
  buckets: latencyBucketsSeconds,
  registers: [registry],
});

export const rejectionsTotal = new Counter({
  name: 'creditgraph_rejections_total',
  help: 'Requests refused with a 4xx status before or instead of running, by error code',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const subgraphCallsTotal = new Counter({
  name: 'creditgraph_subgraph_calls_total',
  help: 'Calls from the gateway to a subgraph, by subgraph and outcome (ok, http_<status>, unreachable)',
  labelNames: ['subgraph', 'outcome'] as const,
  registers: [registry],
});

export const directQueriesTotal = new Counter({
  name: 'creditgraph_direct_queries_total',
  help: 'Queries one subgraph answers alone, sent straight to it without the query planner, by subgraph',
  labelNames: ['subgraph'] as const,
  registers: [registry],
});

export const subgraphCallDurationSeconds = new Histogram({
  name: 'creditgraph_subgraph_call_duration_seconds',
  help: 'Time of one gateway call to a subgraph',
  labelNames: ['subgraph'] as const,
  buckets: latencyBucketsSeconds,
  registers: [registry],
});

export const ledgerAppendsTotal = new Counter({
  name: 'creditgraph_ledger_appends_total',
  help: 'Ledger appends by outcome (the append status, or FAILED when it threw) and refusal reason',
  labelNames: ['outcome', 'reason'] as const,
  registers: [registry],
});

export const databaseCommandsTotal = new Counter({
  name: 'creditgraph_database_commands_total',
  help: 'Database commands sent, by command name and outcome (ok, failed)',
  labelNames: ['command', 'outcome'] as const,
  registers: [registry],
});

export const databaseCommandDurationSeconds = new Histogram({
  name: 'creditgraph_database_command_duration_seconds',
  help: 'Time of one database command, by command name',
  labelNames: ['command'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers: [registry],
});

export const restartsTotal = new Counter({
  name: 'creditgraph_restarts_total',
  help: 'Restarts of a crashed child process by the launcher, by process',
  labelNames: ['process'] as const,
  registers: [registry],
});

export const dueJobsRunsTotal = new Counter({
  name: 'creditgraph_due_jobs_runs_total',
  help: 'Runs of the due jobs by the schedule, by run (DAILY, PENDING; unknown when it failed before choosing) and outcome (ok, failed)',
  labelNames: ['run', 'outcome'] as const,
  registers: [registry],
});

let started = false;

/** Names this process's series and adds Node's own (CPU, memory, event loop lag, GC). */
export function startMetrics(service: string): void {
  if (started) return;
  started = true;
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
}

const maxOperationLabels = 200;
const seenOperations = new Set<string>();
/** First-party operation names: always their own label, outside the 200. */
const knownOperations = new Set<string>();
const plainName = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Names the gateway knows at start (its trusted documents'): a caller's invented ones cannot crowd them out. */
export function labelOperationsAlways(names: Iterable<string>): void {
  for (const name of names) if (plainName.test(name)) knownOperations.add(name);
}

/**
 * A client-chosen operation name as a label: partner apps may send any name, so past 200 distinct
 * ones (or an odd one) the label is `other` and a caller cannot grow the series without bound.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (knownOperations.has(name)) return name;
  if (!plainName.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= maxOperationLabels) return 'other';
  seenOperations.add(name);
  return name;
}
