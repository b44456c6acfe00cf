import { RedisRequestCounter } from '../../src/gateway/request-counter';

/** Rate-limit counts through the real Redis on this machine, shared as two gateway processes would. */
describe('request counter in Redis', () => {
  const counters: RedisRequestCounter[] = [];
  const counter = (url: string) => {
    const made = new RedisRequestCounter(url);
    counters.push(made);
    return made;
  };
  afterAll(async () => {
    for (const made of counters) await made.close();
  });

  test('two counters (two gateway processes) share one count per key and minute', async () => {
    const [first, second] = [counter('redis://127.0.0.1:6379'), counter('redis://127.0.0.1:6379')];
    // A minute of its own, far from any other run: keys are per minute.
    const minute = Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000;
    const key = `test:${process.pid}:${minute}`;
    await new Promise((resolve) => setTimeout(resolve, 200)); // connected
    expect(await first.hit([key, `${key}:other`], minute)).toEqual([1, 1]);
    expect(await second.hit([key], minute + 1_000)).toEqual([2]);
    expect(await first.hit([key], minute + 59_999)).toEqual([3]);
    // The next minute starts again.
    expect(await second.hit([key], minute + 60_000)).toEqual([1]);
  });

  test('without Redis, each process counts alone instead of refusing or waiting', async () => {
    const unreachable = counter('redis://127.0.0.1:1');
    const minute = Date.UTC(2031, 0, 1);
    expect(await unreachable.hit(['k'], minute)).toEqual([1]);
    expect(await unreachable.hit(['k'], minute)).toEqual([2]);
  });
});
