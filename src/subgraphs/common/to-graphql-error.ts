import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { mongo } from 'mongoose';
import { AppError } from '../../errors';
import { log } from '../../observability/log';

/** Maps service errors to GraphQL errors with a stable `extensions.code`; hides internals of the rest. */
export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    return {
      ...formatted,
      message: original.message,
      extensions: { ...formatted.extensions, code: original.code },
    };
  }
  if (original instanceof GraphQLError || formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR')
    return formatted;
  if (isDatabaseUnreachable(original)) {
    return {
      message: 'The database is unavailable: retry shortly',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  log().error('unexpected error', { error: original });
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * The driver's errors for a database it cannot reach (down, restarting, network). By class, so
 * subclasses count too: a pool cleared when FerretDB was killed mid-request is a
 * `PoolClearedOnNetworkError`, a `MongoNetworkError` under another name.
 */
const unreachableErrorClasses = [
  mongo.MongoNetworkError,
  mongo.MongoServerSelectionError,
  mongo.MongoNotConnectedError,
  mongo.MongoTopologyClosedError,
  mongo.MongoServerClosedError,
];
/** The same, for classes the driver does not export, and Mongoose's own. */
const unreachableErrorNames = new Set(['MongooseServerSelectionError', 'MongoPoolClosedError']);
/**
 * Socket errors the driver lets through unwrapped: a command written to a connection the killed
 * database had already ended is Node's EPIPE ("This socket has been ended by the other party").
 */
const unreachableSocketCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED']);

function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Mongoose queues operations while disconnected and gives up with a plain MongooseError.
  return (
    unreachableErrorClasses.some((unreachable) => error instanceof unreachable) ||
    unreachableErrorNames.has(error.name) ||
    unreachableSocketCodes.has((error as NodeJS.ErrnoException).code ?? '') ||
    (error.name === 'MongooseError' && /buffering timed out/.test(error.message))
  );
}
