import { printSubgraphSchema } from '@apollo/subgraph';
import { type AppMode, subgraphNames, type SubgraphName } from '../config';
import { subgraphs } from './subgraphs';

/** Each subgraph's SDL as it serves it from `_service { sdl }`, built without a database (local mode by default). */
export async function printSubgraphSdls(mode: AppMode = 'local'): Promise<Record<SubgraphName, string>> {
  const entries = await Promise.all(
    subgraphNames.map(
      async (name) => [name, printSubgraphSchema(await subgraphs[name].buildSchema(mode))] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<SubgraphName, string>;
}
