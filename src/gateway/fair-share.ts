import type { GatewayLimits } from '../config';

/** Gives back a slot taken with `FairShare.acquire`. */
export type Release = () => void;

/** How much of the gateway's time one caller may take (README "Limits", the time share). */
export interface TimeShare {
  /** The part of real time a caller's requests may take on average: 0.5 = half a request always running. */
  share: number;
  /** Request time (ms) a caller may take ahead of that share, so a burst of page loads does not wait. */
  burstMs: number;
}

interface Caller {
  inFlight: number;
  /** Most this caller runs at once (a partner app is given more). */
  limit: number;
  /** How many times the default time share and burst the caller has (`limit` to the default's ratio). */
  weight: number;
  waiting: { grant: (release: Release) => void }[];
  /** Request time owed, in ms, as of `settledAt`: running requests add to it, real time pays it back. */
  owedMs: number;
  settledAt: number;
  /** Set while waiters wait for time to be paid back rather than for a slot. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * At most `inFlight` requests of one caller run at once (a caller may be given more: `acquire`);
 * up to `queued` more wait their turn in order, and past that the caller is refused. Each caller
 * also has a time share: while its requests run, each adds its running time to what the caller
 * owes, and real time pays it back at `share`; a caller owing more than `burstMs` waits until it
 * is paid down. So twenty connections of one heavy client take a part of the gateway and the
 * subgraphs, not all of them, and other callers' requests, which owe little, run at once
 * (GitHub's "CPU time per real time" secondary limit, measured here as request time).
 */
export class FairShare {
  private readonly callers = new Map<string, Caller>();
  private acquiredSinceSweep = 0;

  constructor(
    private readonly inFlight: number,
    private readonly queued: number,
    private readonly time: TimeShare = { share: Infinity, burstMs: Infinity },
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A slot for `key` now or once one frees up; undefined when the caller's queue is full. */
  acquire(key: string, signal?: AbortSignal, inFlight = this.inFlight): Promise<Release> | undefined {
    if ((this.acquiredSinceSweep += 1) >= 1_000) this.sweep();
    const caller = this.callerOf(key, inFlight);
    if (caller.waiting.length === 0 && this.mayStart(caller)) {
      return Promise.resolve(this.start(key, caller));
    }
    if (caller.waiting.length >= this.queued) return undefined;
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    const granted = new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = caller.waiting.indexOf(waiter);
        if (index < 0) return;
        caller.waiting.splice(index, 1);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      const waiter = {
        grant: (release: Release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      caller.waiting.push(waiter);
      // A client that gave up leaves the queue instead of taking a slot for nothing.
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.pump(key, caller);
    return granted;
  }

  /**
   * `acquire`, giving up a wait longer than `maxWaitMs` (the caller leaves the queue): a slot, or
   * why there is none. A client that goes away (`signal`) rejects, as with `acquire`.
   */
  async acquireWithin(
    key: string,
    maxWaitMs: number,
    signal?: AbortSignal,
    inFlight = this.inFlight,
  ): Promise<Release | 'queue full' | 'waited too long'> {
    // Most requests start at once: no signal or timer for them.
    const caller = this.callerOf(key, inFlight);
    if (caller.waiting.length === 0 && this.mayStart(caller)) return this.start(key, caller);
    const waitLimit = new AbortController();
    const slot = this.acquire(
      key,
      signal ? AbortSignal.any([signal, waitLimit.signal]) : waitLimit.signal,
      inFlight,
    );
    if (!slot) return 'queue full';
    const timer = setTimeout(() => waitLimit.abort(new Error('waited too long')), maxWaitMs);
    try {
      return await slot;
    } catch (error) {
      if (waitLimit.signal.aborted && !signal?.aborted) return 'waited too long';
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * How long (ms) a new request of `key` would wait for its time share to be paid down, at least:
   * 0 when it owes no more than its burst. Requests already waiting add to it as they run.
   */
  timeWaitMs(key: string): number {
    const caller = this.callers.get(key);
    if (!caller) return 0;
    const pastBurstMs = this.owedNowMs(caller) - this.burstMs(caller);
    return pastBurstMs > 0 ? pastBurstMs / this.rate(caller) : 0;
  }

  /** Callers running, waiting or still owing time (what the map holds). */
  get callerCount(): number {
    return this.callers.size;
  }

  private callerOf(key: string, inFlight: number): Caller {
    let caller = this.callers.get(key);
    if (!caller) {
      caller = {
        inFlight: 0,
        limit: inFlight,
        weight: 1,
        waiting: [],
        owedMs: 0,
        settledAt: this.now(),
        timer: undefined,
      };
      this.callers.set(key, caller);
    }
    // What it is given is the caller's own (a partner app): the latest word counts.
    this.settle(caller);
    caller.limit = inFlight;
    caller.weight = inFlight / this.inFlight;
    return caller;
  }

  /** Payback per ms of real time: the share, times what the caller is given. */
  private rate(caller: Caller): number {
    return this.time.share * caller.weight;
  }

  private burstMs(caller: Caller): number {
    return this.time.burstMs * caller.weight;
  }

  /** Owed now: between two changes of `inFlight` it moves in a straight line, so this is exact. */
  private owedNowMs(caller: Caller): number {
    if (this.rate(caller) === Infinity) return 0;
    const elapsedMs = this.now() - caller.settledAt;
    return Math.max(0, caller.owedMs + (caller.inFlight - this.rate(caller)) * elapsedMs);
  }

  /** Books what is owed up to now; called before `inFlight` or the rate changes. */
  private settle(caller: Caller): void {
    caller.owedMs = this.owedNowMs(caller);
    caller.settledAt = this.now();
  }

  private mayStart(caller: Caller): boolean {
    return caller.inFlight < caller.limit && this.owedNowMs(caller) <= this.burstMs(caller);
  }

  private start(key: string, caller: Caller): Release {
    this.settle(caller);
    caller.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.settle(caller);
      caller.inFlight -= 1;
      this.pump(key, caller);
    };
  }

  /** Starts waiters while the caller has a slot and time; else waits for whichever is missing. */
  private pump(key: string, caller: Caller): void {
    while (caller.waiting.length > 0 && this.mayStart(caller)) {
      caller.waiting.shift()!.grant(this.start(key, caller));
    }
    // Re-armed on every change: a release makes the debt fall faster.
    clearTimeout(caller.timer);
    caller.timer = undefined;
    const paysDown = this.rate(caller) > caller.inFlight;
    if (caller.waiting.length > 0 && caller.inFlight < caller.limit && paysDown) {
      // Out of time, not of slots: come back when the debt is down to the burst. (While the
      // running requests add as fast as time pays back, a release calls this again instead.)
      const pastBurstMs = this.owedNowMs(caller) - this.burstMs(caller);
      caller.timer = setTimeout(
        () => {
          caller.timer = undefined;
          this.pump(key, caller);
        },
        Math.max(1, Math.ceil(pastBurstMs / (this.rate(caller) - caller.inFlight))),
      );
    }
    this.forgetIfDone(key, caller);
  }

  private forgetIfDone(key: string, caller: Caller): void {
    if (
      caller.inFlight === 0 &&
      caller.waiting.length === 0 &&
      caller.timer === undefined &&
      this.owedNowMs(caller) === 0
    ) {
      this.callers.delete(key);
    }
  }

  /** Forgets callers that have paid back their time and have nothing running (bounded memory). */
  private sweep(): void {
    this.acquiredSinceSweep = 0;
    for (const [key, caller] of this.callers) this.forgetIfDone(key, caller);
  }
}

/** Why a request gets no turn: the same code, words and wait over HTTP and graphql-ws. */
export interface TurnRefusal {
  code: 'RATE_LIMITED' | 'CONCURRENCY_LIMITED';
  message: string;
  retryAfterSeconds: number;
}

type ShareLimits = Pick<
  GatewayLimits,
  'inFlightPerCaller' | 'inFlightPerPartner' | 'queuedPerCaller' | 'responseDeadlineMs'
>;

/** Who a request is for its share: its token's viewer, else its client address. */
export interface ShareCaller {
  viewer: { userId: string; partnerId?: string | undefined } | undefined;
  address: string | undefined;
}

/**
 * The gateway process's fair share under its settings (README "Limits"), one for HTTP and
 * graphql-ws alike: whose share a request takes, how many it may run, and how long it may wait
 * (no longer than a response may take, `responseDeadlineMs`).
 */
export class GatewayShare {
  constructor(
    private readonly share: FairShare,
    private readonly limits: ShareLimits,
  ) {}

  /** Refused at once: what the caller owes would take longer than the deadline to pay back. */
  overShare(caller: ShareCaller): TurnRefusal | undefined {
    const waitMs = this.share.timeWaitMs(keyOf(caller));
    if (waitMs <= this.limits.responseDeadlineMs) return undefined;
    const retryAfterSeconds = Math.ceil(waitMs / 1000);
    return {
      code: 'RATE_LIMITED',
      message: `Your requests took more than your share of the gateway's time: retry in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    };
  }

  /** A turn for one request: a slot, or why none. Rejects when the client goes away (`signal`). */
  async take(caller: ShareCaller, signal?: AbortSignal): Promise<Release | TurnRefusal> {
    const refused = this.overShare(caller);
    if (refused) return refused;
    const key = keyOf(caller);
    const inFlight =
      caller.viewer?.partnerId !== undefined ? this.limits.inFlightPerPartner : this.limits.inFlightPerCaller;
    const slot = await this.share.acquireWithin(key, this.limits.responseDeadlineMs, signal, inFlight);
    if (slot === 'queue full')
      return {
        code: 'CONCURRENCY_LIMITED',
        message: `Too many requests at once: ${this.limits.queuedPerCaller} are already waiting`,
        retryAfterSeconds: 1,
      };
    if (slot === 'waited too long') {
      // The requests queued ahead of it ran and added their time: it would wait on.
      const retryAfterSeconds = Math.max(1, Math.ceil(this.share.timeWaitMs(key) / 1000));
      return {
        code: 'RATE_LIMITED',
        message: `Waited ${this.limits.responseDeadlineMs} ms for your share of the gateway's time: retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      };
    }
    return slot;
  }
}

/** The gateway process's one fair share, for HTTP and graphql-ws alike, from its settings. */
export function gatewayShare(limits: GatewayLimits): GatewayShare {
  const share = new FairShare(
    limits.inFlightPerCaller,
    limits.queuedPerCaller,
    limits.callerTimePercent > 0
      ? { share: limits.callerTimePercent / 100, burstMs: limits.callerTimeBurstMs }
      : undefined,
  );
  return new GatewayShare(share, limits);
}

/** Whose share a request takes: its token's subject, or without one its client address. */
function keyOf({ viewer, address }: ShareCaller): string {
  return viewer ? `viewer:${viewer.userId}` : `ip:${address ?? 'unknown'}`;
}
