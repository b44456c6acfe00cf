import { oauthTokenPath } from '../auth/token';
import { probePaths } from '../runtime/probe-paths';

/**
 * Whether a path may reach the GraphQL endpoint: every path but the token endpoint and the probes,
 * since a router serves the endpoint under more than one spelling (`/graphql/`, `//graphql`).
 */
export function reachesGraphql(pathname: string): boolean {
  return pathname !== oauthTokenPath && !probePaths.has(pathname);
}
