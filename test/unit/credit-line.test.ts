import { availableMinor, unusedLimitMinor } from '../../src/core/credit-line';
import { lineStatuses } from '../../src/core/ledger/line-state';

describe('available credit', () => {
  test.each([
    { limitMinor: 2_000_000, usedMinor: 0, heldMinor: 0, expected: 2_000_000 },
    { limitMinor: 2_000_000, usedMinor: 150_000, heldMinor: 0, expected: 1_850_000 },
    { limitMinor: 2_000_000, usedMinor: 150_000, heldMinor: 49_900, expected: 1_800_100 },
    { limitMinor: 5_000, usedMinor: 5_000, heldMinor: 0, expected: 0 },
  ])('ACTIVE: limit $limitMinor - used $usedMinor - held $heldMinor = $expected', ({ expected, ...line }) => {
    expect(availableMinor({ status: 'ACTIVE', ...line })).toBe(expected);
    expect(unusedLimitMinor(line)).toBe(expected);
  });

  // 20,000.00 limit, 1,500.00 used, 499.00 held: 18,001.00 unused, but nothing can be spent.
  test.each(lineStatuses.filter((status) => status !== 'ACTIVE'))(
    '%s: nothing available, whatever the limit leaves',
    (status) => {
      const line = { limitMinor: 2_000_000, usedMinor: 150_000, heldMinor: 49_900 };
      expect(availableMinor({ status, ...line })).toBe(0);
      expect(unusedLimitMinor(line)).toBe(1_800_100);
    },
  );
});
