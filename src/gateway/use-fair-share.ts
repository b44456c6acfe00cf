import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GatewayShare, Release } from './fair-share';
import { reachesGraphql } from './graphql-paths';
import { jsonRefusal } from './json-refusal';
import { clientAddress, requestViewerOrNone } from './request-viewer';

/**
 * Per-caller concurrency and time share over HTTP (README "Limits"; the rules are `GatewayShare`'s,
 * which graphql-ws operations take too): each GraphQL request waits for its caller's turn, and a
 * refusal is a 429 with its code and Retry-After. Per process: each gateway process shares out its
 * own capacity.
 */
export function useFairShare(options: { share: GatewayShare; authSecret: string }): GatewayPlugin {
  const releases = new WeakMap<Request, Release>();
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (!reachesGraphql(url.pathname)) return;
      const caller = {
        viewer: requestViewerOrNone(options.authSecret, request),
        address: clientAddress(serverContext),
      };
      let turn: Awaited<ReturnType<GatewayShare['take']>>;
      try {
        turn = await options.share.take(caller, request.signal);
      } catch {
        // The client went away while waiting: answer (nobody reads it) without running anything.
        return endResponse(jsonRefusal(fetchAPI, 408, 'REQUEST_TIMEOUT', 'The client went away'));
      }
      if (typeof turn !== 'function')
        return endResponse(
          jsonRefusal(fetchAPI, 429, turn.code, turn.message, {
            'retry-after': String(turn.retryAfterSeconds),
          }),
        );
      const release = turn;
      releases.set(request, release);
      // onResponse does not run when a later hook throws: the closed connection frees the slot too.
      (serverContext as { res?: { once(event: 'close', listener: () => void): void } }).res?.once(
        'close',
        release,
      );
    },
    onResponse({ request }) {
      releases.get(request)?.();
      releases.delete(request);
    },
  };
}
