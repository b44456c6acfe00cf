import http from 'node:http';
import { answerClientError } from '../runtime/client-error';
import { listen } from '../runtime/listen';
import { metricsPath } from '../runtime/probe-paths';
import { refusalBody } from '../errors';
import { metricsReply, type MetricsAccess } from './metrics-access';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** GET /metrics, read off the raw path (a URL parser throws on some request lines Node accepts). */
export function isMetricsRequest(req: http.IncomingMessage): boolean {
  return req.method === 'GET' && (req.url ?? '/').split('?', 1)[0] === metricsPath;
}

/** Answers GET /metrics on a Node server: the text, or the refusal `metricsReply` decides. */
export function sendMetrics(
  access: MetricsAccess,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  void metricsReply(access, req.headers.authorization).then(
    (reply) => {
      res.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store' });
      res.end(reply.body);
    },
    () => res.destroy(),
  );
}

/** GET /metrics alone, for a process that serves nothing else (the launcher). */
export async function serveMetrics(options: {
  port: number;
  host?: string;
  access: MetricsAccess;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (!isMetricsRequest(req)) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(refusalBody('NOT_FOUND', 'Not found'));
      return;
    }
    sendMetrics(options.access, req, res);
  });
  // Malformed requests and oversized headers get a coded JSON answer, as on the other ports.
  server.on('clientError', answerClientError);
  const { port } = await listen(server, {
    port: options.port,
    host: options.host ?? '127.0.0.1',
    backlog: 511,
  });
  return {
    url: `http://127.0.0.1:${port}${metricsPath}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
