import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isAsyncIterable } from '@graphql-tools/utils';
import {
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  getOperationAST,
  GraphQLError,
  Kind,
  type SelectionSetNode,
} from 'graphql';

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
      // Subgraphs are asked by field name: the client's key for it, when it asked for the field once;
      // else no path rather than one the client never asked for.
      const named = typeof field === 'string' ? keys.get(field) : undefined;
      const path = named?.size === 1 ? [[...named][0]!, ...rest] : undefined;
      return new GraphQLError(cause.message, { ...(path ? { path } : {}), extensions: cause.extensions });
    }),
  };
}

/** Each root field of the executed operation with the response keys (aliases) the client gave it. */
function rootResponseKeys(args: ExecutionArgs): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  const fragments = new Map(
    args.document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        keys.set(name, (keys.get(name) ?? new Set()).add(selection.alias?.value ?? name));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        walk(fragments.get(selection.name.value)?.selectionSet);
      }
    }
  };
  walk(getOperationAST(args.document, args.operationName)?.selectionSet);
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
