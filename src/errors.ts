import { GraphQLError } from 'graphql';

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
  | 'BINDING_NOT_ACTIVE';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A GraphQL error with its stable code, for refusals made outside resolvers (transports, relay). */
export function codedGraphQLError(
  message: string,
  code: string,
  details: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}
