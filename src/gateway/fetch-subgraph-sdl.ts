import type { GatewayCredentialSigner } from '../auth/gateway-credential';
import type { SubgraphSource } from './compose';

/** Reads a running subgraph's SDL through the federation `_service` field. */
export async function fetchSubgraphSdl(
  subgraph: { name: string; url: string },
  credential: GatewayCredentialSigner,
): Promise<SubgraphSource> {
  const response = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credential.headers() },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: unknown };
  const sdl = body.data?._service?.sdl;
  if (!response.ok || !sdl) {
    throw new Error(`subgraph ${subgraph.name} at ${subgraph.url} returned no SDL (HTTP ${response.status})`);
  }
  return { ...subgraph, sdl };
}
