import { printSubgraphSchema } from '@apollo/subgraph';
import { subgraphNames, type SubgraphName } from '../config';
import { subgraphs } from './subgraphs';

/** Each subgraph's SDL as it serves it from `_service { sdl }`, built without a database. */
export async function printSubgraphSdls(): Promise<Record<SubgraphName, string>> {
  const entries = await Promise.all(
    subgraphNames.map(
      async (name) => [name, printSubgraphSchema(await subgraphs[name].buildSchema())] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<SubgraphName, string>;
}
