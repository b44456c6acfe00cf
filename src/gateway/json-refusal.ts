import { refusalBody } from '../errors';
import { noteCodes } from '../observability/request-scope';

type FetchAPI = { Response: typeof Response };

/**
 * The same refusal at the token endpoint, in OAuth's terms (RFC 6749: `error`, `error_description`);
 * its code still counts in the metrics and the request's log line.
 */
export function oauthRefusal(
  fetchAPI: FetchAPI,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  noteCodes([code]);
  // A client told to come back later is not told its request was malformed.
  const error = status === 429 ? 'temporarily_unavailable' : 'invalid_request';
  return new fetchAPI.Response(JSON.stringify({ error, error_description: message }), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  });
}

/** A refusal the gateway answers itself, before GraphQL runs: one coded error, as JSON. */
export function jsonRefusal(
  fetchAPI: FetchAPI,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  noteCodes([code]);
  return new fetchAPI.Response(refusalBody(code, message), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  });
}
