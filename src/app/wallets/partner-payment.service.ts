import { isPositiveMinor } from '../../core/money';
import type { Viewer } from '../../auth/token';
import type { AuthorizationRequest } from '../../core/ledger/commands';
import {
  type PartnerScope,
  paymentBindingInput,
  paymentCodeDigits,
  partnerChannels,
  paymentCodeChannel,
  paymentCodeConsent,
  paymentCodeTtlSeconds,
} from '../../core/partners/consent';
import {
  channelCategories,
  isMerchantRef,
  isPhoneNumber,
  phoneNumberRule,
  merchantRefRule,
  type PartnerPaymentKind,
} from '../../core/partners/partner-payment';
import type { Plan } from '../../core/policy/channel-policies';
import { AppError } from '../../errors';
import type { LedgerWriter } from '../../ledger/ledger-writer';
import { creditLineIdOf } from '../../storage/ids';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { OrderDoc, PartnerOrderRef } from '../../storage/models/order.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { requirePartner, requireUser } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { type Connection, pageQuery, toConnection } from '../common/pagination';
import { requestHash } from '../../ledger/request-hash';
import {
  idempotencyKeyError,
  planPeriodsError,
  refusalError,
  type UserError,
  userError,
} from '../common/user-error';
import {
  type OrderAccess,
  type OrderPaymentService,
  partnerRefundKeyPrefix,
  type RefundResult,
} from '../orders/order-payment.service';
import { placeOrder } from '../orders/place-order';
import { partnerTerms } from '../orders/payment-terms';
import { codeHash, oneTimeCode } from '../common/one-time-code';

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
const scopeOfKind: Record<PartnerPaymentKind, PartnerScope> = {
  IN_APP: 'payments',
  TOP_UP: 'topup',
  PAYMENT_CODE: 'offline',
};

/** Partners capture, void and refund their own payments only; another's answers as missing. */
export const partnerOrderAccess: OrderAccess = {
  settle: (viewer, order) => void (order ? ownPayment(viewer, order) : requirePartner(viewer)),
  cancel: (viewer, order) => void (order ? ownPayment(viewer, order) : requirePartner(viewer)),
  refundKeyScope: (viewer) => `${partnerRefundKeyPrefix}${requirePartner(viewer).partnerId}:`,
  terms: partnerTerms,
};

function ownPayment(viewer: Viewer | undefined, order: OrderDoc): void {
  const { partnerId } = requirePartner(viewer);
  const partner = order.partner;
  // The same answer as a payment that does not exist (OrderPaymentService.load).
  if (!partner || partner.partnerId !== partnerId)
    throw new AppError('NOT_FOUND', partnerTerms.notFound(order._id));
  requirePartner(viewer, scopeOfKind[partner.kind]);
}

/** Field a refusal is about, so a partner app can point at it. */
const refusalField: Partial<Record<string, string>> = {
  BINDING_NOT_ACTIVE: 'partnerUserId',
  CONSENT_MISSING: 'partnerUserId',
  PLAN_NOT_OFFERED: 'plan',
  CATEGORY_BLOCKED: 'category',
  AMOUNT_BELOW_MINIMUM: 'amount',
  SCENARIO_QUOTA_EXCEEDED: 'amount',
  INSUFFICIENT_AVAILABLE_CREDIT: 'amount',
  AMOUNT_ANOMALY: 'amount',
};

/** What one partner payment asks the ledger for and records, whichever kind it is. */
interface Placement {
  line: CreditLineDoc;
  /** Scopes the idempotency key: `<partner>:<key>`, or `code:<hash>` (one payment per code). */
  scopedKey: string;
  requestHash: string;
  request: AuthorizationRequest;
  amountMinor: number;
  partner: PartnerOrderRef;
  /** Delivered on the spot (top-up, code): captured at once; a retry replays the capture. */
  captureAtOnce: boolean;
  /** The answer to a key used before for another input. */
  keyReused: UserError;
}

/**
 * Payments partners take for bound users: in-app (WALLET_PARTNER), phone top-up (TELECOM_TOPUP, the
 * monthly quota decided by the core with the ledger append), and one-time codes the user shows an
 * offline merchant (OFFLINE_QR, FULL only). Each is an authorization like any other; top-ups and code
 * payments are captured at once, in-app ones when the partner captures.
 */
export class PartnerPaymentService {
  constructor(
    private readonly repos: Pick<
      Repositories,
      'channelBindings' | 'creditLines' | 'partnerAccess' | 'partnerPayments'
    >,
    private readonly clock: ClockService,
    private readonly ledger: LedgerWriter,
    /** Capture, void and refund, under `partnerOrderAccess`. */
    private readonly payments: OrderPaymentService,
  ) {}

  async partnerCheckout(viewer: Viewer | undefined, input: PartnerCheckoutInput): Promise<PaymentResult> {
    const { partnerId } = requirePartner(viewer, scopeOfKind.IN_APP);
    const errors = [
      ...commonErrors(input),
      ...unless(
        isMerchantRef(input.merchantOrderRef),
        'INVALID_MERCHANT_REF',
        merchantRefRule,
        'merchantOrderRef',
      ),
      ...unless(
        /^[A-Z][A-Z0-9_]{0,39}$/.test(input.category),
        'INVALID_CATEGORY',
        'A category is an upper-case code like ELECTRONICS',
        'category',
      ),
      ...[planPeriodsError(input.plan, input.periods)].filter((error) => error !== null),
    ];
    if (errors.length > 0) return failed(errors);
    const periods = input.plan === 'FULL' ? 1 : input.periods!;
    return this.payBound(viewer, partnerId, input.partnerUserId, input.idempotencyKey, {
      kind: 'IN_APP',
      merchantRef: input.merchantOrderRef,
      amountMinor: input.amountMinor,
      request: { channel: partnerChannels.WALLET, categories: [input.category], plan: input.plan, periods },
    });
  }

  async phoneTopUp(viewer: Viewer | undefined, input: PhoneTopUpInput): Promise<PaymentResult> {
    const { partnerId } = requirePartner(viewer, scopeOfKind.TOP_UP);
    const errors = [
      ...commonErrors(input),
      ...unless(isPhoneNumber(input.phoneNumber), 'INVALID_PHONE_NUMBER', phoneNumberRule, 'phoneNumber'),
    ];
    if (errors.length > 0) return failed(errors);
    return this.payBound(viewer, partnerId, input.partnerUserId, input.idempotencyKey, {
      kind: 'TOP_UP',
      merchantRef: `topup:${input.phoneNumber}`,
      phoneNumber: input.phoneNumber,
      amountMinor: input.amountMinor,
      request: {
        channel: partnerChannels.TELECOM,
        categories: [channelCategories.TELECOM_TOPUP],
        plan: 'FULL',
        periods: 1,
      },
    });
  }

  /** The user, in the app: a code to show at an offline till, valid a minute, for one FULL payment. */
  async createPaymentCode(
    viewer: Viewer | undefined,
  ): Promise<{ code: string | null; expiresAt: Date | null; userErrors: UserError[] }> {
    const { userId } = requireUser(viewer);
    const line = await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!line) return { code: null, expiresAt: null, userErrors: [noCreditLine('You have')] };
    const now = await this.clock.now();
    const expiresAt = new Date(now.getTime() + paymentCodeTtlSeconds * 1000);
    for (;;) {
      const code = oneTimeCode(paymentCodeDigits, '0123456789');
      const record = { _id: codeHash(code), userId, createdAt: now, expiresAt };
      // A code used before and swept since (`expiredCodesKeptDays`) names its payment for ever.
      if (await this.repos.partnerPayments.byIdempotencyKey(codePaymentKey(record._id))) continue;
      // 10^18 codes: a collision is rare; draw again rather than share one.
      if (await this.repos.partnerAccess.insertPaymentCode(record))
        return { code, expiresAt, userErrors: [] };
    }
  }

  async redeemPaymentCode(viewer: Viewer | undefined, input: RedeemCodeInput): Promise<PaymentResult> {
    const { partnerId } = requirePartner(viewer, scopeOfKind.PAYMENT_CODE);
    const errors = [
      ...commonErrors(input),
      ...unless(isMerchantRef(input.merchantRef), 'INVALID_MERCHANT_REF', merchantRefRule, 'merchantRef'),
    ];
    if (errors.length > 0) return failed(errors);
    const hash = codeHash(input.code);
    const code = await this.repos.partnerAccess.paymentCode(hash);
    const paymentHash = requestHash({ partnerId, ...input, code: hash });
    if (!code) {
      // Swept since it expired: a retry of the payment it made still answers what was recorded.
      const earlier = await this.repos.partnerPayments.byIdempotencyKey(codePaymentKey(hash));
      if (!earlier) return failed([userError('CODE_INVALID', 'This code is not valid', 'code')]);
      return earlier.requestHash === paymentHash
        ? { payment: earlier, userErrors: [] }
        : failed([codeAlreadyUsed]);
    }
    const line = await this.repos.creditLines.byId(creditLineIdOf(code.userId));
    if (!line) throw new AppError('NOT_FOUND', 'The code has no credit line');
    const result = await this.place(
      {
        line,
        // One payment per code, whoever redeems it: the hold's id derives from the code.
        scopedKey: codePaymentKey(hash),
        requestHash: paymentHash,
        request: {
          channel: paymentCodeChannel,
          categories: [channelCategories.OFFLINE_QR],
          plan: 'FULL',
          periods: 1,
          binding: paymentCodeConsent(code.expiresAt),
        },
        amountMinor: input.amountMinor,
        partner: {
          partnerId,
          partnerUserId: 'one-time-code',
          kind: 'PAYMENT_CODE',
          merchantRef: input.merchantRef,
        },
        captureAtOnce: true,
        keyReused: codeAlreadyUsed,
      },
      viewer,
    );
    // For a code, "consent missing" means it expired.
    return result.userErrors[0]?.code === 'CONSENT_MISSING'
      ? failed([userError('CODE_EXPIRED', 'This code has expired: ask the customer for a new one', 'code')])
      : result;
  }

  /** The whole hold, or `captureMinor` of it when only part was delivered (the rest is released). */
  capture(viewer: Viewer | undefined, paymentId: string, captureMinor?: number): Promise<PaymentResult> {
    return this.payments.ship(viewer, paymentId, captureMinor).then(asPayment);
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
    const { partnerId } = requirePartner(viewer);
    return toConnection(await this.repos.partnerPayments.pageOfPartner(partnerId, pageQuery(first, after)));
  }

  /** A bound user's payment: the binding goes to the core, which decides with its precedence. */
  private async payBound(
    viewer: Viewer | undefined,
    partnerId: string,
    partnerUserId: string,
    idempotencyKey: string,
    payment: {
      kind: PartnerPaymentKind;
      merchantRef: string;
      phoneNumber?: string;
      amountMinor: number;
      request: Omit<AuthorizationRequest, 'binding'>;
    },
  ): Promise<PaymentResult> {
    const { kind, merchantRef, phoneNumber, amountMinor, request } = payment;
    const scopedKey = `${partnerId}:${idempotencyKey}`;
    const hash = requestHash({ partnerUserId, kind, merchantRef, phoneNumber, amountMinor, request });
    const binding = await this.repos.channelBindings.activeOf(partnerId, partnerUserId);
    if (!binding) {
      // A retry of a payment taken before the binding ended answers what was recorded then.
      const earlier = await this.repos.partnerPayments.byIdempotencyKey(scopedKey);
      if (earlier)
        return earlier.requestHash === hash ? { payment: earlier, userErrors: [] } : failed([keyReused]);
      return failed([refusalError('BINDING_NOT_ACTIVE', refusalField)]);
    }
    const line = await this.repos.creditLines.byId(creditLineIdOf(binding.userId));
    if (!line) return failed([noCreditLine('This user has')]);
    return this.place(
      {
        line,
        scopedKey,
        requestHash: hash,
        request: { ...request, binding: paymentBindingInput(binding) },
        amountMinor,
        partner: { partnerId, partnerUserId, kind, merchantRef, ...(phoneNumber ? { phoneNumber } : {}) },
        captureAtOnce: kind === 'TOP_UP',
        keyReused: userError(
          'IDEMPOTENCY_KEY_REUSED',
          'This key was used for another payment',
          'idempotencyKey',
        ),
      },
      viewer,
    );
  }

  private async place(placement: Placement, viewer: Viewer | undefined): Promise<PaymentResult> {
    const { line, request, amountMinor } = placement;
    const now = await this.clock.now();
    const placed = await placeOrder({
      orders: this.repos.partnerPayments,
      ledger: this.ledger,
      line,
      idempotencyKey: placement.scopedKey,
      amountMinor,
      request,
      requestHash: placement.requestHash,
      now,
      idPrefix: 'pp',
      build: ({ orderId, authorizationId }) => ({
        _id: orderId,
        userId: line.userId,
        items: [
          {
            sku: request.categories[0]!,
            title: placement.partner.merchantRef,
            quantity: 1,
            unitPriceMinor: amountMinor,
          },
        ],
        totalMinor: amountMinor,
        plan: request.plan,
        periods: request.periods ?? 1,
        status: 'PLACED',
        lineId: line._id,
        authorizationId,
        idempotencyKey: placement.scopedKey,
        requestHash: placement.requestHash,
        capturedMinor: 0,
        refundedMinor: 0,
        createdAt: now,
        partner: placement.partner,
      }),
    });
    if (placed.status === 'KEY_REUSED') return failed([placement.keyReused]);
    if (placed.status === 'REFUSED') return failed([refusalError(placed.reason, refusalField)]);
    if (!placement.captureAtOnce || placed.order.status !== 'PLACED')
      return { payment: placed.order, userErrors: [] };
    return asPayment(await this.payments.ship(viewer, placed.order._id));
  }
}

/** No error when `valid`, else the one named. */
function unless(valid: boolean, code: string, message: string, field: string): UserError[] {
  return valid ? [] : [userError(code, message, field)];
}

function commonErrors(input: { amountMinor: number; idempotencyKey: string }): UserError[] {
  return [
    ...[idempotencyKeyError(input.idempotencyKey)].filter((error) => error !== null),
    ...unless(isPositiveMinor(input.amountMinor), 'INVALID_AMOUNT', 'Pay a positive amount', 'amount'),
  ];
}

const keyReused = userError(
  'IDEMPOTENCY_KEY_REUSED',
  'This key was used for another payment',
  'idempotencyKey',
);

function noCreditLine(who: string): UserError {
  return userError('NO_CREDIT_LINE', `${who} no credit line yet`);
}

function failed(userErrors: UserError[]): PaymentResult {
  return { payment: null, userErrors };
}

function asPayment(result: { order: OrderDoc | null; userErrors: UserError[] }): PaymentResult {
  return { payment: result.order, userErrors: result.userErrors };
}

/** A payment code redeemed again for another payment (one payment per code, whoever redeems it). */
const codeAlreadyUsed = userError('CODE_ALREADY_USED', 'This code was already used', 'code');

/** The idempotency key of the one payment a payment code makes (whoever redeems it). */
function codePaymentKey(hash: string): string {
  return `code:${hash}`;
}
