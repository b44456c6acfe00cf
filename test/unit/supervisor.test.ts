import { defaultRestartPolicy, nextRestartDelayMs, type RestartPolicy } from '../../src/runtime/supervisor';

describe('restart policy', () => {
  const policy: RestartPolicy = { budget: 3, windowMs: 60_000, firstDelayMs: 250, maxDelayMs: 800 };
  const t0 = 1_000_000;

  test('the delay doubles with each restart still in the window, up to the maximum', () => {
    expect(nextRestartDelayMs(policy, [], t0)).toBe(250);
    expect(nextRestartDelayMs(policy, [t0 - 1_000], t0)).toBe(500);
    // 250 * 2^2 = 1000, capped at 800.
    expect(nextRestartDelayMs(policy, [t0 - 2_000, t0 - 1_000], t0)).toBe(800);
  });

  test('the budget spent within the window: give up; restarts older than the window are forgotten', () => {
    expect(nextRestartDelayMs(policy, [t0 - 3_000, t0 - 2_000, t0 - 1_000], t0)).toBeUndefined();
    expect(nextRestartDelayMs(policy, [t0 - 60_000, t0 - 2_000, t0 - 1_000], t0)).toBe(800);
    expect(nextRestartDelayMs(policy, [t0 - 90_000, t0 - 70_000, t0 - 60_001], t0)).toBe(250);
  });

  test('the default: 5 restarts a minute, 250 ms then 500, 1000, 2000, 4000', () => {
    const restarts: number[] = [];
    const delays: (number | undefined)[] = [];
    for (let n = 0; n < 6; n += 1) {
      const delay = nextRestartDelayMs(defaultRestartPolicy, restarts, t0 + n);
      delays.push(delay);
      restarts.push(t0 + n);
    }
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, undefined]);
  });
});
