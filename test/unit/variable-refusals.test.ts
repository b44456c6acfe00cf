import { buildSchema, parse } from 'graphql';
import { variableRefusals } from '../../src/errors';

/**
 * Variables refused before anything runs, each as BAD_USER_INPUT: what graphql-js refuses while
 * coercing them, and a null sent for a variable with a default where a value is required (which
 * graphql-js let through to fail as the field ran).
 */
const schema = buildSchema(`
  type Query {
    required(x: Int!): Int
    optional(x: Int): Int
    withDefault(x: Int! = 3): Int
    byInput(input: Pair!): Int
    byList(xs: [Int!]): Int
    nested: Nested
  }
  type Nested { required(x: Int!): Int }
  input Pair { a: Int!, b: Int }
`);
const refusals = (query: string, variableValues: Record<string, unknown>, operationName?: string) =>
  variableRefusals({ schema, document: parse(query), operationName, variableValues });
const messages = (query: string, variableValues: Record<string, unknown>, operationName?: string) =>
  refusals(query, variableValues, operationName)?.map((error) => error.message);

describe('variableRefusals', () => {
  test('null sent for a defaulted variable where a value is required: refused, coded, at the variable', () => {
    const [refusal, ...rest] = refusals('query Q($v: Int = 1) { required(x: $v) }', { v: null }) ?? [];
    expect(rest).toEqual([]);
    expect(refusal?.message).toBe(
      'Variable "$v" is null where a Int! is required: send a value, or leave the variable out for the default',
    );
    expect(refusal?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    // `$v` in `required(x: $v)`: the 36th character.
    expect(refusal?.locations).toEqual([{ line: 1, column: 36 }]);
  });

  test('left out or given a value, the same variable is fine; so is null where null is allowed', () => {
    expect(refusals('query Q($v: Int = 1) { required(x: $v) }', {})).toBeUndefined();
    expect(refusals('query Q($v: Int = 1) { required(x: $v) }', { v: 2 })).toBeUndefined();
    expect(refusals('query Q($v: Int = 1) { optional(x: $v) }', { v: null })).toBeUndefined();
    expect(refusals('query Q($v: Int = 1) { byInput(input: { a: 1, b: $v }) }', { v: null })).toBeUndefined();
  });

  test('wherever it stands: an argument with its own default, a fragment, an input field, a list item', () => {
    const refused = (query: string) => messages(query, { v: null })?.length;
    expect(refused('query Q($v: Int) { withDefault(x: $v) }')).toBe(1);
    expect(refused('query Q($v: Int = 1) { nested { ...F } } fragment F on Nested { required(x: $v) }')).toBe(
      1,
    );
    expect(refused('query Q($v: Int = 1) { byInput(input: { a: $v }) }')).toBe(1);
    expect(refused('query Q($v: Int = 1) { byList(xs: [$v]) }')).toBe(1);
    // Used twice, refused where a value is required only.
    expect(refused('query Q($v: Int = 1) { optional(x: $v) required(x: $v) }')).toBe(1);
  });

  test("a fragment the chosen operation does not use is not that operation's concern", () => {
    const query = 'query A($v: Int = 1) { optional(x: $v) } fragment F on Nested { required(x: $v) }';
    expect(refusals(query, { v: null }, 'A')).toBeUndefined();
  });

  test('what graphql-js refuses while coercing stays refused first, each coded, with the extensions given', () => {
    const errors = variableRefusals(
      {
        schema,
        document: parse('query Q($a: Int!, $b: Int) { required(x: $a) optional(x: $b) }'),
        variableValues: { b: 'x' },
      },
      { http: { status: 400 } },
    );
    expect(errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', http: { status: 400 } },
      { code: 'BAD_USER_INPUT', http: { status: 400 } },
    ]);
  });
});
