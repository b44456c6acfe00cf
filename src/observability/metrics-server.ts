import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsPath } from '../runtime/probe-paths';
import { metricsReply, type MetricsAccess } from './metrics-access';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** GET /metrics alone, for a process that serves nothing else (the launcher). */
export async function serveMetrics(options: {
  port: number;
  host?: string;
  access: MetricsAccess;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' || pathname !== metricsPath) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] }));
      return;
    }
    void metricsReply(options.access, req.headers.authorization).then(
      (reply) => {
        res.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store' });
        res.end(reply.body);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host ?? '127.0.0.1' }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${metricsPath}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
