import fs from 'node:fs';
import path from 'node:path';
import { buildASTSchema, parse } from 'graphql';
import { subgraphServingAlone } from '../../src/gateway/subgraph-serving-alone';

/**
 * Which subscriptions the gateway may relay, and which queries it may send, to one subgraph as they are. A small supergraph in the
 * composed form (join__ directives), with one field owned elsewhere, one external, one needing
 * another graph's fields, and one moved by override; then the product's own supergraph.
 */
const sdl = `
  schema { query: Query subscription: Subscription }
  directive @join__graph(name: String!, url: String!) on ENUM_VALUE
  directive @join__type(graph: join__Graph!, key: String, extension: Boolean! = false, resolvable: Boolean! = true) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
  directive @join__field(graph: join__Graph, requires: String, provides: String, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: String) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
  directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
  directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT
  enum join__Graph {
    A @join__graph(name: "alpha", url: "http://a")
    B @join__graph(name: "beta", url: "http://b")
  }
  type Query @join__type(graph: A) @join__type(graph: B) {
    line: Line @join__field(graph: A)
  }
  type Subscription @join__type(graph: A) {
    changed: Change
  }
  type Change @join__type(graph: A) {
    id: ID!
    line: Line
    note: Note
    thing: Thing
  }
  interface Thing @join__type(graph: A) {
    id: ID!
  }
  type Gadget implements Thing @join__type(graph: A) @join__implements(graph: A, interface: "Thing") {
    id: ID!
  }
  type Line @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
    id: ID!
    limit: Int @join__field(graph: A)
    owner: String @join__field(graph: B)
    weight: Int @join__field(graph: A, external: true) @join__field(graph: B)
    score: Int @join__field(graph: A, requires: "limit") @join__field(graph: B, requires: "limit")
    moved: Int @join__field(graph: A, usedOverridden: true) @join__field(graph: B, override: "alpha")
    strict: Int @join__field(graph: A, type: "Int!")
    same: Int @join__field(graph: A, type: "Int")
    labelled: Int @join__field(graph: A, overrideLabel: "percent(50)") @join__field(graph: B, override: "alpha", overrideLabel: "percent(50)")
    contextual: Int @join__field(graph: A, contextArguments: "owner")
  }
  type Note @join__type(graph: B) {
    text: String
  }
`;
const supergraph = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const alone = (query: string, operationName?: string) =>
  subgraphServingAlone(supergraph, parse(query), operationName);

describe('subgraphServingAlone', () => {
  test("fields of the root field's graph, through fragments and @skip, go to that graph", () => {
    expect(alone('subscription { changed { id __typename line { id limit } } }')).toBe('alpha');
    expect(
      alone(
        'subscription S($x: Boolean!) { changed { ...C line @skip(if: $x) { ... on Line { limit } } } } fragment C on Change { id }',
      ),
    ).toBe('alpha');
  });

  test('a field another graph resolves (own, external, requires, overridden) needs the planner', () => {
    expect(alone('subscription { changed { line { owner } } }')).toBeUndefined();
    expect(alone('subscription { changed { line { weight } } }')).toBeUndefined();
    expect(alone('subscription { changed { line { score } } }')).toBeUndefined();
    expect(alone('subscription { changed { line { moved } } }')).toBeUndefined();
    expect(
      alone('subscription { changed { line { ...L } } } fragment L on Line { id owner }'),
    ).toBeUndefined();
  });

  test('a field its graph types otherwise than the supergraph (non-null there) needs the planner', () => {
    // Alpha would null `line` where the gateway nulls only `strict`.
    expect(alone('subscription { changed { line { strict } } }')).toBeUndefined();
    expect(alone('subscription { changed { line { same } } }')).toBe('alpha');
  });

  test('an interface or union, progressive override or context arguments need the planner', () => {
    expect(alone('subscription { changed { thing { id } } }')).toBeUndefined();
    expect(alone('subscription { changed { thing { ... on Gadget { id } } } }')).toBeUndefined();
    // A type condition on an interface, inline or in a fragment, even around fields of objects.
    expect(alone('subscription { changed { ... on Thing { id } } }')).toBeUndefined();
    expect(alone('subscription { changed { ...T } } fragment T on Thing { id }')).toBeUndefined();
    expect(alone('subscription { changed { line { labelled } } }')).toBeUndefined();
    expect(alone('subscription { changed { line { contextual } } }')).toBeUndefined();
    expect(alone('subscription { changed { id line { limit } } }')).toBe('alpha');
  });

  test('a type the graph does not define, or a directive the gateway acts on, needs the planner', () => {
    expect(alone('subscription { changed { note { text } } }')).toBeUndefined();
    expect(alone('subscription { changed { ... @defer { id } } }')).toBeUndefined();
  });

  test('the chosen operation decides; a document without it is not relayed', () => {
    const document = 'query Q { line { owner } } subscription S { changed { id } }';
    expect(alone(document, 'S')).toBe('alpha');
    expect(alone(document, 'Q')).toBeUndefined();
    expect(alone(document)).toBeUndefined();
  });

  test("the product's billUpdated, whatever it selects of bills and lines, is the credit subgraph's alone", () => {
    const product = buildASTSchema(
      parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8')),
      { assumeValidSDL: true },
    );
    const document = parse(
      'subscription { billUpdated { cursor kind bill { id owed { minor } lines { kind } } creditLine { id available { minor } ledger(first: 2) { edges { node { sequence } } } } } }',
    );
    expect(subgraphServingAlone(product, document)).toBe('credit');
    expect(subgraphServingAlone(product, parse('{ me { id mallOrders { totalCount } } }'))).toBeUndefined();
    // The account home's credit part (bench:gateway's credit-only query) goes straight to credit.
    expect(
      subgraphServingAlone(
        product,
        parse('{ me { id displayName creditLine { id status limit { minor } } } }'),
      ),
    ).toBe('credit');
  });
});
