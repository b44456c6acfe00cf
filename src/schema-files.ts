import { subgraphNames } from './config';
import { composeSupergraph } from './gateway/compose';
import { printSubgraphSdls } from './subgraphs/subgraph-sdl';

/** The committed schema artifacts: one SDL per subgraph plus the composed supergraph. */
export async function schemaFiles(): Promise<Record<string, string>> {
  const sdls = await printSubgraphSdls();
  const files: Record<string, string> = {};
  for (const name of subgraphNames) files[`${name}.graphql`] = `${sdls[name].trim()}\n`;
  // URLs in the committed supergraph are placeholders; the gateway composes with live URLs at start.
  const supergraph = composeSupergraph(
    subgraphNames.map((name) => ({ name, url: `http://${name}.subgraph.local/graphql`, sdl: sdls[name] })),
  );
  files['supergraph.graphql'] = `${supergraph.trim()}\n`;
  return files;
}
