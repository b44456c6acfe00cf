import http from 'node:http';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/** A subgraph's answer, read whole: what the runtime's HTTP executor reads of a fetch Response. */
class SubgraphAnswer {
  readonly ok: boolean;
  readonly headers: AnswerHeaders;
  constructor(
    readonly status: number,
    readonly statusText: string,
    headers: http.IncomingHttpHeaders,
    private readonly bodyText: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new AnswerHeaders(headers);
  }
  text(): Promise<string> {
    return Promise.resolve(this.bodyText);
  }
  json(): Promise<unknown> {
    return Promise.resolve().then(() => JSON.parse(this.bodyText) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return new Response(this.bodyText).arrayBuffer();
  }
  /** The rest of a fetch Response, for a reader that wants a stream (none here does). */
  get body(): ReadableStream<Uint8Array> | null {
    return new Response(this.bodyText).body;
  }
  clone(): SubgraphAnswer {
    return new SubgraphAnswer(this.status, this.statusText, this.headers.raw, this.bodyText);
  }
}

/** The read side of fetch's Headers over Node's parsed headers (names are lower case there). */
class AnswerHeaders {
  constructor(readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name)!];
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) callback(value, name);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  all(): [string, string][] {
    return [...this.entries()];
  }
}

/** Statuses a fetch Response may not carry a body with. */
const noBodyStatuses = new Set([204, 205, 304]);

const jsonContentType = /^application\/(graphql-response\+)?json\b/i;

interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | null;
  signal?: AbortSignal | null;
}

/**
 * Subgraph calls over Node's own HTTP client and keep-alive connections, the answer read whole
 * (subgraphs answer JSON over HTTP here; subscriptions take the relay). The runtime's fetch
 * (whatwg-node) pipes every answer through streams and an abort controller per call.
 */
export function useSubgraphFetch(): GatewayPlugin {
  // An idle connection is dropped here before the subgraph's server drops it (Node's 5 s keep-alive):
  // else a call can go out on a socket the server is closing ("socket hang up").
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 4_000 });
  const subgraphFetch = (url: string, options: FetchOptions = {}): Promise<SubgraphAnswer | Response> =>
    new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const headers = options.headers;
      const body = options.body ?? undefined;
      const call = http.request(url, {
        agent,
        method: options.method ?? 'GET',
        headers:
          body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
      const abort = () => call.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', abort, { once: true });
      const stopListening = () => signal?.removeEventListener('abort', abort);
      call.on('error', (error) => {
        stopListening();
        reject(error);
      });
      call.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', (error) => {
          stopListening();
          reject(error);
        });
        answer.on('end', () => {
          stopListening();
          const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          const status = answer.statusCode ?? 502;
          const statusText = answer.statusMessage ?? '';
          if (jsonContentType.test(answer.headers['content-type'] ?? '')) {
            resolve(new SubgraphAnswer(status, statusText, answer.headers, bytes.toString('utf8')));
            return;
          }
          // Anything else (an incremental multipart answer) as a standard Response, read whole; one
          // it cannot hold (a status past 599) fails this call only.
          try {
            resolve(
              new Response(noBodyStatuses.has(status) ? null : new Uint8Array(bytes), {
                status,
                statusText,
                headers: new AnswerHeaders(answer.headers).all(),
              }),
            );
          } catch (error) {
            reject(error as Error);
          }
        });
      });
      call.end(body);
    });
  return {
    onDispose() {
      agent.destroy();
    },
    onFetch({ url, options, setFetchFn }) {
      // Only what the runtime sends for a query or mutation (headers as a plain object, a text
      // body); a subscription's event stream is read as it comes, by the runtime's own fetch.
      const { headers, body } = options as { headers?: unknown; body?: unknown };
      if (!url.startsWith('http://') || (body != null && typeof body !== 'string')) return;
      if (headers != null && Object.getPrototypeOf(headers) !== Object.prototype) return;
      const accept = (headers as Record<string, string> | undefined)?.accept ?? '';
      if (accept.includes('text/event-stream')) return;
      setFetchFn(subgraphFetch as never);
    },
  };
}
