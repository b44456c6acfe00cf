import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  gatewayCredentialHeader,
  gatewayCredentialLifetimeMs,
  GatewayCredentialSigner,
} from '../../src/auth/gateway-credential';
import { loadConfig, subgraphNames } from '../../src/config';
import {
  CancelOrderDocument,
  CheckoutDocument,
  LatestBillUpdateCursorDocument,
} from '../../client/generated/graphql';
import { firstResult } from '../support/first-result';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * Subgraphs answer the gateway only (README "Subgraphs trust only the gateway"): a caller that reaches
 * a subgraph port without the gateway's credential gets 401 and nothing else, `_service` and
 * `_entities` included; with it, entity keys that are not string ids are refused before any query,
 * and another user's object answers exactly as a missing one.
 */
describe('subgraphs trust only the gateway', () => {
  let stack: Stack;
  let subgraphUrls: Record<string, string>;
  const { gatewaySecret } = loadConfig();
  const signer = new GatewayCredentialSigner(gatewaySecret);
  const alice = tokenFor('u_alice');
  const bob = tokenFor('u_bob');

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('trust') });
    subgraphUrls = Object.fromEntries(
      subgraphNames.map((name) => [
        name,
        new RegExp(`\\b${name} (http://\\S+?)[,\\s]`).exec(stack.output())![1]!,
      ]),
    );
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
  }
  const codesOf = (json: Record<string, unknown>) =>
    ((json.errors ?? []) as { extensions?: { code?: string } }[]).map((error) => error.extensions?.code);

  const sdlQuery = { query: '{ _service { sdl } }' };
  const entitiesQuery = (representation: { __typename: string; id: unknown }) => ({
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${representation.__typename} { id } } }`,
    variables: { r: [representation] },
  });

  test.each(subgraphNames)(
    '%s: no credential, a forged one or an expired one: 401 and no schema',
    async (name) => {
      const url = subgraphUrls[name]!;
      const expiredSigner = new GatewayCredentialSigner(
        gatewaySecret,
        () => Date.now() - gatewayCredentialLifetimeMs - 1,
      );
      const forgedSigner = new GatewayCredentialSigner('not-the-gateway-secret-at-all');
      for (const headers of [
        {},
        forgedSigner.headers(),
        expiredSigner.headers(),
        { [gatewayCredentialHeader]: 'v1.1.x' },
      ]) {
        for (const body of [sdlQuery, entitiesQuery({ __typename: 'CreditLine', id: 'cl_alice' })]) {
          const answer = await post(url, body, { ...headers, authorization: `Bearer ${alice}` });
          expect(answer.status).toBe(401);
          expect(codesOf(answer.json)).toEqual(['GATEWAY_CREDENTIAL_REQUIRED']);
          expect(answer.text).not.toMatch(/sdl|cl_alice|type Query/);
        }
      }
      // With the gateway's credential the same request answers.
      const signed = await post(url, sdlQuery, signer.headers());
      expect(signed.status).toBe(200);
      expect(signed.text).toContain('type Query');
    },
  );

  test('the partner token endpoint on the wallets subgraph refuses an unsigned caller', async () => {
    const response = await fetch(new URL('/oauth/token', subgraphUrls.wallets), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=p_lakeside_wallet&client_secret=lakeside-demo-secret-4f7c2a',
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('access_token');
  });

  test('a WebSocket to a subgraph without the credential is refused at the upgrade', async () => {
    const url = subgraphUrls.credit!.replace(/^http/, 'ws');
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => resolve(-1));
    });
    expect(refused).toBe(401);
    // The gateway's own relay (signed) still serves subscriptions: a purchase arrives over graphql-ws.
    const latest = await stack.execute(LatestBillUpdateCursorDocument, {}, alice);
    const after = latest.data?.me?.creditLine?.ledger.edges[0]?.node.billUpdateCursor ?? null;
    const client = createClient({
      url: stack.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${alice}` },
      retryAttempts: 0,
    });
    const first = firstResult(client, {
      query: 'subscription($after: String) { billUpdated(after: $after) { kind } }',
      variables: { after },
    });
    // The subscription is set up before the purchase; a replay by cursor would deliver it anyway.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const input = {
      items: [{ productId: 'mall-tea-set', quantity: 1 }],
      plan: 'FULL' as const,
      idempotencyKey: 'trust-ws-0001',
    };
    expect((await stack.execute(CheckoutDocument, { input }, alice)).data?.checkout.userErrors).toEqual([]);
    // Relayed to the credit subgraph, its events carry the gateway's estimate too (billUpdated 1).
    expect(await first).toEqual({
      data: { billUpdated: { kind: 'PURCHASE_AUTHORIZED' } },
      extensions: { cost: { estimated: 1, max: 5_000 } },
    });
    await client.dispose();
  });

  test.each([
    ['an operator object', { $regex: '^cl_alice' }],
    ['a $where', { $where: 'sleep(100) || true' }],
    ['an array', ['cl_alice']],
    ['a number', 42],
    ['an empty string', ''],
  ])('_entities with %s as the id: BAD_USER_INPUT before any query, never a 5xx', async (_case, id) => {
    for (const typename of ['CreditLine', 'Bill']) {
      const answer = await post(subgraphUrls.credit!, entitiesQuery({ __typename: typename, id }), {
        ...signer.headers(),
        authorization: `Bearer ${bob}`,
      });
      expect(answer.status).toBe(200);
      expect(codesOf(answer.json)).toEqual(['BAD_USER_INPUT']);
      expect(answer.text).not.toContain('cl_alice');
    }
    const order = await post(subgraphUrls.mall!, entitiesQuery({ __typename: 'MallOrder', id }), {
      ...signer.headers(),
      authorization: `Bearer ${bob}`,
    });
    expect(codesOf(order.json)).toEqual(['BAD_USER_INPUT']);
  });

  test("another user's credit line, bill or order answers exactly as one that does not exist", async () => {
    const placed = await stack.execute(
      CheckoutDocument,
      {
        input: {
          items: [{ productId: 'mall-tea-set', quantity: 1 }],
          plan: 'FULL',
          idempotencyKey: 'trust-0001',
        },
      },
      alice,
    );
    const orderId = placed.data!.checkout.order!.id;
    /** The answer with the id masked out: "No order <id>" for both. */
    const shape = async (url: string, typename: string, id: string) => {
      const answer = await post(url, entitiesQuery({ __typename: typename, id }), {
        ...signer.headers(),
        authorization: `Bearer ${bob}`,
      });
      return { status: answer.status, body: answer.text.replaceAll(id, '<id>') };
    };
    const cases: [string, string, string, string][] = [
      [subgraphUrls.credit!, 'CreditLine', 'cl_alice', 'cl_nobody'],
      [subgraphUrls.mall!, 'MallOrder', orderId, `${orderId.slice(0, -3)}zzz`],
    ];
    for (const [url, typename, someoneElses, missing] of cases) {
      const [theirs, none] = [await shape(url, typename, someoneElses), await shape(url, typename, missing)];
      expect(theirs).toEqual(none);
      expect(theirs.body).toContain('NOT_FOUND');
    }
    // Through the gateway: Bob cancelling Alice's order is told it does not exist, as for a missing one.
    const cancel = await stack.execute(CancelOrderDocument, { orderId }, bob);
    const missingCancel = await stack.execute(CancelOrderDocument, { orderId: 'mo_missing' }, bob);
    expect(cancel.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(missingCancel.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(cancel.errors?.[0]?.message.replace(orderId, '<id>')).toBe(
      missingCancel.errors?.[0]?.message.replace('mo_missing', '<id>'),
    );
  });
});
