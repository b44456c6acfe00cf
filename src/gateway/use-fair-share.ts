import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type FairShare, fairShareKey, type Release } from './fair-share';
import { reachesGraphql } from './graphql-paths';
import { jsonRefusal } from './json-refusal';
import { clientAddress, requestViewerOrNone } from './request-viewer';

/**
 * Per-caller concurrency and time share (README "Limits"): a user (or, without a token, a client
 * address) runs at most `inFlight` GraphQL requests at once, a partner app `partnerInFlight`;
 * `queued` more wait, and past that 429 CONCURRENCY_LIMITED. A caller whose requests took more
 * than its part of real time (past a burst) waits in the same queue until it has paid that time
 * back; when that would take, or has taken, longer than `maxWaitMs`, it is refused 429
 * RATE_LIMITED with the wait in Retry-After. So one heavy client cannot take every core from the others. Per process:
 * each gateway process shares out its own capacity (graphql-ws operations take the same share).
 */
export function useFairShare(options: {
  share: FairShare;
  inFlight: number;
  partnerInFlight: number;
  queued: number;
  maxWaitMs: number;
  authSecret: string;
}): GatewayPlugin {
  const releases = new WeakMap<Request, Release>();
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (!reachesGraphql(url.pathname)) return;
      const viewer = requestViewerOrNone(options.authSecret, request);
      const key = fairShareKey(viewer, clientAddress(serverContext));
      const waitMs = options.share.timeWaitMs(key);
      if (waitMs > options.maxWaitMs) {
        const retryAfterSeconds = Math.ceil(waitMs / 1000);
        return endResponse(
          jsonRefusal(
            fetchAPI,
            429,
            'RATE_LIMITED',
            `Your requests took more than your share of the gateway's time: retry in ${retryAfterSeconds} s`,
            { 'retry-after': String(retryAfterSeconds) },
          ),
        );
      }
      let slot: Awaited<ReturnType<FairShare['acquireWithin']>>;
      try {
        slot = await options.share.acquireWithin(
          key,
          options.maxWaitMs,
          request.signal,
          viewer?.partnerId !== undefined ? options.partnerInFlight : options.inFlight,
        );
      } catch {
        // The client went away while waiting: answer (nobody reads it) without running anything.
        return endResponse(jsonRefusal(fetchAPI, 408, 'REQUEST_TIMEOUT', 'The client went away'));
      }
      if (slot === 'queue full')
        return endResponse(
          jsonRefusal(
            fetchAPI,
            429,
            'CONCURRENCY_LIMITED',
            `Too many requests at once: ${options.queued} are already waiting`,
            { 'retry-after': '1' },
          ),
        );
      if (slot === 'waited too long') {
        // The requests queued ahead of it ran and added their time: it would wait on.
        const retryAfterSeconds = Math.max(1, Math.ceil(options.share.timeWaitMs(key) / 1000));
        return endResponse(
          jsonRefusal(
            fetchAPI,
            429,
            'RATE_LIMITED',
            `Waited ${options.maxWaitMs} ms for your share of the gateway's time: retry in ${retryAfterSeconds} s`,
            { 'retry-after': String(retryAfterSeconds) },
          ),
        );
      }
      const release = slot;
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
