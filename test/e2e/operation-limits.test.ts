import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { projectRoot } from '../../src/config';
import { fragmentFanOut } from '../support/hostile-documents';
import { metricValue, scrape } from '../support/metrics-text';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/** A graphql-ws client of the gateway at `url` for the viewer of `token`, without reconnecting. */
const wsClient = (url: string, token: string) =>
  createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });

interface Answer {
  status: number;
  codes: (string | undefined)[];
  body: {
    data?: unknown;
    errors?: { extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

/**
 * Hostile operations against the running gateway: each is refused with a code before it costs the
 * gateway or a subgraph anything, and an ordinary request still works afterwards.
 */
describe('operation limits at the gateway', () => {
  let stack: Stack;
  const alice = tokenFor('u_alice');

  beforeAll(async () => {
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: uniqueDatabaseName('limits'),
      // Small enough to reach in a test; every other limit keeps its default.
      RATE_LIMIT_VIEWER_PER_MINUTE: '40',
      MAX_SUBSCRIPTIONS_PER_SOCKET: '3',
      REQUEST_TIMEOUT_MS: '3000',
    });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  async function post(body: unknown, headers: Record<string, string> = {}, path = ''): Promise<Answer> {
    const response = await fetch(stack.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const parsed = (await response.json()) as Answer['body'];
    return {
      status: response.status,
      codes: (parsed.errors ?? []).map((error) => error.extensions?.code as string | undefined),
      body: parsed,
    };
  }

  test('a 1 KB fragment fan-out (2^30 fields) is refused before validation or any subgraph call', async () => {
    const query = fragmentFanOut(30);
    expect(query.length).toBeLessThan(1_500);
    const answer = await post({ query });
    expect(answer.codes).toEqual(['OPERATION_TOO_LARGE']);
    // 2^30 fields of products' id and title, plus products itself: 2 x 2^29 + 1.
    expect(answer.body.errors![0]!.extensions).toMatchObject({ limit: 1_500, actual: 2 ** 30 + 1 });
    expect(answer.body.data).toBeUndefined();
    // The same chain 10 deep (2^10 = 1,024 fields) is within the limit and runs.
    const small = await post({ query: fragmentFanOut(10) });
    expect(small.codes).toEqual([]);
    expect((small.body.data as { products: unknown[] }).products.length).toBeGreaterThan(0);
  });

  test('a small operation beside a big one in the same document does not open the way for the big one', async () => {
    // The document is parsed once and cached; naming the small operation first must not let the
    // big one through on the next request.
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: products(first: 1) { id }`).join(' ');
    const query = `query Small { __typename } query Big { ${aliases} }`;
    for (const operationName of ['Small', 'Big']) {
      const answer = await post({ query, operationName });
      expect([operationName, answer.codes]).toEqual([operationName, ['ALIAS_LIMIT_EXCEEDED']]);
    }
  });

  test('over graphql-ws the same fan-out is refused with the same code, and the socket lives on', async () => {
    const client = wsClient(stack.url, alice);
    try {
      const chain = fragmentFanOut(30)
        .replace('query FanOut { products { ...F0 } }', 'subscription FanOut { billUpdated { ...F0 } }')
        .replaceAll('on MallProduct', 'on BillUpdate')
        .replace('id title', 'cursor kind');
      const refused = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: chain }, { next: () => {}, error: resolve, complete: () => resolve(null) });
      });
      const [refusal] = refused as { extensions?: Record<string, unknown> }[];
      expect(refusal!.extensions?.code).toBe('OPERATION_TOO_LARGE');
      expect(refusal!.extensions).not.toHaveProperty('http');
      const answered = await new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query: '{ products { id } }' },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      expect((answered as { data: { products: unknown[] } }).data.products.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });

  test('graphql-ws: a socket holds MAX_SUBSCRIPTIONS_PER_SOCKET operations at once; subscribe messages count against the rate limit', async () => {
    const socket = (token: string) => wsClient(stack.url, token);
    /** The first error's code of one operation, or 'open' if it is still running after `waitMs`. */
    const outcome = (client: ReturnType<typeof createClient>, query: string, waitMs = 300) =>
      new Promise<{ code: string; stop: () => void }>((resolve) => {
        const stop = client.subscribe(
          { query },
          {
            next: () => resolve({ code: 'data', stop }),
            error: (errors) =>
              resolve({
                code: String((errors as { extensions?: { code?: string } }[])[0]?.extensions?.code),
                stop,
              }),
            complete: () => resolve({ code: 'complete', stop }),
          },
        );
        setTimeout(() => resolve({ code: 'open', stop }), waitMs);
      });
    const follow = 'subscription { billUpdated { cursor } }';

    const carol = socket(tokenFor('u_carol'));
    try {
      const open = await Promise.all([1, 2, 3].map(() => outcome(carol, follow)));
      expect(open.map(({ code }) => code)).toEqual(['open', 'open', 'open']);
      expect((await outcome(carol, follow)).code).toBe('CONCURRENCY_LIMITED');
      // One completed by the client: room for one more.
      open[0]!.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await outcome(carol, follow)).code).toBe('open');
    } finally {
      await carol.dispose();
    }

    // 85 one-shot operations within a minute (carol's 5 above count too): one of at most two
    // windows gets over the 40 allowed.
    const again = socket(tokenFor('u_carol'));
    const metricsUrl = new URL('/metrics', stack.url).href;
    const refusedBefore = metricValue(await scrape(metricsUrl), 'creditgraph_rejections_total', {
      reason: 'RATE_LIMITED',
    });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 85; i += 1) codes.push((await outcome(again, '{ __typename }', 5_000)).code);
      expect(new Set(codes)).toEqual(new Set(['data', 'RATE_LIMITED']));
      // Each operation over the socket is counted (and logged) like an HTTP request.
      expect(
        metricValue(await scrape(metricsUrl), 'creditgraph_rejections_total', { reason: 'RATE_LIMITED' }),
      ).toBe(refusedBefore + codes.filter((code) => code === 'RATE_LIMITED').length);
      expect(stack.output()).toMatch(/"path":"\/graphql \(graphql-ws\)".*"code":"RATE_LIMITED"/);
    } finally {
      await again.dispose();
    }
  });

  test('depth, aliases, directives and tokens each have their own code', async () => {
    // me, creditLine, ledger, edges, node, then 8 levels of nothing real: 13 levels, over the 12
    // allowed (refused before validation finds the unknown fields).
    const deep = `{ me { creditLine { ledger { edges { node { ${'a { '.repeat(8)}b${' }'.repeat(8)} } } } } } }`;
    expect((await post({ query: deep })).codes).toEqual(['DEPTH_LIMIT_EXCEEDED']);
    // Tools' standard introspection query nests ofType past 12, but introspection depth is not counted.
    const introspection = await post({ query: getIntrospectionQuery() });
    expect(introspection.codes).toEqual([]);
    expect(
      (introspection.body.data as { __schema: { types: unknown[] } }).__schema.types.length,
    ).toBeGreaterThan(10);
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: products(first: 1) { id }`).join(' ');
    const aliased = await post({ query: `{ ${aliases} }` });
    expect(aliased.codes).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    expect(aliased.body.errors![0]!.extensions).toMatchObject({ limit: 30, actual: 31 });
    const directives = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');
    expect((await post({ query: `{ products { id ${directives} } }` })).codes).toEqual([
      'DIRECTIVE_LIMIT_EXCEEDED',
    ]);
    // 4,001 tokens: braces and one field name 2,000 times over.
    const tokens = `{ products { ${'id '.repeat(4_000)}} }`;
    expect((await post({ query: tokens })).codes).toEqual(['OPERATION_TOO_LARGE']);
  });

  test('bodies: over the size limit 413, without a declared length 411, both before reading them', async () => {
    const big = await post({ query: `{ products { id } }${' '.repeat(110_000)}` });
    expect([big.status, big.codes]).toEqual([413, ['REQUEST_ENTITY_TOO_LARGE']]);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject);
      request.end(JSON.stringify({ query: '{ products { id } }' }));
    });
    expect(chunked.status).toBe(411);
    expect(JSON.parse(chunked.body).errors[0].extensions.code).toBe('LENGTH_REQUIRED');
  });

  test('a request not sent whole within REQUEST_TIMEOUT_MS is answered 408 REQUEST_TIMEOUT soon after, not up to 30 s later', async () => {
    const { port } = new URL(stack.url);
    // Headers and 9 of the 100 bytes they promise, then silence (a slow or stalled sender).
    const stalled = (path: string, contentType: string, bodyStart: string) =>
      new Promise<{ status: string; body: unknown; afterMs: number }>((resolve, reject) => {
        const startedAt = Date.now();
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${contentType}\r\nContent-Length: 100\r\n\r\n${bodyStart}`,
          );
        });
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () =>
          resolve({
            status: text.slice(0, text.indexOf('\r\n')),
            body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)),
            afterMs: Date.now() - startedAt,
          }),
        );
        socket.on('error', reject);
      });
    const [graphql, token] = await Promise.all([
      stalled('/graphql', 'application/json', '{"query":'),
      stalled('/oauth/token', 'application/x-www-form-urlencoded', 'grant_typ'),
    ]);
    expect(graphql).toMatchObject({
      status: 'HTTP/1.1 408 Request not received in time',
      body: { errors: [{ extensions: { code: 'REQUEST_TIMEOUT' } }] },
    });
    // The token endpoint answers in OAuth's terms, as its other refusals.
    expect(token).toMatchObject({
      status: 'HTTP/1.1 408 Request not received in time',
      body: { error: 'invalid_request', error_description: 'Request not received in time' },
    });
    // The limit is 3 s, looked at every tenth of it (Node's own default looks every 30 s). The
    // bound is loose (a busy machine), but far under the 30 s the default could take.
    for (const answered of [graphql, token]) {
      expect(answered.afterMs).toBeGreaterThanOrEqual(2_900);
      expect(answered.afterMs).toBeLessThan(10_000);
    }
  });

  test('demand control: an object costs 1, a list as many as it asks for; over MAX_COST nothing runs', async () => {
    const bob = { authorization: `Bearer ${tokenFor('u_bob')}` };
    // No `first`: a full page (50) of products, each 1 and its price 1: 100.
    const listed = await post({ query: '{ products { id title price { amount } } }' });
    expect(listed.codes).toEqual([]);
    expect(listed.body.extensions?.cost).toEqual({ estimated: 100, max: 5_000 });
    // The account home: me 1; creditLine 1 + limit, available and used 3 = 4; mallOrders 1 +
    // 5 edges x (edge 1 + node 1 + total 1) + pageInfo 1 = 17; installmentOrders 1 + 5 x (edge 1 +
    // node 1) = 11; channelBindings 20 x (binding 1 + partner 1) = 40. 1 + 4 + 17 + 11 + 40 = 73.
    const accountHome = fs.readFileSync(
      path.join(projectRoot, 'client/operations/account-home.graphql'),
      'utf8',
    );
    const home = await post({ query: accountHome, operationName: 'AccountHome' }, bob);
    expect(home.codes).toEqual([]);
    expect(home.body.extensions?.cost).toEqual({ estimated: 73, max: 5_000 });
    // Each alias of mallOrders(first: 50): 1 + 50 edges x (edge 1 + node 1 + 20 items x 1) = 1,101,
    // and me 1: four aliases 4,405 run, five 5,506 are refused before any subgraph call.
    const orders = (aliases: number) =>
      `{ me { ${Array.from({ length: aliases }, (_, n) => `o${n}: mallOrders(first: 50) { edges { node { items { quantity } } } }`).join(' ')} } }`;
    const four = await post({ query: orders(4) }, bob);
    expect(four.codes).toEqual([]);
    expect(four.body.extensions?.cost).toEqual({ estimated: 4_405, max: 5_000 });
    const five = await post({ query: orders(5) }, bob);
    expect(five.codes).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    expect(five.body.errors![0]!.extensions).toEqual({
      code: 'COST_ESTIMATED_TOO_EXPENSIVE',
      cost: { estimated: 5_506, max: 5_000 },
    });
    expect(five.body.data).toBeUndefined();
    // A request error like the shape limits: 200 to application/json, 400 to graphql-response+json.
    expect(five.status).toBe(200);
    const strict = await post({ query: orders(5) }, { ...bob, accept: 'application/graphql-response+json' });
    expect([strict.status, strict.codes]).toEqual([400, ['COST_ESTIMATED_TOO_EXPENSIVE']]);
    // The same over graphql-ws.
    const client = wsClient(stack.url, tokenFor('u_bob'));
    try {
      const refused = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: orders(5) }, { next: resolve, error: resolve, complete: () => {} });
      });
      const [refusal] = ((refused as { errors?: unknown[] }).errors ?? refused) as {
        extensions?: Record<string, unknown>;
      }[];
      expect(refusal!.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
      // A subscription the credit subgraph answers alone goes to the relay, past the runtime's
      // plugins: it is estimated all the same. Each alias: ledger 1 + 50 edges x (edge 1 + node 1 +
      // amount 1 + balancesAfter 1 + limit 1 + used 1) = 301; 17 of them under billUpdated 1 and
      // creditLine 1: 2 + 5,117 = 5,119.
      const ledgers = Array.from(
        { length: 17 },
        (_, n) =>
          `l${n}: ledger(first: 50) { edges { node { amount { amount } balancesAfter { limit { amount } used { amount } } } } }`,
      ).join(' ');
      const subscription = `subscription { billUpdated { creditLine { ${ledgers} } } }`;
      const subscribed = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: subscription }, { next: resolve, error: resolve, complete: () => {} });
      });
      const [subscriptionRefusal] = subscribed as { extensions?: Record<string, unknown> }[];
      expect(subscriptionRefusal!.extensions).toEqual({
        code: 'COST_ESTIMATED_TOO_EXPENSIVE',
        cost: { estimated: 5_119, max: 5_000 },
      });
    } finally {
      await client.dispose();
    }
  });

  test('a bad token is refused on every spelling of the endpoint', async () => {
    const { origin } = new URL(stack.url);
    for (const path of ['/graphql', '/graphql/', '//graphql', '/graphql//']) {
      const response = await fetch(origin + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer forged' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      expect([path, response.status]).toEqual([path, 401]);
      await response.body?.cancel();
    }
  });

  test('per-viewer rate limit: 429 with Retry-After past RATE_LIMIT_VIEWER_PER_MINUTE, other viewers unaffected', async () => {
    const bob = tokenFor('u_bob');
    const statuses: number[] = [];
    let refused: Response | undefined;
    // 85 requests within a minute: even if the minute turns over on the way, one of the two windows
    // gets at least 43 of them, over the 40 allowed.
    for (let i = 0; i < 85; i += 1) {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bob}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      statuses.push(response.status);
      if (response.status === 429 && !refused) refused = response;
      else await response.body?.cancel();
    }
    expect(new Set(statuses)).toEqual(new Set([200, 429]));
    expect(refused!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(
      ((await refused!.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('RATE_LIMITED');
    // Alice is another viewer: her request goes through.
    expect((await post({ query: '{ me { id } }' }, { authorization: `Bearer ${alice}` })).codes).toEqual([]);
  });
});

/**
 * The time share (README "Limits"): a caller whose requests took more than its part of real time
 * waits, in its own queue, until it has paid that time back; other callers are not held.
 */
describe('time share per caller at the gateway', () => {
  let stack: Stack;
  // 30 offers: tens of ms of work that the limits allow.
  const offers = `{ ${Array.from(
    { length: 30 },
    (_, i) => `a${i}: installmentOffers(amount: "9999.00") { periods annualizedRate }`,
  ).join(' ')} }`;

  beforeAll(async () => {
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: uniqueDatabaseName('timeshare'),
      // 5% of real time and no burst: a request of t ms is paid back in 20 t ms. One may wait.
      CALLER_TIME_PERCENT: '5',
      CALLER_TIME_BURST_MS: '0',
      MAX_QUEUED_PER_CALLER: '1',
    });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const post = async (token: string, query: string) => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, code: body.errors?.[0]?.extensions?.code };
  };

  test('past its share a caller waits, and is refused once its queue is full; another caller is not held', async () => {
    const bob = tokenFor('u_bob');
    const alice = tokenFor('u_alice');
    // 30 offers take tens of ms t, so bob then owes about t and waits about 20 t (at 5%).
    expect(await post(bob, offers)).toEqual({ status: 200, code: undefined });

    const finished: string[] = [];
    const track = async (name: string, answer: Promise<{ status: number; code?: string }>) => {
      const result = await answer;
      finished.push(`${name} ${result.status}`);
      return result;
    };
    // Bob has both slots free but no time: whichever arrives first waits (his queue of 1), the
    // other two are refused.
    const bobs = [0, 1, 2].map((n) => track(`bob ${n}`, post(bob, '{ me { id } }')));
    // Alice owes nothing: she is answered while bob's request still waits.
    expect(await track('alice', post(alice, '{ me { id } }'))).toEqual({ status: 200, code: undefined });
    const answers = await Promise.all(bobs);
    expect(answers.map(({ status, code }) => `${status} ${code ?? ''}`).sort()).toEqual([
      '200 ',
      '429 CONCURRENCY_LIMITED',
      '429 CONCURRENCY_LIMITED',
    ]);
    expect(finished.at(-1)).toMatch(/^bob \d 200$/);
    expect(finished.indexOf('alice 200')).toBeLessThan(finished.length - 1);
  });

  test('over graphql-ws a query takes the same share: past it, it waits while another caller is answered', async () => {
    const carol = tokenFor('u_carol');
    const alice = tokenFor('u_alice');
    // Over HTTP, carol owes about t for a request of t ms, and waits about 20 t (at 5%).
    expect(await post(carol, offers)).toEqual({ status: 200, code: undefined });
    const client = wsClient(stack.url, carol);
    try {
      const finished: string[] = [];
      const overWs = new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: '{ me { id } }' },
          {
            next: (result) => {
              finished.push('carol over ws');
              resolve(result);
            },
            error: resolve,
            complete: () => {},
          },
        );
      });
      // Without the share her query would be answered within these 200 ms.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await post(alice, '{ me { id } }')).toEqual({ status: 200, code: undefined });
      finished.push('alice');
      // Over graphql-ws too, the answer says what it was estimated at: me 1.
      expect(await overWs).toEqual({
        data: { me: { id: 'u_carol' } },
        extensions: { cost: { estimated: 1, max: 5_000 } },
      });
      expect(finished).toEqual(['alice', 'carol over ws']);
    } finally {
      await client.dispose();
    }
  });
});

/**
 * Slow by construction: 30 offer tables computed in one call to the installment subgraph, about
 * 50 ms there alone, so no subgraph answers it within 1 ms however fast its reads are.
 */
const thirtyOfferTables = `{ ${Array.from(
  { length: 30 },
  (_, i) => `a${i}: installmentOffers(amount: "9999.00") { periods annualizedRate }`,
).join(' ')} }`;

/** The overall response deadline (README "Limits"), for answers but not for event streams. */
describe('response deadline at the gateway', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: uniqueDatabaseName('deadline'),
      // Shorter than any answer that calls a subgraph.
      RESPONSE_DEADLINE_MS: '1',
    });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  test('an execution past the deadline answers GATEWAY_TIMEOUT (HTTP 504, and over graphql-ws); an SSE subscription is not cut', async () => {
    const slow = thirtyOfferTables;
    const alice = tokenFor('u_alice');
    const late = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body: JSON.stringify({ query: slow }),
    });
    expect(late.status).toBe(504);
    expect(await late.json()).toMatchObject({ errors: [{ extensions: { code: 'GATEWAY_TIMEOUT' } }] });
    // Asking for an event stream changes nothing for a query.
    const streamed = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${alice}`,
      },
      body: JSON.stringify({ query: slow }),
    });
    expect(await streamed.text()).toContain('GATEWAY_TIMEOUT');

    const client = wsClient(stack.url, alice);
    try {
      const overWs = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: slow },
          { next: (result) => resolve(result), error: resolve, complete: () => {} },
        );
      });
      expect(JSON.stringify(overWs)).toContain('GATEWAY_TIMEOUT');
    } finally {
      await client.dispose();
    }

    const controller = new AbortController();
    const stream = await fetch(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${alice}`,
      },
      body: JSON.stringify({ query: 'subscription { billUpdated { cursor } }' }),
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    // Still open well past the deadline: nothing has ended the stream (pings may arrive).
    const reader = stream.body!.getReader();
    let received = '';
    const ended = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        received += new TextDecoder().decode(value);
      }
    })().catch(() => 'aborted');
    const waited = await Promise.race([
      ended,
      new Promise((resolve) => setTimeout(() => resolve('open'), 500)),
    ]);
    expect(waited).toBe('open');
    expect(received).not.toContain('GATEWAY_TIMEOUT');
    controller.abort();
  });
});

/** Each subgraph call's own time limit (README "Limits": Time). */
describe('upstream timeout at the gateway', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: uniqueDatabaseName('upstream'),
      // Shorter than any subgraph call; the response deadline keeps its default (seconds).
      UPSTREAM_TIMEOUT_MS: '1',
    });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  test('a subgraph call past UPSTREAM_TIMEOUT_MS answers GATEWAY_TIMEOUT for that part, without internals; the gateway serves on', async () => {
    // `__typename` needs no subgraph call; the offer tables are non-null, so their null reaches `data`.
    const slow = thirtyOfferTables.replace('{ ', '{ __typename ');
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('u_alice')}` },
      body: JSON.stringify({ query: slow }),
    });
    // No 504: one call's timeout is that call's error, beside what other calls answered.
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data?: unknown;
      errors: { message: string; extensions: object }[];
    };
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ message: 'A subgraph did not answer within 1 ms', path: ['a0'] });
    // The code only: not the call's URL or the query sent to the subgraph.
    expect(body.errors[0]!.extensions).toEqual({ code: 'GATEWAY_TIMEOUT' });
    // What needs no subgraph still answers.
    const typename = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await typename.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  test('a query sent straight to one subgraph that times out is answered as the planner answers it', async () => {
    const post = async (query: string) => {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('u_alice')}` },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as {
        data?: Record<string, unknown> | null;
        errors?: { path?: unknown[] }[];
        extensions?: { cost?: unknown };
      };
      expect(body.extensions?.cost).toBeDefined();
      delete body.extensions;
      // The planned twin's second root field (same subgraph) times out too: its part is left out.
      if (body.data) delete body.data.zzMe;
      if (body.errors) body.errors = body.errors.filter((error) => error.path?.[0] !== 'zzMe');
      return { status: response.status, body };
    };
    // A second root field the same subgraph answers, nullable so its own null leaves the rest alone.
    const twin = (query: string) => `${query.slice(0, -1)}zzMe: me { id } }`;
    // `me` may be null: the field is; installmentOffers may not: the whole data is.
    for (const query of ['{ me { id } }', '{ offers: installmentOffers(amount: "100.00") { periods } }']) {
      const straight = await post(query);
      expect(straight).toEqual(await post(twin(query)));
      expect(straight.status).toBe(200);
      expect(straight.body.errors).toEqual([
        {
          message: 'A subgraph did not answer within 1 ms',
          locations: [{ line: 1, column: 3 }],
          path: [query.includes('offers') ? 'offers' : 'me'],
          extensions: { code: 'GATEWAY_TIMEOUT' },
        },
      ]);
      expect(straight.body.data).toEqual(query.includes('offers') ? null : { me: null });
    }
  });
});

describe('open WebSockets per client address', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: uniqueDatabaseName('sockets'),
      MAX_WEBSOCKETS_PER_ADDRESS: '2',
    });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  /** A graphql-ws socket that said connection_init and was acknowledged, or the upgrade's refusal. */
  const connect = (token: string) =>
    new Promise<{ socket: WebSocket } | { status: number; retryAfter?: string; body: unknown }>(
      (resolve, reject) => {
        const socket = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
        socket.once('open', () =>
          socket.send(
            JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
          ),
        );
        socket.on('message', (data) => {
          if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') resolve({ socket });
        });
        socket.once('unexpected-response', (request, response) => {
          let text = '';
          response.on('data', (chunk) => (text += String(chunk)));
          response.on('end', () => {
            request.destroy();
            resolve({
              status: response.statusCode!,
              retryAfter: response.headers['retry-after'],
              body: JSON.parse(text) as unknown,
            });
          });
        });
        socket.once('error', reject);
      },
    );
  const closed = (socket: WebSocket) =>
    new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });

  test('an address holds MAX_WEBSOCKETS_PER_ADDRESS sockets at once; one more is refused before the upgrade until one closes', async () => {
    const alice = tokenFor('u_alice');
    const first = await connect(alice);
    const second = await connect(tokenFor('u_bob'));
    expect('socket' in first && 'socket' in second).toBe(true);
    // A third from the same address, whoever's token: 429 with a coded JSON refusal, no socket.
    expect(await connect(alice)).toEqual({
      status: 429,
      retryAfter: '5',
      body: {
        errors: [
          {
            message:
              'Too many open WebSockets from this address: 2 at most; close one first (one socket holds many subscriptions)',
            extensions: { code: 'CONCURRENCY_LIMITED' },
          },
        ],
      },
    });
    // HTTP requests from the address are not counted against it.
    const answer = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(await answer.json()).toMatchObject({ data: { me: { id: 'u_alice' } } });
    // One closed: room for one more (the server counts the close as its side of the socket ends).
    await closed((first as { socket: WebSocket }).socket);
    let again = await connect(alice);
    for (let attempt = 0; attempt < 20 && !('socket' in again); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await connect(alice);
    }
    expect('socket' in again).toBe(true);
    await closed((again as { socket: WebSocket }).socket);
    await closed((second as { socket: WebSocket }).socket);
  });
});
