import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isAsyncIterable } from '@graphql-tools/utils';
import { type ExecutionResult, GraphQLError, type GraphQLErrorExtensions } from 'graphql';
import { variableRefusals } from '../errors';
import { jsonRefusal } from './json-refusal';
import { trustedDocumentError, trustedDocumentRefusals } from './trusted-documents';

/** Bodyless refusals of the HTTP layer, with what the client should change. */
const emptyRefusals: Record<number, string> = {
  406: 'Not acceptable: accept application/json or application/graphql-response+json',
  415: 'Unsupported content type: send application/json',
};

/**
 * Gives every error the gateway answers a stable `extensions.code` (README "Error codes"). Subgraph
 * errors keep theirs; what Yoga and the executor leave without one is coded here, in one place.
 */
export function useErrorCodes(options: { graphqlEndpoint: string }): GatewayPlugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      // Yoga's GET parser throws on `variables`/`extensions` that are not JSON: a 500 otherwise.
      if (request.method !== 'GET') return;
      for (const name of ['variables', 'extensions']) {
        const raw = url.searchParams.get(name);
        if (raw !== null && !parsesAsJson(raw))
          return endResponse(jsonRefusal(fetchAPI, 400, 'BAD_REQUEST', `\`${name}\` is not JSON`));
      }
    },
    onParams({ params, setResult }) {
      // An empty query is a missing one (BAD_REQUEST, as in the subgraphs), not a syntax error.
      if (typeof params.query === 'string' && params.query.trim() === '') {
        const { message, extensions } = trustedDocumentError(trustedDocumentRefusals.noDocument);
        setResult({ errors: [new GraphQLError(message, { extensions })] });
      }
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = variableRefusals(args, { http: { status: 400 } });
      if (errors) setResultAndStopExecution({ errors });
    },
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) return; // no subscriptions or @defer here
      setResult(Array.isArray(result) ? result.map(codeErrors) : codeErrors(result));
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      // Yoga answers an unsupported content type (415) or accept header (406) with no body at all.
      if (response.status < 400 || response.status >= 500 || response.body !== null) return;
      const headers = Object.fromEntries(response.headers);
      if (new URL(request.url).pathname !== options.graphqlEndpoint) {
        // Any other path: say where GraphQL is rather than an empty 404.
        if (response.status === 404) {
          const message = `Nothing here: GraphQL is at ${options.graphqlEndpoint}`;
          setResponse(jsonRefusal(fetchAPI, 404, 'NOT_FOUND', message, headers));
        }
        return;
      }
      const message = emptyRefusals[response.status] ?? response.statusText;
      setResponse(jsonRefusal(fetchAPI, response.status, 'BAD_REQUEST', message, headers));
    },
  };
}

/** A result's errors as clients get them, over HTTP and graphql-ws alike (see `codeError`). */
export function codeErrors<T extends ExecutionResult>(result: T): T {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map(codeError) };
}

/** Codes what has no code as unexpected; drops Yoga's `originalError` (JSON parser words, a stack in dev). */
function codeError(error: GraphQLError): GraphQLError {
  // The runtime attaches the subgraph call (its internal URL, the query sent) to upstream errors
  // such as GATEWAY_TIMEOUT: clients get the code, never the internals.
  const { originalError, request: _request, response: _response, ...extensions } = error.extensions ?? {};
  if (
    typeof extensions.code === 'string' &&
    originalError === undefined &&
    _request === undefined &&
    _response === undefined
  )
    return error;
  // Yoga answers a body that is not JSON with 400, not 200, only while the originalError is attached.
  if (originalError !== undefined && typeof extensions.http === 'object' && extensions.http !== null) {
    extensions.http = { ...extensions.http, spec: false };
  }
  return withExtensions(error, { code: 'INTERNAL_SERVER_ERROR', ...extensions });
}

function withExtensions(error: GraphQLError, extensions: GraphQLErrorExtensions): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
