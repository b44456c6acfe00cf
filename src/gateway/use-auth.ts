import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { InvalidTokenError, oauthTokenPath, viewerFromAuthorization } from '../auth/token';

/**
 * Rejects a request whose bearer token is malformed, forged or expired before any subgraph is called.
 * A request without a token passes: public fields (the catalog) need none, and personal fields
 * answer UNAUTHENTICATED from the subgraph that owns them.
 */
export function useAuth(options: { authSecret: string }): GatewayPlugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      // Every path but the token endpoint and the probes: whatever spelling of /graphql a router
      // accepts (`/graphql/`, `//graphql`), a bad bearer token is refused the same way.
      if (url.pathname === oauthTokenPath || url.pathname === '/healthz' || url.pathname === '/readiness')
        return;
      try {
        viewerFromAuthorization(options.authSecret, request.headers.get('authorization'));
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        const body = {
          errors: [{ message: `Invalid token: ${error.message}`, extensions: { code: 'UNAUTHENTICATED' } }],
        };
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status: 401,
            headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
          }),
        );
      }
    },
  };
}
