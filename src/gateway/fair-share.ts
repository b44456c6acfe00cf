/** Gives back a slot taken with `FairShare.acquire`. */
export type Release = () => void;

interface Caller {
  inFlight: number;
  waiting: { grant: (release: Release) => void }[];
}

/**
 * At most `inFlight` requests of one caller run at once (a caller may be given more: `acquire`);
 * up to `queued` more wait their turn in order, and past that the caller is refused. So twenty connections of one heavy client take a
 * few workers' worth of the gateway and the subgraphs, not all of them, and other callers' requests
 * still find room.
 */
export class FairShare {
  private readonly callers = new Map<string, Caller>();

  constructor(
    private readonly inFlight: number,
    private readonly queued: number,
  ) {}

  /** A slot for `key` now or once one frees up; undefined when the caller's queue is full. */
  acquire(key: string, signal?: AbortSignal, inFlight = this.inFlight): Promise<Release> | undefined {
    let caller = this.callers.get(key);
    if (!caller) this.callers.set(key, (caller = { inFlight: 0, waiting: [] }));
    if (caller.inFlight < inFlight) {
      caller.inFlight += 1;
      return Promise.resolve(this.releaser(key, caller));
    }
    if (caller.waiting.length >= this.queued) return undefined;
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    const current = caller;
    return new Promise<Release>((resolve, reject) => {
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
  }

  /** Callers with requests running or waiting (what the map holds). */
  get callerCount(): number {
    return this.callers.size;
  }

  private releaser(key: string, caller: Caller): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = caller.waiting.shift();
      if (next) return next.grant(this.releaser(key, caller));
      caller.inFlight -= 1;
      if (caller.inFlight === 0) this.callers.delete(key);
    };
  }
}
