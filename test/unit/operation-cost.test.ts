import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, type DocumentNode, type ExecutionResult, Kind, parse } from 'graphql';
import { loadConfig, projectRoot } from '../../src/config';
import { operationCost } from '../../src/gateway/operation-cost';
import { useDemandControl } from '../../src/gateway/use-demand-control';
import { defaultManifestPath } from '../../src/gateway/trusted-documents';

const schema = buildSchema(`
  type Query {
    me: User
    products(first: Int): [Product!]!
    search: [SearchResult!]!
  }
  type Mutation { pay: Receipt! }
  type User { id: ID!, tags: [String!]!, orders(first: Int, after: String): OrderConnection! }
  type OrderConnection { edges: [OrderEdge!]!, pageInfo: PageInfo! }
  type OrderEdge { cursor: String!, node: Order! }
  type Order { id: ID!, total: Money!, items: [Item!]! }
  type Item { sku: String! }
  type Money { amount: String! }
  type PageInfo { hasNextPage: Boolean! }
  type Product { id: ID!, price: Money! }
  type Receipt { id: ID! }
  union SearchResult = Product | Order
`);

const model = { listSize: 20 };
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  operationCost(schema, parse(query), operationName, variables, model);

describe('operationCost', () => {
  test('an object costs 1, a scalar or a list of scalars nothing', () => {
    expect(cost('{ me { id tags } }')).toEqual({ cost: 1, dependsOnVariables: false });
  });

  test('a list without a slicing argument counts listSize items, [X!]! included', () => {
    // 20 results x (result 1 + the Product branch's price 1).
    expect(cost('{ search { ... on Product { price { amount } } } }').cost).toBe(40);
  });

  test('a field that takes `first` but is given none counts a full page (maxPageSize, 50)', () => {
    // 50 products x (product 1 + price 1).
    expect(cost('{ products { id price { amount } } }').cost).toBe(100);
  });

  test('`first` sizes a list, and a connection`s `first` sizes the lists right under it', () => {
    // 3 x (product 1 + price 1).
    expect(cost('{ products(first: 3) { price { amount } } }').cost).toBe(6);
    // me 1 + orders 1 + 5 edges x (edge 1 + node 1 + total 1 + 20 items x 1) + pageInfo 1:
    // 1 + 1 + 5 x 23 + 1 = 118 (the items list has no argument: listSize).
    const page =
      '{ me { orders(first: 5) { edges { node { total { amount } items { sku } } } pageInfo { hasNextPage } } } }';
    expect(cost(page).cost).toBe(118);
  });

  test('a variable sizes a list by its value, else by its default; the figure then depends on it', () => {
    const query = 'query Page($n: Int = 4) { products(first: $n) { id } }';
    expect(cost(query)).toEqual({ cost: 4, dependsOnVariables: true });
    expect(cost(query, { n: 7 })).toEqual({ cost: 7, dependsOnVariables: true });
    // No default and no value: a full page (50).
    expect(cost('query Page($n: Int) { products(first: $n) { id } }').cost).toBe(50);
    // Sent as null, the default does not apply (the resolver gets null and uses its own): a full page.
    expect(cost(query, { n: null }).cost).toBe(50);
  });

  test('a mutation adds 10', () => {
    expect(cost('mutation { pay { id } }').cost).toBe(11);
  });

  test('every branch of a union counts, fragments spread keep the size of the connection around them', () => {
    // 20 results x (result 1 + the Product branch's price 1 + the Order branch's scalars 0).
    expect(cost('{ search { ... on Product { price { amount } } ... on Order { id } } }').cost).toBe(40);
    // me 1 + orders 1 + 2 edges x (edge 1 + node 1), through a named fragment.
    const spread =
      '{ me { orders(first: 2) { ...Page } } } fragment Page on OrderConnection { edges { node { id } } }';
    expect(cost(spread).cost).toBe(6);
  });

  test('a fragment spread twice counts twice, and a chain of them is walked once per link', () => {
    // F0 = a product list of 1 x (product 1 + price 1) = 2; each F(n+1) spreads F(n) twice: F30 = 2^31.
    // (The gateway refuses this document at parse, over MAX_FIELDS; the estimate must still not hang.)
    const links = Array.from(
      { length: 30 },
      (_, n) => `fragment F${n + 1} on Query { ...F${n} ...F${n} }`,
    ).join(' ');
    const query = `{ ...F30 } fragment F0 on Query { products(first: 1) { price { amount } } } ${links}`;
    expect(cost(query).cost).toBe(2 ** 31);
  });

  test('introspection and __typename are free', () => {
    expect(cost('{ __typename __schema { types { name fields { name args { name } } } } }').cost).toBe(0);
  });

  test('the named operation is the one estimated', () => {
    const query = 'query A { me { id } } query B { products(first: 2) { id } }';
    expect(cost(query, {}, 'B').cost).toBe(2);
    expect(cost(query, {}, 'A').cost).toBe(1);
    // No name among several, or an unknown one: no estimate (0); execution refuses the request.
    expect(cost(query, {}, undefined).cost).toBe(0);
    expect(cost(query, {}, 'C').cost).toBe(0);
  });
});

describe('useDemandControl', () => {
  /** Runs the plugin's onExecute as the runtime would; the answer it gives, or its cost extension. */
  const plugin = useDemandControl({ maxCost: 60, listSize: 20 });
  const run = (document: DocumentNode, operationName: string | undefined, variableValues: object) => {
    let stopped: ExecutionResult | undefined;
    const onExecute = plugin.onExecute as (
      payload: unknown,
    ) => { onExecuteDone: (done: unknown) => void } | void;
    const hooks = onExecute({
      args: { schema, document, operationName, variableValues },
      setResultAndStopExecution: (result: ExecutionResult) => (stopped = result),
    });
    if (stopped) return stopped;
    let answered: ExecutionResult | undefined;
    hooks!.onExecuteDone({
      result: { data: {} },
      setResult: (result: ExecutionResult) => (answered = result),
    });
    return answered!;
  };

  test('one parsed document: each request is estimated with its own variables and operation', () => {
    const document = parse(
      'query A($n: Int) { products(first: $n) { id } } query B { me { id } } query C { products(first: 3) { id } }',
    );
    expect(run(document, 'A', { n: 2 }).extensions).toEqual({ cost: { estimated: 2, max: 60 } });
    // The same document object again, other variables: not the figure kept from the first.
    expect(run(document, 'A', { n: 50 }).extensions).toEqual({ cost: { estimated: 50, max: 60 } });
    // B and C need no variables, so their figures are kept: each under its own name.
    expect(run(document, 'B', {}).extensions).toEqual({ cost: { estimated: 1, max: 60 } });
    expect(run(document, 'C', {}).extensions).toEqual({ cost: { estimated: 3, max: 60 } });
    expect(run(document, 'B', {}).extensions).toEqual({ cost: { estimated: 1, max: 60 } });
    expect(run(document, 'A', { n: 2 }).extensions).toEqual({ cost: { estimated: 2, max: 60 } });
  });

  test('over maxCost: COST_ESTIMATED_TOO_EXPENSIVE and no execution', () => {
    // 50 products x (product 1 + price 1) = 100 > 60.
    const refused = run(parse('{ products { price { amount } } }'), undefined, {});
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.map((error) => [error.extensions.code, error.extensions.cost])).toEqual([
      ['COST_ESTIMATED_TOO_EXPENSIVE', { estimated: 100, max: 60 }],
    ]);
  });
});

describe('the first-party documents', () => {
  test('each operation of every trusted document is within the default MAX_COST', () => {
    const supergraph = buildSchema(
      fs.readFileSync(path.join(projectRoot, 'schema', 'supergraph.graphql'), 'utf8'),
    );
    const { limits } = loadConfig({});
    const manifest = JSON.parse(fs.readFileSync(defaultManifestPath, 'utf8')) as Record<string, string>;
    const over: string[] = [];
    for (const query of Object.values(manifest)) {
      const document = parse(query);
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = definition.name?.value;
        // No variables: every list a variable would size counts its default, or listSize.
        const { cost: estimated } = operationCost(supergraph, document, name, {}, limits);
        if (estimated > limits.maxCost) over.push(`${name}: ${estimated}`);
      }
    }
    expect(Object.keys(manifest).length).toBeGreaterThan(10);
    expect(over).toEqual([]);
  });
});
