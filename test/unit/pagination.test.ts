import { AppError } from '../../src/errors';
import { encodeCursor, pageQuery, toConnection } from '../../src/app/common/pagination';

describe('Relay pagination arguments', () => {
  test('defaults to 10 from the start', () => {
    expect(pageQuery(undefined, undefined)).toEqual({ first: 10, afterId: undefined });
  });

  test('a cursor decodes to the id it was made from', () => {
    expect(pageQuery(5, encodeCursor('mo_abc'))).toEqual({ first: 5, afterId: 'mo_abc' });
  });

  test.each([0, -1, 51, 2.5])('first=%p is a BAD_USER_INPUT error', (first) => {
    expect(() => pageQuery(first, undefined)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  test('a cursor the API never issued is a BAD_USER_INPUT error', () => {
    expect(() => pageQuery(5, 'bm9wZQ')).toThrow(AppError);
  });

  test('connection edges carry cursors and the end cursor', () => {
    const connection = toConnection({ items: [{ _id: 'a' }, { _id: 'b' }], hasNextPage: true });
    expect(connection.edges.map((edge) => edge.cursor)).toEqual([encodeCursor('a'), encodeCursor('b')]);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor('b') });
  });
});
