import { cycleStartFor, dueDateFor, statementDateFor } from '../../../src/core/billing/calendar';
import { minimumDue } from '../../../src/core/billing/minimum-due';
import { businessDate } from '../../../src/core/time/business-date';

describe('billing calendar', () => {
  test.each([
    ['2026-03-01', 5, '2026-03-05'],
    ['2026-03-05', 5, '2026-03-05'], // a charge on the statement day is on that statement
    ['2026-03-06', 5, '2026-04-05'],
    ['2026-12-20', 5, '2027-01-05'], // across the year end
    ['2026-01-31', 28, '2026-02-28'],
  ])('a charge on %s with statement day %i lands on the %s statement', (date, day, statement) => {
    expect(statementDateFor(date, day)).toBe(statement);
  });

  test.each([
    ['2026-03-05', '2026-03-14'],
    ['2026-02-20', '2026-03-01'], // February has 28 days in 2026
    ['2026-12-28', '2027-01-06'],
  ])('statement %s is due %s (+9 days)', (statement, due) => {
    expect(dueDateFor(statement)).toBe(due);
  });

  test('a cycle starts the day after the previous statement', () => {
    expect(cycleStartFor('2026-03-05')).toBe('2026-02-06');
  });

  test('business dates are China Standard Time', () => {
    expect(businessDate(new Date('2026-03-04T15:59:59Z'))).toBe('2026-03-04');
    expect(businessDate(new Date('2026-03-04T16:00:00Z'))).toBe('2026-03-05');
  });

  test('statement days outside 1-28 are refused', () => {
    expect(() => statementDateFor('2026-03-01', 29)).toThrow(RangeError);
  });
});

describe('minimum due', () => {
  test('10% of full-pay principal plus everything else due', () => {
    // 10% of 299.00 = 29.90; + installment 109.60 + fees 0 + penalty 1.50 = 141.00
    expect(
      minimumDue({
        fullPayPrincipalMinor: 29_900,
        installmentsDueMinor: 10_960,
        feesMinor: 0,
        penaltiesMinor: 150,
        overdueCarriedMinor: 0,
      }),
    ).toBe(14_100);
  });

  test('10% rounds up to the fen', () => {
    const bill = { installmentsDueMinor: 0, feesMinor: 0, penaltiesMinor: 0, overdueCarriedMinor: 0 };
    expect(minimumDue({ ...bill, fullPayPrincipalMinor: 12_345 })).toBe(1_235);
    expect(minimumDue({ ...bill, fullPayPrincipalMinor: 0 })).toBe(0);
  });
});
