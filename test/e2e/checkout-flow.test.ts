import {
  AdvanceClockDocument,
  BusinessClockNowDocument,
  CancelOrderDocument,
  CheckoutDocument,
  CreditLineFiguresDocument,
  InstallmentCheckoutDocument,
  OffersDocument,
  PaymentOptionsDocument,
  RefundInstallmentOrderDocument,
  RunDueJobsDocument,
  ShipInstallmentOrderDocument,
  ShipOrderDocument,
} from '../../client/generated/graphql';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * A shopper's walk through the product over real processes: offers, checkout FULL and by
 * installments, shipping (capture), a partial installment refund, cancel (void) and hold expiry.
 * Every figure is hand-computed in the comments.
 */
describe('paying with the credit line, end to end', () => {
  let stack: Stack;
  const alice = tokenFor('u_alice'); // limit 29,000.00, tier A (scorecard, see src/seed/demo-data.ts)
  const operator = tokenFor('operator');

  // A stack and database per test: no test depends on another's orders, holds or clock.
  beforeEach(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('flow') });
  });
  afterEach(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const figures = async () =>
    (await stack.execute(CreditLineFiguresDocument, {}, alice)).data!.me!.creditLine!;

  test('offers show the annualized rate: 1,200.00 over 12 at tier A is 0.60%/period, 13.03% a year', async () => {
    // fee 120000 x 0.60% x 12 = 8640 (86.40); payment 10000 + 720 = 107.20
    const response = await stack.execute(OffersDocument, { amount: '1200.00' }, alice);
    expect(response.errors).toBeUndefined();
    expect(response.data!.installmentOffers.find((o) => o.periods === 12)).toEqual({
      periods: 12,
      perPeriodPayment: { amount: '107.20' },
      firstPeriodPayment: { amount: '107.20' },
      totalFee: { amount: '86.40' },
      annualizedRate: '13.03%',
      annualizedRateBps: 1303,
    });
  });

  test('"why can\'t I pay in full here?" The installment store answers PLAN_NOT_OFFERED', async () => {
    const response = await stack.execute(
      PaymentOptionsDocument,
      { channel: 'INSTALLMENT_STORE', category: 'ELECTRONICS', amount: '6999.00' },
      alice,
    );
    const options = response.data!.paymentOptions;
    expect(options.find((o) => o.plan === 'FULL')).toMatchObject({
      available: false,
      reasonCode: 'PLAN_NOT_OFFERED',
    });
    expect(options.find((o) => o.periods === 12)).toMatchObject({ available: true, reasonCode: null });
    const card = await stack.execute(
      PaymentOptionsDocument,
      { channel: 'MALL', category: 'CREDIT_CARD_REPAYMENT', amount: '100.00' },
      alice,
    );
    expect(card.data!.paymentOptions.every((o) => o.reasonCode === 'CATEGORY_BLOCKED')).toBe(true);
  });

  test('FULL checkout holds the amount; a retry with the same key is the same order; other input is refused', async () => {
    const input = {
      items: [{ productId: 'mall-tea-set', quantity: 1 }],
      plan: 'FULL' as const,
      idempotencyKey: 'tea-set-0001',
    };
    const first = await stack.execute(CheckoutDocument, { input }, alice);
    expect(first.data!.checkout.userErrors).toEqual([]);
    expect(first.data!.checkout.order).toMatchObject({
      status: 'PLACED',
      plan: 'FULL',
      periods: 1,
      total: { amount: '299.00' },
    });
    const again = await stack.execute(CheckoutDocument, { input }, alice);
    expect(again.data!.checkout.order!.id).toBe(first.data!.checkout.order!.id);
    const other = await stack.execute(
      CheckoutDocument,
      { input: { ...input, items: [{ productId: 'mall-tea-set', quantity: 2 }] } },
      alice,
    );
    expect(other.data!.checkout).toMatchObject({
      order: null,
      userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' }],
    });
    expect(await figures()).toMatchObject({
      held: { amount: '299.00' },
      available: { amount: '28701.00' },
      used: { amount: '0.00' },
    });

    // Cancel before shipping: the hold is voided for free.
    const cancelled = await stack.execute(
      CancelOrderDocument,
      { orderId: first.data!.checkout.order!.id },
      alice,
    );
    expect(cancelled.data!.cancelOrder.order!.status).toBe('CANCELLED');
    expect(await figures()).toMatchObject({ held: { amount: '0.00' }, available: { amount: '29000.00' } });
    const ship = await stack.execute(
      ShipOrderDocument,
      { orderId: first.data!.checkout.order!.id },
      operator,
    );
    expect(ship.data!.shipOrder.userErrors).toEqual([{ code: 'ORDER_CANCELLED' }]);
  });

  test('part of an order ships: the operator captures that much and the rest of the hold is released', async () => {
    const placed = await stack.execute(
      CheckoutDocument,
      {
        input: {
          items: [
            { productId: 'mall-tea-set', quantity: 1 },
            { productId: 'mall-earbuds', quantity: 1 },
          ],
          plan: 'FULL',
          idempotencyKey: 'part-ship-e2e-01',
        },
      },
      alice,
    );
    const orderId = placed.data!.checkout.order!.id;
    // 299.00 + 499.00 = 798.00 held: available 29,000.00 - 798.00 = 28,202.00.
    expect(await figures()).toMatchObject({ held: { amount: '798.00' }, available: { amount: '28202.00' } });
    // More than was held, or not an amount: refused, nothing moves.
    for (const [amount, code] of [
      ['798.01', 'CAPTURE_EXCEEDS_AUTHORIZATION'],
      ['0.00', 'INVALID_AMOUNT'],
      ['12.345', 'INVALID_AMOUNT'],
    ] as const) {
      const refused = await stack.execute(ShipOrderDocument, { orderId, amount }, operator);
      expect(refused.data!.shipOrder.userErrors).toEqual([{ code }]);
    }
    expect(await figures()).toMatchObject({ held: { amount: '798.00' }, used: { amount: '0.00' } });
    // Only the tea set ships: 299.00 captured, 499.00 released; available 29,000.00 - 299.00 = 28,701.00.
    const shipped = await stack.execute(ShipOrderDocument, { orderId, amount: '299.00' }, operator);
    expect(shipped.data!.shipOrder).toEqual({
      order: { id: orderId, status: 'SHIPPED', captured: { amount: '299.00' } },
      userErrors: [],
    });
    expect(await figures()).toMatchObject({
      held: { amount: '0.00' },
      used: { amount: '299.00' },
      available: { amount: '28701.00' },
    });
    // Shipping the rest later is not a second capture: refused, the figures stay.
    const rest = await stack.execute(ShipOrderDocument, { orderId, amount: '499.00' }, operator);
    expect(rest.data!.shipOrder.userErrors).toEqual([{ code: 'ORDER_ALREADY_SHIPPED' }]);
    expect(await figures()).toMatchObject({ used: { amount: '299.00' }, available: { amount: '28701.00' } });
  });

  test('bad checkout input changes nothing and says why', async () => {
    const before = await figures();
    const response = await stack.execute(
      CheckoutDocument,
      {
        input: {
          items: [{ productId: 'mall-tea-set', quantity: 0 }],
          plan: 'INSTALLMENTS',
          periods: 5,
          idempotencyKey: 'x',
        },
      },
      alice,
    );
    expect(response.data!.checkout.userErrors.map((e) => e.code).sort()).toEqual([
      'INVALID_IDEMPOTENCY_KEY',
      'INVALID_PERIODS',
      'INVALID_QUANTITY',
    ]);
    expect(await figures()).toEqual(before);
  });

  test('12 installments: ship captures and creates the plan; a partial refund re-amortizes it and restores the limit', async () => {
    const placed = await stack.execute(
      InstallmentCheckoutDocument,
      {
        input: {
          items: [{ productId: 'inst-laptop', quantity: 1 }],
          plan: 'INSTALLMENTS',
          periods: 12,
          idempotencyKey: 'laptop-0001',
        },
      },
      alice,
    );
    expect(placed.data!.installmentCheckout.userErrors).toEqual([]);
    const orderId = placed.data!.installmentCheckout.order!.id;

    const notOperator = await stack.execute(ShipInstallmentOrderDocument, { orderId }, alice);
    expect(notOperator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // 6999.00 at tier A over 12: principal 58325 x 12; fee 699900 x 0.60% x 12 = 50392.8 -> 50393
    // = 4204 + 11 x 4199; annualized 13.03%.
    const shipped = await stack.execute(ShipInstallmentOrderDocument, { orderId }, operator);
    const plan = shipped.data!.shipInstallmentOrder.order!.installmentPlan!;
    expect(plan).toMatchObject({
      periods: 12,
      status: 'ACTIVE',
      totalFee: { amount: '503.93' },
      annualizedRate: '13.03%',
    });
    expect(plan.schedule.map((p) => [p.principal.minor, p.fee.minor])).toEqual([
      [58_325, 4_204],
      ...Array.from({ length: 11 }, () => [58_325, 4_199]),
    ]);
    expect(await figures()).toMatchObject({ used: { amount: '6999.00' }, available: { amount: '22001.00' } });

    // Refund 3000.00: 3999.00 left = 12 x 33325; fees 50393 x 399900 / 699900 = 28792.9 -> 28793
    // (2404 + 11 x 2399); written off 50393 - 28793 = 21600.
    const refund = await stack.execute(
      RefundInstallmentOrderDocument,
      { orderId, amount: '3000.00', idempotencyKey: 'refund-laptop-1' },
      operator,
    );
    expect(refund.data!.refundInstallmentOrder.userErrors).toEqual([]);
    expect(refund.data!.refundInstallmentOrder.refund).toEqual({
      number: 1,
      amount: { amount: '3000.00' },
      feeWrittenOff: { amount: '216.00' },
    });
    const after = refund.data!.refundInstallmentOrder.order!;
    expect(after.refunded).toEqual({ amount: '3000.00' });
    expect(after.installmentPlan!.feeWrittenOff).toEqual({ amount: '216.00' });
    expect(after.installmentPlan!.schedule.map((p) => [p.principal.minor, p.fee.minor])).toEqual([
      [33_325, 2_404],
      ...Array.from({ length: 11 }, () => [33_325, 2_399]),
    ]);
    expect(await figures()).toMatchObject({ used: { amount: '3999.00' }, available: { amount: '25001.00' } });

    // Replaying the refund changes nothing; refunding more than is left is refused.
    await stack.execute(
      RefundInstallmentOrderDocument,
      { orderId, amount: '3000.00', idempotencyKey: 'refund-laptop-1' },
      operator,
    );
    const tooMuch = await stack.execute(
      RefundInstallmentOrderDocument,
      { orderId, amount: '4000.00', idempotencyKey: 'refund-laptop-2' },
      operator,
    );
    expect(tooMuch.data!.refundInstallmentOrder.userErrors).toEqual([
      { field: 'amount', code: 'REFUND_EXCEEDS_CAPTURED' },
    ]);
    // A store key that would be partner p_lakeside's key "k" is refused: it could take theirs.
    const partnerSpace = await stack.execute(
      RefundInstallmentOrderDocument,
      { orderId, amount: '1.00', idempotencyKey: 'partner:p_lakeside:k' },
      operator,
    );
    expect(partnerSpace.data!.refundInstallmentOrder.userErrors).toEqual([
      { field: 'idempotencyKey', code: 'INVALID_IDEMPOTENCY_KEY' },
    ]);
    expect(await figures()).toMatchObject({ used: { amount: '3999.00' } });
  });

  test('a hold not shipped within 7 days expires when due jobs run; only operators move the clock', async () => {
    const placed = await stack.execute(
      CheckoutDocument,
      {
        input: {
          items: [{ productId: 'mall-earbuds', quantity: 1 }],
          plan: 'FULL',
          idempotencyKey: 'earbuds-0001',
        },
      },
      alice,
    );
    expect(placed.data!.checkout.order!.status).toBe('PLACED');
    expect((await figures()).held).toEqual({ amount: '499.00' });

    const now = new Date(
      (await stack.execute(BusinessClockNowDocument, {}, operator)).data!.businessClock.now,
    );
    const later = new Date(now.getTime() + 8 * 86_400_000).toISOString();
    const refused = await stack.execute(AdvanceClockDocument, { to: later }, alice);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.execute(AdvanceClockDocument, { to: later }, operator)).data!.advanceClock.now).toBe(
      later,
    );

    const jobs = await stack.execute(RunDueJobsDocument, {}, operator);
    expect(jobs.data!.runDueJobs.expiredHolds).toBe(1);
    expect((await figures()).held).toEqual({ amount: '0.00' });
    const again = await stack.execute(RunDueJobsDocument, {}, operator);
    expect(again.data!.runDueJobs.expiredHolds).toBe(0);

    const ledger = (await figures()).ledger.edges.map((e) => e.node.type);
    // Newest first: the expiry void, its authorization, the opening.
    expect(ledger).toEqual(['VOID', 'AUTHORIZE', 'OPEN']);
  });
});
