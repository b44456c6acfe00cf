import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { reachesGraphql } from './graphql-paths';
import { jsonRefusal } from './json-refusal';

/** What a browser form can send without a CORS preflight (text/plain Yoga refuses already). */
const formContentTypes = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** In production a GET must carry this header (any value): browsers send it only after a preflight. */
export const csrfHeader = 'x-graphql-csrf';

/**
 * Requests a page on another site can make a browser send with no CORS preflight never run:
 * - a form POST (Yoga would run it, mutations included): 415 in every mode;
 * - in production, a GET without the `x-graphql-csrf` header: 403 `CSRF_HEADER_REQUIRED`.
 * A JSON POST needs a preflight already. Written here rather than with the runtime's csrfPrevention
 * so that each refusal has its own code.
 */
export function useCsrfPrevention(options: { production: boolean }): GatewayPlugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!reachesGraphql(url.pathname)) return;
      if (request.method === 'POST' && formContentTypes.test(request.headers.get('content-type') ?? '')) {
        endResponse(
          jsonRefusal(fetchAPI, 415, 'BAD_REQUEST', 'Unsupported content type: send application/json'),
        );
      } else if (options.production && request.method === 'GET' && !request.headers.has(csrfHeader)) {
        endResponse(
          jsonRefusal(
            fetchAPI,
            403,
            'CSRF_HEADER_REQUIRED',
            `A GET needs the "${csrfHeader}" header (or POST application/json)`,
          ),
        );
      }
    },
  };
}
