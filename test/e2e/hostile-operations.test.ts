import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import jwt from 'jsonwebtoken';
import type { Model } from 'mongoose';
import { GatewayCredentialSigner, gatewayCredentialHeader } from '../../src/auth/gateway-credential';
import { signUserToken } from '../../src/auth/token';
import { connectDatabase } from '../../src/storage/database';
import { databaseUri } from '../../src/storage/engine/engine';
import { fragmentFanOut } from '../support/hostile-documents';
import { metricValue, scrape } from '../support/metrics-text';
import { descendantPids, type Stack, startStack } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/** One hostile request, sent as raw HTTP so that paths, methods and bodies arrive exactly as written. */
interface Hostile {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Another port than the gateway's (a subgraph). */
  port?: number;
}

interface Outcome {
  name: string;
  status: number;
  /** Each error's code; undefined where one had none. */
  codes: (string | undefined)[];
  /** The body was JSON with `errors` (every refusal must be). */
  coded: boolean;
  hasData: boolean;
}

const authSecret = 'hostile-suite-auth-secret-0123456789';
const gatewaySecret = 'hostile-suite-gateway-secret-0123456789';
const alice = signUserToken(authSecret, 'u_alice');
const injections: unknown[] = [
  { $ne: null },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $gt: '' },
  ['u_alice', 'u_bob'],
];

/**
 * The hostile-operation suite (issue 9): every kind of hostile request at once against one running
 * stack (README "Limits"): shape limits, malformed and huge bodies, batches, bad scalars, operator
 * objects through every id and string argument and through entity representations, wrong content
 * types and methods, bad tokens on every spelling of the endpoint, oversized headers. The whole run
 * must give 0 HTTP 5xx, 0 crashed or restarted processes, 0 changed documents, and a coded JSON
 * error for every refusal.
 */
describe('hostile operations', () => {
  let stack: Stack;
  let gatewayPort: number;
  let databaseName: string;
  let subgraphPorts: Map<string, number>;
  let schema: GraphQLSchema;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    databaseName = uniqueDatabaseName('hostile');
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: databaseName,
      AUTH_SECRET: authSecret,
      GATEWAY_SECRET: gatewaySecret,
      // Rate limits would answer 429 before the rest is tried; they have their own test.
      RATE_LIMIT_VIEWER_PER_MINUTE: '0',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '0',
      // Small enough for the flood below to reach (the rest of the suite sends one at a time).
      MAX_IN_FLIGHT_PER_CALLER: '1',
      MAX_QUEUED_PER_CALLER: '4',
    });
    gatewayPort = Number(new URL(stack.url).port);
    subgraphPorts = new Map(
      [...stack.output().matchAll(/\b(credit|mall|installment|wallets) http:\/\/127\.0\.0\.1:(\d+)\//g)].map(
        (match) => [match[1]!.toUpperCase(), Number(match[2])],
      ),
    );
    const introspection = await send({
      name: 'introspection',
      body: JSON.stringify({ query: getIntrospectionQuery() }),
    });
    schema = buildClientSchema((JSON.parse(introspection.text) as { data: IntrospectionQuery }).data);
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  function send(request: Hostile): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const body = request.body ?? '';
      const req = http.request(
        {
          host: '127.0.0.1',
          port: request.port ?? gatewayPort,
          method: request.method ?? 'POST',
          path: request.path ?? '/graphql',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...request.headers,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends one hostile request and keeps what came back. */
  async function attempt(request: Hostile): Promise<Outcome> {
    const { status, text } = await send(request);
    let parsed: { data?: unknown; errors?: { extensions?: { code?: unknown } }[] } | undefined;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
    const outcome: Outcome = {
      name: request.name,
      status,
      codes: errors.map((error) =>
        typeof error.extensions?.code === 'string' ? error.extensions.code : undefined,
      ),
      coded: errors.length > 0,
      hasData: parsed?.data !== undefined && parsed?.data !== null,
    };
    outcomes.push(outcome);
    return outcome;
  }

  const graphql = (name: string, payload: unknown, headers: Record<string, string> = {}) =>
    attempt({ name, body: JSON.stringify(payload), headers });

  /** Every document in the database, hashed per collection: what "0 data changed" compares. */
  async function databaseFingerprint(): Promise<Record<string, string>> {
    const db = await connectDatabase(databaseUri(serverUri(), databaseName));
    try {
      const fingerprint: Record<string, string> = {};
      for (const [name, model] of Object.entries(db.models) as unknown as [string, Model<unknown>][]) {
        const documents = await model.find({}).sort({ _id: 1 }).lean();
        fingerprint[name] =
          `${documents.length}:${createHash('sha256').update(JSON.stringify(documents)).digest('hex')}`;
      }
      return fingerprint;
    } finally {
      await db.close();
    }
  }

  test('every hostile request is refused with a code or answered within the rules; nothing breaks or changes', async () => {
    const pidsBefore = descendantPids(stack.process.pid!).sort();
    const dataBefore = await databaseFingerprint();
    const bearer = { authorization: `Bearer ${alice}` };

    // 1. Operation shape: depth, aliases, fragment fan-out, directives, tokens.
    // No type here nests itself, so depth is the one limit a valid operation cannot reach: refused first.
    await graphql(
      'depth 40',
      { query: `{ me ${'{ creditLine '.repeat(40)}{ id }${' }'.repeat(40)} }` },
      bearer,
    );
    // Introspection's depth is not counted (README "Limits"); its fields are.
    await graphql('introspection 36 deep', {
      query: `{ __schema { types { fields { type { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} } } } } }`,
    });
    await graphql('5,000 aliases', {
      query: `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: products(first: 50) { id }`).join(' ')} }`,
    });
    await graphql('fragment fan-out 2^30', { query: fragmentFanOut(30) });
    await graphql('fragment cycle', {
      query: '{ products { ...A } } fragment A on MallProduct { ...B } fragment B on MallProduct { ...A }',
    });
    await graphql('1,000 directives', { query: `{ __typename ${'@include(if: true) '.repeat(1_000)}}` });
    await graphql('20,000 tokens', { query: `{ ${'__typename '.repeat(20_000)}}` });
    await graphql('unknown directive', { query: '{ __typename @hostile }' });

    // 2. Bodies: huge, malformed, odd JSON, batches.
    await attempt({
      name: '10 MB body',
      body: JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(10 * 1024 * 1024) }),
    });
    for (const [name, body] of [
      ['not JSON', 'not json at all'],
      ['truncated JSON', '{"query": "{ __typename }"'],
      ['empty body', ''],
      ['null', 'null'],
      ['a number', '5'],
      ['an empty object', '{}'],
      ['query is a number', '{"query": 5}'],
      ['query is an object', '{"query": {"$ne": null}}'],
      ['variables is a string', '{"query": "{ __typename }", "variables": "x"}'],
      ['extensions is a number', '{"query": "{ __typename }", "extensions": 5}'],
      ['syntax error', '{"query": "{"}'],
      [
        '50,000 nested arrays',
        `{"query": "{ __typename }", "variables": {"v": ${'['.repeat(50_000)}${']'.repeat(50_000)}}}`,
      ],
      [
        '__proto__ variables',
        '{"query": "query($id: ID!) { mallOrder(id: $id) { id } }", "variables": {"__proto__": {"id": "x"}}}',
      ],
      ['unknown operation name', '{"query": "query A { __typename }", "operationName": "B"}'],
      ['two anonymous operations', '{"query": "{ __typename } { __typename }"}'],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ] as const)
      await attempt({ name, body, headers: bearer });
    await attempt({
      name: 'batch of 200',
      body: JSON.stringify(Array.from({ length: 200 }, () => ({ query: '{ __typename }' }))),
    });
    await attempt({ name: 'empty batch', body: '[]' });
    await attempt({ name: 'batch of numbers', body: '[1, 2]' });

    // 3. Bad scalars, in arguments and variables.
    for (const amount of [
      'x',
      '1e309',
      '-1.00',
      '99999999999999999999.99',
      '0.001',
      'NaN',
      '',
      '\u0000',
      '１００.００',
    ]) {
      await graphql(
        `offers amount ${JSON.stringify(amount)}`,
        {
          query: 'query($a: String!) { installmentOffers(amount: $a) { periods } }',
          variables: { a: amount },
        },
        bearer,
      );
    }
    for (const first of [2 ** 53, -1, 1.5, '10', 1e308]) {
      await graphql(`products first ${first}`, {
        query: 'query($n: Int) { products(first: $n) { id } }',
        variables: { n: first },
      });
    }
    await graphql(
      'checkout quantity -1 and 2^31',
      {
        query: 'mutation($i: CheckoutInput!) { checkout(input: $i) { order { id } userErrors { code } } }',
        variables: {
          i: {
            items: [
              { productId: 'mall-tea-set', quantity: -1 },
              { productId: 'mall-tea-set', quantity: 2 ** 31 },
            ],
            plan: 'FULL',
            idempotencyKey: 'hostile-quantity-0001',
          },
        },
      },
      bearer,
    );

    // 4. Operator objects and lists through every ID and String argument of every root field.
    let injected = 0;
    for (const request of injectionRequests(schema)) {
      for (const value of injections) {
        await graphql(
          `inject ${request.name}`,
          { query: request.query, variables: request.variables(value) },
          bearer,
        );
        injected += 1;
      }
    }
    expect(injected).toBeGreaterThan(100);

    // ...and through entity representations, straight to each subgraph with the gateway's credential.
    const credential = new GatewayCredentialSigner(gatewaySecret).current();
    const supergraph = fs.readFileSync(
      path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
      'utf8',
    );
    const entities = [...supergraph.matchAll(/^type (\w+) [^{]*?@join__type\(graph: (\w+), key: "id"\)/gm)];
    for (const [, typename, graph] of entities) {
      for (const id of [...injections, null, 5, '', 'x'.repeat(10_000)]) {
        await attempt({
          name: `representation ${typename}@${graph} id ${JSON.stringify(id).slice(0, 20)}`,
          port: subgraphPorts.get(graph!)!,
          path: '/',
          headers: { [gatewayCredentialHeader]: credential },
          body: JSON.stringify({
            query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
            variables: { r: [{ __typename: typename, id }] },
          }),
        });
      }
    }
    expect(entities.length).toBeGreaterThanOrEqual(4);

    // 5. Content types and methods. (application/graphql runs, as GraphQL over HTTP allows: a browser
    // cannot send it across origins without a preflight, so it is not a CSRF way in.)
    const mutation =
      'mutation { checkout(input: {items: [{productId: "mall-tea-set", quantity: 1}], plan: FULL, idempotencyKey: "hostile-form-0001"}) { order { id } } }';
    for (const [name, contentType, body] of [
      [
        'form-urlencoded mutation',
        'application/x-www-form-urlencoded',
        `query=${encodeURIComponent(mutation)}`,
      ],
      [
        'multipart mutation',
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${mutation}\r\n--x--`,
      ],
      ['text/plain mutation', 'text/plain', JSON.stringify({ query: mutation })],
      ['xml', 'application/xml', '<query/>'],
      ['no content type', '', JSON.stringify({ query: mutation })],
    ] as const) {
      await attempt({ name, body, headers: { ...bearer, 'content-type': contentType } });
    }
    await attempt({
      name: 'GET mutation',
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(mutation)}`,
      headers: bearer,
    });
    for (const [name, value] of [
      ['variables', '{bad'],
      ['extensions', 'nope'],
    ] as const)
      await attempt({
        name: `GET with ${name} not JSON`,
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent('{ __typename }')}&${name}=${encodeURIComponent(value)}`,
      });
    for (const method of ['PUT', 'DELETE', 'PATCH'])
      await attempt({
        name: `${method}`,
        method,
        body: JSON.stringify({ query: mutation }),
        headers: bearer,
      });

    // 6. Bad tokens on every spelling of the endpoint.
    const badTokens = {
      forged: `Bearer ${signUserToken('not-the-auth-secret-0123456789', 'u_alice')}`,
      expired: `Bearer ${jwt.sign({ scope: 'user' }, authSecret, { subject: 'u_alice', issuer: 'creditgraph', audience: 'creditgraph-api', expiresIn: -60 })}`,
      'alg none': `Bearer ${jwt.sign({ scope: 'user' }, '', { algorithm: 'none', subject: 'u_alice', issuer: 'creditgraph', audience: 'creditgraph-api' })}`,
      garbage: 'Bearer not.a.token',
      empty: 'Bearer ',
      basic: 'Basic dTphbGljZQ==',
    };
    const paths = [
      '/graphql',
      '/graphql/',
      '//graphql',
      '/graphql?x=1',
      '/graphql//',
      '/GRAPHQL',
      '/graphql%2F',
      '/./graphql',
      '/x/../graphql',
      '/graphql;x',
    ];
    for (const [kind, authorization] of Object.entries(badTokens)) {
      for (const where of paths) {
        const outcome = await attempt({
          name: `${kind} token on ${where}`,
          path: where,
          headers: { authorization },
          body: JSON.stringify({ query: '{ me { id creditLine { limit { minor } } } }' }),
        });
        // Never served: refused as unauthenticated, or not an endpoint at all.
        expect([outcome.name, outcome.hasData]).toEqual([outcome.name, false]);
      }
    }

    // An absolute-form request line at a subgraph port (Node accepts it; a URL parser would throw).
    for (const port of subgraphPorts.values())
      await attempt({ name: 'absolute-form URL at a subgraph', port, method: 'GET', path: 'http://[' });

    // 7. Oversized headers.
    await attempt({
      name: '64 KB header',
      headers: { 'x-padding': 'x'.repeat(64 * 1024) },
      body: '{"query":"{ __typename }"}',
    });

    // 8. A flood from one caller: one runs, four wait their turn, the rest are refused at once.
    const flood = await Promise.all(
      Array.from({ length: 20 }, () =>
        graphql('flood', { query: '{ me { id creditLine { available { minor } } } }' }, bearer),
      ),
    );
    const floodCodes = flood.map((outcome) => (outcome.hasData ? 'OK' : outcome.codes.join()));
    expect(floodCodes.filter((code) => code === 'OK').length).toBeGreaterThanOrEqual(5);
    expect(new Set(floodCodes)).toEqual(new Set(['OK', 'CONCURRENCY_LIMITED']));

    // Nothing answered 5xx; every refusal (4xx, or errors in the body) is JSON with a code on each error.
    const serverErrors = outcomes.filter((outcome) => outcome.status >= 500);
    const uncoded = outcomes.filter(
      (outcome) =>
        (outcome.status >= 400 && !outcome.coded) || outcome.codes.some((code) => code === undefined),
    );
    const byStatus = outcomes.reduce<Record<number, number>>(
      (counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
      {},
    );
    console.log(`hostile requests: ${outcomes.length}; by status ${JSON.stringify(byStatus)}`);
    expect(serverErrors.map(({ name, status, codes }) => ({ name, status, codes }))).toEqual([]);
    expect(uncoded.map(({ name, status, codes }) => ({ name, status, codes }))).toEqual([]);

    // 0 crashes or restarts, 0 documents changed, and the product still serves.
    expect(descendantPids(stack.process.pid!).sort()).toEqual(pidsBefore);
    const launcherMetrics = await scrape(stack.metricsUrl!);
    expect(launcherMetrics).toContain('# TYPE creditgraph_restarts_total counter');
    expect(metricValue(launcherMetrics, 'creditgraph_restarts_total')).toBe(0);
    expect(await databaseFingerprint()).toEqual(dataBefore);
    const me = await graphql('after all', { query: '{ me { id } }' }, bearer);
    expect([me.status, me.codes, me.hasData]).toEqual([200, [], true]);
  });
});

/** One operation per ID or String position of a root field's arguments, the hostile value put there. */
function injectionRequests(
  schema: GraphQLSchema,
): { name: string; query: string; variables: (value: unknown) => Record<string, unknown> }[] {
  const requests: ReturnType<typeof injectionRequests> = [];
  for (const [operation, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.name.startsWith('_') || field.args.length === 0) continue;
      const selection = isCompositeType(getNamedType(field.type)) ? '{ __typename }' : '';
      const definitions = field.args.map((arg, n) => `$a${n}: ${arg.type.toString()}`).join(', ');
      const call = field.args.map((arg, n) => `${arg.name}: $a${n}`).join(', ');
      const query = `${operation} Hostile(${definitions}) { ${field.name}(${call}) ${selection} }`;
      field.args.forEach((arg: GraphQLArgument, n) => {
        for (const site of stringSites(arg.type, [], 0)) {
          requests.push({
            name: `${field.name}.${[arg.name, ...site].join('.')}`,
            query,
            variables: (value) =>
              Object.fromEntries(
                field.args.map((other, m) => [
                  `a${m}`,
                  m === n ? placeAt(sampleValue(other.type), site, value) : sampleValue(other.type),
                ]),
              ),
          });
        }
      });
    }
  }
  return requests;
}

/** Paths (input field names) to the ID and String positions inside an argument's type. */
function stringSites(type: GraphQLInputType, at: string[], depth: number): string[][] {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'ID' || named.name === 'String' ? [at] : [];
  if (!isInputObjectType(named) || depth > 3) return [];
  return Object.values(named.getFields()).flatMap((field) =>
    stringSites(field.type, [...at, field.name], depth + 1),
  );
}

/** A plausible value of an input type, every required field filled. */
function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [sampleValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type))
    return Object.fromEntries(
      Object.values(type.getFields()).map((field) => [field.name, sampleValue(field.type)]),
    );
  return { Int: 1, Float: 1, Boolean: true }[type.name] ?? 'hostile-sample-0001';
}

/** The sample with `value` put at `site` (inside lists, in their first item). */
function placeAt(sample: unknown, site: string[], value: unknown): unknown {
  if (site.length === 0) return Array.isArray(sample) ? [value] : value;
  if (Array.isArray(sample)) return [placeAt(sample[0], site, value)];
  const [head, ...rest] = site;
  const object = sample as Record<string, unknown>;
  return { ...object, [head!]: placeAt(object[head!], rest, value) };
}
