import { CheckoutDocument } from '../../client/generated/graphql';
import { print } from 'graphql';
import { metricValue, scrape } from '../support/metrics-text';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * Observability (README "Observability"): one checkout is one trace from the gateway through the
 * mall subgraph to the database, exported over OTLP; every process's JSON log lines carry the
 * request id the response returns; /metrics shows requests, refusals, subgraph calls, ledger
 * appends and database commands.
 */
describe('observability: one checkout end to end', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let mallUrl: string;
  const alice = tokenFor('u_alice');
  // The client's own id is logged beside the gateway's, which every process shares.
  const clientRequestId = 'checkout-trace-0001';
  let requestId: string;
  const checkout = (idempotencyKey: string, headers: Record<string, string> = {}) =>
    fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}`, ...headers },
      body: JSON.stringify({
        // No operationName: the gateway names the request from the document, as a client may send it.
        query: print(CheckoutDocument),
        variables: {
          input: { items: [{ productId: 'mall-tea-set', quantity: 1 }], plan: 'FULL', idempotencyKey },
        },
      }),
    });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({
      MONGODB_URI: serverUri(),
      DATABASE_NAME: uniqueDatabaseName('observability'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    mallUrl = /\bmall (http:\/\/\S+?),/.exec(stack.output())![1]!;
    const response = await checkout('observed-checkout-0001', { 'x-request-id': clientRequestId });
    requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const body = (await response.json()) as { data: { checkout: { order: { status: string } | null } } };
    expect(body.data.checkout.order?.status).toBe('PLACED');
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
    await receiver?.[Symbol.asyncDispose]();
  });

  /** The spans of the checkout's trace, once the mall's span (which names the request id) arrived. */
  async function checkoutTrace(): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const mallSpan = receiver.spans.find(
        (span) => span.service === 'mall' && span.attributes['creditgraph.request_id'] === requestId,
      );
      const inTrace = mallSpan ? receiver.spans.filter((span) => span.traceId === mallSpan.traceId) : [];
      // Both processes export on their own: wait for the gateway's root and the database's spans.
      if (
        inTrace.some((span) => !span.parentSpanId) &&
        inTrace.some((span) => span.name === 'insert mallOrders')
      )
        return inTrace;
      if (Date.now() > deadline)
        throw new Error(`trace incomplete: ${JSON.stringify(inTrace.map((s) => s.name))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('traces: one trace, gateway -> mall subgraph -> database, every span linked to its parent', async () => {
    const spans = await checkoutTrace();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const roots = spans.filter((span) => !span.parentSpanId);
    expect(roots.map((span) => [span.service, span.name])).toEqual([['gateway', 'POST /graphql']]);
    // Connected: every other span's parent is in the same trace (W3C trace context crossed the hop).
    for (const span of spans) if (span.parentSpanId) expect(byId.has(span.parentSpanId)).toBe(true);

    const mallServer = spans.find((span) => span.service === 'mall' && span.name === 'mall Checkout')!;
    expect(byId.get(mallServer.parentSpanId!)!.service).toBe('gateway');
    // The money written by this checkout: the ledger entry, the line summary and the order, each a
    // database span under the mall's request span.
    const databaseSpans = spans.filter((span) => span.attributes['db.system.name'] === 'mongodb');
    for (const name of ['insert ledgerEntries', 'update creditLines', 'insert mallOrders']) {
      const span = databaseSpans.find((candidate) => candidate.name === name);
      expect(span?.parentSpanId).toBe(mallServer.spanId);
    }
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['gateway', 'mall']));
  });

  test('a query sent straight to one subgraph is one trace too: gateway -> credit subgraph', async () => {
    const direct = async () =>
      metricValue(await scrape(new URL('/metrics', stack.url).href), 'creditgraph_direct_queries_total');
    const before = await direct();
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body: JSON.stringify({ query: 'query TracedHome { me { id creditLine { id } } }' }),
    });
    const queryRequestId = response.headers.get('x-request-id')!;
    expect(((await response.json()) as { data: { me: { id: string } } }).data.me.id).toBe('u_alice');
    expect((await direct()) - before).toBe(1);
    const deadline = Date.now() + 15_000;
    let spans: ReceivedSpan[];
    for (;;) {
      const creditSpan = receiver.spans.find(
        (span) => span.service === 'credit' && span.attributes['creditgraph.request_id'] === queryRequestId,
      );
      spans = creditSpan ? receiver.spans.filter((span) => span.traceId === creditSpan.traceId) : [];
      if (spans.some((span) => !span.parentSpanId)) break;
      if (Date.now() > deadline)
        throw new Error(`trace incomplete: ${JSON.stringify(spans.map((s) => s.name))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    expect(spans.filter((span) => !span.parentSpanId).map((span) => [span.service, span.name])).toEqual([
      ['gateway', 'POST /graphql'],
    ]);
    for (const span of spans) if (span.parentSpanId) expect(byId.has(span.parentSpanId)).toBe(true);
    const creditServer = spans.find(
      (span) => span.service === 'credit' && span.name === 'credit TracedHome',
    )!;
    expect(byId.get(creditServer.parentSpanId!)!.service).toBe('gateway');
  });

  test("a caller's traceparent is not continued: it picks neither the trace id nor whether to record", async () => {
    const sentTraceId = '0af7651916cd43dd8448eb211c80319c';
    // Flags 00: "not sampled". Continued, it would turn recording off for this request.
    const response = await checkout('observed-checkout-0003', {
      traceparent: `00-${sentTraceId}-b7ad6b7169203331-00`,
    });
    expect(response.status).toBe(200);
    const ownId = response.headers.get('x-request-id')!;
    const deadline = Date.now() + 15_000;
    let mallSpan: ReceivedSpan | undefined;
    while (!mallSpan && Date.now() < deadline) {
      mallSpan = receiver.spans.find(
        (span) => span.service === 'mall' && span.attributes['creditgraph.request_id'] === ownId,
      );
      if (!mallSpan) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(mallSpan).toBeDefined(); // recorded
    expect(mallSpan!.traceId).not.toBe(sentTraceId);
    expect(receiver.spans.filter((span) => span.traceId === sentTraceId)).toEqual([]);
  });

  test('logs: one JSON line per process for the request, sharing its id and trace id', async () => {
    const spans = await checkoutTrace();
    const lines = stack
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.requestId === requestId);
    expect(lines.map((line) => line.service).sort()).toEqual(['gateway', 'mall']);
    // Only the gateway saw what the client sent; a client cannot choose the id the logs share.
    expect(lines.map((line) => [line.service, line.clientRequestId]).sort()).toEqual([
      ['gateway', clientRequestId],
      ['mall', undefined],
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({
        level: 'info',
        msg: 'request',
        status: 200,
        operation: 'Checkout',
        code: 'OK',
      });
      expect(line.traceId).toBe(spans[0]!.traceId);
      expect(typeof line.durationMs).toBe('number');
    }
  });

  test('a request id that is not a plain token is replaced, never echoed', async () => {
    const sent = 'two words\u00a0<script>';
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': encodeURI(sent) + ' x' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    // Without one, each request gets its own.
    const first = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    const second = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  test('metrics: requests by operation and code, refusals, subgraph calls, ledger appends, database commands', async () => {
    const before = await scrape(new URL('/metrics', stack.url).href);
    const okBefore = metricValue(before, 'creditgraph_requests_total', { operation: 'Checkout', code: 'OK' });
    const refusedBefore = metricValue(before, 'creditgraph_rejections_total', { reason: 'UNAUTHENTICATED' });
    const tooLargeBefore = metricValue(before, 'creditgraph_rejections_total', {
      reason: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    });
    const mallBefore = await scrape(new URL('/metrics', mallUrl).href);
    const appliedBefore = metricValue(mallBefore, 'creditgraph_ledger_appends_total', { outcome: 'APPLIED' });
    const replayedBefore = metricValue(mallBefore, 'creditgraph_ledger_appends_total', {
      outcome: 'REPLAYED',
    });

    // One new checkout, its retry (a replay), and a forged token (refused before GraphQL runs).
    for (const key of ['observed-checkout-0002', 'observed-checkout-0002'])
      expect((await checkout(key)).status).toBe(200);
    const forged = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: '{"query":"{ me { id } }"}',
    });
    expect(forged.status).toBe(401);
    // Headers over Node's limit: refused by its parser, before any request began, and still counted.
    const oversized = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-filler': 'a'.repeat(20_000) },
      body: '{"query":"{ __typename }"}',
    });
    expect(oversized.status).toBe(431);
    expect(await oversized.json()).toMatchObject({
      errors: [{ extensions: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' } }],
    });

    const gateway = await scrape(new URL('/metrics', stack.url).href);
    expect(metricValue(gateway, 'creditgraph_requests_total', { operation: 'Checkout', code: 'OK' })).toBe(
      okBefore + 2,
    );
    expect(metricValue(gateway, 'creditgraph_rejections_total', { reason: 'UNAUTHENTICATED' })).toBe(
      refusedBefore + 1,
    );
    expect(
      metricValue(gateway, 'creditgraph_rejections_total', { reason: 'REQUEST_HEADER_FIELDS_TOO_LARGE' }),
    ).toBe(tooLargeBefore + 1);
    expect(
      metricValue(gateway, 'creditgraph_subgraph_calls_total', { subgraph: 'mall', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      metricValue(gateway, 'creditgraph_request_duration_seconds_count', { operation: 'Checkout' }),
    ).toBeGreaterThanOrEqual(3);
    const mall = await scrape(new URL('/metrics', mallUrl).href);
    expect(metricValue(mall, 'creditgraph_ledger_appends_total', { outcome: 'APPLIED' })).toBe(
      appliedBefore + 1,
    );
    expect(metricValue(mall, 'creditgraph_ledger_appends_total', { outcome: 'REPLAYED' })).toBe(
      replayedBefore + 1,
    );
    expect(
      metricValue(mall, 'creditgraph_database_commands_total', { command: 'insert', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(
      metricValue(mall, 'creditgraph_requests_total', { operation: 'Checkout', code: 'OK' }),
    ).toBeGreaterThanOrEqual(3);
    // Node's own figures come with them.
    expect(metricValue(gateway, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(await scrape(stack.metricsUrl!)).toContain('creditgraph_restarts_total');
  });
});
