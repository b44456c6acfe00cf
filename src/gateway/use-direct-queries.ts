import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionRequest, Executor } from '@graphql-tools/utils';
import {
  buildASTSchema,
  type DocumentNode,
  type ExecutionResult,
  getOperationAST,
  getVariableValues,
  type OperationDefinitionNode,
  type GraphQLSchema,
  Kind,
  OperationTypeNode,
  parse,
} from 'graphql';
import { directQueriesTotal } from '../observability/metrics';
import { fragmentsUsed, subgraphServingAlone } from './subgraph-serving-alone';

interface DirectRoute {
  subgraph: string;
  /** The chosen operation and the fragments it uses: the rest of a client's document is not the subgraph's. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | undefined;
}

interface Subschema {
  name?: string;
  executor?: Executor;
}

/**
 * A query one subgraph answers alone (subgraph-serving-alone.ts) is sent to it as the client wrote
 * it, and its answer is the client's: the query planner, the delegation and a second execution over
 * the subgraph's answer would change nothing in it. The call goes through the runtime's own executor
 * for that subgraph, so every subgraph hook (credential, upstream timeout, request id, metrics,
 * tracing, subgraph errors) still applies. Mutations and subscriptions keep their own paths.
 */
export function useDirectQueries(supergraphSdl: string): GatewayPlugin {
  // A field or value hidden from clients could reach them in a subgraph's answer: the runtime's own
  // execution drops it, so such a supergraph keeps every query on the planner.
  if (supergraphSdl.includes('@inaccessible')) return {};
  const supergraph = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  /** Per document and operation name: decided once (the runtime hands out one document per query text). */
  const routes = new WeakMap<DocumentNode, Map<string, DirectRoute | null>>();
  const routeOf = (document: DocumentNode, operationName: string | null | undefined) => {
    let byOperation = routes.get(document);
    if (!byOperation) routes.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let route = byOperation.get(key);
    if (route === undefined) {
      route = decide(supergraph, document, operationName);
      byOperation.set(key, route);
    }
    return route;
  };
  /** The runtime's executor per subgraph, per schema it built (a new supergraph brings new ones). */
  const executors = new WeakMap<GraphQLSchema, Map<string, Executor>>();
  const executorOf = (schema: GraphQLSchema, subgraph: string) => {
    let bySubgraph = executors.get(schema);
    if (!bySubgraph) {
      bySubgraph = new Map();
      const stitching = schema.extensions?.['stitchingInfo'] as
        { subschemaMap?: Map<unknown, Subschema> } | undefined;
      for (const subschema of stitching?.subschemaMap?.values() ?? [])
        if (subschema.name && subschema.executor) bySubgraph.set(subschema.name, subschema.executor);
      executors.set(schema, bySubgraph);
    }
    return bySubgraph.get(subgraph);
  };
  return {
    onExecute({ args, setExecuteFn }) {
      const route = routeOf(args.document, args.operationName);
      if (!route) return;
      const executor = executorOf(args.schema, route.subgraph);
      if (!executor) return;
      directQueriesTotal.inc({ subgraph: route.subgraph });
      setExecuteFn((async (execArgs: typeof args & { signal?: AbortSignal }) => {
        // The variables are checked here, as the gateway's own execution would, with its messages.
        const variables = getVariableValues(
          execArgs.schema,
          route.operation.variableDefinitions ?? [],
          execArgs.variableValues ?? {},
          { maxErrors: 50 },
        );
        if (variables.errors) return { errors: variables.errors };
        const result = (await executor({
          document: route.document,
          operationName: route.operationName,
          operationType: OperationTypeNode.QUERY,
          variables: (execArgs.variableValues ?? undefined) as ExecutionRequest['variables'],
          context: execArgs.contextValue,
          rootValue: execArgs.rootValue,
          signal: execArgs.signal,
        })) as ExecutionResult;
        // The subgraph's own extensions are not the client's (as on the runtime's path).
        return result.errors?.length ? { errors: result.errors, data: result.data } : { data: result.data };
      }) as never);
    },
  };
}

function decide(
  supergraph: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): DirectRoute | null {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'query') return null;
  const subgraph = subgraphServingAlone(supergraph, document, operationName);
  if (!subgraph) return null;
  return {
    subgraph,
    document: { kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsed(document, operation)] },
    operation,
    operationName: operationName ?? undefined,
  };
}
