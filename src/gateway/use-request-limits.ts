import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GatewayLimits } from '../config';
import { oauthTokenPath } from '../auth/token';
import { jsonRefusal, oauthRefusal } from './json-refusal';
import { probePaths } from '../runtime/probe-paths';
import { rateLimitRetryAfterSeconds, type RequestCounter } from './request-counter';
import { clientAddress, requestViewerOrNone } from './request-viewer';

export type RequestLimits = Pick<
  GatewayLimits,
  'maxBodyBytes' | 'viewerRequestsPerMinute' | 'addressRequestsPerMinute'
> & { authSecret: string; counter: RequestCounter };

/**
 * HTTP-level limits before a body is read: its declared size (413; a POST must declare one, 411),
 * then requests per minute per client address and per viewer (429 with Retry-After).
 */
export function useRequestLimits(limits: RequestLimits): GatewayPlugin {
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (probePaths.has(url.pathname)) return;
      const refuse = (status: number, code: string, message: string, headers?: Record<string, string>) =>
        // The token endpoint answers in OAuth's terms, not as GraphQL.
        endResponse(
          (url.pathname === oauthTokenPath ? oauthRefusal : jsonRefusal)(
            fetchAPI,
            status,
            code,
            message,
            headers,
          ),
        );
      if (request.method === 'POST') {
        const declared = request.headers.get('content-length');
        if (declared === null)
          return refuse(411, 'LENGTH_REQUIRED', 'Send the body with a Content-Length header');
        if (Number(declared) > limits.maxBodyBytes)
          return refuse(
            413,
            'REQUEST_ENTITY_TOO_LARGE',
            `The body is over the limit of ${limits.maxBodyBytes} bytes`,
          );
      }
      const caller = {
        viewer: requestViewerOrNone(limits.authSecret, request),
        address: clientAddress(serverContext),
      };
      return rateLimitRetryAfterSeconds(limits.counter, limits, caller, Date.now()).then(
        (retryAfterSeconds) => {
          if (retryAfterSeconds === undefined) return;
          refuse(429, 'RATE_LIMITED', `Too many requests: retry in ${retryAfterSeconds} s`, {
            'retry-after': String(retryAfterSeconds),
          });
        },
      );
    },
  };
}
