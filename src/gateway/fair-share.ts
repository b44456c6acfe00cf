/** Gives back a slot taken with `FairShare.acquire`. */
export type Release = () => void;

/** How much of the gateway's time one caller may take (README "Limits", the time share). */
export interface TimeShare {
  /** The part of real time a caller's requests may take on average: 0.5 = half a request always running. */
  share: number;
  /** Request time (ms) a caller may use ahead of that average, so a burst of page loads does not wait. */
  burstMs: number;
}

interface Caller {
  inFlight: number;
  /** Most this caller runs at once (a partner app is given more). */
  limit: number;
  /** How many times the default time share and burst the caller has (`limit` to the default's ratio). */
  weight: number;
  waiting: { grant: (release: Release) => void }[];
  /** Request time used and not yet paid back, in ms, as of `usedAt`. */
  usedMs: number;
  usedAt: number;
  /** Set while waiters wait for time to be paid back rather than for a slot. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * At most `inFlight` requests of one caller run at once (a caller may be given more: `acquire`);
 * up to `queued` more wait their turn in order, and past that the caller is refused. Each caller
 * also has a time share: the time its requests take (grant to release) is owed and paid back at
 * `share` of real time; a caller owing more than `burstMs` waits until it is paid down. So twenty
 * connections of one heavy client take a part of the gateway and the subgraphs, not all of them,
 * and other callers' requests, which owe little, run at once (GitHub's "CPU time per real time"
 * secondary limit, measured here as request time).
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
    let caller = this.callers.get(key);
    if (!caller) {
      caller = {
        inFlight: 0,
        limit: inFlight,
        weight: inFlight / this.inFlight,
        waiting: [],
        usedMs: 0,
        usedAt: this.now(),
        timer: undefined,
      };
      this.callers.set(key, caller);
    }
    if (caller.waiting.length === 0 && this.mayStart(caller)) {
      return Promise.resolve(this.start(key, caller));
    }
    if (caller.waiting.length >= this.queued) return undefined;
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    const current = caller;
    const granted = new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        const index = current.waiting.indexOf(waiter);
        if (index < 0) return;
        current.waiting.splice(index, 1);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      const waiter = {
        grant: (release: Release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      current.waiting.push(waiter);
      // A client that gave up leaves the queue instead of taking a slot for nothing.
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.pump(key, caller);
    return granted;
  }

  /** Callers running, waiting or still owing time (what the map holds). */
  get callerCount(): number {
    return this.callers.size;
  }

  /** Request time (ms) the caller owes now, after what it has paid back since. */
  private owedMs(caller: Caller, at: number): number {
    const share = this.time.share * caller.weight;
    if (share === Infinity) return 0;
    return Math.max(0, caller.usedMs - (at - caller.usedAt) * share);
  }

  private burstMs(caller: Caller): number {
    return this.time.burstMs * caller.weight;
  }

  private mayStart(caller: Caller): boolean {
    return caller.inFlight < caller.limit && this.owedMs(caller, this.now()) <= this.burstMs(caller);
  }

  private start(key: string, caller: Caller): Release {
    caller.inFlight += 1;
    const startedAt = this.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const at = this.now();
      caller.usedMs = this.owedMs(caller, at) + (at - startedAt);
      caller.usedAt = at;
      caller.inFlight -= 1;
      this.pump(key, caller);
    };
  }

  /** Starts waiters while the caller has a slot and time; else waits for whichever is missing. */
  private pump(key: string, caller: Caller): void {
    while (caller.waiting.length > 0 && this.mayStart(caller)) {
      caller.waiting.shift()!.grant(this.start(key, caller));
    }
    if (caller.waiting.length > 0 && caller.inFlight < caller.limit && caller.timer === undefined) {
      // Out of time, not of slots: come back when the debt is down to the burst.
      const waitMs =
        (this.owedMs(caller, this.now()) - this.burstMs(caller)) / (this.time.share * caller.weight);
      caller.timer = setTimeout(
        () => {
          caller.timer = undefined;
          this.pump(key, caller);
        },
        Math.max(1, Math.ceil(waitMs)),
      );
    }
    this.forgetIfDone(key, caller);
  }

  private forgetIfDone(key: string, caller: Caller): void {
    if (
      caller.inFlight === 0 &&
      caller.waiting.length === 0 &&
      caller.timer === undefined &&
      this.owedMs(caller, this.now()) === 0
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
