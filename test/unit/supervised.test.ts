import { type Restartable, Supervised } from '../../src/runtime/supervisor';

/** A process stand-in whose end the test decides. */
class FakeProcess implements Restartable {
  stopped = false;
  private end!: (how: string) => void;
  readonly exited = new Promise<string>((resolve) => (this.end = resolve));
  crash(how = 'signal SIGKILL'): void {
    this.end(how);
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.end('code 0');
  }
}

const policy = { budget: 2, windowMs: 60_000, firstDelayMs: 1, maxDelayMs: 4 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('Supervised', () => {
  test('a crash is restarted and logged; past the budget it gives up once', async () => {
    const started: FakeProcess[] = [];
    const log: string[] = [];
    const gaveUp: string[] = [];
    const supervised = new Supervised(
      'subgraph mall',
      async () => {
        const process = new FakeProcess();
        started.push(process);
        return process;
      },
      (reason) => gaveUp.push(reason),
      policy,
      (line) => log.push(line),
    );
    await supervised.begin();
    started[0]!.crash();
    await settle();
    expect(started).toHaveLength(2);
    expect(supervised.running).toBe(started[1]);
    expect(log[0]).toBe(
      'subgraph mall exited unexpectedly (signal SIGKILL); restarting in 1 ms (restart 1 of 2 allowed in 60 s)',
    );
    started[1]!.crash();
    await settle();
    started[2]!.crash('code 1');
    await settle();
    expect(started).toHaveLength(3);
    expect(gaveUp).toEqual([
      'subgraph mall exited unexpectedly (code 1), after 2 restarts in 60 s: giving up',
    ]);
  });

  test('stop during a restart stops what that restart started, and nothing restarts after', async () => {
    const started: FakeProcess[] = [];
    let release!: () => void;
    const slowStart = new Promise<void>((resolve) => (release = resolve));
    const supervised = new Supervised(
      'gateway 1',
      async () => {
        if (started.length > 0) await slowStart;
        const process = new FakeProcess();
        started.push(process);
        return process;
      },
      () => undefined,
      policy,
      () => undefined,
    );
    await supervised.begin();
    started[0]!.crash();
    await settle(); // the restart is now waiting in start()
    const stopping = supervised.stop();
    release();
    await stopping;
    expect(started).toHaveLength(2);
    expect(started[1]!.stopped).toBe(true);
    await settle();
    expect(started).toHaveLength(2);
  });

  test('a stop aborts a slow restart under way instead of waiting for it to finish', async () => {
    const started: FakeProcess[] = [];
    const signals: AbortSignal[] = [];
    const supervised = new Supervised(
      'database',
      (signal) => {
        signals.push(signal);
        if (started.length === 0) {
          const process = new FakeProcess();
          started.push(process);
          return Promise.resolve(process);
        }
        // A restart that rebuilds for a long time; only its signal ends it early.
        return new Promise<FakeProcess>((_, reject) => {
          const rebuild = setTimeout(() => reject(new Error('rebuilt after 60 s')), 60_000);
          signal.addEventListener('abort', () => {
            clearTimeout(rebuild);
            reject(new Error('stopped while opening its data'));
          });
        });
      },
      () => undefined,
      policy,
      () => undefined,
    );
    await supervised.begin();
    expect(signals[0]!.aborted).toBe(false);
    started[0]!.crash();
    await settle(); // the restart is now in its long start
    expect(signals).toHaveLength(2);
    // Without the abort this stop would wait out the 60 s rebuild (past the test's time limit).
    await supervised.stop();
    expect(signals[1]!.aborted).toBe(true);
    await settle();
    expect(signals).toHaveLength(2); // and nothing restarts after
  });
});
