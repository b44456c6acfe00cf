import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GatewayCredentialSigner } from '../auth/gateway-credential';
import { oauthTokenPath } from '../auth/token';

/**
 * Serves POST /oauth/token (partner client credentials) by forwarding it to the wallets subgraph, which
 * owns partners and their hashed secrets. Bodies and answers pass through unchanged, and no part of
 * them is logged.
 */
export function useOAuthToken(options: {
  walletsUrl: string | undefined;
  credential: GatewayCredentialSigner;
}): GatewayPlugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== oauthTokenPath) return;
      if (!options.walletsUrl) {
        endResponse(
          new fetchAPI.Response(JSON.stringify({ error: 'temporarily_unavailable' }), { status: 503 }),
        );
        return;
      }
      const headers: Record<string, string> = options.credential.headers();
      for (const name of ['content-type', 'authorization']) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      const upstream = await fetch(new URL(oauthTokenPath, options.walletsUrl), {
        method: request.method,
        headers,
        ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: await request.text() }),
      });
      const answerHeaders: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (['content-type', 'cache-control', 'www-authenticate', 'allow'].includes(name))
          answerHeaders[name] = value;
      });
      endResponse(
        new fetchAPI.Response(await upstream.text(), { status: upstream.status, headers: answerHeaders }),
      );
    },
  };
}
