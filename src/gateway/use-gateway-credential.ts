import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { gatewayCredentialHeader, type GatewayCredentialSigner } from '../auth/gateway-credential';

/** Every call the runtime makes to a subgraph carries the gateway's short-lived credential. */
export function useGatewayCredential(credential: GatewayCredentialSigner): GatewayPlugin {
  return {
    onFetch({ options }) {
      const headers = (options.headers ??= {}) as Record<string, string>;
      headers[gatewayCredentialHeader] = credential.current();
    },
  };
}
