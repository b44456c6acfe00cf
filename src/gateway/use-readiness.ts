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
}): GatewayPlugin {
  let last: { atMs: number; down: Promise<string[]> } | undefined;
  const down = () => {
    const now = Date.now();
    if (!last || now - last.atMs > reuseForMs) {
      last = { atMs: now, down: findDown(options.subgraphs, options.credential) };
    }
    return last.down;
  };
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== readinessCheckPath) return;
      const notReady = await down();
      endResponse(
        notReady.length === 0
          ? new fetchAPI.Response(JSON.stringify({ ready: true }), {
              headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
            })
          : jsonRefusal(fetchAPI, 503, 'SERVICE_UNAVAILABLE', `Not ready: ${notReady.join(', ')}`),
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
