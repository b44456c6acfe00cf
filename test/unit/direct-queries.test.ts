import fs from 'node:fs';
import path from 'node:path';
import { buildASTSchema, GraphQLError, parse, print } from 'graphql';
import { directRouteOf, rootFailure } from '../../src/gateway/use-direct-queries';

/** Which queries go straight to one subgraph, and how a call that failed as a whole is answered. */
const supergraph = buildASTSchema(
  parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8')),
  { assumeValidSDL: true },
);
const route = (query: string, operationName?: string) =>
  directRouteOf(supergraph, parse(query), operationName);

describe('directRouteOf', () => {
  test("a query of one subgraph's fields: that subgraph, the chosen operation and its fragments only", () => {
    const chosen = route(
      'query A { me { id } } query B { who: me { ...U } } fragment U on User { displayName } fragment V on User { id }',
      'B',
    );
    expect(chosen).toMatchObject({
      subgraph: 'credit',
      operationName: 'B',
      rootKey: 'who',
      rootNullable: true,
    });
    expect(print(chosen!.document)).toBe(
      'query B {\n  who: me {\n    ...U\n  }\n}\n\nfragment U on User {\n  displayName\n}',
    );
  });

  test('a root field that is never null is marked so (a failure nulls the whole data)', () => {
    expect(route('{ installmentOffers(amount: "100.00") { periods } }')).toMatchObject({
      rootKey: 'installmentOffers',
      rootNullable: false,
    });
  });

  test('mutations, two root fields and fields of two subgraphs keep the planner', () => {
    expect(
      route('mutation { payOutCreditBalance(input: { idempotencyKey: "k" }) { userErrors { code } } }'),
    ).toBeNull();
    expect(route('{ me { id } businessClock { businessDate } }')).toBeNull();
    expect(route('{ me { id mallOrders { totalCount } } }')).toBeNull();
    expect(route('{ __typename }')).toBeNull();
    // Skipped, the planner calls nothing.
    expect(route('query S($s: Boolean!) { me @skip(if: $s) { id } }')).toBeNull();
  });
});

describe('rootFailure', () => {
  const who = route('{ who: me { id } }')!;
  const offers = route('{ offers: installmentOffers(amount: "100.00") { periods } }')!;
  const unreachable = new GraphQLError('connect ECONNREFUSED', {
    extensions: { code: 'SUBREQUEST_HTTP_ERROR' },
  });

  test('an error without a path is moved to the root field (no location added), which is null', () => {
    const answer = rootFailure(who, [unreachable]);
    expect(answer.data).toEqual({ who: null });
    expect(
      answer.errors?.map((error) => [error.message, error.path, error.locations, error.extensions]),
    ).toEqual([['connect ECONNREFUSED', ['who'], undefined, { code: 'SUBREQUEST_HTTP_ERROR' }]]);
    // Kept whole for error masking, which reads what caused it.
    expect(answer.errors?.[0]?.originalError).toBe(unreachable);
  });

  test('a root field never null nulls the whole data, with the first error only; one with its own path keeps it', () => {
    const own = new GraphQLError('amount must be positive', { path: ['offers'] });
    expect(rootFailure(offers, [own, unreachable])).toEqual({ errors: [own], data: null });
    const answer = rootFailure(who, [own, unreachable]);
    expect(answer.errors?.map((error) => error.path)).toEqual([['offers'], ['who']]);
  });
});
