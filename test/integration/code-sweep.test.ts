import { createWalletsServices } from '../../src/app/wallets/wallets-services';
import { testDatabase } from '../support/test-database';
import { harborMerchants as merchant, lakesideWallet as wallet, userViewer, world } from '../support/world';

const codes = (result: { userErrors: { code: string }[] }) => result.userErrors.map((error) => error.code);

/** Binding and payment codes the due jobs swept (30 days after they expired), used again. */
describe('codes swept after they expire', () => {
  test('a retry of what a swept code did answers as before; another use is refused; an unused one is not valid', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    // Services per step, as per request: each reads the business clock once.
    const services = () => createWalletsServices(t.repos, 'local');
    const alice = userViewer('u_alice');
    await w.at('2030-04-01T02:00:00Z');
    const consent = { purpose: 'bill reminders', fields: ['BILL_SUMMARY'], expiresInDays: 30 };
    const used = await services().bindings.requestBinding(wallet, {
      partnerUserId: 'pu-sweep-1',
      ...consent,
    });
    const unused = await services().bindings.requestBinding(wallet, {
      partnerUserId: 'pu-sweep-2',
      ...consent,
    });
    const approved = await services().bindings.approveBinding(alice, used.code!);
    expect(approved.userErrors).toEqual([]);
    const paymentCode = await services().partnerPayments.createPaymentCode(alice);
    const redeem = {
      code: paymentCode.code!,
      amountMinor: 1_000,
      merchantRef: 'till-7',
      idempotencyKey: 'sweep-redeem-1',
    };
    const paid = await services().partnerPayments.redeemPaymentCode(merchant, redeem);
    expect(paid.userErrors).toEqual([]);
    // The binding codes expired 10 minutes after 04-01T02:00, the payment code a minute after: on
    // 05-02 (more than 30 days on) the due jobs sweep all three.
    await w.at('2030-05-02T04:00:00Z');
    await w.runDueJobs();
    expect(await t.db.models.bindingRequests.countDocuments({}).exec()).toBe(0);
    expect(await t.db.models.paymentCodes.countDocuments({}).exec()).toBe(0);
    // Alice's approval retried: her binding, as the first time; Bob with her code: already used.
    expect((await services().bindings.approveBinding(alice, used.code!)).binding?._id).toBe(
      approved.binding!._id,
    );
    expect(codes(await services().bindings.approveBinding(userViewer('u_bob'), used.code!))).toEqual([
      'CODE_ALREADY_USED',
    ]);
    expect(codes(await services().bindings.approveBinding(alice, unused.code!))).toEqual(['CODE_INVALID']);
    // The till's retry: the payment it made; another payment with the same code: already used.
    const retried = await services().partnerPayments.redeemPaymentCode(merchant, redeem);
    expect(retried).toMatchObject({ userErrors: [], payment: { _id: paid.payment!._id, totalMinor: 1_000 } });
    const again = { ...redeem, amountMinor: 2_000, idempotencyKey: 'sweep-redeem-2' };
    expect(codes(await services().partnerPayments.redeemPaymentCode(merchant, again))).toEqual([
      'CODE_ALREADY_USED',
    ]);
  });
});
