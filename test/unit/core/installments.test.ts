import { annualizedRateBps, formatRateBps } from '../../../src/core/installments/annualized-rate';
import { feeRateBpsPerPeriod } from '../../../src/core/installments/fee-rates';
import { refundInstallments } from '../../../src/core/installments/refund';
import { priceInstallments } from '../../../src/core/installments/schedule';
import { splitEvenly } from '../../../src/core/money-math';

describe('installment pricing (hand-computed)', () => {
  test('12 periods, tier B, 1,200.00 CNY: 0.80% per period, 115.20 fee, 17.27% annualized', () => {
    // Fee: 120000 x 0.0080 x 12 = 11520 fen; per period 10000 principal + 960 fee = 10960.
    // IRR: 120000 = 10960 x (1 - (1+r)^-12) / r  =>  r = 1.4392% per month, x12 = 17.27%.
    const offer = priceInstallments(120_000, 12, 'B');
    expect(offer.feeRateBpsPerPeriod).toBe(80);
    expect(offer.totalFeeMinor).toBe(11_520);
    expect(offer.schedule).toHaveLength(12);
    for (const period of offer.schedule)
      expect(period).toMatchObject({ principalMinor: 10_000, feeMinor: 960 });
    expect(offer.annualizedRateBps).toBe(1727);
    expect(formatRateBps(offer.annualizedRateBps)).toBe('17.27%');
  });

  test('3 periods, tier A, 1,000.01 CNY: remainders go to period 1, totals exact', () => {
    // Fee: 100001 x 0.0050 x 3 = 1500.015 -> 1500 (half up). Principal 100001 = 33335 + 33333 + 33333.
    const offer = priceInstallments(100_001, 3, 'A');
    expect(offer.totalFeeMinor).toBe(1_500);
    expect(offer.schedule.map((p) => [p.principalMinor, p.feeMinor])).toEqual([
      [33_335, 500],
      [33_333, 500],
      [33_333, 500],
    ]);
    expect(offer.annualizedRateBps).toBe(898);
  });

  test.each([
    [3, 'A'],
    [6, 'B'],
    [12, 'C'],
    [24, 'C'],
    [24, 'A'],
  ] as const)('%i periods tier %s: schedule sums to principal and fee exactly', (periods, tier) => {
    for (const principal of [30_000, 99_999, 123_457, 3_000_000]) {
      const offer = priceInstallments(principal, periods, tier);
      expect(offer.schedule.reduce((s, p) => s + p.principalMinor, 0)).toBe(principal);
      expect(offer.schedule.reduce((s, p) => s + p.feeMinor, 0)).toBe(offer.totalFeeMinor);
    }
  });

  test('every fee rate is within 0.5% to 1.2% per period', () => {
    for (const byCount of Object.values(feeRateBpsPerPeriod)) {
      for (const bps of Object.values(byCount)) expect(bps).toBeGreaterThanOrEqual(50);
      for (const bps of Object.values(byCount)) expect(bps).toBeLessThanOrEqual(120);
    }
  });

  test('no fee means a 0% annualized rate', () => {
    expect(annualizedRateBps(90_000, [30_000, 30_000, 30_000])).toBe(0);
  });

  test('splitEvenly keeps every fen', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(splitEvenly(2, 3)).toEqual([2, 0, 0]);
    expect(() => splitEvenly(10, 0)).toThrow(RangeError);
  });
});

describe('installment refunds (12-period plan above, 4 periods billed: refund in period 5)', () => {
  const schedule = priceInstallments(120_000, 12, 'B').schedule;

  test('partial refund re-amortizes the 8 remaining periods and writes fees off pro rata', () => {
    // Unbilled: principal 80000, fees 8 x 960 = 7680. Refund 30000 -> principal 50000 = 8 x 6250.
    // Fees kept: 7680 x 50000 / 80000 = 4800 = 8 x 600; written off 2880.
    const result = refundInstallments(schedule, 4, 30_000);
    expect(result.cancelled).toBe(false);
    expect(result.principalReducedMinor).toBe(30_000);
    expect(result.feeWrittenOffMinor).toBe(2_880);
    expect(result.excessMinor).toBe(0);
    expect(result.remainingSchedule.map((p) => p.index)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    for (const period of result.remainingSchedule)
      expect(period).toMatchObject({ principalMinor: 6_250, feeMinor: 600 });
  });

  test('refund of everything unbilled cancels the plan and writes off every unbilled fee', () => {
    expect(refundInstallments(schedule, 4, 80_000)).toEqual({
      remainingSchedule: [],
      principalReducedMinor: 80_000,
      feeWrittenOffMinor: 7_680,
      excessMinor: 0,
      cancelled: true,
    });
  });

  test('refund beyond unbilled principal: the excess goes to billed amounts', () => {
    const result = refundInstallments(schedule, 4, 100_000);
    expect(result).toMatchObject({ cancelled: true, principalReducedMinor: 80_000, excessMinor: 20_000 });
  });

  test('odd amounts stay exact: principal and fees after refund add up', () => {
    const result = refundInstallments(schedule, 4, 33_333);
    const left = result.remainingSchedule.reduce((s, p) => s + p.principalMinor, 0);
    const feeLeft = result.remainingSchedule.reduce((s, p) => s + p.feeMinor, 0);
    expect(left).toBe(80_000 - 33_333);
    expect(feeLeft + result.feeWrittenOffMinor).toBe(7_680);
    // 7680 x 46667 / 80000 = 4480.03 -> 4480
    expect(feeLeft).toBe(4_480);
  });
});
