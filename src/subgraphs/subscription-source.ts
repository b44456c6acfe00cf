import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  parse,
  subscribe,
  validate,
} from 'graphql';
import { codedGraphQLError, variableRefusals } from '../errors';
import { formatSubgraphError } from './common/to-graphql-error';
import { log } from '../observability/log';

/** Documents kept parsed and validated: a gateway sends the same few for thousands of subscriptions. */
const documentsKept = 500;

export type CheckedSubscription = { document: DocumentNode } | { errors: GraphQLError[] };

/**
 * Parses and validates subscription documents against one schema, for both subscription transports
 * (SSE and graphql-ws), each refusal with its code. Kept per query text: checked once, not per
 * subscriber.
 */
export function subscriptionChecker(
  schema: GraphQLSchema,
): (query: string, operationName: string | null | undefined) => CheckedSubscription {
  const kept = new Map<string, { document: DocumentNode } | { errors: GraphQLError[] }>();
  const checkDocument = (query: string) => {
    let checked = kept.get(query);
    if (checked) return checked;
    try {
      const document = parse(query);
      const invalid = validate(schema, document);
      checked =
        invalid.length > 0
          ? { errors: invalid.map((error) => codedGraphQLError(error.message, 'GRAPHQL_VALIDATION_FAILED')) }
          : { document };
    } catch (error) {
      checked = { errors: [codedGraphQLError((error as Error).message, 'GRAPHQL_PARSE_FAILED')] };
    }
    if (kept.size >= documentsKept) kept.delete(kept.keys().next().value!);
    kept.set(query, checked);
    return checked;
  };
  return (query, operationName) => {
    const checked = checkDocument(query);
    if ('errors' in checked) return checked;
    if (getOperationAST(checked.document, operationName ?? undefined)?.operation !== 'subscription')
      return { errors: [codedGraphQLError('Only subscriptions are served here', 'BAD_REQUEST')] };
    return checked;
  };
}

/**
 * Starts a subscription: a stream whose failure (token expiry, a binding ended) becomes its last
 * result, so it reaches the client with its code; or one result when it cannot start. An
 * unexpected throw fails this subscription only.
 */
export async function startSubscription(
  args: ExecutionArgs,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  const refusals = variableRefusals(args);
  if (refusals) return { errors: refusals };
  try {
    const result = await subscribe(args);
    return Symbol.asyncIterator in result ? endingWithResult(result) : result;
  } catch (error) {
    log().error('subscription failed', { error });
    return { errors: [codedGraphQLError('Internal server error', 'INTERNAL_SERVER_ERROR')] };
  }
}

/**
 * Written by hand: a generator's return() would wait behind the next() that waits for an update,
 * and a stream the client left would live on until then.
 */
function endingWithResult(stream: AsyncGenerator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  let done = false;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (done) return { value: undefined, done: true };
      try {
        const step = await stream.next();
        if (step.done) done = true;
        return step;
      } catch (error) {
        done = true;
        const failure = (error instanceof Error ? error : new Error(String(error))) as GraphQLError;
        return { value: { errors: [failure] }, done: false };
      }
    },
    async return() {
      done = true;
      await stream.return(undefined);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** A result as it leaves a subgraph: every error with its `extensions.code`. */
export function formatted(result: ExecutionResult): object {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      if (typeof (error as GraphQLError).toJSON !== 'function')
        return formatSubgraphError(
          { message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          error,
        );
      const json = (error as GraphQLError).toJSON();
      // Refusals made here carry their codes; anything else without one is unexpected.
      return formatSubgraphError(
        json.extensions?.code === undefined
          ? { ...json, extensions: { ...json.extensions, code: 'INTERNAL_SERVER_ERROR' } }
          : json,
        error,
      );
    }),
  };
}
