import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type ExecutionRequest, type Executor, relocatedError } from '@graphql-tools/utils';
import {
  buildASTSchema,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLError,
  getOperationAST,
  type GraphQLSchema,
  isNonNullType,
  Kind,
  locatedError,
  OperationTypeNode,
  parse,
} from 'graphql';
import { directQueriesTotal } from '../observability/metrics';
import { operationAlone, perOperation, subgraphServingAlone } from './subgraph-serving-alone';

export interface DirectRoute {
  subgraph: string;
  /** The chosen operation and the fragments it uses: the rest of a client's document is not the subgraph's. */
  document: DocumentNode;
  operationName: string | undefined;
  /** The one root field, in the client's document (where an error about all of it points). */
  rootField: FieldNode;
  /** Its key in the answer (its alias, else its name). */
  rootKey: string;
  /** Whether the supergraph lets that field be null (else a failure nulls the whole `data`). */
  rootNullable: boolean;
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
 * tracing, subgraph errors) still applies; a call that fails as a whole is answered as the planner
 * answers it (`rootFailure`). Mutations and subscriptions keep their own paths. Assumes what this
 * product runs: one supergraph composed at start, no graceful schema reload (whose lease on the
 * runtime's execute function this replaces).
 */
export function useDirectQueries(supergraphSdl: string): GatewayPlugin {
  // A field or value hidden from clients could reach them in a subgraph's answer: the runtime's own
  // execution drops it, so such a supergraph keeps every query on the planner.
  if (supergraphSdl.includes('@inaccessible')) return {};
  const supergraph = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const routeOf = perOperation((document, operationName) =>
    directRouteOf(supergraph, document, operationName),
  );
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
      // Bad variables never get here: useErrorCodes refuses them first, with the gateway's messages.
      const direct = async (execArgs: typeof args & { signal?: AbortSignal }): Promise<ExecutionResult> => {
        directQueriesTotal.inc({ subgraph: route.subgraph });
        let result: ExecutionResult;
        try {
          result = (await executor({
            document: route.document,
            operationName: route.operationName,
            operationType: OperationTypeNode.QUERY,
            variables: (execArgs.variableValues ?? undefined) as ExecutionRequest['variables'],
            context: execArgs.contextValue,
            signal: execArgs.signal,
          })) as ExecutionResult;
        } catch (error) {
          // The upstream timeout, for one: thrown, so located at the root field as graphql-js does.
          return rootFailure(route, [locatedError(error, [route.rootField], [route.rootKey])]);
        }
        const { data, errors } = result;
        if (errors?.length && data?.[route.rootKey] == null) return rootFailure(route, errors);
        // The subgraph's own extensions are not the client's (as on the runtime's path).
        return errors?.length ? { errors, data } : { data };
      };
      setExecuteFn(direct as unknown as Parameters<typeof setExecuteFn>[0]);
    },
  };
}

/**
 * A root field the subgraph answered null with errors (a call that failed as a whole: unreachable,
 * refused, timed out), as the planner answers it: errors without a path moved to the root field
 * (relocated, as the delegation does: no location added), the field null, or the whole `data` when
 * the supergraph says the field is never null, with the first error only (graphql-js stops there).
 */
export function rootFailure(route: DirectRoute, errors: readonly GraphQLError[]): ExecutionResult {
  const atRoot = errors.map((error) => (error.path ? error : relocatedError(error, [route.rootKey])));
  return route.rootNullable
    ? { errors: atRoot, data: { [route.rootKey]: null } }
    : { errors: atRoot.slice(0, 1), data: null };
}

export function directRouteOf(
  supergraph: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): DirectRoute | null {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'query') return null;
  const subgraph = subgraphServingAlone(supergraph, document, operationName);
  const root = operation.selectionSet.selections[0];
  const rootField =
    root?.kind === Kind.FIELD ? supergraph.getQueryType()?.getFields()[root.name.value] : undefined;
  // A root field under @skip/@include may not be asked at all: the planner then calls nothing.
  if (!subgraph || root?.kind !== Kind.FIELD || !rootField || root.directives?.length) return null;
  return {
    subgraph,
    document: operationAlone(document, operation),
    operationName: operationName ?? undefined,
    rootField: root,
    rootKey: root.alias?.value ?? root.name.value,
    rootNullable: !isNonNullType(rootField.type),
  };
}
