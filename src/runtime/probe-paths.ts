export const healthCheckPath = '/healthz';
export const readinessCheckPath = '/readiness';
/** Prometheus metrics on every process (its own token: METRICS_TOKEN). */
export const metricsPath = '/metrics';

/** Liveness, readiness and metrics: never rate limited, never asked for a user token. */
export const probePaths: ReadonlySet<string> = new Set([healthCheckPath, readinessCheckPath, metricsPath]);
