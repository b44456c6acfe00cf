import { reviewLimit } from '../../../src/core/risk/limit-review';
import { assessApplicant, maximumLimitMinor, minimumLimitMinor } from '../../../src/core/risk/scorecard';

describe('risk scorecard', () => {
  const newcomer = {
    accountAgeDays: 0,
    verifiedIncomeBand: 0,
    onTimeBills: 0,
    lateBills: 0,
    maxDaysOverdue: 0,
    purchasesLast90Days: 0,
  };

  test('a brand-new account gets a small limit and tier C', () => {
    // score 550 -> 5000 + floor(250 x 2995000 / 550) = 1366363 -> 13,650.00 CNY (down to 50 CNY)
    expect(assessApplicant(newcomer)).toEqual({
      score: 550,
      topReasons: [],
      limitMinor: 1_365_000,
      tier: 'C',
    });
  });

  test('a strong history reaches the 30,000 CNY cap and tier A, with its reasons', () => {
    const result = assessApplicant({
      accountAgeDays: 800,
      verifiedIncomeBand: 4,
      onTimeBills: 24,
      lateBills: 0,
      maxDaysOverdue: 0,
      purchasesLast90Days: 20,
    });
    expect(result.score).toBe(850);
    expect(result.limitMinor).toBe(maximumLimitMinor);
    expect(result.tier).toBe('A');
    expect(result.topReasons.map((r) => r.code)).toEqual([
      'ON_TIME_HISTORY',
      'VERIFIED_INCOME',
      'ACCOUNT_AGE',
    ]);
  });

  test('a poor history floors at 50 CNY, explained by its worst factors first', () => {
    const result = assessApplicant({ ...newcomer, lateBills: 6, maxDaysOverdue: 60 });
    expect(result.score).toBe(300);
    expect(result.limitMinor).toBe(minimumLimitMinor);
    expect(result.topReasons).toEqual([
      { code: 'LATE_HISTORY', points: -200 },
      { code: 'SEVERE_DELINQUENCY', points: -150 },
    ]);
  });
});

describe('limit review', () => {
  test.each([
    // [input, action, new limit]
    [{ limitMinor: 500_000, usedMinor: 0, onTimeStreak: 3, currentDaysOverdue: 0 }, 'RAISE', 550_000],
    [{ limitMinor: 2_900_000, usedMinor: 0, onTimeStreak: 6, currentDaysOverdue: 0 }, 'RAISE', 3_000_000],
    [{ limitMinor: 500_000, usedMinor: 0, onTimeStreak: 4, currentDaysOverdue: 0 }, 'KEEP', 500_000],
    [{ limitMinor: 3_000_000, usedMinor: 0, onTimeStreak: 9, currentDaysOverdue: 0 }, 'KEEP', 3_000_000],
    [{ limitMinor: 500_000, usedMinor: 0, onTimeStreak: 2, currentDaysOverdue: 0 }, 'KEEP', 500_000],
    [{ limitMinor: 500_000, usedMinor: 100_000, onTimeStreak: 9, currentDaysOverdue: 3 }, 'CUT', 350_000],
    [{ limitMinor: 500_000, usedMinor: 450_000, onTimeStreak: 0, currentDaysOverdue: 3 }, 'CUT', 450_000],
    [{ limitMinor: 500_000, usedMinor: 500_000, onTimeStreak: 0, currentDaysOverdue: 3 }, 'KEEP', 500_000],
    [{ limitMinor: 500_000, usedMinor: 100_000, onTimeStreak: 0, currentDaysOverdue: 31 }, 'FREEZE', 500_000],
    [
      { limitMinor: 500_000, usedMinor: 100_000, onTimeStreak: 0, currentDaysOverdue: 40, frozen: true },
      'KEEP',
      500_000,
    ],
    [
      { limitMinor: 500_000, usedMinor: 100_000, onTimeStreak: 0, currentDaysOverdue: 0, frozen: true },
      'UNFREEZE',
      500_000,
    ],
    // Paid up with a cut still waiting (it could not go below the 5,000.00 used): 70% as it opens.
    [
      {
        limitMinor: 500_000,
        usedMinor: 0,
        onTimeStreak: 0,
        currentDaysOverdue: 0,
        uncutOverdueBills: 1,
        frozen: true,
      },
      'UNFREEZE',
      350_000,
    ],
  ] as const)('%o -> %s %i', (input, action, newLimitMinor) => {
    expect(reviewLimit(input)).toMatchObject({ action, newLimitMinor });
  });
});
