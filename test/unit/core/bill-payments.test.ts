import { billStatus, isOpenBill, spreadPayment } from '../../../src/core/billing/bill-payments';

describe('bill payments', () => {
  test.each([
    [0, 1_000, false, 'ISSUED'],
    [400, 1_000, false, 'PARTIALLY_PAID'],
    [1_000, 1_000, false, 'PAID'],
    [400, 1_000, true, 'OVERDUE'],
    [1_000, 1_000, true, 'SETTLED'],
  ] as const)('paid %i of %i, overdue %s -> %s', (paid, total, overdue, status) => {
    expect(billStatus(paid, total, overdue)).toBe(status);
  });

  test('a payment fills bills oldest first and keeps what is left over out', () => {
    const bills = [
      { totalMinor: 1_000, paidMinor: 1_000 },
      { totalMinor: 500, paidMinor: 100 },
      { totalMinor: 800, paidMinor: 0 },
    ];
    expect(spreadPayment(600, bills)).toEqual([1_000, 500, 200]);
    expect(spreadPayment(5_000, bills)).toEqual([1_000, 500, 800]);
  });

  test('open bills are the ones reminders, the minimum and auto-debit look at', () => {
    expect(
      ['ISSUED', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'SETTLED'].filter((s) => isOpenBill(s as never)),
    ).toEqual(['ISSUED', 'PARTIALLY_PAID']);
  });
});
