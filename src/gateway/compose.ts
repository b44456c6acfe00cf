import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** Composes subgraph SDLs into a supergraph SDL in process; throws with every composition error. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(
    subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })),
  );
  if (result.errors && result.errors.length > 0) {
    throw new Error(
      `supergraph composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`,
    );
  }
  if (!result.supergraphSdl) throw new Error('supergraph composition returned no SDL');
  return result.supergraphSdl;
}
