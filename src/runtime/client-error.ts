import type { Duplex } from 'node:stream';
import { oauthTokenPath } from '../auth/token';
import { oauthErrorBody, refusalBody } from '../errors';
import { rejectionsTotal } from '../observability/metrics';

/** Node's own refusals of a request it could not parse, as JSON with a code like every other answer. */
const refusals: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'Request headers too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT', 'Request not received in time'],
};

/**
 * The `clientError` handler of an HTTP server: Node would answer a bare status line (431, 400) or
 * nothing; this answers the same status with a coded JSON error, then closes the connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // As Node's own handler: never write into a response already under way on this connection.
  const underWay = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (!socket.writable || underWay || error.code === 'ECONNRESET') return void socket.destroy();
  const [status, code, message] = refusals[error.code ?? ''] ?? [
    400,
    'BAD_REQUEST',
    'Malformed HTTP request',
  ];
  // A request already under way at the token endpoint is answered in OAuth's terms there too.
  const path = (socket as { _httpMessage?: { req?: { url?: string } } })._httpMessage?.req?.url;
  const body =
    path?.split('?')[0] === oauthTokenPath
      ? JSON.stringify(oauthErrorBody('invalid_request', message))
      : refusalBody(code, message);
  // Counted like every other refusal when no request began (one that did is counted by its own
  // metrics, e.g. a body that timed out half-way).
  if (!(socket as { _httpMessage?: unknown })._httpMessage) rejectionsTotal.inc({ reason: code });
  socket.end(
    `HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
