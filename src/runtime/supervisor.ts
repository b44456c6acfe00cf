import { log as processLog } from '../observability/log';
import { restartsTotal } from '../observability/metrics';

/** How a crashed process is restarted: with growing delays, and only so often. */
export interface RestartPolicy {
  /** At most this many restarts in `windowMs`; one more and the launcher gives up and stops. */
  budget: number;
  windowMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  budget: 5,
  windowMs: 60_000,
  firstDelayMs: 250,
  maxDelayMs: 4_000,
};

/**
 * The wait before the next restart (doubling with each restart still in the window), or undefined
 * when the budget is spent: a process that keeps dying has a cause a restart will not fix.
 */
export function nextRestartDelayMs(
  policy: RestartPolicy,
  restartsAtMs: readonly number[],
  nowMs: number,
): number | undefined {
  const recent = restartsAtMs.filter((at) => nowMs - at < policy.windowMs).length;
  if (recent >= policy.budget) return undefined;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** recent);
}

export interface Restartable {
  /** Resolves with a description of how the process ended (exit code or signal). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Keeps one process running: when it exits without being asked to, it is started again after the
 * policy's delay, and the reason is logged. `giveUp` is called when the budget is spent or a
 * restart itself fails.
 */
export class Supervised<T extends Restartable> {
  private instance: T | undefined;
  /** A restart under way, so stop() can wait for it and stop what it started. */
  private starting: Promise<unknown> | undefined;
  /** Aborts the start under way: a stop does not wait for a slow one (an index rebuild). */
  private abortStart: AbortController | undefined;
  private stopped = false;
  private readonly restartsAtMs: number[] = [];

  constructor(
    readonly name: string,
    /** Starts the process; one that can take long gives up when `signal` aborts (a stop came). */
    private readonly start: (signal: AbortSignal) => Promise<T>,
    private readonly giveUp: (reason: string) => void,
    private readonly policy: RestartPolicy = defaultRestartPolicy,
    private readonly log: (line: string) => void = (line) => processLog().warn(line, { process: name }),
  ) {}

  get current(): T {
    if (!this.instance) throw new Error(`${this.name} is not running`);
    return this.instance;
  }

  /** Restarts so far (all time), for logs and metrics. */
  get restarts(): number {
    return this.restartsAtMs.length;
  }

  async begin(): Promise<T> {
    const instance = await this.startAbortably();
    this.watch(instance);
    return instance;
  }

  /** The running instance, if any (none between a crash and its restart). */
  get running(): T | undefined {
    return this.instance;
  }

  /** No restart from now on: everything is stopping, and a child's exit is expected. */
  stopRestarting(): void {
    this.stopped = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abortStart?.abort();
    await this.starting;
    await this.instance?.stop();
  }

  private startAbortably(): Promise<T> {
    const abort = new AbortController();
    this.abortStart = abort;
    return this.start(abort.signal).finally(() => {
      if (this.abortStart === abort) this.abortStart = undefined;
    });
  }

  private watch(instance: T): void {
    this.instance = instance;
    void instance.exited.then((how) => {
      if (!this.stopped && this.instance === instance) this.relaunch(`exited unexpectedly (${how})`);
    });
  }

  /** A failed start counts against the budget like a crash: the port may still be held for a moment. */
  private relaunch(why: string): void {
    const now = Date.now();
    const delayMs = nextRestartDelayMs(this.policy, this.restartsAtMs, now);
    if (delayMs === undefined) {
      this.giveUp(
        `${this.name} ${why}, after ${this.policy.budget} restarts in ${this.policy.windowMs / 1000} s: giving up`,
      );
      return;
    }
    this.restartsAtMs.push(now);
    restartsTotal.inc({ process: this.name });
    const recent = this.restartsAtMs.filter((at) => now - at < this.policy.windowMs).length;
    this.log(
      `${this.name} ${why}; restarting in ${delayMs} ms (restart ${recent} of ${this.policy.budget} allowed in ${this.policy.windowMs / 1000} s)`,
    );
    setTimeout(() => {
      if (this.stopped) return;
      this.starting = this.startAbortably().then(
        async (restarted) => {
          this.starting = undefined;
          if (this.stopped) return restarted.stop();
          this.log(`${this.name} restarted`);
          this.watch(restarted);
        },
        (error: unknown) => {
          this.starting = undefined;
          if (!this.stopped)
            this.relaunch(`failed to start: ${error instanceof Error ? error.message : error}`);
        },
      );
    }, delayMs);
  }
}
