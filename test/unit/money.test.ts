import { formatMinor, parseDecimal } from '../../src/core/money';

describe('money in minor units', () => {
  test.each([
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [123456, '1234.56'],
    [-5, '-0.05'],
    [-123400, '-1234.00'],
    [3_000_000, '30000.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('formatMinor(%p) is %p', (minor, decimal) => {
    expect(formatMinor(minor)).toBe(decimal);
  });

  test.each([
    ['12', 1200],
    ['12.3', 1230],
    ['12.34', 1234],
    ['0.01', 1],
    ['-0.5', -50],
    ['0', 0],
    ['-0.00', 0],
    ['9999999999999.99', 999_999_999_999_999],
  ])('parseDecimal(%p) is %p', (decimal, minor) => {
    expect(parseDecimal(decimal)).toBe(minor);
  });

  test.each([
    ['12.345', 'at most 2 decimals'],
    ['0.001', 'at most 2 decimals'],
    ['10000000000000', 'at most 13 digits before the decimal point'],
    ['99999999999999999999.00', 'at most 13 digits before the decimal point'],
    ...[
      '1e3',
      '',
      'abc',
      '1.2.3',
      '0.1 CNY',
      ' 7.00',
      '7.00 ',
      '01.00',
      '00',
      '+1',
      '1.',
      '.5',
      '-',
      '1,000.00',
    ].map((decimal) => [decimal, 'no spaces or leading zeros']),
  ])('parseDecimal rejects %p: %s', (decimal, rule) => {
    expect(() => parseDecimal(decimal)).toThrow(new RegExp(rule));
  });

  test.each([0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('formatMinor rejects %p', (minor) => {
    expect(() => formatMinor(minor)).toThrow(RangeError);
  });

  test('format and parse round-trip', () => {
    for (const minor of [0, 1, 99, 100, 101, 987654321, -42])
      expect(parseDecimal(formatMinor(minor))).toBe(minor);
  });
});
