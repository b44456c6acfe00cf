import { GatewayCredentialSigner } from '../../src/auth/gateway-credential';
import { loadConfig } from '../../src/config';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * Every refusal carries a stable `extensions.code` on every error (README "Error codes"), at the
 * gateway and at a subgraph called directly (here mall), and nothing internal leaks.
 */
describe('error codes over HTTP', () => {
  let stack: Stack;
  let mall: string;
  const alice = tokenFor('u_alice');

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('errors') });
    mall = /\bmall (http:\/\/\S+?),/.exec(stack.output())![1]!;
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  interface Refusal {
    status: number;
    codes: (string | undefined)[];
  }

  // Subgraphs answer the gateway only: a direct call carries its credential (subgraph-trust.test.ts).
  const credential = new GatewayCredentialSigner(loadConfig().gatewaySecret);

  /** Sends one request; the answer must be JSON errors without internals. */
  async function send(url: string, init: RequestInit & { search?: string }): Promise<Refusal> {
    const response = await fetch(url + (init.search ?? ''), {
      method: 'POST',
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(url === mall ? credential.headers() : {}),
        ...(init.headers as Record<string, string>),
      },
    });
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json\b/);
    expect(text).not.toMatch(/originalError|stacktrace|node_modules|\.js:\d+/);
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, codes: (body.errors ?? []).map((error) => error.extensions?.code) };
  }

  const json = (body: unknown, headers: Record<string, string> = {}) => ({
    body: JSON.stringify(body),
    headers,
  });
  const checkout = 'mutation Buy($input: CheckoutInput!) { checkout(input: $input) { order { id } } }';
  const badQuantity = {
    input: {
      items: [{ productId: 'mall-tea-set', quantity: 'abc' }],
      plan: 'FULL',
      idempotencyKey: 'k-00000001',
    },
  };
  const tooLarge = (bytes: number) => ({ body: `{"query":"${' '.repeat(bytes)}"}` });

  // [case, request, HTTP status, the code of each error]
  const gatewayCases: [string, RequestInit & { search?: string }, number, string[]][] = [
    ['a syntax error', json({ query: '{ products { id ' }), 200, ['GRAPHQL_PARSE_FAILED']],
    [
      'a syntax error, accepting application/graphql-response+json',
      json({ query: '{ products { id ' }, { accept: 'application/graphql-response+json' }),
      400,
      ['GRAPHQL_PARSE_FAILED'],
    ],
    ['an unknown field', json({ query: '{ products { nope } }' }), 200, ['GRAPHQL_VALIDATION_FAILED']],
    [
      'a variable of the wrong type ($first: Int given "abc")',
      json({ query: 'query P($first: Int) { products(first: $first) { id } }', variables: { first: 'abc' } }),
      400,
      ['BAD_USER_INPUT'],
    ],
    [
      'a mutation input field of the wrong type (quantity: "abc")',
      json({ query: checkout, variables: badQuantity }),
      400,
      ['BAD_USER_INPUT'],
    ],
    ['a missing required variable', json({ query: checkout }), 400, ['BAD_USER_INPUT']],
    [
      // The default stands in for a missing value, not for a null sent (graphql-js refused it as the
      // field ran: INTERNAL_SERVER_ERROR).
      'null sent for a variable with a default, where a value is required',
      json({
        query: 'query O($a: String = "100.00") { installmentOffers(amount: $a) { periods } }',
        variables: { a: null },
      }),
      400,
      ['BAD_USER_INPUT'],
    ],
    [
      'two bad variables: two errors, each coded',
      json({
        query:
          'query P($a: Int, $b: Int) { products(first: $a) { id } installmentProducts(first: $b) { id } }',
        variables: { a: 'x', b: true },
      }),
      400,
      ['BAD_USER_INPUT', 'BAD_USER_INPUT'],
    ],
    [
      'an operationName the document does not have',
      json({ query: 'query A { products { id } }', operationName: 'B' }),
      400,
      ['OPERATION_RESOLUTION_FAILURE'],
    ],
    [
      'two operations and no operationName',
      json({ query: 'query A { products { id } } query B { products { id } }' }),
      400,
      ['OPERATION_RESOLUTION_FAILURE'],
    ],
    ['an empty query', json({ query: '  ' }), 400, ['BAD_REQUEST']],
    ['no query', json({ variables: {} }), 400, ['BAD_REQUEST']],
    ['a query that is not a string', json({ query: 0 }), 400, ['BAD_REQUEST']],
    ['a body that is not JSON', { body: '{"query": ' }, 400, ['BAD_REQUEST']],
    ['a JSON body that is not an object', { body: '"{ products { id } }"' }, 400, ['BAD_REQUEST']],
    ['a batch', json([{ query: '{ products { id } }' }]), 400, ['BAD_REQUEST']],
    [
      'an unsupported content type',
      { body: '{ products { id } }', headers: { 'content-type': 'text/plain' } },
      415,
      ['BAD_REQUEST'],
    ],
    [
      'a form POST (what another site can make a browser send), even a mutation',
      {
        body: `query=${encodeURIComponent('mutation { runDueJobs { __typename } }')}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      415,
      ['BAD_REQUEST'],
    ],
    [
      'a multipart form POST',
      {
        body: '--x\r\ncontent-disposition: form-data; name="query"\r\n\r\n{ products { id } }\r\n--x--\r\n',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
      },
      415,
      ['BAD_REQUEST'],
    ],
    [
      'a documentId no trusted document has',
      json({ documentId: 'sha256:0000' }),
      400,
      ['PERSISTED_QUERY_NOT_FOUND'],
    ],
    [
      'an accept header it cannot answer',
      json({ query: '{ products { id } }' }, { accept: 'image/png' }),
      406,
      ['BAD_REQUEST'],
    ],
    ['PUT', { method: 'PUT', ...json({ query: '{ products { id } }' }) }, 405, ['BAD_REQUEST']],
    [
      'a mutation over GET',
      { method: 'GET', search: `?query=${encodeURIComponent('mutation { runDueJobs { __typename } }')}` },
      405,
      ['BAD_REQUEST'],
    ],
    ['a body over the 100 KB limit (MAX_BODY_BYTES)', tooLarge(110_000), 413, ['REQUEST_ENTITY_TOO_LARGE']],
    [
      'a malformed token (the gateway itself)',
      json({ query: '{ me { id } }' }, { authorization: 'Bearer abc' }),
      401,
      ['UNAUTHENTICATED'],
    ],
    // Errors from the subgraphs keep their codes through the gateway.
    ['a personal field without a token', json({ query: '{ me { id } }' }), 200, ['UNAUTHENTICATED']],
    [
      "a shopper moving the operators' clock",
      json(
        { query: 'mutation { advanceClock(to: "2030-03-05T04:00:00Z") { now } }' },
        { authorization: `Bearer ${alice}` },
      ),
      200,
      ['FORBIDDEN'],
    ],
    ['a product that does not exist', json({ query: '{ product(id: "nope") { id } }' }), 200, ['NOT_FOUND']],
    ['a page too large', json({ query: '{ products(first: 500) { id } }' }), 200, ['BAD_USER_INPUT']],
  ];

  test.each(gatewayCases)('gateway: %s', async (_case, init, status, codes) => {
    expect(await send(stack.url, init)).toEqual({ status, codes });
  });

  const subgraphCases: [string, RequestInit & { search?: string }, number, string[]][] = [
    ['a syntax error', json({ query: '{ products { id ' }), 400, ['GRAPHQL_PARSE_FAILED']],
    ['an unknown field', json({ query: '{ products { nope } }' }), 400, ['GRAPHQL_VALIDATION_FAILED']],
    [
      'a mutation input field of the wrong type (quantity: "abc")',
      json({ query: checkout, variables: badQuantity }),
      400,
      ['BAD_USER_INPUT'],
    ],
    ['a missing required variable', json({ query: checkout }), 400, ['BAD_USER_INPUT']],
    [
      'an operationName the document does not have',
      json({ query: 'query A { products { id } }', operationName: 'B' }),
      400,
      ['OPERATION_RESOLUTION_FAILURE'],
    ],
    ['an empty query', json({ query: '' }), 400, ['BAD_REQUEST']],
    ['a body that is not JSON', { body: '{"query": ' }, 400, ['BAD_REQUEST']],
    ['a JSON body that is not an object', { body: '"{ products { id } }"' }, 400, ['BAD_REQUEST']],
    [
      'an unsupported content type',
      { body: '{ products { id } }', headers: { 'content-type': 'text/plain' } },
      400,
      ['BAD_REQUEST'],
    ],
    ['PUT', { method: 'PUT', ...json({ query: '{ products { id } }' }) }, 405, ['BAD_REQUEST']],
    ['a body over 50 MB', tooLarge(53_000_000), 413, ['REQUEST_ENTITY_TOO_LARGE']],
    [
      'a malformed token',
      json({ query: '{ products { id } }' }, { authorization: 'Bearer abc' }),
      401,
      ['UNAUTHENTICATED'],
    ],
    ['a product that does not exist', json({ query: '{ product(id: "nope") { id } }' }), 200, ['NOT_FOUND']],
    ['a page too large', json({ query: '{ products(first: 500) { id } }' }), 200, ['BAD_USER_INPUT']],
  ];

  test.each(subgraphCases)('subgraph (mall, called directly): %s', async (_case, init, status, codes) => {
    expect(await send(mall, init)).toEqual({ status, codes });
  });

  test('a path that is not the endpoint: 404 NOT_FOUND saying where GraphQL is', async () => {
    for (const method of ['GET', 'POST']) {
      const response = await fetch(new URL('/nope', stack.url), { method });
      expect([method, response.status]).toEqual([method, 404]);
      expect(await response.json()).toEqual({
        errors: [{ message: 'Nothing here: GraphQL is at /graphql', extensions: { code: 'NOT_FOUND' } }],
      });
    }
  });

  test("a root field's refusal keeps its code when another root field of the same subgraph shares its call", async () => {
    // Bob has bound no wallet partner: installmentOffers on WALLET_PARTNER is refused (CONSENT_MISSING).
    // The runtime asks the credit subgraph for both fields at once, and its answer is null for both.
    const bob = tokenFor('u_bob');
    const ask = async (query: string) => {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bob}` },
        body: JSON.stringify({ query }),
      });
      const { data, errors } = (await response.json()) as {
        data: unknown;
        errors?: { path?: unknown[]; extensions?: { code?: string } }[];
      };
      return { data, errors: errors?.map((error) => [error.path, error.extensions?.code]) };
    };
    const offers = 'installmentOffers(amount: "100.00", channel: WALLET_PARTNER) { periods }';
    expect(await ask(`{ ${offers} }`)).toEqual({
      data: null,
      errors: [[['installmentOffers'], 'CONSENT_MISSING']],
    });
    expect(await ask(`{ clock: businessClock { businessDate } offers: ${offers} }`)).toEqual({
      data: null,
      errors: [[['offers'], 'CONSENT_MISSING']],
    });
    // Through a fragment, the same; asked twice under two names, no path rather than a wrong one.
    expect(
      await ask(`{ ...F } fragment F on Query { clock: businessClock { businessDate } offers: ${offers} }`),
    ).toEqual({ data: null, errors: [[['offers'], 'CONSENT_MISSING']] });
    expect(await ask(`{ businessClock { businessDate } a: ${offers} b: ${offers} }`)).toEqual({
      data: null,
      errors: [[undefined, 'CONSENT_MISSING']],
    });
    // A field of another subgraph has its own call: the same code, as before.
    expect(await ask(`{ products(first: 1) { id } ${offers} }`)).toEqual({
      data: null,
      errors: [[['installmentOffers'], 'CONSENT_MISSING']],
    });
  });

  test('a good request still answers data, at both', async () => {
    const query = json({ query: '{ product(id: "mall-tea-set") { id } }' });
    for (const url of [stack.url, mall]) {
      const response = await fetch(url, {
        method: 'POST',
        ...query,
        headers: { 'content-type': 'application/json', ...(url === mall ? credential.headers() : {}) },
      });
      // The gateway adds the estimated cost (demand control); nothing else.
      const { extensions, ...rest } = (await response.json()) as { extensions?: unknown };
      expect(rest).toEqual({ data: { product: { id: 'mall-tea-set' } } });
      expect(url === stack.url ? Object.keys(extensions as object) : extensions).toEqual(
        url === stack.url ? ['cost'] : undefined,
      );
    }
  });
});
