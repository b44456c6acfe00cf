import { timingSafeEqual } from 'node:crypto';
import type { AppMode } from '../config';
import { refusalBody } from '../errors';
import { registry } from './metrics';

export interface MetricsAccess {
  mode: AppMode;
  /** METRICS_TOKEN: the bearer a scraper sends; required in production, where none means no /metrics. */
  metricsToken: string | undefined;
}

export interface MetricsReply {
  status: number;
  contentType: string;
  body: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const refusal = (status: number, code: string, message: string): MetricsReply => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: refusalBody(code, message),
});

/**
 * GET /metrics on any process. Local mode: open unless METRICS_TOKEN is set. Production: only with
 * `Authorization: Bearer <METRICS_TOKEN>`, and not at all without one (operation names and error
 * rates are not for the internet).
 */
export async function metricsReply(
  access: MetricsAccess,
  authorization: string | null | undefined,
): Promise<MetricsReply> {
  if (access.metricsToken) {
    const given = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
    if (!sameSecret(given, access.metricsToken))
      return refusal(401, 'UNAUTHENTICATED', 'Send the metrics token as a bearer token');
  } else if (access.mode === 'production') {
    return refusal(404, 'NOT_FOUND', 'Not found');
  }
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}
