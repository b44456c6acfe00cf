import { FairShare, type Release } from '../../src/gateway/fair-share';

const settled = async <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('fair share of the gateway per caller', () => {
  test('two run at once; the third waits for a release, in order; a full queue refuses', async () => {
    const share = new FairShare(2, 2);
    const first = await share.acquire('viewer:bob')!;
    await share.acquire('viewer:bob')!;
    const third = share.acquire('viewer:bob')!;
    const fourth = share.acquire('viewer:bob')!;
    expect(share.acquire('viewer:bob')).toBeUndefined(); // 2 running, 2 waiting
    expect(await settled(third)).toBe(false);
    // Another caller is not held up by bob.
    expect(await settled(share.acquire('viewer:alice')!)).toBe(true);
    first();
    first(); // a second release of the same slot frees nothing more
    expect(await settled(third)).toBe(true);
    expect(await settled(fourth)).toBe(false);
  });

  test('a caller given more (a partner app) runs more at once', async () => {
    const share = new FairShare(1, 0);
    expect(await settled(share.acquire('viewer:p_wallet', undefined, 3)!)).toBe(true);
    expect(await settled(share.acquire('viewer:p_wallet', undefined, 3)!)).toBe(true);
    expect(await settled(share.acquire('viewer:p_wallet', undefined, 3)!)).toBe(true);
    expect(share.acquire('viewer:p_wallet', undefined, 3)).toBeUndefined();
  });

  test('a waiting client that gives up leaves the queue; a caller with nothing left is forgotten', async () => {
    const share = new FairShare(1, 1);
    const running = await share.acquire('ip:10.0.0.1')!;
    const controller = new AbortController();
    const waiting = share.acquire('ip:10.0.0.1', controller.signal)!;
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
    // Its place is free again.
    const next = share.acquire('ip:10.0.0.1')!;
    expect(next).toBeDefined();
    running();
    const release: Release = await next;
    release();
    expect(share.callerCount).toBe(0);
  });

  describe('time share', () => {
    // A clock the test moves by hand; timers are Jest's fake ones, moved with it.
    let clockMs = 0;
    const now = () => clockMs;
    const advance = async (ms: number) => {
      clockMs += ms;
      jest.advanceTimersByTime(ms);
      await new Promise((resolve) =>
        jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve),
      );
    };
    beforeEach(() => {
      clockMs = 0;
      jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    });
    afterEach(() => jest.useRealTimers());

    test('a caller past its burst waits until the time it took is paid back at its share', async () => {
      // Half of real time, 100 ms ahead at most; two at once.
      const share = new FairShare(2, 10, { share: 0.5, burstMs: 100 }, now);
      const first = await share.acquire('viewer:bob')!;
      await advance(300);
      // Running 300 ms while paying back 0.5 ms per ms: owes 300 - 150 = 150, 50 past the burst,
      // paid back in 50 / 0.5 = 100 ms.
      first();
      expect(share.timeWaitMs('viewer:bob')).toBe(100);
      const next = share.acquire('viewer:bob')!;
      await advance(99);
      expect(await settled(next)).toBe(false);
      // Another caller owes nothing and starts at once.
      expect(share.timeWaitMs('viewer:alice')).toBe(0);
      expect(await settled(share.acquire('viewer:alice')!)).toBe(true);
      await advance(1);
      expect(await settled(next)).toBe(true);
    });

    test('a long request makes the next wait before it ends; time paid back resumes at its release', async () => {
      const share = new FairShare(2, 10, { share: 0.5, burstMs: 100 }, now);
      const long = await share.acquire('viewer:bob')!;
      await advance(400); // owes 400 - 200 = 200, past the burst while still running
      const next = share.acquire('viewer:bob')!;
      await advance(1_000); // one running adds 1 ms per ms, time pays back 0.5: the debt grows
      expect(await settled(next)).toBe(false);
      long(); // owes 200 + 500 = 700, 600 past the burst: 1,200 ms at 0.5
      await advance(1_199);
      expect(await settled(next)).toBe(false);
      await advance(1);
      expect(await settled(next)).toBe(true);
    });

    test('a caller within its burst is not held; one given twice the slots has twice the share', async () => {
      const share = new FairShare(1, 10, { share: 0.5, burstMs: 100 }, now);
      const bob = await share.acquire('viewer:bob')!;
      await advance(200);
      bob(); // owes 200 - 100 = 100: exactly the burst
      expect(await settled(share.acquire('viewer:bob')!)).toBe(true);
      // A partner app with 2 slots: share 1.0 and burst 200 ms. Two running 300 ms add 600 and
      // time pays back 300: owes 300, 100 past its burst, paid back in 100 ms.
      const partner = [
        await share.acquire('viewer:p_wallet', undefined, 2)!,
        await share.acquire('viewer:p_wallet', undefined, 2)!,
      ];
      await advance(300);
      for (const release of partner) release();
      const next = share.acquire('viewer:p_wallet', undefined, 2)!;
      await advance(99);
      expect(await settled(next)).toBe(false);
      await advance(1);
      expect(await settled(next)).toBe(true);
    });

    test('acquireWithin gives up a wait longer than its limit and leaves the queue', async () => {
      const share = new FairShare(1, 10, { share: 0.5, burstMs: 0 }, now);
      const first = await share.acquireWithin('viewer:bob', 50);
      await advance(100);
      (first as Release)(); // owes 100 - 50 = 50: paid back in 100 ms, past the 50 ms limit
      const waiting = share.acquireWithin('viewer:bob', 50);
      await advance(50);
      expect(await waiting).toBe('waited too long');
      // Nobody is left waiting: once paid back, the next starts at once.
      await advance(50);
      expect(typeof (await share.acquireWithin('viewer:bob', 50))).toBe('function');
    });

    test('a caller that has paid back its time is forgotten', async () => {
      const share = new FairShare(1, 10, { share: 0.5, burstMs: 100 }, now);
      const release = await share.acquire('ip:10.0.0.1')!;
      await advance(50);
      release(); // owes 50 - 25 = 25 ms: kept until paid back (50 ms)
      expect(share.callerCount).toBe(1);
      await advance(50);
      // Forgotten on the next sweep (every 1,000 acquisitions).
      for (let n = 0; n < 1_000; n += 1) (await share.acquire(`viewer:u${n}`)!)();
      expect(share.callerCount).toBe(0);
    });
  });
});
