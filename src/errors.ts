import {
  type ExecutionArgs,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLErrorExtensions,
} from 'graphql';

/** Stable codes clients can switch on; resolvers surface them as GraphQL `extensions.code`. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'NOT_AVAILABLE'
  | 'INSUFFICIENT_SCOPE'
  | 'CONSENT_MISSING'
  | 'CONSENT_EXPIRED'
  | 'BINDING_NOT_ACTIVE'
  | 'LINE_NOT_ACTIVE';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The JSON body of a refusal answered outside GraphQL execution: one error with its code. */
export function refusalBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/** A GraphQL error with its stable code, for refusals made outside resolvers (transports, relay). */
export function codedGraphQLError(
  message: string,
  code: string,
  details: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

/**
 * Variables that do not fit the operation's definitions, each as a BAD_USER_INPUT error (graphql-js
 * refuses them with no code); undefined when they fit.
 */
export function variableRefusals(
  args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>,
  extensions: GraphQLErrorExtensions = {},
): GraphQLError[] | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation?.variableDefinitions?.length) return undefined;
  const { errors } = getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {});
  return errors?.map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        originalError: error.originalError,
        extensions: { ...error.extensions, code: 'BAD_USER_INPUT', ...extensions },
      }),
  );
}
