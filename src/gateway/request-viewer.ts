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

/** Whether the request carries a valid operator token (a bad token counts as none: refused with 401 first). */
export function requestIsOperator(authSecret: string, request: Request): boolean {
  try {
    return isOperator(requestViewer(authSecret, request));
  } catch (error) {
    if (error instanceof InvalidTokenError) return false;
    throw error;
  }
}
