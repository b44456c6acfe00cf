import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isAsyncIterable } from '@graphql-tools/utils';
import { type ExecutionArgs, type ExecutionResult, getOperationAST, GraphQLError, Kind } from 'graphql';

/** What graphql-js says when a non-null field resolved to null: a consequence, never the cause. */
const nullViolation = /^Cannot return null for non-nullable field /;

/** The alias the runtime's batching gives each merged request's root fields (`_v<n>_<key>`). */
const mergedKeyPrefix = /^_v\d+_/;

/**
 * Keeps the subgraphs' own errors when a merged call nulls the whole answer. The runtime sends the
 * root fields one subgraph serves as one request; when one of them fails and is non-null, the
 * subgraph answers `data: null` for all of them, and the gateway reports only the first field it
 * finds null ("Cannot return null for non-nullable field", no code), dropping the subgraph's error
 * (`CONSENT_MISSING`, `LINE_NOT_ACTIVE`...). When an answer is null for that reason alone, the
 * client gets the coded root-field errors the subgraphs answered for this request instead.
 */
export function useSubgraphErrors(): GatewayPlugin {
  /** Coded root-field errors of subgraph answers with no data, per request context. */
  const seen = new WeakMap<object, GraphQLError[]>();
  return {
    onSubgraphExecute({ executionRequest, subgraphName }) {
      const context = executionRequest.context as object | undefined;
      if (!context) return;
      return ({ result }) => {
        if (isAsyncIterable(result) || result.data != null || !result.errors?.length) return;
        const causes = result.errors.flatMap((error) => rootFieldCause(error, subgraphName) ?? []);
        if (causes.length) seen.set(context, [...(seen.get(context) ?? []), ...causes]);
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          const replaced = withCauses(result, seen.get(args.contextValue as object), args);
          if (replaced) setResult(replaced);
        },
      };
    },
  };
}

/** The answer with the subgraphs' errors in place of the null violations they caused, or null. */
function withCauses(
  result: ExecutionResult,
  causes: GraphQLError[] | undefined,
  args: ExecutionArgs,
): ExecutionResult | null {
  if (result.data !== null || !result.errors?.length || !causes?.length) return null;
  if (!result.errors.every((error) => nullViolation.test(error.message))) return null;
  const keys = rootResponseKeys(args);
  return {
    ...result,
    errors: causes.map((cause) => {
      const [field, ...rest] = cause.path ?? [];
      // Subgraphs are asked by field name: the client's alias, when it used the field once.
      const named = typeof field === 'string' ? keys.get(field) : undefined;
      return named?.length === 1
        ? new GraphQLError(cause.message, { path: [named[0]!, ...rest], extensions: cause.extensions })
        : cause;
    }),
  };
}

/** Each root field of the executed operation with the response keys (aliases) the client gave it. */
function rootResponseKeys(args: ExecutionArgs): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const operation = getOperationAST(args.document, args.operationName);
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.name.value;
    keys.set(name, [...(keys.get(name) ?? []), selection.alias?.value ?? name]);
  }
  return keys;
}

/** A subgraph's coded error on one of the client's root fields, as the client named it. */
function rootFieldCause(error: GraphQLError, subgraphName: string): GraphQLError | null {
  const code = error.extensions?.code;
  const [first, ...rest] = error.path ?? [];
  if (typeof code !== 'string' || typeof first !== 'string' || first === '_entities') return null;
  return new GraphQLError(error.message, {
    path: [first.replace(mergedKeyPrefix, ''), ...rest],
    extensions: { ...error.extensions, serviceName: subgraphName },
  });
}
