import {
  type DocumentNode,
  type ExecutionArgs,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLErrorExtensions,
  type GraphQLSchema,
  isNonNullType,
  type OperationDefinitionNode,
  TypeInfo,
  ValidationContext,
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

/** A refusal at the OAuth token endpoint, in RFC 6749's terms (gateway and wallets subgraph alike). */
export function oauthErrorBody(
  error: string,
  description: string,
): { error: string; error_description: string } {
  return { error, error_description: description };
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
  const inputs = args.variableValues ?? {};
  const { errors } = getVariableValues(args.schema, operation.variableDefinitions, inputs);
  if (!errors) return nullsWhereNonNull(args.schema, args.document, operation, inputs, extensions);
  return errors.map(
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

/**
 * A nullable variable with a default (or standing for an argument with one) may stand where a
 * value is required (graphql-js validates that), but a null sent for it was refused only when the
 * field ran, as an uncoded field error. Refused here wherever it stands, also under a field that
 * would be skipped: a null where a value is required is a mistake either way.
 */
function nullsWhereNonNull(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  inputs: Readonly<Record<string, unknown>>,
  extensions: GraphQLErrorExtensions,
): GraphQLError[] | undefined {
  const sentNull = new Set(
    Object.entries(inputs)
      .filter(([, value]) => value === null)
      .map(([name]) => name),
  );
  if (sentNull.size === 0) return undefined;
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined);
  const refusals = context
    .getRecursiveVariableUsages(operation)
    .filter((usage) => sentNull.has(usage.node.name.value) && usage.type && isNonNullType(usage.type))
    .map(
      (usage) =>
        new GraphQLError(
          `Variable "$${usage.node.name.value}" is null where a ${String(usage.type)} is required: ` +
            'send a value, or leave the variable out for the default',
          { nodes: [usage.node], extensions: { code: 'BAD_USER_INPUT', ...extensions } },
        ),
    );
  return refusals.length ? refusals : undefined;
}
