import {
  AdvanceClockDocument,
  ChannelInstallmentOffersDocument,
  CheckoutDocument,
  CreatePaymentCodeDocument,
  InstallmentCheckoutDocument,
  LineAndBillsDocument,
  LineLedgerDocument,
  type LineAndBillsQuery,
  PayOutCreditBalanceDocument,
  PayoutsInFlightDocument,
  RefundMallOrderDocument,
  RepayDocument,
  type RepayKind,
  RepaymentsInFlightDocument,
  RunDueJobsDocument,
  ShipInstallmentOrderDocument,
  ShipOrderDocument,
} from '../../client/generated/graphql';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

type Bill = LineAndBillsQuery['me'] extends infer M
  ? M extends { bills: { edges: { node: infer B }[] } }
    ? B
    : never
  : never;

/**
 * The cases an outside check of a full cycle found wrong, through the gateway, each on its own stack
 * and database (no test depends on another's clock or data). Every figure is computed in the comments.
 */
describe('money rules over a full cycle, end to end', () => {
  let stack: Stack;
  const operator = tokenFor('operator');

  beforeEach(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('rules') });
  });
  afterEach(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const moveClock = async (to: string) => {
    expect((await stack.execute(AdvanceClockDocument, { to }, operator)).errors).toBeUndefined();
    const jobs = await stack.execute(RunDueJobsDocument, {}, operator);
    expect(jobs.errors).toBeUndefined();
    return jobs.data!.runDueJobs;
  };
  const buy = async (token: string, productId: string, quantity: number, key: string) => {
    const placed = await stack.execute(
      CheckoutDocument,
      { input: { items: [{ productId, quantity }], plan: 'FULL', idempotencyKey: key } },
      token,
    );
    return placed.data!.checkout;
  };
  const buyAndShip = async (token: string, productId: string, key: string) => {
    const placed = await buy(token, productId, 1, key);
    expect(placed.userErrors).toEqual([]);
    const shipped = await stack.execute(ShipOrderDocument, { orderId: placed.order!.id }, operator);
    expect(shipped.data!.shipOrder.userErrors).toEqual([]);
    return placed.order!.id;
  };
  const repay = async (token: string, kind: RepayKind, key: string, amount?: string) =>
    (
      await stack.execute(
        RepayDocument,
        { input: { kind, source: 'BANK_CARD', idempotencyKey: key, ...(amount ? { amount } : {}) } },
        token,
      )
    ).data!.repay;
  const refund = async (orderId: string, amount: string, key: string) => {
    const result = await stack.execute(
      RefundMallOrderDocument,
      { orderId, amount, idempotencyKey: key },
      operator,
    );
    expect(result.data!.refundOrder.userErrors).toEqual([]);
  };
  const state = async (token: string) => (await stack.execute(LineAndBillsDocument, {}, token)).data!.me!;
  const bill = async (token: string, statementDate: string): Promise<Bill> =>
    (await state(token)).bills.edges.map((e) => e.node).find((b) => b.statementDate === statementDate)!;
  const component = (b: Bill, kind: string) => {
    const found = b.components.find((c) => c.kind === kind)!;
    return [found.billed.amount, found.paid.amount, found.credited.amount, found.owed.amount];
  };

  test('after a partial repayment of an overdue bill, penalties fall with the principal still owed; SETTLED only when nothing is', async () => {
    const alice = tokenFor('u_alice'); // statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'rules-buds-01'); // 499.00 in full
    await moveClock('2030-03-05T04:00:00.000Z'); // statement: 499.00, minimum 49.90, due 03-14

    // Nothing paid; 03-15..03-17 are overdue days 1-3 on 499.00: 24.95 fen a day, the sub-fen part
    // carried: 24 + 25 + 25 = 74 = floor(74.85).
    expect(await moveClock('2030-03-17T04:00:00.000Z')).toMatchObject({
      billsOverdue: 1,
      penaltiesAccrued: 3,
    });
    expect(component(await bill(alice, '2030-03-05'), 'PENALTIES')).toEqual(['0.74', '0.00', '0.00', '0.74']);

    // 200.74 pays the penalties 0.74 first, then 200.00 of principal: 299.00 still overdue.
    expect((await repay(alice, 'AMOUNT', 'rules-part-01', '200.74')).userErrors).toEqual([]);
    // Days 4-6 on 299.00 (not on total - paid): 14.95 fen a day plus the carried 0.85 fen: 15 + 15 + 15.
    await moveClock('2030-03-20T04:00:00.000Z');
    let overdue = await bill(alice, '2030-03-05');
    expect(component(overdue, 'FULL_PAY_PRINCIPAL')).toEqual(['499.00', '200.00', '0.00', '299.00']);
    expect(component(overdue, 'PENALTIES')).toEqual(['1.19', '0.74', '0.00', '0.45']);
    expect((await state(alice)).creditLine).toMatchObject({
      penaltiesOwed: { amount: '0.45' },
      used: { amount: '299.00' },
    });

    // 299.00 pays the 0.45 of penalties first, so 0.45 of principal is still owed: still OVERDUE.
    expect((await repay(alice, 'AMOUNT', 'rules-part-02', '299.00')).userErrors).toEqual([]);
    overdue = await bill(alice, '2030-03-05');
    expect(overdue).toMatchObject({ status: 'OVERDUE', owed: { amount: '0.45' } });
    // Day 7 on 0.45: 0.0225 fen + 0.70 carried = 0.7225 fen: nothing yet, nothing invented.
    await moveClock('2030-03-21T04:00:00.000Z');
    expect(component(await bill(alice, '2030-03-05'), 'PENALTIES')).toEqual(['1.19', '1.19', '0.00', '0.00']);
    const rest = await repay(alice, 'STATEMENT', 'rules-rest-01');
    expect(rest.repayment).toMatchObject({ status: 'SUCCEEDED', amount: { amount: '0.45' } });
    await moveClock('2030-04-01T04:00:00.000Z');
    const settled = await bill(alice, '2030-03-05');
    expect(settled).toMatchObject({
      status: 'SETTLED',
      owed: { amount: '0.00' },
      paid: { amount: '500.19' },
    });
    expect((await state(alice)).creditLine).toMatchObject({
      penaltiesOwed: { amount: '0.00' },
      used: { amount: '0.00' },
    });
  });

  test('a STATEMENT the source confirms days later counts from the day it was asked: penalties meanwhile are waived', async () => {
    const alice = tokenFor('u_alice'); // statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'rules-late-buds-01'); // 499.00 in full
    await moveClock('2030-03-05T04:00:00.000Z');
    // Overdue days 1-3 (03-15..03-17) on 499.00: floor(3 x 24.95) = 0.74. The sandbox rail holds a
    // key starting with sandbox-pending until a later business day: 499.74 is asked, not collected.
    await moveClock('2030-03-17T04:00:00.000Z');
    const asked = await repay(alice, 'STATEMENT', 'sandbox-pending-rules-01');
    expect(asked.repayment).toMatchObject({ status: 'INITIATED', amount: { amount: '499.74' } });
    // The line shows it in flight, so an app does not let the shopper pay the quote again.
    const inFlight = async () =>
      (await stack.execute(RepaymentsInFlightDocument, {}, alice)).data!.me!.creditLine!.repaymentsInFlight;
    expect(await inFlight()).toEqual([
      {
        id: asked.repayment!.id,
        status: 'INITIATED',
        kind: 'STATEMENT',
        askedAt: expect.stringMatching(/^2030-03-17T/),
        amount: { amount: '499.74' },
      },
    ]);
    // 03-20 the due jobs ask again and it is collected. Days 1-6 charge floor(6 x 24.95) = 1.49; the
    // 0.75 charged since 03-17 is waived, so 499.74 settles the bill, as had it landed on 03-17.
    // (Its entry accrued the days: the jobs' own walk finds none left to count.)
    expect(await moveClock('2030-03-20T04:00:00.000Z')).toMatchObject({ penaltiesAccrued: 0 });
    const settled = await bill(alice, '2030-03-05');
    expect(settled).toMatchObject({
      status: 'SETTLED',
      owed: { amount: '0.00' },
      paid: { amount: '499.74' },
    });
    expect(component(settled, 'PENALTIES')).toEqual(['1.49', '0.74', '0.75', '0.00']);
    expect(await inFlight()).toEqual([]);
    expect((await repay(alice, 'STATEMENT', 'sandbox-pending-rules-01')).repayment).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect((await state(alice)).creditLine).toMatchObject({
      used: { amount: '0.00' },
      penaltiesOwed: { amount: '0.00' },
      creditBalance: { amount: '0.00' },
    });
  });

  test('reads show the line as of today: a bill past its due day reads OVERDUE with its penalty before any entry is written', async () => {
    const alice = tokenFor('u_alice'); // statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'rules-asof-buds-01'); // 499.00 in full
    await moveClock('2030-03-05T04:00:00.000Z');
    // The clock moves past the due day and no job runs: no entry judges the bill. Reads count the
    // days all the same: 03-15 and 03-16 overdue on 499.00, floor(2 x 24.95) = 0.49.
    const moved = await stack.execute(AdvanceClockDocument, { to: '2030-03-16T04:00:00.000Z' }, operator);
    expect(moved.errors).toBeUndefined();
    const before = await state(alice);
    expect(before.creditLine).toMatchObject({
      penaltiesOwed: { amount: '0.49' },
      used: { amount: '499.00' },
    });
    const march = before.bills.edges.map((e) => e.node).find((b) => b.statementDate === '2030-03-05')!;
    expect(march).toMatchObject({
      status: 'OVERDUE',
      owed: { amount: '499.49' },
      remainingMinimum: { amount: '499.49' },
    });
    expect(component(march, 'PENALTIES')).toEqual(['0.49', '0.00', '0.00', '0.49']);
    // What the jobs then write is what was shown; the limit review's cut (70% of 29,000.00 =
    // 20,300.00) is the jobs' decision, made as they run.
    expect(await moveClock('2030-03-16T04:00:01.000Z')).toMatchObject({
      billsOverdue: 1,
      penaltiesAccrued: 2,
    });
    const after = await state(alice);
    expect(after.bills).toEqual(before.bills);
    expect(after.creditLine).toEqual({
      ...before.creditLine,
      limit: { amount: '20300.00' },
      available: { amount: '19801.00' },
    });
  });

  test("MINIMUM covers what the waterfall pays first: an older bill's interest, then all of an overdue one", async () => {
    const alice = tokenFor('u_alice'); // statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'rules-min-buds'); // 499.00
    await moveClock('2030-03-05T04:00:00.000Z'); // bill A: 499.00, minimum 49.90
    await moveClock('2030-03-10T04:00:00.000Z');
    expect((await repay(alice, 'MINIMUM', 'rules-min-a')).repayment!.amount).toEqual({ amount: '49.90' });
    await moveClock('2030-03-20T04:00:00.000Z');
    await buyAndShip(alice, 'mall-tea-set', 'rules-min-tea'); // 299.00
    await moveClock('2030-04-05T04:00:00.000Z'); // bill B: 299.00, minimum 29.90, due 04-14
    // The jobs skip both due days (no auto-debit). On 04-15:
    // A revolves on 449.10 from 03-15: 22.455 fen a day, 32 days (17 in March, 15 in April):
    //   floor(718.56) = 7.18 of interest; its minimum is met, so it is not overdue.
    // B is overdue from 04-15 with one penalty day: 14.95 fen -> 0.14 (0.95 carried). B owes 299.14.
    await moveClock('2030-04-15T04:00:00.000Z');
    expect(component(await bill(alice, '2030-03-05'), 'INTEREST')).toEqual(['7.18', '0.00', '0.00', '7.18']);
    expect(await bill(alice, '2030-04-05')).toMatchObject({ status: 'OVERDUE', owed: { amount: '299.14' } });
    // The waterfall pays B's penalty (0.14), then A's interest (7.18, fees before principal), then B's
    // principal (299.00): 306.32. The sum of the two bills' needs (0 + 299.14) would leave B owing 7.18.
    // Shown before paying: STATEMENT 449.10 + 7.18 + 299.14 = 755.42; nothing unbilled, PAYOFF the same;
    // no installment plan, so no PLAN_PAYOFF; an AMOUNT may be at most all of it, 755.42.
    expect((await state(alice)).creditLine!.amountsDue).toEqual({
      asOfDate: '2030-04-15',
      amountAtMost: { amount: '755.42' },
      minimum: { amount: '306.32' },
      statement: { amount: '755.42' },
      payoff: { amount: '755.42' },
      planPayoffs: [],
    });
    const minimum = await repay(alice, 'MINIMUM', 'rules-min-b');
    expect(minimum.repayment).toMatchObject({ status: 'SUCCEEDED', amount: { amount: '306.32' } });
    expect(await bill(alice, '2030-04-05')).toMatchObject({ status: 'SETTLED', owed: { amount: '0.00' } });
    expect(await bill(alice, '2030-03-05')).toMatchObject({
      status: 'PARTIALLY_PAID',
      owed: { amount: '449.10' },
      remainingMinimum: { amount: '0.00' },
    });
    // Nothing is behind any more: no penalty the next day, and MINIMUM has nothing to collect.
    // A revolves on: 04-16 on 449.10 is 22.455 fen + 0.56 carried from 718.56 = 23.015: 0.23 of interest.
    await moveClock('2030-04-16T04:00:00.000Z');
    expect((await state(alice)).creditLine).toMatchObject({
      penaltiesOwed: { amount: '0.00' },
      interestOwed: { amount: '0.23' },
      amountsDue: { minimum: { amount: '0.00' }, statement: { amount: '449.33' } },
    });
    expect((await repay(alice, 'MINIMUM', 'rules-min-c')).userErrors).toEqual([
      {
        field: 'kind',
        code: 'NOTHING_TO_REPAY',
        message:
          'Every bill is current, so no minimum is due; 449.33 CNY is billed: repay STATEMENT or an AMOUNT to pay it',
      },
    ]);
    // The next day with no entry written yet: the line counts 04-17 as a repayment would: 22.455 +
    // 0.015 carried = 22.47 fen, 0.22; 0.23 + 0.22 = 0.45 of interest, and 449.10 + 0.45 = 449.55.
    expect(
      (await stack.execute(AdvanceClockDocument, { to: '2030-04-17T04:00:00.000Z' }, operator)).errors,
    ).toBeUndefined();
    expect((await state(alice)).creditLine).toMatchObject({
      interestOwed: { amount: '0.45' },
      amountsDue: {
        asOfDate: '2030-04-17',
        minimum: { amount: '0.00' },
        statement: { amount: '449.55' },
        payoff: { amount: '449.55' },
      },
    });
    const statement = await repay(alice, 'STATEMENT', 'rules-min-d');
    expect(statement.repayment).toMatchObject({ status: 'SUCCEEDED', amount: { amount: '449.55' } });
    // Only a purchase not billed yet is owed: STATEMENT has nothing, PAYOFF would take the 299.00.
    await buyAndShip(alice, 'mall-tea-set', 'rules-min-tea-2');
    expect((await state(alice)).creditLine!.amountsDue).toMatchObject({
      minimum: { amount: '0.00' },
      statement: { amount: '0.00' },
      payoff: { amount: '299.00' },
    });
    expect((await repay(alice, 'STATEMENT', 'rules-min-e')).userErrors).toEqual([
      {
        field: 'kind',
        code: 'NOTHING_TO_REPAY',
        message: 'Nothing is billed; 299.00 CNY is owed and not billed yet: repay PAYOFF to pay it early',
      },
    ]);
    // An operator is staff, not a customer: refused as such (it had been "You have no credit line").
    const codesOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
      result.errors?.map((e) => e.extensions?.['code']);
    const input = { kind: 'PAYOFF' as const, source: 'BANK_CARD' as const, idempotencyKey: 'rules-min-op' };
    expect(codesOf(await stack.execute(RepayDocument, { input }, operator))).toEqual(['FORBIDDEN']);
    const payout = { idempotencyKey: 'rules-min-op' };
    expect(codesOf(await stack.execute(PayOutCreditBalanceDocument, { input: payout }, operator))).toEqual([
      'FORBIDDEN',
    ]);
    const items = [{ productId: 'mall-tea-set', quantity: 1 }];
    const order = { items, plan: 'FULL' as const, idempotencyKey: 'rules-min-op' };
    expect(codesOf(await stack.execute(CheckoutDocument, { input: order }, operator))).toEqual(['FORBIDDEN']);
    expect(codesOf(await stack.execute(CreatePaymentCodeDocument, {}, operator))).toEqual(['FORBIDDEN']);
  });

  test('an amount written any other way than plain digits, or more than an AMOUNT can pay, is refused, saying which rule, and moves nothing', async () => {
    const alice = tokenFor('u_alice');
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'rules-amount-buds'); // 499.00, unbilled
    for (const [amount, rule] of [
      [' 1.00', 'no spaces or leading zeros'],
      ['01.00', 'no spaces or leading zeros'],
      ['1.001', 'at most 2 decimals'],
      ['10000000000000', 'at most 13 digits before the decimal point'],
    ] as const) {
      const refused = await repay(alice, 'AMOUNT', `rules-amount-${amount.trim()}`, amount);
      expect(refused.repayment).toBeNull();
      expect(refused.userErrors).toEqual([
        expect.objectContaining({
          code: 'INVALID_AMOUNT',
          field: 'amount',
          message: expect.stringContaining(rule),
        }),
      ]);
    }
    // Well formed, but more than an AMOUNT can pay: 499.00 bought, not billed yet, is all it can
    // prepay (13 digits would otherwise park 10 trillion CNY on the line).
    for (const amount of ['499.01', '9999999999999.99']) {
      const refused = await repay(alice, 'AMOUNT', `rules-over-${amount.length}`, amount);
      expect(refused.repayment).toBeNull();
      expect(refused.userErrors).toEqual([
        expect.objectContaining({
          code: 'AMOUNT_OVER_OWED',
          field: 'amount',
          message: expect.stringContaining('At most 499.00 CNY'),
        }),
      ]);
    }
    // Nothing was collected: the purchase is still all owed, and the most an AMOUNT can be is shown.
    expect((await state(alice)).creditLine).toMatchObject({
      used: { amount: '499.00' },
      amountsDue: { amountAtMost: { amount: '499.00' } },
    });
    expect((await repay(alice, 'AMOUNT', 'rules-amount-ok', '1.00')).repayment!.amount).toEqual({
      amount: '1.00',
    });
    // 498.00 left; the whole of it is the most now, and it prepays the purchase in full.
    expect((await repay(alice, 'AMOUNT', 'rules-amount-rest', '498.00')).repayment).toMatchObject({
      status: 'SUCCEEDED',
      amount: { amount: '498.00' },
    });
    expect((await state(alice)).creditLine).toMatchObject({
      used: { amount: '0.00' },
      creditBalance: { amount: '0.00' },
    });
    expect((await state(alice)).creditLine!.amountsDue.amountAtMost).toEqual({ amount: '0.00' });
    const nothing = await repay(alice, 'AMOUNT', 'rules-amount-none', '0.01');
    expect(nothing.userErrors).toEqual([
      {
        code: 'NOTHING_TO_REPAY',
        field: 'kind',
        message: 'Nothing billed or bought in full is owed: an AMOUNT has nothing to pay',
      },
    ]);
  });

  test('a refund of a billed, unpaid charge is a credit on the bill: interest runs on what is left, then stops', async () => {
    const bob = tokenFor('u_bob'); // statement day 12, due the 21st
    await moveClock('2030-03-01T02:00:00.000Z');
    const cooker = await buyAndShip(bob, 'mall-rice-cooker', 'rules-cooker-1'); // 899.00
    await moveClock('2030-03-12T04:00:00.000Z'); // statement 899.00, minimum 89.90

    // The statement line stays 899.00; 300.00 is credited on the bill, the limit is restored at once.
    await moveClock('2030-03-14T02:00:00.000Z');
    await refund(cooker, '300.00', 'rules-cooker-r1');
    let issued = await bill(bob, '2030-03-12');
    expect(issued.lines.map((l) => [l.kind, l.amount.amount, l.credited.amount])).toEqual([
      ['PURCHASE', '899.00', '300.00'],
    ]);
    expect(issued).toMatchObject({
      total: { amount: '899.00' },
      credited: { amount: '300.00' },
      owed: { amount: '599.00' },
    });
    expect((await state(bob)).creditLine!.used).toEqual({ amount: '599.00' });
    // The credit (300.00) covers the minimum (89.90): the bill does not go overdue; its 599.00 of
    // principal accrues revolving interest from 03-22: 29.95 fen a day -> 29 + 30 + 30 = 0.89 by 03-24.
    expect(await moveClock('2030-03-24T04:00:00.000Z')).toMatchObject({
      billsOverdue: 0,
      interestAccrued: 3,
    });
    expect((await state(bob)).creditLine).toMatchObject({
      interestOwed: { amount: '0.89' },
      installmentFeesOwed: { amount: '0.00' },
      penaltiesOwed: { amount: '0.00' },
    });

    // Refund the other 599.00: all of it is still owed on the bill, so all of it is credited. Only the
    // 0.89 of interest for the days it was owed is left; nothing accrues on it.
    await refund(cooker, '599.00', 'rules-cooker-r2');
    issued = await bill(bob, '2030-03-12');
    expect(component(issued, 'FULL_PAY_PRINCIPAL')).toEqual(['899.00', '0.00', '899.00', '0.00']);
    expect(issued).toMatchObject({ status: 'PARTIALLY_PAID', owed: { amount: '0.89' } });
    await moveClock('2030-03-30T04:00:00.000Z');
    expect((await state(bob)).creditLine).toMatchObject({
      interestOwed: { amount: '0.89' },
      used: { amount: '0.00' },
    });
    const paid = await repay(bob, 'STATEMENT', 'rules-cooker-p1');
    expect(paid.repayment!.amount).toEqual({ amount: '0.89' });
    await moveClock('2030-04-05T04:00:00.000Z');
    expect(await bill(bob, '2030-03-12')).toMatchObject({ status: 'PAID', owed: { amount: '0.00' } });
    expect((await state(bob)).creditLine).toMatchObject({
      interestOwed: { amount: '0.00' },
      creditBalance: { amount: '0.00' },
    });
  });

  test('a credit balance pays the next statement by itself, and can be paid back to the card', async () => {
    const bob = tokenFor('u_bob');
    await moveClock('2030-03-01T02:00:00.000Z');
    const tea = await buyAndShip(bob, 'mall-tea-set', 'rules-tea-0001'); // 299.00
    await moveClock('2030-03-12T04:00:00.000Z');
    expect((await repay(bob, 'STATEMENT', 'rules-tea-pay-1')).repayment!.amount).toEqual({
      amount: '299.00',
    });
    // Refunded after it was paid: the money goes to the credit balance.
    await refund(tea, '299.00', 'rules-tea-refund');
    expect((await state(bob)).creditLine!.creditBalance).toEqual({ amount: '299.00' });

    // Pay 100.00 of it back to the card; the same key again pays nothing twice.
    const payout = { input: { amount: '100.00', idempotencyKey: 'rules-payout-01' } };
    const first = await stack.execute(PayOutCreditBalanceDocument, payout, bob);
    expect(first.data!.payOutCreditBalance).toMatchObject({
      paidOut: { amount: '100.00' },
      status: 'PAID',
      creditLine: { creditBalance: { amount: '199.00' } },
      userErrors: [],
    });
    const again = await stack.execute(PayOutCreditBalanceDocument, payout, bob);
    expect(again.data!.payOutCreditBalance.creditLine!.creditBalance).toEqual({ amount: '199.00' });
    const tooMuch = await stack.execute(
      PayOutCreditBalanceDocument,
      { input: { amount: '199.01', idempotencyKey: 'rules-payout-02' } },
      bob,
    );
    expect(tooMuch.data!.payOutCreditBalance.userErrors).toEqual([
      { field: 'amount', code: 'CREDIT_BALANCE_TOO_LOW' },
    ]);

    // The sandbox bank answers a payout keyed sandbox-pending... on a later day: on its way
    // (INITIATED), 199.00 - 10.44 = 188.56 left. The next day's jobs ask again; the sandbox refuses
    // an amount ending in .44, so the 10.44 comes back: 199.00.
    const later = await stack.execute(
      PayOutCreditBalanceDocument,
      { input: { amount: '10.44', idempotencyKey: 'sandbox-pending-payout-1' } },
      bob,
    );
    expect(later.data!.payOutCreditBalance).toMatchObject({
      paidOut: { amount: '10.44' },
      status: 'INITIATED',
      creditLine: { creditBalance: { amount: '188.56' } },
      userErrors: [],
    });
    // Her app lists it as on its way: 10.44 asked and off the balance, first try under its key.
    const onItsWay = await stack.execute(PayoutsInFlightDocument, {}, bob);
    expect(onItsWay.data!.me!.creditLine!).toEqual({
      creditBalance: { amount: '188.56' },
      payoutsInFlight: [
        {
          id: 'u_bob:sandbox-pending-payout-1',
          idempotencyKey: 'sandbox-pending-payout-1',
          status: 'INITIATED',
          asked: { amount: '10.44' },
          amount: { amount: '10.44' },
          askedAt: expect.stringMatching(/^2030-03-12T/),
          attempt: 1,
        },
      ],
    });
    expect(await moveClock('2030-03-13T04:00:00.000Z')).toMatchObject({ payoutsFinished: 1 });
    expect((await state(bob)).creditLine!.creditBalance).toEqual({ amount: '199.00' });
    // Answered (refused, the money back): no longer on its way.
    const answered = await stack.execute(PayoutsInFlightDocument, {}, bob);
    expect(answered.data!.me!.creditLine!.payoutsInFlight).toEqual([]);
    const told = await stack.execute(
      PayOutCreditBalanceDocument,
      { input: { amount: '10.44', idempotencyKey: 'sandbox-pending-payout-1' } },
      bob,
    );
    expect(told.data!.payOutCreditBalance).toMatchObject({
      paidOut: null,
      status: 'REVERSED',
      creditLine: { creditBalance: { amount: '199.00' } },
      userErrors: [{ field: null, code: 'PAYMENT_FAILED' }],
    });

    // Next cycle: 499.00 of earbuds; the statement takes the 199.00 credit at once: 300.00 to pay.
    await moveClock('2030-03-20T02:00:00.000Z');
    await buyAndShip(bob, 'mall-earbuds', 'rules-buds-02');
    await moveClock('2030-04-12T04:00:00.000Z');
    const next = await bill(bob, '2030-04-12');
    expect(next).toMatchObject({
      status: 'PARTIALLY_PAID',
      total: { amount: '499.00' },
      paid: { amount: '199.00' },
      owed: { amount: '300.00' },
      remainingMinimum: { amount: '0.00' }, // 49.90 minimum already covered
    });
    expect((await state(bob)).creditLine!.creditBalance).toEqual({ amount: '0.00' });
  });

  test('a due-day auto-debit the bank declines is asked again 4 hours later (the sandbox declines the first of an amount ending in .44)', async () => {
    const alice = tokenFor('u_alice'); // statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    // A 299.00 tea set of which 100.44 shipped: 100.44 captured, the rest released.
    const placed = await buy(alice, 'mall-tea-set', 1, 'retry-tea-0001');
    const shipped = await stack.execute(
      ShipOrderDocument,
      { orderId: placed.order!.id, amount: '100.44' },
      operator,
    );
    expect(shipped.data!.shipOrder).toMatchObject({
      order: { captured: { amount: '100.44' } },
      userErrors: [],
    });
    await moveClock('2030-03-05T04:00:00.000Z'); // statement: 100.44, due 03-14
    const notices = () =>
      stack
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"notify"') && line.includes('AUTO_DEBIT'))
        .map((line) => JSON.parse(line) as { kind: string; notification: string });

    // 09:00 Beijing on the due day: the first auto-debit of 100.44 is declined; the bill is unpaid
    // and she is told the card is asked again from 13:00 (09:00 + 4 hours).
    await moveClock('2030-03-14T01:00:00.000Z');
    expect(await bill(alice, '2030-03-05')).toMatchObject({ status: 'ISSUED', owed: { amount: '100.44' } });
    expect(notices()).toEqual([
      expect.objectContaining({
        kind: 'AUTO_DEBIT_FAILED',
        notification: expect.stringContaining(
          'We will ask your bank card again from 13:00 today (Beijing time)',
        ),
      }),
    ]);
    // 12:50: not yet.
    await moveClock('2030-03-14T04:50:00.000Z');
    expect(await bill(alice, '2030-03-05')).toMatchObject({ status: 'ISSUED', owed: { amount: '100.44' } });
    // 13:02: the second attempt collects 100.44 in full; paid on its due day, nothing more owed.
    await moveClock('2030-03-14T05:02:00.000Z');
    expect(await bill(alice, '2030-03-05')).toMatchObject({ status: 'PAID', owed: { amount: '0.00' } });
    expect(notices().map((notice) => notice.kind)).toEqual(['AUTO_DEBIT_FAILED', 'AUTO_DEBIT_SUCCEEDED']);
    const ledger = (await stack.execute(LineLedgerDocument, {}, alice)).data!.me!.creditLine!.ledger;
    const moves = ledger.edges
      .map((edge) => edge.node)
      .filter((entry) => ['DECLINE_REPAYMENT', 'REPAY'].includes(entry.type))
      .map((entry) => [entry.type, entry.amount.amount]);
    // Newest first: the decline moved nothing, the retry paid 100.44.
    expect(moves).toEqual([
      ['REPAY', '100.44'],
      ['DECLINE_REPAYMENT', '100.44'],
    ]);
  });

  test('a line frozen past 30 days overdue shows nothing available and refuses purchases; paid up, it opens again', async () => {
    const alice = tokenFor('u_alice'); // limit 29,000.00; statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'frozen-buds-01'); // 499.00 in full
    await moveClock('2030-03-05T04:00:00.000Z'); // statement 499.00, due 03-14
    // 29,000.00 - 499.00 used = 28,501.00 to spend.
    expect((await state(alice)).creditLine).toMatchObject({
      status: 'ACTIVE',
      limit: { amount: '29000.00' },
      available: { amount: '28501.00' },
    });

    // Nothing paid: 03-15..04-15 are 32 days overdue, past 30, so the day's review freezes the line
    // (the freeze comes before any cut: the limit stays 29,000.00). 28,501.00 of the limit is unused,
    // but none of it can be spent: available is 0.00.
    await moveClock('2030-04-15T04:00:00.000Z');
    expect((await state(alice)).creditLine).toMatchObject({
      status: 'FROZEN',
      limit: { amount: '29000.00' },
      used: { amount: '499.00' },
      available: { amount: '0.00' },
    });
    // The refusal names the state the line is in.
    expect((await buy(alice, 'mall-tea-set', 1, 'frozen-tea-01')).userErrors).toEqual([
      expect.objectContaining({
        code: 'LINE_NOT_ACTIVE',
        message: expect.stringContaining(
          'The credit line is frozen because a bill went more than 30 days overdue',
        ),
      }),
    ]);
    // Nor does the mall offer installments on it: the same refusal, as an error code.
    const offers = () =>
      stack.execute(ChannelInstallmentOffersDocument, { amount: '299.00', channel: 'MALL' }, alice);
    const frozenOffers = await offers();
    expect(frozenOffers.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('The credit line is frozen because'),
        extensions: expect.objectContaining({ code: 'LINE_NOT_ACTIVE' }),
      }),
    ]);
    // The ledger says so too (newest first): the refused purchase (299.00 asked), then the freeze,
    // a REVIEW_LIMIT of 0.00 after which the line is FROZEN with nothing available.
    const ledger = async () =>
      (await stack.execute(LineLedgerDocument, {}, alice)).data!.me!.creditLine!.ledger.edges.map(
        (edge) => edge.node,
      );
    const [refusedEntry, freezeEntry] = await ledger();
    expect(refusedEntry).toMatchObject({
      type: 'AUTHORIZE',
      refusal: 'LINE_NOT_ACTIVE',
      amount: { amount: '299.00' },
      balancesAfter: { status: 'FROZEN', available: { amount: '0.00' } },
    });
    expect(freezeEntry).toMatchObject({
      type: 'REVIEW_LIMIT',
      amount: { amount: '0.00' },
      balancesAfter: { status: 'FROZEN', limit: { amount: '29000.00' }, available: { amount: '0.00' } },
    });

    // Paid up (PAYOFF: everything owed), the payment opens it at once, the same day, and makes the
    // cut the freeze came before: 70% of 29,000.00 = 20,300.00, all of it available (0.00 used).
    const payoff = await repay(alice, 'PAYOFF', 'frozen-payoff-01');
    expect(payoff.userErrors).toEqual([]);
    expect((await state(alice)).creditLine).toMatchObject({
      status: 'ACTIVE',
      limit: { amount: '20300.00' },
      used: { amount: '0.00' },
      available: { amount: '20300.00' },
    });
    expect((await ledger())[0]).toMatchObject({
      type: 'REVIEW_LIMIT',
      amount: { amount: '20300.00' },
      balancesAfter: { status: 'ACTIVE', available: { amount: '20300.00' } },
    }); // Open again, it is offered installments again (the mall: 3, 6, 12 and 24 periods).
    expect((await offers()).data!.installmentOffers.map((offer) => offer.periods)).toEqual([3, 6, 12, 24]);
  });

  test("each plan's payoff is quoted before paying, and PLAN_PAYOFF collects exactly that", async () => {
    const alice = tokenFor('u_alice'); // tier A; statement day 5, due the 14th
    await moveClock('2030-03-01T02:00:00.000Z');
    await buyAndShip(alice, 'mall-earbuds', 'quote-buds-01'); // 499.00 in full
    const laptop = await stack.execute(
      InstallmentCheckoutDocument,
      {
        input: {
          items: [{ productId: 'inst-laptop', quantity: 1 }],
          plan: 'INSTALLMENTS',
          periods: 12,
          idempotencyKey: 'quote-laptop-01',
        },
      },
      alice,
    );
    const shipped = await stack.execute(
      ShipInstallmentOrderDocument,
      { orderId: laptop.data!.installmentCheckout.order!.id },
      operator,
    );
    const planId = shipped.data!.shipInstallmentOrder.order!.installmentPlan!.id;
    // Statement: earbuds 499.00 + laptop period 1 (583.25 + fee 42.04) = 1,124.29.
    await moveClock('2030-03-05T04:00:00.000Z');
    await buyAndShip(alice, 'mall-tea-set', 'quote-tea-01'); // 299.00, after the cut: unbilled
    // Before the due day (no penalty or interest): PLAN_PAYOFF = 1,124.29 billed + 11 x 583.25
    // unbilled principal = 7,540.04 (the 11 x 41.99 of unbilled fees are waived); PAYOFF adds the
    // unbilled tea set: 7,839.04.
    const quoted = (await state(alice)).creditLine!.amountsDue;
    expect(quoted).toMatchObject({
      statement: { amount: '1124.29' },
      payoff: { amount: '7839.04' },
      planPayoffs: [{ planId, amount: { amount: '7540.04' } }],
    });
    const paid = await stack.execute(
      RepayDocument,
      {
        input: { kind: 'PLAN_PAYOFF', planId, source: 'BANK_CARD', idempotencyKey: 'quote-plan-01' },
      },
      alice,
    );
    expect(paid.data!.repay).toMatchObject({
      repayment: { status: 'SUCCEEDED', amount: { amount: '7540.04' } },
      userErrors: [],
    });
    // What is left is the tea set, unbilled; no plan to pay off any more.
    expect((await state(alice)).creditLine).toMatchObject({
      used: { amount: '299.00' },
      creditBalance: { amount: '0.00' },
      amountsDue: { payoff: { amount: '299.00' }, planPayoffs: [] },
    });
  });

  test('phone top-up in the mall counts against the monthly top-up quota (500.00 a month)', async () => {
    const alice = tokenFor('u_alice');
    await moveClock('2030-03-01T02:00:00.000Z');
    // 10 x 50.00 = 500.00: exactly the quota.
    expect((await buy(alice, 'mall-phone-topup-50', 10, 'rules-topup-01')).userErrors).toEqual([]);
    expect((await buy(alice, 'mall-phone-topup-50', 1, 'rules-topup-02')).userErrors).toEqual([
      expect.objectContaining({ code: 'SCENARIO_QUOTA_EXCEEDED' }),
    ]);
    // Other purchases are not limited by it.
    expect((await buy(alice, 'mall-tea-set', 1, 'rules-topup-03')).userErrors).toEqual([]);
    // A new month (China Standard Time) starts a new quota.
    await moveClock('2030-03-31T16:00:00.000Z'); // 2030-04-01 00:00 in Beijing
    expect((await buy(alice, 'mall-phone-topup-50', 1, 'rules-topup-04')).userErrors).toEqual([]);
  });
});
