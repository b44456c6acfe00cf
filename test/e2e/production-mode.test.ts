import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  AccountHomeDocument,
  BillUpdatedDocument,
  CheckoutDocument,
  documentIdOf,
  LatestBillUpdateCursorDocument,
  trustedRequest,
} from '../../client';
import { signOperatorToken, signPartnerToken, signUserToken } from '../../src/auth/token';
import { seedDemoData } from '../../src/seed/seed';
import { connectDatabase, ensureIndexes } from '../../src/storage/database';
import { databaseUri } from '../../src/storage/engine/engine';
import { createRepositories } from '../../src/storage/repositories/repositories';
import { firstResult } from '../support/first-result';
import { type Stack, startStack } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * APP_MODE=production (README "Production mode"): nothing is shown beyond trusted documents and the
 * partner API. No playground, no introspection but for operators, no demo data or token printed,
 * CSRF prevention, and user tokens (and anonymous callers) run trusted documents only, over HTTP and
 * graphql-ws alike.
 */
describe('production mode', () => {
  const authSecret = 'production-test-auth-secret-0123456789';
  const gatewaySecret = 'production-test-gateway-secret-0123456789';
  const metricsToken = 'production-test-metrics-token-0123456789';
  let stack: Stack;
  const alice = signUserToken(authSecret, 'u_alice');
  const operator = signOperatorToken(authSecret);
  const partner = signPartnerToken(authSecret, 'p_lakeside_wallet', ['bindings', 'payments']);

  beforeAll(async () => {
    // Production seeds nothing: the users of this test are put there first, as an operator's import would.
    const databaseName = uniqueDatabaseName('production');
    const db = await connectDatabase(databaseUri(serverUri(), databaseName));
    await ensureIndexes(db);
    await seedDemoData(createRepositories(db));
    await db.close();
    stack = await startStack({
      APP_MODE: 'production',
      AUTH_SECRET: authSecret,
      GATEWAY_SECRET: gatewaySecret,
      CORS_ORIGINS: 'https://shop.example',
      METRICS_TOKEN: metricsToken,
      MONGODB_URI: serverUri(),
      DATABASE_NAME: databaseName,
    });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    return { status: response.status, ...json, codes: (json.errors ?? []).map((e) => e.extensions?.code) };
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('the start log prints no token, no partner secret and seeds no demo data', () => {
    const output = stack.output();
    expect(output).toContain('production mode: no playground, no demo data, no tokens printed');
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(output).not.toMatch(/client_secret|demo data:|playground: open/);
  });

  test('the credit subgraph runs the due jobs by itself (no operator moves a clock in production)', async () => {
    // At start, then each new business day and every DUE_JOBS_EVERY_MINUTES (60 by default).
    const ran = () =>
      stack
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"due jobs ran"'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
    for (let waited = 0; ran().length === 0 && waited < 20_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ran()[0]).toMatchObject({
      service: 'credit',
      level: 'info',
      run: 'DAILY',
      billsIssued: 0,
      limitChanges: 0,
    });
  });

  test('/metrics answers the scraper METRICS_TOKEN only, on the gateway and the launcher', async () => {
    for (const url of [new URL('/metrics', stack.url).href, stack.metricsUrl!]) {
      for (const headers of [{}, bearer(alice), bearer(operator), bearer(`${metricsToken}x`)]) {
        const refused = await fetch(url, { headers });
        expect(refused.status).toBe(401);
        expect(
          ((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
            .code,
        ).toBe('UNAUTHENTICATED');
      }
      const scraped = await fetch(url, { headers: bearer(metricsToken) });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('process_resident_memory_bytes');
    }
  });

  test('introspection: refused to anonymous callers, users and partners; answered to operators', async () => {
    const introspection = { query: '{ __schema { queryType { name } } }' };
    // First-party callers may not send the query at all; a partner may, but not introspect.
    for (const headers of [{}, bearer(alice)]) {
      const refused = await post(introspection, headers);
      expect(refused.codes).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    }
    const partnerAsks = await post(introspection, bearer(partner));
    expect(new Set(partnerAsks.codes)).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(partnerAsks.data ?? null).toBeNull();
    // Nor spell it out one guess at a time: no "Did you mean" hint but for operators.
    const guess = { query: '{ mee { id } me { creditLine { ledg } } }' };
    const guessed = JSON.stringify(await post(guess, bearer(partner)));
    expect(guessed).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(guessed).not.toMatch(/Did you mean|"me"|ledger/);
    expect(JSON.stringify(await post(guess, bearer(operator)))).toContain('Did you mean');
    const answered = await post(introspection, bearer(operator));
    expect(answered.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  test('CORS: only an origin in CORS_ORIGINS gets preflight approval, never with credentials', async () => {
    const preflight = (origin: string) =>
      fetch(stack.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization, x-graphql-csrf',
        },
      });
    const elsewhere = await preflight('https://elsewhere.example');
    // The runtime names its one allowed origin whoever asks; a browser elsewhere then refuses.
    expect([null, 'https://shop.example']).toContain(elsewhere.headers.get('access-control-allow-origin'));
    const shop = await preflight('https://shop.example');
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(shop.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('no playground; a GET without the CSRF header is refused, with it a query runs', async () => {
    const page = await fetch(stack.url, { headers: { accept: 'text/html', 'x-graphql-csrf': '1' } });
    expect(await page.text()).not.toMatch(/<html|graphiql/i);
    const search = `?query=${encodeURIComponent('{ __typename }')}`;
    const simple = await fetch(stack.url + search);
    expect(simple.status).toBe(403);
    expect(
      ((await simple.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('CSRF_HEADER_REQUIRED');
    // Every spelling of the endpoint: a GET or a form POST to `/graphql/` is refused the same way.
    const slashed = await fetch(`${stack.url}/${search}`, { headers: bearer(partner) });
    expect(slashed.status).toBe(403);
    const form = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer(partner) },
      body: `query=${encodeURIComponent('{ __typename }')}`,
    });
    expect(form.status).toBe(415);
    const preflighted = await fetch(stack.url + search, {
      headers: { 'x-graphql-csrf': '1', ...bearer(partner) },
    });
    expect(await preflighted.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  test('users and anonymous callers run trusted documents only; by id they answer', async () => {
    for (const headers of [{}, bearer(alice)]) {
      const own = await post({ query: '{ me { id } products(first: 1) { id } }' }, headers);
      expect(own.status).toBe(403);
      expect(own.codes).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    }
    const byId = await post(trustedRequest(AccountHomeDocument), bearer(alice));
    expect(byId.errors).toBeUndefined();
    expect((byId.data as { me: { id: string } }).me.id).toBe('u_alice');
    // Apollo's persisted-query form (the bare SHA-256) names the same document.
    const hash = documentIdOf(AccountHomeDocument).replace('sha256:', '');
    const apollo = await post(
      { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
      bearer(alice),
    );
    expect(apollo.data).toEqual(byId.data);
    expect((await post({ documentId: `sha256:${'0'.repeat(64)}` }, bearer(alice))).codes).toEqual([
      'PERSISTED_QUERY_NOT_FOUND',
    ]);
  });

  test('partner apps send operations of their own (the partner API), within the limits', async () => {
    const own = await post({ query: '{ products(first: 1) { id } }' }, bearer(partner));
    expect(own.errors).toBeUndefined();
    expect(own.data).toEqual({ products: [{ id: expect.any(String) }] });
    // The limits hold for them as for anyone: 13 levels against MAX_DEPTH 12.
    const tooDeep = await post({ query: `{ ${'a { '.repeat(13)}b${' }'.repeat(13)} }` }, bearer(partner));
    expect(tooDeep.codes).toEqual(['DEPTH_LIMIT_EXCEEDED']);
  });

  test('graphql-ws: a user subscribes by trusted id (not with a document of their own) and gets the purchase', async () => {
    const client = createClient({
      url: stack.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${alice}` },
      retryAttempts: 0,
    });
    const ownDocument = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { billUpdated { kind } }' },
        { next: () => resolve('data'), error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(ownDocument)).toContain('TRUSTED_DOCUMENT_REQUIRED');

    const latest = await post(trustedRequest(LatestBillUpdateCursorDocument), bearer(alice));
    const after = (
      latest.data as { me: { creditLine: { ledger: { edges: { node: { billUpdateCursor: string } }[] } } } }
    ).me.creditLine.ledger.edges[0]?.node.billUpdateCursor;
    const sha256Hash = documentIdOf(BillUpdatedDocument).replace('sha256:', '');
    const firstUpdate = firstResult(client, {
      query: '',
      variables: { after: after ?? null },
      extensions: { persistedQuery: { version: 1, sha256Hash } },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const input = {
      items: [{ productId: 'mall-tea-set', quantity: 1 }],
      plan: 'FULL' as const,
      idempotencyKey: 'prod-0001',
    };
    const placed = await post(trustedRequest(CheckoutDocument, { input }), bearer(alice));
    expect(placed.errors).toBeUndefined();
    expect(await firstUpdate).toMatchObject({ data: { billUpdated: { kind: 'PURCHASE_AUTHORIZED' } } });
    await client.dispose();
  });
});
