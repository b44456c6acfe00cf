import { availableMinor } from '../../src/core/credit-line';

describe('available credit', () => {
  test.each([
    { limitMinor: 2_000_000, usedMinor: 0, heldMinor: 0, expected: 2_000_000 },
    { limitMinor: 2_000_000, usedMinor: 150_000, heldMinor: 0, expected: 1_850_000 },
    { limitMinor: 2_000_000, usedMinor: 150_000, heldMinor: 49_900, expected: 1_800_100 },
    { limitMinor: 5_000, usedMinor: 5_000, heldMinor: 0, expected: 0 },
  ])('limit $limitMinor - used $usedMinor - held $heldMinor = $expected', ({ expected, ...line }) => {
    expect(availableMinor(line)).toBe(expected);
  });
});
