import http from 'node:http';
import {
  ApproveBindingDocument,
  CapturePartnerPaymentDocument,
  CreatePaymentCodeDocument,
  DataAccessLogDocument,
  ChannelInstallmentOffersDocument,
  PartnerCheckoutDocument,
  PartnerPaymentOptionsDocument,
  PaymentOptionsDocument,
  PartnerPaymentsDocument,
  PartnerUserDocument,
  PhoneTopUpDocument,
  RedeemPaymentCodeDocument,
  RefundPartnerPaymentDocument,
  RejectBindingDocument,
  RequestBindingDocument,
  TopUpLedgerDocument,
  VoidPartnerPaymentDocument,
  WithdrawConsentDocument,
} from '../../client/generated/graphql';
import { demoPartners } from '../../src/seed/demo-data';
import { type Stack, startStack, tokenFor } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

const client = (id: string) => {
  const partner = demoPartners.find((candidate) => candidate._id === id)!;
  return { id, secret: partner.demoClientSecret };
};
const lakeside = client('p_lakeside_wallet');
const skyline = client('p_skyline_telecom');
const harbor = client('p_harbor_merchants');

/**
 * Partner apps through the gateway, as a partner developer would use them from the README: OAuth
 * client credentials, joint login and consent, masked reads with an audit log, each kind of partner
 * payment, refunds, withdrawal. Each test has its own stack and database.
 */
describe('partners end to end', () => {
  let stack: Stack;
  const alice = tokenFor('u_alice');
  const bob = tokenFor('u_bob');
  const carol = tokenFor('u_carol');

  beforeEach(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('partners') });
  });
  afterEach(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const tokenUrl = () => stack.url.replace('/graphql', '/oauth/token');
  const askToken = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  const partnerToken = async (client: { id: string; secret: string }) => {
    const response = await askToken({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  test('client credentials: a token for the right secret, RFC 6749 errors otherwise', async () => {
    const lakesideForm = {
      grant_type: 'client_credentials',
      client_id: lakeside.id,
      client_secret: lakeside.secret,
    };
    const ok = await askToken(
      { grant_type: 'client_credentials', scope: 'bindings' },
      {
        authorization: `Basic ${Buffer.from(`${lakeside.id}:${lakeside.secret}`).toString('base64')}`,
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const granted = (await ok.json()) as { access_token: string };
    expect(granted).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'bindings' });
    // A token without `payments` takes no payment.
    const narrow = await stack.execute(
      PartnerCheckoutDocument,
      {
        input: {
          partnerUserId: 'lw-88231',
          merchantOrderRef: 'LW-9',
          amount: '1.00',
          category: 'HOME',
          plan: 'FULL',
          idempotencyKey: 'lw-pay-9999',
        },
      },
      granted.access_token,
    );
    expect(narrow.errors![0]!.extensions!.code).toBe('INSUFFICIENT_SCOPE');

    const wrong = await askToken({
      grant_type: 'client_credentials',
      client_id: lakeside.id,
      client_secret: 'nope',
    });
    expect([wrong.status, await wrong.json()]).toEqual([
      401,
      expect.objectContaining({ error: 'invalid_client' }),
    ]);
    const unknown = await askToken({
      grant_type: 'client_credentials',
      client_id: 'p_nobody',
      client_secret: 'x',
    });
    expect([unknown.status, await unknown.json()]).toEqual([
      401,
      expect.objectContaining({ error: 'invalid_client' }),
    ]);
    const grant = await askToken({
      grant_type: 'password',
      client_id: lakeside.id,
      client_secret: lakeside.secret,
    });
    expect([grant.status, await grant.json()]).toEqual([
      400,
      expect.objectContaining({ error: 'unsupported_grant_type' }),
    ]);
    // Lakeside was never granted `topup`.
    const scope = await askToken({
      grant_type: 'client_credentials',
      client_id: lakeside.id,
      client_secret: lakeside.secret,
      scope: 'payments topup',
    });
    expect([scope.status, await scope.json()]).toEqual([
      400,
      expect.objectContaining({ error: 'invalid_scope' }),
    ]);
    // A body without a declared length is refused before it is read, in OAuth's terms too.
    const unsized = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(tokenUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', reject);
      request.end('grant_type=client_credentials');
    });
    expect([unsized.status, JSON.parse(unsized.body)]).toEqual([
      411,
      { error: 'invalid_request', error_description: 'Send the body with a Content-Length header' },
    ]);
    // An empty scope asks for every granted scope; a repeated one is granted once.
    const all = await askToken({ ...lakesideForm, scope: '' });
    expect(((await all.json()) as { scope: string }).scope).toBe('bindings payments');
    const repeated = await askToken({ ...lakesideForm, scope: 'payments payments' });
    expect(((await repeated.json()) as { scope: string }).scope).toBe('payments');
    // Secrets presented are never logged.
    expect(stack.output()).not.toContain('nope');
  });

  test('bind, read masked, pay in app, capture, refund, pay by code, withdraw: refused afterwards', async () => {
    const wallet = await partnerToken(lakeside);
    const merchant = await partnerToken(harbor);

    // Carol's earlier Lakeside binding was withdrawn (demo data), so she can bind again.
    const asked = await stack.execute(
      RequestBindingDocument,
      {
        input: {
          partnerUserId: 'lw-e2e-1',
          purpose: 'Pay with the credit line in Lakeside Wallet',
          fields: ['NAME', 'PHONE', 'AVAILABLE_CREDIT', 'PAYMENTS'],
          expiresInDays: 30,
        },
      },
      wallet,
    );
    const code = asked.data!.requestBinding.code!;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const approved = await stack.execute(ApproveBindingDocument, { code }, carol);
    expect(approved.data!.approveBinding.userErrors).toEqual([]);
    const binding = approved.data!.approveBinding.binding!;
    expect(binding).toMatchObject({
      partnerUserId: 'lw-e2e-1',
      status: 'ACTIVE',
      partner: { id: lakeside.id },
    });
    // The code is spent: nobody else can use it.
    expect(
      (await stack.execute(ApproveBindingDocument, { code }, bob)).data!.approveBinding.userErrors[0]!.code,
    ).toBe('CODE_ALREADY_USED');

    // Masked, consented fields only: "Carol Zhang" -> "C**** Z****", 13700009012 -> 137****9012;
    // CREDIT_STATUS was not granted.
    const read = await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-e2e-1' }, wallet);
    expect(read.data!.partnerUser).toMatchObject({
      name: 'C**** Z****',
      phone: '137****9012',
      creditStatus: null,
      availableCredit: { amount: '50.00', minor: 5_000 },
    });
    expect(read.errors!.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['partnerUser.creditStatus', 'CONSENT_MISSING'],
    ]);
    const log = await stack.execute(DataAccessLogDocument, {}, carol);
    expect(log.data!.me!.dataAccessLog.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        partner: { id: lakeside.id },
        bindingId: binding.id,
        fields: ['AVAILABLE_CREDIT', 'NAME', 'PHONE'],
        purpose: 'Pay with the credit line in Lakeside Wallet',
        operation: 'PartnerUser',
      }),
    ]);

    // In-app payment of 34.00 (limit 50.00) authorized: available 50.00 - 34.00 = 16.00. Only 30.00 of
    // the goods were delivered: 30.00 captured, the 4.00 released; available 50.00 - 30.00 = 20.00.
    const paid = await stack.execute(
      PartnerCheckoutDocument,
      {
        input: {
          partnerUserId: 'lw-e2e-1',
          merchantOrderRef: 'LW-1001',
          amount: '34.00',
          category: 'HOME',
          plan: 'FULL',
          idempotencyKey: 'lw-pay-0001',
        },
      },
      wallet,
    );
    const payment = paid.data!.partnerCheckout.payment!;
    expect(payment).toMatchObject({ kind: 'IN_APP', status: 'PLACED', amount: { amount: '34.00' } });
    const held = await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-e2e-1' }, wallet);
    expect(held.data!.partnerUser!.availableCredit!.minor).toBe(1_600);
    const overCapture = await stack.execute(
      CapturePartnerPaymentDocument,
      { paymentId: payment.id, amount: '34.01' },
      wallet,
    );
    expect(overCapture.data!.capturePartnerPayment.userErrors).toEqual([
      {
        code: 'CAPTURE_EXCEEDS_AUTHORIZATION',
        message: 'Capture at most 34.00 CNY: that much was held',
        field: 'amount',
      },
    ]);
    const captured = await stack.execute(
      CapturePartnerPaymentDocument,
      { paymentId: payment.id, amount: '30.00' },
      wallet,
    );
    expect(captured.data!.capturePartnerPayment.payment).toMatchObject({
      status: 'SHIPPED',
      captured: { amount: '30.00' },
    });
    const afterCapture = await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-e2e-1' }, wallet);
    expect(afterCapture.data!.partnerUser!.availableCredit!.minor).toBe(2_000);
    // Captured: a void is refused in a partner's words, on its input's field; nothing moves.
    const lateVoid = await stack.execute(VoidPartnerPaymentDocument, { paymentId: payment.id }, wallet);
    expect(lateVoid.data!.voidPartnerPayment.userErrors).toEqual([
      {
        code: 'ORDER_ALREADY_SHIPPED',
        message: 'A captured payment is refunded, not voided',
        field: 'paymentId',
      },
    ]);
    // Another partner cannot touch it: the same answer as a missing payment.
    const foreign = await stack.execute(VoidPartnerPaymentDocument, { paymentId: payment.id }, merchant);
    expect(foreign.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    // Refund 10.00 of the unbilled charge: the charge shrinks to 20.00, available 50.00 - 20.00 = 30.00.
    const refunded = await stack.execute(
      RefundPartnerPaymentDocument,
      { paymentId: payment.id, amount: '10.00', idempotencyKey: 'lw-refund-01' },
      wallet,
    );
    expect(refunded.data!.refundPartnerPayment.payment).toMatchObject({ refunded: { amount: '10.00' } });
    const afterRefund = await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-e2e-1' }, wallet);
    expect(afterRefund.data!.partnerUser!.availableCredit).toEqual({ amount: '30.00', minor: 3_000 });

    // Offline: Carol shows a one-time code; the merchant takes 5.00 with it; available 30.00 - 5.00 = 25.00.
    const shown = await stack.execute(CreatePaymentCodeDocument, {}, carol);
    const paymentCode = shown.data!.createPaymentCode.code!;
    expect(paymentCode).toMatch(/^\d{18}$/);
    const redeemed = await stack.execute(
      RedeemPaymentCodeDocument,
      { input: { code: paymentCode, amount: '5.00', merchantRef: 'TILL-7', idempotencyKey: 'till-7-0001' } },
      merchant,
    );
    expect(redeemed.data!.redeemPaymentCode.payment).toMatchObject({
      kind: 'PAYMENT_CODE',
      status: 'SHIPPED',
      captured: { amount: '5.00' },
      partnerUserId: 'one-time-code',
    });
    // The same request again replays; another use of the code is refused.
    const again = await stack.execute(
      RedeemPaymentCodeDocument,
      { input: { code: paymentCode, amount: '5.00', merchantRef: 'TILL-7', idempotencyKey: 'till-7-0001' } },
      merchant,
    );
    expect(again.data!.redeemPaymentCode.payment!.id).toBe(redeemed.data!.redeemPaymentCode.payment!.id);
    const reused = await stack.execute(
      RedeemPaymentCodeDocument,
      { input: { code: paymentCode, amount: '9.00', merchantRef: 'TILL-8', idempotencyKey: 'till-8-0001' } },
      merchant,
    );
    expect(reused.data!.redeemPaymentCode.userErrors[0]!.code).toBe('CODE_ALREADY_USED');
    const available = await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-e2e-1' }, wallet);
    expect(available.data!.partnerUser!.availableCredit!.minor).toBe(2_500);

    // Refund keys are per partner: the merchant may use the key the wallet used, and learns nothing.
    const merchantRefund = await stack.execute(
      RefundPartnerPaymentDocument,
      {
        paymentId: redeemed.data!.redeemPaymentCode.payment!.id,
        amount: '1.00',
        idempotencyKey: 'lw-refund-01',
      },
      merchant,
    );
    expect(merchantRefund.data!.refundPartnerPayment).toMatchObject({
      payment: { refunded: { amount: '1.00' } },
      userErrors: [],
    });
    // Available 25.00 + 1.00 refunded = 26.00.
    const afterMerchantRefund = await stack.execute(
      PartnerUserDocument,
      { partnerUserId: 'lw-e2e-1' },
      wallet,
    );
    expect(afterMerchantRefund.data!.partnerUser!.availableCredit!.minor).toBe(2_600);

    const listed = await stack.execute(PartnerPaymentsDocument, {}, wallet);
    expect(listed.data!.partnerPayments.edges.map((e) => e.node.merchantRef)).toEqual(['LW-1001']);

    // Withdrawal: the very next partner request is refused, reads and payments alike.
    const withdrawn = await stack.execute(WithdrawConsentDocument, { bindingId: binding.id }, carol);
    expect(withdrawn.data!.withdrawConsent.binding!.status).toBe('WITHDRAWN');
    const refusedRead = await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-e2e-1' }, wallet);
    expect(refusedRead.errors![0]!.extensions!.code).toBe('BINDING_NOT_ACTIVE');
    const refusedPay = await stack.execute(
      PartnerCheckoutDocument,
      {
        input: {
          partnerUserId: 'lw-e2e-1',
          merchantOrderRef: 'LW-1002',
          amount: '1.00',
          category: 'HOME',
          plan: 'FULL',
          idempotencyKey: 'lw-pay-0002',
        },
      },
      wallet,
    );
    expect(refusedPay.data!.partnerCheckout.userErrors[0]!.code).toBe('BINDING_NOT_ACTIVE');
    // A retry of the payment taken before the withdrawal still answers that payment.
    const retried = await stack.execute(
      PartnerCheckoutDocument,
      {
        input: {
          partnerUserId: 'lw-e2e-1',
          merchantOrderRef: 'LW-1001',
          amount: '34.00',
          category: 'HOME',
          plan: 'FULL',
          idempotencyKey: 'lw-pay-0001',
        },
      },
      wallet,
    );
    expect(retried.data!.partnerCheckout).toMatchObject({ payment: { id: payment.id }, userErrors: [] });
  });

  test('one active binding per user and partner; a rejected code is spent; partner and user tokens stay apart', async () => {
    const wallet = await partnerToken(lakeside);
    const ask = async (partnerUserId: string) =>
      (
        await stack.execute(
          RequestBindingDocument,
          {
            input: { partnerUserId, purpose: 'Show my balance', fields: ['CREDIT_STATUS'], expiresInDays: 7 },
          },
          wallet,
        )
      ).data!.requestBinding.code!;
    // Bob is already bound to Lakeside (demo data): a second binding is refused by the unique insert.
    const second = await stack.execute(ApproveBindingDocument, { code: await ask('lw-e2e-2') }, bob);
    expect(second.data!.approveBinding.userErrors[0]!.code).toBe('ALREADY_BOUND');
    // Bob's Skyline consent expired (demo data): it gives no access, and a new binding replaces it.
    const telecom = await partnerToken(skyline);
    const renewed = await stack.execute(
      RequestBindingDocument,
      { input: { partnerUserId: 'sk-bob-2', purpose: 'Top up', fields: ['PAYMENTS'], expiresInDays: 30 } },
      telecom,
    );
    const rebound = await stack.execute(
      ApproveBindingDocument,
      { code: renewed.data!.requestBinding.code! },
      bob,
    );
    expect(rebound.data!.approveBinding).toMatchObject({ binding: { status: 'ACTIVE' }, userErrors: [] });
    const code = await ask('lw-e2e-3');
    expect(
      (await stack.execute(RejectBindingDocument, { code }, carol)).data!.rejectBinding.binding!.status,
    ).toBe('REJECTED');
    expect(
      (await stack.execute(ApproveBindingDocument, { code }, carol)).data!.approveBinding.userErrors[0]!.code,
    ).toBe('CODE_ALREADY_USED');
    const bad = await stack.execute(
      RequestBindingDocument,
      { input: { partnerUserId: 'lw-e2e-4', purpose: ' ', fields: ['PHONE', 'PHONE'], expiresInDays: 400 } },
      wallet,
    );
    expect(bad.data!.requestBinding.userErrors.map((e) => e.code)).toEqual([
      'INVALID_PURPOSE',
      'INVALID_CONSENT_FIELDS',
      'INVALID_CONSENT_DURATION',
    ]);
    // A partner token reads no user through user fields; a user token is no partner.
    expect((await stack.execute(DataAccessLogDocument, {}, wallet)).errors![0]!.extensions!.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await stack.execute(PartnerUserDocument, { partnerUserId: 'lw-88231' }, alice)).errors![0]!.extensions!
        .code,
    ).toBe('FORBIDDEN');
    // Bob granted CREDIT_STATUS only: no payments (the core's CONSENT_MISSING).
    const pay = await stack.execute(
      PartnerCheckoutDocument,
      {
        input: {
          partnerUserId: 'lw-10417',
          merchantOrderRef: 'LW-2001',
          amount: '10.00',
          category: 'HOME',
          plan: 'FULL',
          idempotencyKey: 'lw-pay-2001',
        },
      },
      wallet,
    );
    expect(pay.data!.partnerCheckout.userErrors[0]!.code).toBe('CONSENT_MISSING');
  });

  test('payment options on partner channels follow the binding, the consent and the top-up quota', async () => {
    const options = async (token: string, channel: 'WALLET_PARTNER' | 'TELECOM_TOPUP' | 'OFFLINE_QR') => {
      const result = await stack.execute(
        PaymentOptionsDocument,
        { channel, category: 'HOME', amount: '100.00' },
        token,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.paymentOptions.map((o) => `${o.plan}/${o.periods}:${o.reasonCode ?? 'OK'}`);
    };
    // Alice: Lakeside binding with PAYMENTS; the wallet channel offers FULL and 3, 6, 12 (not 24).
    expect(await options(alice, 'WALLET_PARTNER')).toEqual([
      'FULL/1:OK',
      'INSTALLMENTS/3:OK',
      'INSTALLMENTS/6:OK',
      'INSTALLMENTS/12:OK',
      'INSTALLMENTS/24:PLAN_NOT_OFFERED',
    ]);
    // Bob's Lakeside consent covers CREDIT_STATUS only; his Skyline consent expired; Carol withdrew.
    expect((await options(bob, 'WALLET_PARTNER'))[0]).toBe('FULL/1:CONSENT_MISSING');
    expect((await options(bob, 'TELECOM_TOPUP'))[0]).toBe('FULL/1:CONSENT_MISSING');
    expect((await options(carol, 'WALLET_PARTNER'))[0]).toBe('FULL/1:BINDING_NOT_ACTIVE');
    // Offline: the user's own one-time code is the consent, no binding needed.
    expect((await options(bob, 'OFFLINE_QR'))[0]).toBe('FULL/1:OK');

    const offers = (token: string) =>
      stack.execute(ChannelInstallmentOffersDocument, { amount: '100.00', channel: 'WALLET_PARTNER' }, token);
    expect((await offers(alice)).data!.installmentOffers.map((o) => o.periods)).toEqual([3, 6, 12]);
    const refused = await offers(carol);
    expect(refused.errors![0]!.extensions!.code).toBe('BINDING_NOT_ACTIVE');
    expect((await offers(bob)).errors![0]!.extensions!.code).toBe('CONSENT_MISSING');

    // The partner asks for its own user: its channel, priced at the user's tier (Alice: A).
    const wallet = await partnerToken(lakeside);
    const seen = await stack.execute(
      PartnerPaymentOptionsDocument,
      { partnerUserId: 'lw-88231', amount: '100.00', category: 'HOME' },
      wallet,
    );
    expect(seen.errors).toBeUndefined();
    // Tier A fees per period of 100.00: 3 x 0.50% = 1.50, 6 x 0.55% = 3.30, 12 x 0.60% = 7.20.
    expect(
      seen.data!.partnerUser!.paymentOptions!.map((o) => [o.periods, o.reasonCode, o.offer?.totalFee.minor]),
    ).toEqual([
      [1, null, undefined],
      [3, null, 150],
      [6, null, 330],
      [12, null, 720],
      [24, 'PLAN_NOT_OFFERED', undefined],
    ]);
    // Without consent to PAYMENTS the field answers nothing, and says why.
    const bobSeen = await stack.execute(
      PartnerPaymentOptionsDocument,
      { partnerUserId: 'lw-10417', amount: '100.00' },
      wallet,
    );
    expect(bobSeen.data!.partnerUser!.paymentOptions).toBeNull();
    expect(bobSeen.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['partnerUser', 'paymentOptions'], 'CONSENT_MISSING'],
    ]);

    // Top-ups: 500.00 a month. After 300.00, 200.00 still fits (300 + 200 = 500), 250.00 does not.
    const telecom = await partnerToken(skyline);
    const topUp = await stack.execute(
      PhoneTopUpDocument,
      {
        input: {
          partnerUserId: 'sk-5550123',
          phoneNumber: '13812341234',
          amount: '300.00',
          idempotencyKey: 'options-topup-1',
        },
      },
      telecom,
    );
    expect(topUp.data!.phoneTopUp.userErrors).toEqual([]);
    const topUpOptions = async (amount: string) =>
      (
        await stack.execute(PartnerPaymentOptionsDocument, { partnerUserId: 'sk-5550123', amount }, telecom)
      ).data!.partnerUser!.paymentOptions!.map((o) => o.reasonCode ?? 'OK');
    expect(await topUpOptions('200.00')).toEqual([
      'OK',
      'PLAN_NOT_OFFERED',
      'PLAN_NOT_OFFERED',
      'PLAN_NOT_OFFERED',
      'PLAN_NOT_OFFERED',
    ]);
    expect((await topUpOptions('250.00'))[0]).toBe('SCENARIO_QUOTA_EXCEEDED');
    // The user's own view of the channel agrees.
    const aliceTopUp = await stack.execute(
      PaymentOptionsDocument,
      { channel: 'TELECOM_TOPUP', category: 'TOP_UP', amount: '250.00' },
      alice,
    );
    expect(aliceTopUp.data!.paymentOptions[0]!.reasonCode).toBe('SCENARIO_QUOTA_EXCEEDED');

    // Each partner read of options is in Alice's log, as a PAYMENTS read.
    const log = await stack.execute(DataAccessLogDocument, {}, alice);
    const reads = log.data!.me!.dataAccessLog.edges.map((e) => e.node);
    expect(reads.filter((r) => r.fields.includes('PAYMENTS')).length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  test('64 concurrent top-ups never exceed the monthly quota; each accepted one is in the ledger once', async () => {
    const telecom = await partnerToken(skyline);
    // Quota 500.00 a month; 200.00 each: 200.00 + 200.00 = 400.00 fits, a third would make 600.00.
    // (Velocity allows 5 top-ups per 10 minutes, so the quota is what decides.)
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        stack.execute(
          PhoneTopUpDocument,
          {
            input: {
              partnerUserId: 'sk-5550123',
              phoneNumber: '13812341234',
              amount: '200.00',
              idempotencyKey: `topup-race-${String(i).padStart(3, '0')}`,
            },
          },
          telecom,
        ),
      ),
    );
    const accepted = results.filter((r) => r.data?.phoneTopUp.payment);
    const refusals = results.flatMap((r) => r.data?.phoneTopUp.userErrors.map((e) => e.code) ?? ['ERROR']);
    expect(accepted).toHaveLength(2);
    expect(refusals).toEqual(Array.from({ length: 62 }, () => 'SCENARIO_QUOTA_EXCEEDED'));
    for (const result of accepted) {
      expect(result.data!.phoneTopUp.payment).toMatchObject({
        status: 'SHIPPED',
        phoneNumber: '138****1234',
      });
    }
    // Every entry of the line (refusals are recorded too, with their reason).
    const readLedger = (after: string | null) => stack.execute(TopUpLedgerDocument, { after }, alice);
    const entries: { type: string; refusal?: string | null; amount: { minor: number } }[] = [];
    for (let after: string | null = null; ;) {
      const page: Awaited<ReturnType<typeof readLedger>> = await readLedger(after);
      const ledger = page.data!.me!.creditLine!.ledger;
      entries.push(...ledger.edges.map((e) => e.node));
      if (!ledger.pageInfo.hasNextPage) break;
      after = ledger.pageInfo.endCursor!;
    }
    const of = (type: string) =>
      entries.filter((e) => e.type === type && !e.refusal && e.amount.minor === 20_000).length;
    expect([of('AUTHORIZE'), of('CAPTURE')]).toEqual([2, 2]);
    expect(entries.filter((e) => e.refusal === 'SCENARIO_QUOTA_EXCEEDED')).toHaveLength(62);
    // Available: 29,000.00 - 400.00 = 28,600.00.
    expect(entries.length).toBeGreaterThan(66);
    const line = await stack.execute(TopUpLedgerDocument, { after: null }, alice);
    expect(line.data!.me!.creditLine!.available.minor).toBe(2_900_000 - 40_000);
  });

  test('a withdrawal racing partner reads: no read that starts after it succeeds', async () => {
    const wallet = await partnerToken(lakeside);
    const read = () => stack.execute(PartnerUserDocument, { partnerUserId: 'lw-88231' }, wallet);
    const before = Array.from({ length: 32 }, read);
    const withdrawn = await stack.execute(WithdrawConsentDocument, { bindingId: 'cb_alice_lakeside' }, alice);
    expect(withdrawn.data!.withdrawConsent.binding!.status).toBe('WITHDRAWN');
    const after = await Promise.all(Array.from({ length: 32 }, read));
    expect(after.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(
      Array.from({ length: 32 }, () => 'BINDING_NOT_ACTIVE'),
    );
    expect(after.every((r) => r.data?.partnerUser == null)).toBe(true);
    // Reads that started before may have answered; each one that did is in the user's log.
    const answered = (await Promise.all(before)).filter((r) => r.data?.partnerUser).length;
    const log = await stack.execute(DataAccessLogDocument, {}, alice);
    expect(log.data!.me!.dataAccessLog.edges.length).toBe(Math.min(answered, 20));
  });
});
