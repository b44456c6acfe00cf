import {
  CheckoutDocument,
  CreditLineFiguresDocument,
  InstallmentCheckoutDocument,
  ProductPaymentOptionsDocument,
  StoreOffersDocument,
} from '../../client/generated/graphql';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * Store rules through the gateway: a product's installment counts, a channel's blocked categories on
 * any cart item, and offers that agree with checkout. Catalog in src/seed/demo-data.ts.
 */
describe('store rules, end to end', () => {
  let stack: Stack;
  const alice = tokenFor('u_alice'); // limit 29,000.00, tier A, nothing used

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('rules') });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const figures = async () => {
    const line = (await stack.execute(CreditLineFiguresDocument, {}, alice)).data!.me!.creditLine!;
    return { available: line.available.amount, held: line.held.amount };
  };

  test('the e-bike is offered in 3 and 6: offers, options and checkout refuse 12 with PLAN_NOT_OFFERED', async () => {
    const bike = { channel: 'INSTALLMENT_STORE' as const, amount: '2599.00', productId: 'inst-bike' };
    // The store offers 3, 6, 12 and 24; the bike (2,599.00, above the store's 300.00 minimum) only 3 and 6.
    const offers = await stack.execute(StoreOffersDocument, bike, alice);
    expect(offers.errors).toBeUndefined();
    expect(offers.data!.installmentOffers.map((o) => o.periods)).toEqual([3, 6]);

    const options = await stack.execute(
      ProductPaymentOptionsDocument,
      { ...bike, category: 'MOBILITY' },
      alice,
    );
    expect(options.data!.paymentOptions.map((o) => [o.plan, o.periods, o.available, o.reasonCode])).toEqual([
      ['FULL', 1, false, 'PLAN_NOT_OFFERED'],
      ['INSTALLMENTS', 3, true, null],
      ['INSTALLMENTS', 6, true, null],
      ['INSTALLMENTS', 12, false, 'PLAN_NOT_OFFERED'],
      ['INSTALLMENTS', 24, false, 'PLAN_NOT_OFFERED'],
    ]);

    const input = { items: [{ productId: 'inst-bike', quantity: 1 }], plan: 'INSTALLMENTS' as const };
    const twelve = await stack.execute(
      InstallmentCheckoutDocument,
      { input: { ...input, periods: 12, idempotencyKey: 'bike-in-12-0001' } },
      alice,
    );
    expect(twelve.data!.installmentCheckout).toMatchObject({
      order: null,
      userErrors: [{ code: 'PLAN_NOT_OFFERED', field: 'plan' }],
    });
    expect(await figures()).toEqual({ available: '29000.00', held: '0.00' });

    const six = await stack.execute(
      InstallmentCheckoutDocument,
      { input: { ...input, periods: 6, idempotencyKey: 'bike-in-6-00001' } },
      alice,
    );
    expect(six.data!.installmentCheckout.userErrors).toEqual([]);
    expect(six.data!.installmentCheckout.order).toMatchObject({ plan: 'INSTALLMENTS', periods: 6 });
    // 29,000.00 - 2,599.00 held = 26,401.00
    expect(await figures()).toEqual({ available: '26401.00', held: '2599.00' });
  });

  test('installmentOffers offers nothing for a blocked category, always or by the channel', async () => {
    const offered = async (category: string) =>
      (await stack.execute(StoreOffersDocument, { amount: '1200.00', channel: 'MALL', category }, alice))
        .data!.installmentOffers;
    expect(await offered('CREDIT_CARD_REPAYMENT')).toEqual([]); // never payable with the line
    expect(await offered('GIFT_CARD')).toEqual([]); // the mall's own blocked list
    // Control: 1,200.00 at tier A over 12 is 10,000 + 120,000 x 0.60% = 10,720 (107.20) a month.
    const home = await offered('HOME');
    expect(home.map((o) => o.periods)).toEqual([3, 6, 12, 24]);
    expect(home.find((o) => o.periods === 12)!.perPeriodPayment.amount).toBe('107.20');

    const options = await stack.execute(
      ProductPaymentOptionsDocument,
      { channel: 'MALL', category: 'HOME', amount: '100.00', productId: 'mall-gift-card-100' },
      alice,
    );
    expect(options.data!.paymentOptions.map((o) => o.reasonCode)).toEqual(Array(5).fill('CATEGORY_BLOCKED'));
  });

  test("a mall cart whose second item's category the channel blocks is refused with CATEGORY_BLOCKED", async () => {
    const before = await figures();
    const response = await stack.execute(
      CheckoutDocument,
      {
        input: {
          items: [
            { productId: 'mall-tea-set', quantity: 1 }, // HOME
            { productId: 'mall-gift-card-100', quantity: 1 }, // GIFT_CARD, blocked by the mall
          ],
          plan: 'FULL',
          idempotencyKey: 'tea-and-gift-01',
        },
      },
      alice,
    );
    expect(response.data!.checkout).toMatchObject({
      order: null,
      userErrors: [{ code: 'CATEGORY_BLOCKED', field: 'items' }],
    });
    expect(await figures()).toEqual(before);
  });
});
