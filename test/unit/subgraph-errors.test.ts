import { GraphQLError } from 'graphql';
import { mongo } from 'mongoose';
import { formatSubgraphError } from '../../src/subgraphs/common/to-graphql-error';

// The driver's pool errors are not exported; these are the ones a killed database produces. From
// Mongoose's own copy of the driver (the one whose errors the product sees).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a driver file, not a module export
const poolErrors = require(
  require.resolve('mongodb/lib/cmap/errors', { paths: [require.resolve('mongoose')] }),
) as {
  PoolClearedOnNetworkError: new (pool: { address: string }) => Error;
  PoolClosedError: new (pool: { address: string }) => Error;
};

/** The code a resolver's error reaches the client with. */
function codeOf(error: Error): unknown {
  const formatted = { message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  return formatSubgraphError(
    formatted,
    new GraphQLError(error.message, { originalError: error, path: ['me'] }),
  ).extensions?.['code'];
}

describe('subgraph errors', () => {
  test('a database that cannot be reached is SERVICE_UNAVAILABLE, whichever driver error says so', () => {
    const pool = { address: '127.0.0.1:27017' };
    for (const error of [
      new mongo.MongoNetworkError('connection reset'),
      new mongo.MongoNetworkTimeoutError('timed out'),
      new poolErrors.PoolClearedOnNetworkError(pool),
      new poolErrors.PoolClosedError(pool),
      new mongo.MongoServerClosedError(),
      new mongo.MongoTopologyClosedError(),
      // Seen in the kill -9 test: the driver wrote to a socket the killed database had ended.
      Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }),
    ])
      expect([error.name, codeOf(error)]).toEqual([error.name, 'SERVICE_UNAVAILABLE']);
  });

  test('anything else unexpected stays an internal error, its message hidden', () => {
    expect(codeOf(new TypeError('x is undefined'))).toBe('INTERNAL_SERVER_ERROR');
    expect(codeOf(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(
      'INTERNAL_SERVER_ERROR',
    );
    expect(codeOf(new mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(
      'INTERNAL_SERVER_ERROR',
    );
  });
});
