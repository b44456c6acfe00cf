import { InvalidTokenError, isOperator, type Viewer, viewerFromAuthorization } from '../auth/token';

const verified = new WeakMap<Request, Viewer | InvalidTokenError | undefined>();

/**
 * The request's viewer from its bearer token, verified once per request whichever plugin asks first
 * (rate limits, then the token check). Throws InvalidTokenError for a bad token.
 */
export function requestViewer(authSecret: string, request: Request): Viewer | undefined {
  let viewer = verified.get(request);
  if (!verified.has(request)) {
    try {
      viewer = viewerFromAuthorization(authSecret, request.headers.get('authorization'));
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      viewer = error;
    }
    verified.set(request, viewer);
  }
  if (viewer instanceof InvalidTokenError) throw viewer;
  return viewer;
}

/** The viewer, or none for a bad token (which useAuth refuses with 401 before anything runs). */
export function requestViewerOrNone(authSecret: string, request: Request): Viewer | undefined {
  try {
    return requestViewer(authSecret, request);
  } catch (error) {
    if (error instanceof InvalidTokenError) return undefined;
    throw error;
  }
}

/** The TCP peer's address (behind a load balancer, the balancer's: README "Limits"). */
export function clientAddress(serverContext: unknown): string | undefined {
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } }).req?.socket?.remoteAddress;
}

export function requestIsOperator(authSecret: string, request: Request): boolean {
  return isOperator(requestViewerOrNone(authSecret, request));
}
