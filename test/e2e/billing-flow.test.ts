import {
  AdvanceClockDocument,
  CheckoutDocument,
  CurrentBillDocument,
  InstallmentCheckoutDocument,
  RepayDocument,
  RunDueJobsDocument,
  ShipInstallmentOrderDocument,
  ShipOrderDocument,
} from '../../client/generated/graphql';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * Statement day, partial repayment, overdue with daily penalties, and settling, on fixed business
 * dates (the clock is moved to March 2030 first). Alice: statement day 5, tier A.
 */
describe('bills, repayment and overdue, end to end', () => {
  let stack: Stack;
  const alice = tokenFor('u_alice');
  const operator = tokenFor('operator');

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('bills') });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const moveClock = async (to: string) => {
    expect((await stack.execute(AdvanceClockDocument, { to }, operator)).errors).toBeUndefined();
    return (await stack.execute(RunDueJobsDocument, {}, operator)).data!.runDueJobs;
  };
  const bill = async () => (await stack.execute(CurrentBillDocument, {}, alice)).data!.me!;

  test('statement, partial repayment, overdue penalties, then settled in full', async () => {
    await moveClock('2030-03-01T02:00:00.000Z'); // 10:00 in Beijing, 2030-03-01

    const tea = await stack.execute(
      CheckoutDocument,
      {
        input: {
          items: [{ productId: 'mall-tea-set', quantity: 1 }],
          plan: 'FULL',
          idempotencyKey: 'bill-tea-0001',
        },
      },
      alice,
    );
    const laptop = await stack.execute(
      InstallmentCheckoutDocument,
      {
        input: {
          items: [{ productId: 'inst-laptop', quantity: 1 }],
          plan: 'INSTALLMENTS',
          periods: 12,
          idempotencyKey: 'bill-laptop-01',
        },
      },
      alice,
    );
    await stack.execute(ShipOrderDocument, { orderId: tea.data!.checkout.order!.id }, operator);
    await stack.execute(
      ShipInstallmentOrderDocument,
      { orderId: laptop.data!.installmentCheckout.order!.id },
      operator,
    );
    expect((await bill()).creditLine!.used).toEqual({ amount: '7298.00' });

    // Statement day: tea set 299.00 + installment 1/12 (583.25 + fee 42.04) = 924.29.
    // Minimum: 10% of 299.00 = 29.90, plus the whole installment 625.29 = 655.19.
    const statement = await moveClock('2030-03-05T04:00:00.000Z');
    expect(statement.billsIssued).toBe(1);
    const issued = (await bill()).creditLine!.currentBill!;
    expect(issued).toMatchObject({
      status: 'ISSUED',
      statementDate: '2030-03-05',
      dueDate: '2030-03-14',
      total: { amount: '924.29' },
      minimumDue: { amount: '655.19' },
      paid: { amount: '0.00' },
    });
    expect(issued.lines.map((l) => [l.kind, l.amount.amount])).toEqual([
      ['PURCHASE', '299.00'],
      ['INSTALLMENT_PRINCIPAL', '583.25'],
      ['INSTALLMENT_FEE', '42.04'],
    ]);
    // Running the jobs again issues nothing twice.
    expect((await stack.execute(RunDueJobsDocument, {}, operator)).data!.runDueJobs.billsIssued).toBe(0);

    // 100.00 paid: fee 42.04 first, then 57.96 of principal.
    const partial = await stack.execute(
      RepayDocument,
      { input: { kind: 'AMOUNT', amount: '100.00', source: 'BANK_CARD', idempotencyKey: 'repay-part-01' } },
      alice,
    );
    expect(partial.data!.repay).toMatchObject({
      repayment: { status: 'SUCCEEDED', amount: { amount: '100.00' } },
      creditLine: { used: { amount: '7240.04' } },
      userErrors: [],
    });
    expect((await bill()).creditLine!.currentBill).toMatchObject({
      status: 'PARTIALLY_PAID',
      paid: { amount: '100.00' },
    });

    // Three days past the due day without the minimum: overdue; 0.05% a day of 824.29 unpaid
    // = 41.21 fen a day -> 41 + 41 + 41 (cumulative floors 41, 82, 123) = 1.23.
    const overdue = await moveClock('2030-03-17T04:00:00.000Z');
    // Overdue also cuts the limit to 70% (never below what is used): 29,000.00 -> 20,300.00.
    expect(overdue).toMatchObject({ billsOverdue: 1, penaltiesAccrued: 3, limitChanges: 1 });
    const overdueLine = (await bill()).creditLine!;
    expect(overdueLine).toMatchObject({
      status: 'ACTIVE',
      limit: { amount: '20300.00' },
      penaltiesOwed: { amount: '1.23' },
    });
    expect(overdueLine.currentBill!.status).toBe('OVERDUE');
    expect((await stack.execute(RunDueJobsDocument, {}, operator)).data!.runDueJobs.limitChanges).toBe(0);

    // Pay the statement: overdue principal 824.29 + penalties 1.23 = 825.52.
    const settle = await stack.execute(
      RepayDocument,
      { input: { kind: 'STATEMENT', source: 'WALLET_BALANCE', idempotencyKey: 'repay-all-001' } },
      alice,
    );
    expect(settle.data!.repay.repayment).toMatchObject({ status: 'SUCCEEDED', amount: { amount: '825.52' } });
    // What is left is the laptop's 11 unbilled installments: 11 x 583.25 = 6415.75.
    expect(settle.data!.repay.creditLine!.used).toEqual({ amount: '6415.75' });
    const settled = await bill();
    // The bill's own penalties were billed on it: paid 924.29 + 1.23 = 925.52, nothing owed.
    expect(settled.creditLine!.currentBill).toMatchObject({ status: 'SETTLED', paid: { amount: '925.52' } });
    expect(settled.bills.edges.map((e) => e.node.status)).toEqual(['SETTLED']);

    // Same key again: the same repayment, nothing moves.
    const replay = await stack.execute(
      RepayDocument,
      { input: { kind: 'STATEMENT', source: 'WALLET_BALANCE', idempotencyKey: 'repay-all-001' } },
      alice,
    );
    expect(replay.data!.repay.repayment!.id).toBe(settle.data!.repay.repayment!.id);
    expect(replay.data!.repay.creditLine!.used).toEqual({ amount: '6415.75' });
    const nothing = await stack.execute(
      RepayDocument,
      { input: { kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey: 'repay-none-01' } },
      alice,
    );
    expect(nothing.data!.repay.userErrors).toEqual([
      {
        field: 'kind',
        code: 'NOTHING_TO_REPAY',
        // What is used and not billed yet: PAYOFF would take it.
        message: 'Nothing is billed; 6415.75 CNY is owed and not billed yet: repay PAYOFF to pay it early',
      },
    ]);
  });
});
