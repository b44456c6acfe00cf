import type { Viewer } from '../../auth/token';
import { paymentCodeTtlSeconds } from '../../core/partners/consent';
import { isMerchantRef, isPhoneNumber, type PartnerPaymentKind } from '../../core/partners/partner-payment';
import { isInstallmentPeriodCount } from '../../core/installments/fee-rates';
import type { Channel, Plan } from '../../core/policy/channel-policies';
import { refusalMessages, type RefusalReason } from '../../core/policy/refusal-reasons';
import { AppError } from '../../errors';
import type { LedgerWriter } from '../../ledger/ledger-writer';
import { creditLineIdOf } from '../../storage/ids';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import type { OrderDoc } from '../../storage/models/order.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { requirePartner, requireViewer } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { type Connection, pageQuery, toConnection } from '../common/pagination';
import { requestHash } from '../common/request-hash';
import { idempotencyKeyError, type UserError, userError } from '../common/user-error';
import { type OrderAccess, OrderPaymentService, type RefundResult } from '../orders/order-payment.service';
import { placeOrder } from '../orders/place-order';
import { codeHash, oneTimeCode } from './binding.service';

export interface PaymentResult {
  payment: OrderDoc | null;
  userErrors: UserError[];
}

export interface PartnerCheckoutInput {
  partnerUserId: string;
  merchantOrderRef: string;
  amountMinor: number;
  category: string;
  plan: Plan;
  periods?: number | null | undefined;
  idempotencyKey: string;
}

export interface PhoneTopUpInput {
  partnerUserId: string;
  phoneNumber: string;
  amountMinor: number;
  idempotencyKey: string;
}

export interface RedeemCodeInput {
  code: string;
  amountMinor: number;
  merchantRef: string;
  idempotencyKey: string;
}

/** The scope each kind of partner payment needs. */
const scopeOfKind: Record<PartnerPaymentKind, string> = {
  IN_APP: 'payments',
  TOP_UP: 'topup',
  PAYMENT_CODE: 'offline',
};

/** Partners capture, void and refund their own payments only; another's answers as missing. */
const partnerOrderAccess: OrderAccess = {
  settle: (viewer, order) => void (order ? ownPayment(viewer, order) : requirePartnerAny(viewer)),
  cancel: (viewer, order) => void ownPayment(viewer, order),
};

function requirePartnerAny(viewer: Viewer | undefined): { partnerId: string } {
  requireViewerIsPartner(viewer);
  return { partnerId: viewer!.partnerId! };
}

function requireViewerIsPartner(viewer: Viewer | undefined): void {
  if (!viewer) throw new AppError('UNAUTHENTICATED', 'Sign in: send "Authorization: Bearer <token>"');
  if (viewer.partnerId === undefined) throw new AppError('FORBIDDEN', 'This is a partner operation');
}

function ownPayment(viewer: Viewer | undefined, order: OrderDoc): void {
  requireViewerIsPartner(viewer);
  const partner = order.partner;
  if (!partner || partner.partnerId !== viewer!.partnerId) throw new AppError('NOT_FOUND', 'No such payment');
  requirePartner(viewer, scopeOfKind[partner.kind]);
}

/**
 * Payments partners take for bound users: in-app (WALLET_PARTNER), phone top-up (TELECOM_TOPUP, the
 * monthly quota decided by the core with the ledger append), and one-time codes the user shows an
 * offline merchant (OFFLINE_QR, FULL only). Each is an authorization like any other; top-ups and code
 * payments are captured at once (delivered on the spot), in-app ones when the partner captures.
 */
export class PartnerPaymentService {
  private readonly payments: OrderPaymentService;

  constructor(
    private readonly repos: Pick<
      Repositories,
      'channelBindings' | 'creditLines' | 'partnerAccess' | 'partners' | 'partnerPayments' | 'refunds'
    >,
    private readonly clock: ClockService,
    private readonly ledger: LedgerWriter,
  ) {
    this.payments = new OrderPaymentService(repos, repos.partnerPayments, clock, ledger, partnerOrderAccess);
  }

  async partnerCheckout(viewer: Viewer | undefined, input: PartnerCheckoutInput): Promise<PaymentResult> {
    const { partnerId } = requirePartner(viewer, 'payments');
    const errors = [
      ...commonErrors(input),
      ...unless(
        isMerchantRef(input.merchantOrderRef),
        'INVALID_MERCHANT_REF',
        'Use 1-64 printable characters',
        'merchantOrderRef',
      ),
      ...unless(
        /^[A-Z][A-Z0-9_]{0,39}$/.test(input.category),
        'INVALID_CATEGORY',
        'A category is an upper-case code like ELECTRONICS',
        'category',
      ),
      ...periodErrors(input.plan, input.periods),
    ];
    if (errors.length > 0) return { payment: null, userErrors: errors };
    const periods = input.plan === 'FULL' ? 1 : input.periods!;
    return this.pay(viewer, partnerId, 'WALLET_PARTNER', input.partnerUserId, {
      kind: 'IN_APP',
      merchantRef: input.merchantOrderRef,
      amountMinor: input.amountMinor,
      category: input.category,
      plan: input.plan,
      periods,
      idempotencyKey: input.idempotencyKey,
    });
  }

  async phoneTopUp(viewer: Viewer | undefined, input: PhoneTopUpInput): Promise<PaymentResult> {
    const { partnerId } = requirePartner(viewer, 'topup');
    const errors = [
      ...commonErrors(input),
      ...unless(
        isPhoneNumber(input.phoneNumber),
        'INVALID_PHONE_NUMBER',
        'An 11-digit mobile number, e.g. 13812341234',
        'phoneNumber',
      ),
    ];
    if (errors.length > 0) return { payment: null, userErrors: errors };
    return this.pay(viewer, partnerId, 'TELECOM_TOPUP', input.partnerUserId, {
      kind: 'TOP_UP',
      merchantRef: `topup:${input.phoneNumber}`,
      phoneNumber: input.phoneNumber,
      amountMinor: input.amountMinor,
      category: 'TOP_UP',
      plan: 'FULL',
      periods: 1,
      idempotencyKey: input.idempotencyKey,
    });
  }

  /** The user, in the app: a code to show at an offline till, valid a minute, for one FULL payment. */
  async createPaymentCode(
    viewer: Viewer | undefined,
  ): Promise<{ code: string | null; expiresAt: Date | null; userErrors: UserError[] }> {
    const { userId } = requireViewer(viewer);
    const line = await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!line)
      return {
        code: null,
        expiresAt: null,
        userErrors: [userError('NO_CREDIT_LINE', 'You have no credit line yet')],
      };
    const now = await this.clock.now();
    const expiresAt = new Date(now.getTime() + paymentCodeTtlSeconds * 1000);
    for (;;) {
      const code = oneTimeCode(18, '0123456789');
      if (
        await this.repos.partnerAccess.insertPaymentCode({
          _id: codeHash(code),
          userId,
          createdAt: now,
          expiresAt,
        })
      )
        return { code, expiresAt, userErrors: [] };
    }
  }

  async redeemPaymentCode(viewer: Viewer | undefined, input: RedeemCodeInput): Promise<PaymentResult> {
    const { partnerId } = requirePartner(viewer, 'offline');
    const errors = [
      ...commonErrors(input),
      ...unless(
        isMerchantRef(input.merchantRef),
        'INVALID_MERCHANT_REF',
        'Use 1-64 printable characters',
        'merchantRef',
      ),
    ];
    if (errors.length > 0) return { payment: null, userErrors: errors };
    const hash = codeHash(input.code);
    const code = await this.repos.partnerAccess.paymentCode(hash);
    if (!code)
      return { payment: null, userErrors: [userError('CODE_INVALID', 'This code is not valid', 'code')] };
    const now = await this.clock.now();
    const line = await this.repos.creditLines.byId(creditLineIdOf(code.userId));
    if (!line) throw new AppError('NOT_FOUND', 'The code has no credit line');
    const request = {
      channel: 'OFFLINE_QR' as const,
      categories: ['OFFLINE_PURCHASE'],
      plan: 'FULL' as const,
      periods: 1,
      // The user's own code is the consent for this one payment, until it expires.
      binding: { active: true, consentCoversPayments: true, consentExpiresAtMs: code.expiresAt.getTime() },
    };
    const hashOfRequest = requestHash({
      partnerId,
      amountMinor: input.amountMinor,
      merchantRef: input.merchantRef,
      key: input.idempotencyKey,
    });
    const placed = await placeOrder({
      orders: this.repos.partnerPayments,
      ledger: this.ledger,
      line,
      // One payment per code, whoever redeems it: the hold's id derives from the code.
      idempotencyKey: `code:${hash}`,
      amountMinor: input.amountMinor,
      request,
      requestHash: hashOfRequest,
      now,
      idPrefix: 'pp',
      build: ({ orderId, authorizationId }) =>
        paymentDoc(
          orderId,
          authorizationId,
          line._id,
          code.userId,
          `code:${hash}`,
          now,
          {
            partnerId,
            partnerUserId: 'one-time-code',
            kind: 'PAYMENT_CODE',
            merchantRef: input.merchantRef,
            amountMinor: input.amountMinor,
            category: 'OFFLINE_PURCHASE',
            plan: 'FULL',
            periods: 1,
          },
          hashOfRequest,
        ),
    });
    if (placed.status === 'KEY_REUSED')
      return {
        payment: null,
        userErrors: [userError('CODE_ALREADY_USED', 'This code was already used', 'code')],
      };
    if (placed.status === 'REFUSED') {
      const reason = placed.reason === 'CONSENT_MISSING' ? 'CODE_EXPIRED' : placed.reason;
      return { payment: null, userErrors: [refusal(reason)] };
    }
    return this.captureAtOnce(viewer, placed.order);
  }

  capture(viewer: Viewer | undefined, paymentId: string): Promise<PaymentResult> {
    return this.payments.ship(viewer, paymentId).then(asPayment);
  }

  void(viewer: Viewer | undefined, paymentId: string): Promise<PaymentResult> {
    return this.payments.cancel(viewer, paymentId).then(asPayment);
  }

  refund(
    viewer: Viewer | undefined,
    paymentId: string,
    amountMinor: number,
    idempotencyKey: string,
  ): Promise<RefundResult> {
    return this.payments.refund(viewer, paymentId, amountMinor, idempotencyKey);
  }

  async page(
    viewer: Viewer | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<OrderDoc>> {
    const { partnerId } = requirePartnerAny(viewer);
    return toConnection(await this.repos.partnerPayments.pageOfPartner(partnerId, pageQuery(first, after)));
  }

  /** A bound user's payment: the binding (if any) goes to the core, which decides with its precedence. */
  private async pay(
    viewer: Viewer | undefined,
    partnerId: string,
    channel: Channel,
    partnerUserId: string,
    payment: PaymentFields & { phoneNumber?: string; idempotencyKey: string },
  ): Promise<PaymentResult> {
    const binding = await this.repos.channelBindings.activeOf(partnerId, partnerUserId);
    if (!binding) return { payment: null, userErrors: [refusal('BINDING_NOT_ACTIVE')] };
    const line = await this.repos.creditLines.byId(creditLineIdOf(binding.userId));
    if (!line)
      return { payment: null, userErrors: [userError('NO_CREDIT_LINE', 'This user has no credit line')] };
    const now = await this.clock.now();
    const { idempotencyKey, phoneNumber, ...fields } = payment;
    const scopedKey = `${partnerId}:${idempotencyKey}`;
    const hash = requestHash({ channel, partnerUserId, phoneNumber, ...fields });
    const placed = await placeOrder({
      orders: this.repos.partnerPayments,
      ledger: this.ledger,
      line,
      idempotencyKey: scopedKey,
      amountMinor: fields.amountMinor,
      request: {
        channel,
        categories: [fields.category],
        plan: fields.plan,
        periods: fields.periods,
        binding: bindingInput(binding),
      },
      requestHash: hash,
      now,
      idPrefix: 'pp',
      build: ({ orderId, authorizationId }) =>
        paymentDoc(
          orderId,
          authorizationId,
          line._id,
          binding.userId,
          scopedKey,
          now,
          {
            ...fields,
            partnerId,
            partnerUserId,
            ...(phoneNumber ? { phoneNumber } : {}),
          },
          hash,
        ),
    });
    if (placed.status === 'KEY_REUSED') {
      return {
        payment: null,
        userErrors: [
          userError('IDEMPOTENCY_KEY_REUSED', 'This key was used for another payment', 'idempotencyKey'),
        ],
      };
    }
    if (placed.status === 'REFUSED') return { payment: null, userErrors: [refusal(placed.reason)] };
    return payment.kind === 'TOP_UP'
      ? this.captureAtOnce(viewer, placed.order)
      : { payment: placed.order, userErrors: [] };
  }

  /** Delivered on the spot: capture right away (a retry replays the capture). */
  private async captureAtOnce(viewer: Viewer | undefined, order: OrderDoc): Promise<PaymentResult> {
    if (order.status !== 'PLACED') return { payment: order, userErrors: [] };
    return asPayment(await this.payments.ship(viewer, order._id));
  }
}

interface PaymentFields {
  kind: PartnerPaymentKind;
  merchantRef: string;
  amountMinor: number;
  category: string;
  plan: Plan;
  periods: number;
}

function paymentDoc(
  orderId: string,
  authorizationId: string,
  lineId: string,
  userId: string,
  scopedKey: string,
  now: Date,
  fields: PaymentFields & { partnerId: string; partnerUserId: string; phoneNumber?: string },
  hash: string,
): OrderDoc {
  return {
    _id: orderId,
    userId,
    items: [
      { sku: fields.category, title: fields.merchantRef, quantity: 1, unitPriceMinor: fields.amountMinor },
    ],
    totalMinor: fields.amountMinor,
    plan: fields.plan,
    periods: fields.periods,
    status: 'PLACED',
    lineId,
    authorizationId,
    idempotencyKey: scopedKey,
    requestHash: hash,
    capturedMinor: 0,
    refundedMinor: 0,
    createdAt: now,
    partner: {
      partnerId: fields.partnerId,
      partnerUserId: fields.partnerUserId,
      kind: fields.kind,
      merchantRef: fields.merchantRef,
      ...(fields.phoneNumber ? { phoneNumber: fields.phoneNumber } : {}),
    },
  };
}

function bindingInput(binding: ChannelBindingDoc) {
  return {
    active: binding.status === 'ACTIVE',
    consentCoversPayments: binding.consent.fields.includes('PAYMENTS'),
    consentExpiresAtMs: binding.consent.expiresAt.getTime(),
  };
}

/** No error when `valid`, else the one named. */
function unless(valid: boolean, code: string, message: string, field: string): UserError[] {
  return valid ? [] : [userError(code, message, field)];
}

function commonErrors(input: { amountMinor: number; idempotencyKey: string }): UserError[] {
  const errors: UserError[] = [];
  const keyError = idempotencyKeyError(input.idempotencyKey);
  if (keyError) errors.push(keyError);
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    errors.push(userError('INVALID_AMOUNT', 'Pay a positive amount', 'amount'));
  }
  return errors;
}

function periodErrors(plan: Plan, periods: number | null | undefined): UserError[] {
  if (plan === 'FULL' && periods != null && periods !== 1)
    return [userError('INVALID_PERIODS', 'FULL is paid at once: leave periods empty', 'periods')];
  if (plan === 'INSTALLMENTS' && !(periods != null && isInstallmentPeriodCount(periods)))
    return [userError('INVALID_PERIODS', 'Installments come in 3, 6, 12 or 24 periods', 'periods')];
  return [];
}

function refusal(reason: string): UserError {
  return userError(
    reason,
    refusalMessages[reason as RefusalReason] ?? messages[reason] ?? `Refused: ${reason}`,
    reasonField[reason] ?? null,
  );
}

const messages: Record<string, string> = {
  CODE_EXPIRED: 'This code has expired: ask the customer for a new one',
};

const reasonField: Record<string, string> = {
  BINDING_NOT_ACTIVE: 'partnerUserId',
  CONSENT_MISSING: 'partnerUserId',
  PLAN_NOT_OFFERED: 'plan',
  CATEGORY_BLOCKED: 'category',
  AMOUNT_BELOW_MINIMUM: 'amount',
  SCENARIO_QUOTA_EXCEEDED: 'amount',
  INSUFFICIENT_AVAILABLE_CREDIT: 'amount',
  AMOUNT_ANOMALY: 'amount',
};

function asPayment(result: { order: OrderDoc | null; userErrors: UserError[] }): PaymentResult {
  return { payment: result.order, userErrors: result.userErrors };
}
