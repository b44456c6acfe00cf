import { median, percentile } from '../../src/cli/bench-stats';

describe('benchmark statistics (nearest rank)', () => {
  const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  test('percentiles of 10 values: rank ceil(p/100 * 10)', () => {
    expect(percentile(oneToTen, 50)).toBe(5); // rank 5
    expect(percentile(oneToTen, 99)).toBe(10); // rank ceil(9.9) = 10
    expect(percentile(oneToTen, 10)).toBe(1); // rank 1
    expect(percentile(oneToTen, 0)).toBe(1); // never below the first
    expect(percentile([], 50)).toBeNaN();
  });

  test('the median sorts first; with an even count it is the lower middle', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});
