import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { InvalidTokenError } from '../auth/token';
import { reachesGraphql } from './graphql-paths';
import { jsonRefusal } from './json-refusal';
import { requestViewer } from './request-viewer';

/**
 * Rejects a request whose bearer token is malformed, forged or expired before any subgraph is called.
 * A request without a token passes: public fields (the catalog) need none, and personal fields
 * answer UNAUTHENTICATED from the subgraph that owns them.
 */
export function useAuth(options: { authSecret: string }): GatewayPlugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!reachesGraphql(url.pathname)) return;
      try {
        requestViewer(options.authSecret, request);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        endResponse(
          jsonRefusal(fetchAPI, 401, 'UNAUTHENTICATED', `Invalid token: ${error.message}`, {
            'www-authenticate': 'Bearer',
          }),
        );
      }
    },
  };
}
