import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { AccountHomeDocument, CatalogDocument, MallOrdersPageDocument } from '../../client/generated/graphql';
import expectedAliceHome from '../fixtures/account-home.alice.json';
import { distDir, type Stack, startStack, tokenFor } from '../support/stack';
import { metricValue, scrape } from '../support/metrics-text';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

describe('the supergraph over HTTP (gateway + 4 subgraph processes)', () => {
  let stack: Stack;
  const alice = tokenFor('u_alice');

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('e2e') });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  test("the demo user's home is resolved by credit, mall, installment and wallets subgraphs", async () => {
    const response = await stack.execute(AccountHomeDocument, {}, alice);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(expectedAliceHome);
  });

  test('each user sees only their own line', async () => {
    const response = await stack.execute(AccountHomeDocument, {}, tokenFor('u_bob'));
    expect(response.data?.me?.id).toBe('u_bob');
    expect(response.data?.me?.creditLine?.limit.amount).toBe('21150.00');
    // Bob's Skyline consent ran out on 2026-06-30 (demo data): shown EXPIRED, not ACTIVE.
    expect(response.data?.me?.channelBindings.map((b) => [b.partnerUserId, b.status])).toEqual([
      ['lw-10417', 'ACTIVE'],
      ['sk-5550456', 'EXPIRED'],
    ]);
  });

  test('no token: no personal data, UNAUTHENTICATED; the catalog stays public', async () => {
    const home = await stack.execute(AccountHomeDocument);
    expect(home.data?.me ?? null).toBeNull();
    expect(home.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(home)).not.toContain('29000.00');

    const catalog = await stack.execute(CatalogDocument);
    expect(catalog.errors).toBeUndefined();
    expect(catalog.data?.products.map((p) => p.id)).toContain('mall-tea-set');
    expect(catalog.data?.products.find((p) => p.id === 'mall-tea-set')?.price).toEqual({
      amount: '299.00',
      currency: 'CNY',
      minor: 29_900,
    });
    expect(catalog.data?.installmentProducts.find((p) => p.id === 'inst-laptop')?.periodsOffered).toEqual([
      3, 6, 12, 24,
    ]);
  });

  test('a forged token is refused with 401 before reaching a subgraph', async () => {
    const forged = `${alice.slice(0, -4)}AAAA`;
    const response = await stack.execute(AccountHomeDocument, {}, forged);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.data ?? null).toBeNull();
  });

  test('bad pagination input is a BAD_USER_INPUT error', async () => {
    const tooMany = await stack.execute(MallOrdersPageDocument, { first: 500 }, alice);
    expect(tooMany.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const badCursor = await stack.execute(MallOrdersPageDocument, { first: 5, after: 'garbage' }, alice);
    expect(badCursor.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  test('health endpoint answers', async () => {
    const response = await fetch(stack.url.replace('/graphql', '/healthz'));
    expect(response.status).toBe(200);
  });

  test('the playground is served whole from the gateway (no CDN) and opens with example operations', async () => {
    const response = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Credit graph playground');
    expect(html).toContain('query AccountHome');
    // Every script and stylesheet is inline: no src/href pointing off the machine.
    expect(html.match(/<(script|link)[^>]+(src|href)=["']https?:\/\//gi) ?? []).toEqual([]);
    expect(html).toContain('Authorization');
  });

  test('`npm run -s token -- <user>` refuses users that were not seeded', () => {
    const run = () =>
      execFileSync(process.execPath, [path.join(distDir, 'cli', 'token.js'), 'u_nobody'], { stdio: 'pipe' });
    expect(run).toThrow(/unknown user "u_nobody"/);
  });
  describe('a query one subgraph answers alone goes straight to it, with the answer the query planner gives', () => {
    interface Case {
      name: string;
      query: string;
      operationName?: string;
      variables?: Record<string, unknown>;
      token?: string;
      /** Refused before anything is sent (bad variables): neither way calls a subgraph. */
      refused?: true;
    }
    const cases: Case[] = [
      {
        name: 'nested fields',
        query:
          '{ me { id displayName creditLine { id status limit { amount minor } available { amount } } } }',
      },
      {
        name: 'named fragments',
        query:
          'query Q { me { ...U } } fragment U on User { id creditLine { ...L } } fragment L on CreditLine { id status }',
        operationName: 'Q',
      },
      {
        name: 'aliases and __typename',
        query: '{ who: me { __typename key: id line: creditLine { s: status } } }',
      },
      {
        name: 'variables with @skip and @include',
        query:
          'query V($s: Boolean!, $i: Boolean!) { me { id phone @skip(if: $s) displayName @include(if: $i) } }',
        operationName: 'V',
        variables: { s: true, i: true },
      },
      {
        // The other operation's fields are not the subgraph's concern: only the chosen one is sent.
        name: 'one operation of two',
        query: 'query A { me { id } } query B { me { displayName } }',
        operationName: 'B',
      },
      {
        name: 'a variable missing',
        query: 'query V($s: Boolean!) { me { id phone @skip(if: $s) } }',
        operationName: 'V',
        variables: {},
        refused: true,
      },
      {
        name: 'a variable of the wrong type',
        query: 'query O($a: String!) { installmentOffers(amount: $a) { periods } }',
        operationName: 'O',
        variables: { a: 12 },
        refused: true,
      },
      { name: "the subgraph's BAD_USER_INPUT", query: '{ installmentOffers(amount: "-1") { periods } }' },
      { name: 'no token: UNAUTHENTICATED', query: '{ me { id } }', token: '' },
    ];
    /** The same operation with a second root field, so the runtime plans it (no longer one field). */
    const planned = ({ query, operationName }: Case) => {
      const start = query.indexOf('{', operationName ? query.indexOf(`query ${operationName}`) : 0);
      return `${query.slice(0, start + 1)} zzClock: businessClock { businessDate } ${query.slice(start + 1)}`;
    };
    const post = async (one: Case, query: string) => {
      const token = one.token ?? alice;
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, operationName: one.operationName, variables: one.variables }),
      });
      const body = (await response.json()) as {
        data?: Record<string, unknown> | null;
        errors?: { path?: unknown[] }[];
        extensions?: unknown;
      };
      // The operation's estimated cost differs by the added field; the rest must not.
      delete body.extensions;
      if (body.data) delete body.data.zzClock;
      if (body.errors) body.errors = body.errors.filter((error) => error.path?.[0] !== 'zzClock');
      if (body.errors?.length === 0) delete body.errors;
      return { status: response.status, body: JSON.stringify(body) };
    };

    test.each(cases)('$name', async (one) => {
      const metrics = new URL('/metrics', stack.url).href;
      const direct = (text: string) =>
        metricValue(text, 'creditgraph_direct_queries_total', { subgraph: 'credit' });
      const before = direct(await scrape(metrics));
      const straight = await post(one, one.query);
      const afterStraight = direct(await scrape(metrics));
      const viaPlanner = await post(one, planned(one));
      const afterPlanner = direct(await scrape(metrics));

      expect(straight).toEqual(viaPlanner);
      // The first went straight to the credit subgraph, the second through the planner.
      expect(afterStraight - before).toBe(one.refused ? 0 : 1);
      expect(afterPlanner - afterStraight).toBe(0);
    });

    test('a query that needs two subgraphs is planned', async () => {
      const metrics = new URL('/metrics', stack.url).href;
      const before = await scrape(metrics);
      const response = await stack.execute(AccountHomeDocument, {}, alice);
      expect(response.data).toEqual(expectedAliceHome);
      const after = await scrape(metrics);
      expect(metricValue(after, 'creditgraph_direct_queries_total')).toBe(
        metricValue(before, 'creditgraph_direct_queries_total'),
      );
    });
  });
});
