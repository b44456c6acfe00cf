import { oauthErrorBody, refusalBody } from '../errors';
import { noteCodes } from '../observability/request-scope';

type FetchAPI = { Response: typeof Response };

type Refusal = (
  fetchAPI: FetchAPI,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => Response;

/** A refusal answered before GraphQL runs, its body written by `bodyOf`; its code counts in the metrics and log line. */
function refusalAs(bodyOf: (code: string, message: string, status: number) => string): Refusal {
  return (fetchAPI, status, code, message, headers = {}) => {
    noteCodes([code]);
    return new fetchAPI.Response(bodyOf(code, message, status), {
      status,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    });
  };
}

/** A refusal the gateway answers itself, before GraphQL runs: one coded error, as JSON. */
export const jsonRefusal = refusalAs(refusalBody);

/**
 * The same refusal at the token endpoint, in OAuth's terms (RFC 6749: `error`, `error_description`).
 * A client told to come back later is not told its request was malformed.
 */
export const oauthRefusal = refusalAs((_code, message, status) =>
  JSON.stringify(oauthErrorBody(status === 429 ? 'temporarily_unavailable' : 'invalid_request', message)),
);
