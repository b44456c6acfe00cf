export const healthCheckPath = '/healthz';
export const readinessCheckPath = '/readiness';

/** Liveness and readiness probes: never rate limited, never asked for a token. */
export const probePaths: ReadonlySet<string> = new Set([healthCheckPath, readinessCheckPath]);
