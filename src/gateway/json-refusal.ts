import { refusalBody } from '../errors';
import { noteCodes } from '../observability/request-scope';

type FetchAPI = { Response: typeof Response };

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
