import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';

/** Socket-level failures reaching a subgraph: it is down or restarting, not broken. */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && chain.length < 8;) {
    chain.push(current);
    const next =
      (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
    current = next === current ? undefined : next;
  }
  return chain;
}

/**
 * Masks unexpected errors as the runtime does, except a subgraph that cannot be reached: that is
 * SERVICE_UNAVAILABLE (retry shortly; the launcher restarts it and /readiness says so meanwhile).
 */
export function maskGatewayError(error: unknown, message: string, isDev?: boolean): Error {
  const unreachable = causes(error).some((cause) => {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && unreachableCodes.has(code);
  });
  if (unreachable) {
    const path = error instanceof GraphQLError ? error.path : undefined;
    return new GraphQLError('A service is unavailable: retry shortly', {
      ...(path ? { path } : {}),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  }
  return yogaMaskError(error, message, isDev);
}
