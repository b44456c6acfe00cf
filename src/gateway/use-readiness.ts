import { log } from '../observability/log';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GatewayCredentialSigner } from '../auth/gateway-credential';
import { jsonRefusal } from './json-refusal';
import { readinessCheckPath } from '../runtime/probe-paths';

/** A subgraph that has not answered in this time counts as down. */
const answerWithinMs = 1_500;
/** Probes come often (a load balancer per instance): one look at the subgraphs serves this long. */
const reuseForMs = 500;

/**
 * GET /readiness: 200 while every subgraph answers its own readiness (it pings the database), else
 * 503 `SERVICE_UNAVAILABLE` naming what is down. A load balancer stops sending traffic meanwhile;
 * /healthz (liveness) stays 200, since restarting the gateway would not help.
 */
export function useReadiness(options: {
  subgraphs: readonly { name: string; url: string }[];
  credential: GatewayCredentialSigner;
  production: boolean;
}): GatewayPlugin {
  // One look at a time; its answer is reused until `reuseForMs` after it finished.
  let inFlight: Promise<string[]> | undefined;
  let last: { finishedAtMs: number; down: string[] } | undefined;
  const down = async (): Promise<string[]> => {
    if (last && Date.now() - last.finishedAtMs <= reuseForMs) return last.down;
    inFlight ??= findDown(options.subgraphs, options.credential).then((found) => {
      last = { finishedAtMs: Date.now(), down: found };
      inFlight = undefined;
      return found;
    });
    return inFlight;
  };
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== readinessCheckPath) return;
      const notReady = await down();
      if (notReady.length > 0 && options.production) log().warn('not ready', { notReady });
      endResponse(
        notReady.length === 0
          ? new fetchAPI.Response(JSON.stringify({ ready: true }), {
              headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
            })
          : jsonRefusal(
              fetchAPI,
              503,
              'SERVICE_UNAVAILABLE',
              // Production names no internals to whoever asks; the log has them.
              options.production ? 'Not ready' : `Not ready: ${notReady.join(', ')}`,
            ),
      );
    },
  };
}

async function findDown(
  subgraphs: readonly { name: string; url: string }[],
  credential: GatewayCredentialSigner,
): Promise<string[]> {
  const answers = await Promise.all(
    subgraphs.map(async ({ name, url }) => {
      try {
        const response = await fetch(new URL(readinessCheckPath, url), {
          headers: credential.headers(),
          signal: AbortSignal.timeout(answerWithinMs),
        });
        if (response.ok) return undefined;
        const body = (await response.json().catch(() => ({}))) as { errors?: { message?: string }[] };
        return `${name} (${body.errors?.[0]?.message ?? `HTTP ${response.status}`})`;
      } catch {
        return `${name} (unreachable)`;
      }
    }),
  );
  return answers.filter((answer) => answer !== undefined);
}
