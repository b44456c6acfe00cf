import { createWalletsServices } from '../../src/app/wallets/wallets-services';
import { testDatabase } from '../support/test-database';
import { harborMerchants as merchant, lakesideWallet as wallet, userViewer, world } from '../support/world';

/**
 * A partner captures, voids and refunds payments, not orders: its refusals say "payment" and point
 * at `paymentId`, the field its inputs have (the codes are the store's). Nothing moves on a refusal.
 */
describe('partner payment refusals', () => {
  test('capture, void and refund refusals name the payment and paymentId', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    const services = () => createWalletsServices(t.repos, 'local');
    await w.at('2030-04-01T02:00:00Z');
    const requested = await services().bindings.requestBinding(wallet, {
      partnerUserId: 'pu-terms-1',
      purpose: 'pay in the wallet',
      fields: ['PAYMENTS'],
      expiresInDays: 30,
    });
    expect(
      (await services().bindings.approveBinding(userViewer('u_alice'), requested.code!)).userErrors,
    ).toEqual([]);
    const pay = async (amountMinor: number, key: string) => {
      const paid = await services().partnerPayments.partnerCheckout(wallet, {
        partnerUserId: 'pu-terms-1',
        merchantOrderRef: key,
        amountMinor,
        category: 'HOME',
        plan: 'FULL',
        idempotencyKey: key,
      });
      expect(paid.userErrors).toEqual([]);
      return paid.payment!._id;
    };
    const ledgerSize = async () => (await t.repos.ledger.all('cl_alice')).length;

    // 34.00 held, not captured yet: a refund is refused and records nothing.
    const paymentId = await pay(3_400, 'terms-pay-0001');
    const entriesHeld = await ledgerSize();
    const early = await services().partnerPayments.refund(wallet, paymentId, 1_000, 'terms-refund-01');
    expect(early.userErrors).toEqual([
      {
        code: 'ORDER_NOT_CAPTURED',
        message: 'Only captured payments are refunded; void the others',
        field: 'paymentId',
      },
    ]);
    expect(await t.repos.refunds.last(paymentId)).toBeUndefined();
    expect(await ledgerSize()).toBe(entriesHeld);

    // Under the wallet channel's 1.00 minimum: refused on the amount, in a partner's words.
    const tiny = await services().partnerPayments.capture(wallet, paymentId, 50);
    expect(tiny.userErrors).toEqual([
      {
        code: 'CAPTURE_BELOW_MINIMUM',
        message: 'Capture at least 1.00 CNY, the least this channel takes, or the whole payment',
        field: 'amount',
      },
    ]);
    expect(await ledgerSize()).toBe(entriesHeld);

    // 30.00 captured; then another amount, and a void, are refused on paymentId.
    expect((await services().partnerPayments.capture(wallet, paymentId, 3_000)).userErrors).toEqual([]);
    const entriesCaptured = await ledgerSize();
    const again = await services().partnerPayments.capture(wallet, paymentId, 3_400);
    expect(again.userErrors).toEqual([
      {
        code: 'ORDER_ALREADY_SHIPPED',
        message:
          'This payment was already captured, 30.00 CNY: a payment is captured once (refund what should not have been charged; what is delivered later is another payment)',
        field: 'paymentId',
      },
    ]);
    const voidCaptured = await services().partnerPayments.void(wallet, paymentId);
    expect(voidCaptured.userErrors).toEqual([
      {
        code: 'ORDER_ALREADY_SHIPPED',
        message: 'A captured payment is refunded, not voided',
        field: 'paymentId',
      },
    ]);
    expect(voidCaptured.payment).toMatchObject({ status: 'SHIPPED', capturedMinor: 3_000 });
    expect(await ledgerSize()).toBe(entriesCaptured);

    // A voided payment cannot be captured.
    const voidedId = await pay(2_000, 'terms-pay-0002');
    expect((await services().partnerPayments.void(wallet, voidedId)).userErrors).toEqual([]);
    const entriesVoided = await ledgerSize();
    const late = await services().partnerPayments.capture(wallet, voidedId);
    expect(late.userErrors).toEqual([
      {
        code: 'ORDER_CANCELLED',
        message:
          'This payment was voided (by you, or its hold expired) and cannot be captured: take a new payment',
        field: 'paymentId',
      },
    ]);
    expect(await ledgerSize()).toBe(entriesVoided);
    // A void that stopped before updating the payment left it PLACED: the capture meets the void's
    // entry, is refused in a partner's words, and the payment is mended.
    await t.repos.partnerPayments.setPayment(voidedId, { status: 'PLACED' });
    const crossed = await services().partnerPayments.capture(wallet, voidedId);
    expect(crossed.userErrors).toEqual([
      {
        code: 'ORDER_CANCELLED',
        message: 'The hold on this payment was already resolved the other way',
        field: 'paymentId',
      },
    ]);
    expect((await t.repos.partnerPayments.findByIds([voidedId]))[0]).toMatchObject({ status: 'CANCELLED' });
    expect(await ledgerSize()).toBe(entriesVoided);

    // Unknown, and another partner's: the same NOT_FOUND, naming a payment.
    await expect(services().partnerPayments.void(wallet, 'no-such-payment')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No payment no-such-payment',
    });
    await expect(services().partnerPayments.capture(merchant, voidedId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `No payment ${voidedId}`,
    });
  });
});
