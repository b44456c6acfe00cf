import { autoDebitKey, autoDebitOf } from '../../src/app/repayment/auto-debit-notice';
import type { RepaymentDoc } from '../../src/storage/models/repayment.model';

/** A repayment as recorded: `<userId>:<client key>`, a STATEMENT from the bank card unless told. */
const repayment = (clientKey: string, shape: Partial<RepaymentDoc> = {}) =>
  ({
    userId: 'u_alice',
    lineId: 'cl_alice',
    idempotencyKey: `u_alice:${clientKey}`,
    kind: 'STATEMENT',
    source: 'BANK_CARD',
    ...shape,
  }) as RepaymentDoc;

describe('auto-debit keys', () => {
  const bill = 'cl_alice:2030-04-05';

  test('each attempt has its key, and the key gives back the bill and the attempt', () => {
    expect([1, 2, 3].map((attempt) => autoDebitKey(bill, attempt))).toEqual([
      'autodebit:cl_alice:2030-04-05',
      'autodebit:cl_alice:2030-04-05:2',
      'autodebit:cl_alice:2030-04-05:3',
    ]);
    for (const attempt of [1, 2, 3])
      expect(autoDebitOf(repayment(autoDebitKey(bill, attempt)))).toEqual({ billId: bill, attempt });
  });

  test('keys the jobs never write name no attempt of the bill; other shapes are no auto-debit', () => {
    // Read as another bill's first attempt (no such bill: the caller finds none on the line).
    for (const key of [`autodebit:${bill}:0`, `autodebit:${bill}:01`])
      expect(autoDebitOf(repayment(key))).toEqual({ billId: key.slice('autodebit:'.length), attempt: 1 });
    // A fourth attempt does not exist.
    expect(autoDebitOf(repayment(`autodebit:${bill}:4`))).toBeUndefined();
    expect(autoDebitOf(repayment('my-own-key-01'))).toBeUndefined();
    // Another line's bill: a shopper's own key, not an auto-debit of hers.
    expect(autoDebitOf(repayment(autoDebitKey('cl_bob:2030-04-05')))).toBeUndefined();
    expect(autoDebitOf(repayment(autoDebitKey(bill), { kind: 'AMOUNT' }))).toBeUndefined();
    expect(autoDebitOf(repayment(autoDebitKey(bill), { source: 'WALLET_BALANCE' }))).toBeUndefined();
  });
});
