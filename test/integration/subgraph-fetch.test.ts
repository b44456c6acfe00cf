import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useSubgraphFetch } from '../../src/gateway/use-subgraph-fetch';

/**
 * The gateway's fetch for subgraph calls (use-subgraph-fetch.ts) against a real HTTP server on a
 * loopback port: what the runtime's HTTP executor reads of an answer, connection reuse, aborts, and
 * which calls it leaves to the runtime's own fetch.
 */
type Fetch = (
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<Response>;

/** One plugin (one connection pool) for every call here. */
const plugin = useSubgraphFetch();

/** The fetch the plugin sets for a call with these options, or undefined when it leaves the call alone. */
function fetchFor(url: string, options: Record<string, unknown>): Fetch | undefined {
  let chosen: Fetch | undefined;
  (plugin.onFetch as (payload: unknown) => void)({
    url,
    options,
    setFetchFn: (fn: Fetch) => {
      chosen = fn;
    },
  });
  return chosen;
}

describe('subgraph fetch', () => {
  const sockets = new Set<unknown>();
  const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
  let hold: ((response: http.ServerResponse) => void) | undefined;
  const server = http.createServer((request, response) => {
    sockets.add(request.socket);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ body, headers: request.headers });
      if (request.url === '/slow') {
        hold = (r) => r.end();
        return;
      }
      if (request.url === '/half') {
        // A body cut off: the length says more than comes.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"data":');
        setTimeout(() => response.destroy(), 20);
        return;
      }
      if (request.url === '/trickle') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"data":');
        hold = (r) => r.end('null}');
        return;
      }
      if (request.url === '/empty' || request.url === '/odd') {
        response.writeHead(request.url === '/empty' ? 204 : 600, { 'content-type': 'text/plain' });
        response.end();
        return;
      }
      if (request.url === '/multipart') {
        response.writeHead(200, { 'content-type': 'multipart/mixed; boundary="-"' });
        response.end('---\r\ncontent-type: application/json\r\n\r\n{"data":{"a":1}}\r\n-----\r\n');
        return;
      }
      response.writeHead(request.url === '/refused' ? 401 : 200, {
        'content-type': 'application/json; charset=utf-8',
        'x-seen': String(received.length),
      });
      response.end(JSON.stringify({ data: { echo: body } }));
    });
  });
  let base: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, body: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
  });

  test('a JSON answer is read whole: status, headers and text, the body sent with its length', async () => {
    const options = post('/graphql', '{"query":"{ me { id } }","variables":{"note":"账单"}}');
    const answer = await fetchFor(`${base}/graphql`, options)!(`${base}/graphql`, options);
    expect(answer.status).toBe(200);
    expect(answer.ok).toBe(true);
    expect(answer.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(Object.fromEntries(answer.headers.entries())['x-seen']).toBe(String(received.length));
    expect(JSON.parse(await answer.text())).toEqual({ data: { echo: options.body } });
    // The length in bytes, not characters: the two Chinese characters take 3 bytes each.
    expect(received.at(-1)!.headers['content-length']).toBe(String(options.body.length + 4));
  });

  test('an answer that is not 2xx keeps its status', async () => {
    const options = post('/refused', '{}');
    const answer = await fetchFor(`${base}/refused`, options)!(`${base}/refused`, options);
    expect([answer.status, answer.ok]).toEqual([401, false]);
  });

  test('calls one after another reuse one keep-alive connection', async () => {
    const before = sockets.size;
    for (let n = 0; n < 5; n += 1) {
      const options = post('/graphql', `{"n":${n}}`);
      await (await fetchFor(`${base}/graphql`, options)!(`${base}/graphql`, options)).text();
    }
    expect(sockets.size - before).toBeLessThanOrEqual(1);
  });

  test('an answer that is not JSON comes as a standard Response with its bytes', async () => {
    const options = post('/multipart', '{}');
    const answer = await fetchFor(`${base}/multipart`, options)!(`${base}/multipart`, options);
    expect(answer).toBeInstanceOf(Response);
    expect(answer.headers.get('content-type')).toContain('multipart/mixed');
    expect(await answer.text()).toContain('{"data":{"a":1}}');
  });

  test("an abort ends the call with the signal's reason", async () => {
    const controller = new AbortController();
    hold = undefined;
    const options = { ...post('/slow', '{}'), signal: controller.signal };
    const answer = fetchFor(`${base}/slow`, options)!(`${base}/slow`, options);
    while (!hold) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('upstream timeout');
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
    // A signal already aborted sends nothing.
    const count = received.length;
    await expect(fetchFor(`${base}/graphql`, options)!(`${base}/graphql`, options)).rejects.toBe(reason);
    expect(received.length).toBe(count);
  });

  test('a body cut off fails the call', async () => {
    const options = post('/half', '{}');
    await expect(fetchFor(`${base}/half`, options)!(`${base}/half`, options)).rejects.toThrow();
  });

  test('an abort while the body is coming ends the call too', async () => {
    hold = undefined;
    const controller = new AbortController();
    const options = { ...post('/trickle', '{}'), signal: controller.signal };
    const answer = fetchFor(`${base}/trickle`, options)!(`${base}/trickle`, options);
    while (!hold) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('client gone');
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
  });

  test('a 204 comes without a body; a status a fetch Response cannot hold fails the call, not the process', async () => {
    const empty = post('/empty', '{}');
    const answer = await fetchFor(`${base}/empty`, empty)!(`${base}/empty`, empty);
    expect([answer.status, await answer.text()]).toEqual([204, '']);
    const odd = post('/odd', '{}');
    await expect(fetchFor(`${base}/odd`, odd)!(`${base}/odd`, odd)).rejects.toThrow(/range of 200 to 599/);
  });

  test('event streams, bodies that are not text, other headers objects and https are left to the runtime', () => {
    const url = `${base}/graphql`;
    expect(fetchFor(url, { method: 'GET', headers: { accept: 'text/event-stream' } })).toBeUndefined();
    expect(fetchFor(url, { method: 'POST', headers: {}, body: new FormData() })).toBeUndefined();
    expect(fetchFor(url, { method: 'POST', headers: new Headers(), body: '{}' })).toBeUndefined();
    expect(fetchFor('https://subgraph.example/graphql', post('/graphql', '{}'))).toBeUndefined();
    expect(fetchFor(url, post('/graphql', '{}'))).toBeDefined();
  });
});
