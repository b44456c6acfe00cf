import type { Viewer } from '../../auth/token';
import type { OrderDoc } from '../../storage/models/order.model';
import type { RefundDoc } from '../../storage/models/refund.model';
import type { OrderRepository } from '../../storage/repositories/order.repository';
import type { Repositories } from '../../storage/repositories/repositories';
import { ownedOrNotFound, requireOperator, requireViewer } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { AppError } from '../../errors';
import { formatMinor, isPositiveMinor } from '../../core/money';
import { policyOf } from '../../core/policy/channel-policies';
import { checkRefund, holdsExpireIfPlacedBefore } from '../../core/orders/order-amounts';
import type { LimitReviewService } from '../billing/limit-review.service';
import { type LedgerWriter, maxAppendAttempts } from '../../ledger/ledger-writer';
import { requestHash } from '../../ledger/request-hash';
import { idempotencyKeyError, type UserError, userError } from '../common/user-error';
import { type PaymentTerms, storeTerms } from './payment-terms';

export interface OrderResult {
  order: OrderDoc | null;
  userErrors: UserError[];
}

export interface RefundResult extends OrderResult {
  refund: RefundDoc | null;
}

/**
 * Who may settle (capture, refund) or cancel an order. Each runs once before the order is read
 * (without it) and once after (with it), so a caller with no right learns nothing about the order:
 * someone else's answers as a missing one.
 */
export interface OrderAccess {
  settle(viewer: Viewer | undefined, order?: OrderDoc): void;
  cancel(viewer: Viewer | undefined, order?: OrderDoc): void;
  /** Whose refund idempotency keys these are: one key space per caller, so no caller sees another's. */
  refundKeyScope(viewer: Viewer | undefined): string;
  /** How its refusals name the order: the caller's own words and input field. */
  terms: PaymentTerms;
}

/** Partners' refund keys are kept under `partner:<partnerId>:`; operators' keys, unscoped, may not start so. */
export const partnerRefundKeyPrefix = 'partner:';

/** Store orders: operators ship and refund; the shopper or an operator cancels. */
export const storeOrderAccess: OrderAccess = {
  settle: (viewer) => void requireOperator(viewer),
  cancel: (viewer, order) => {
    const signedIn = requireViewer(viewer);
    if (order) ownedOrNotFound(signedIn, order, storeTerms.notFound(order._id), { operators: true });
  },
  // Operators share one key space for store refunds.
  refundKeyScope: () => '',
  terms: storeTerms,
};

/**
 * What happens to an order's payment after checkout: capture on shipping, void on cancel or expiry,
 * refunds after capture. Capture and void share one ledger key per hold, so a hold resolves once.
 */
export class OrderPaymentService {
  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'refunds' | 'ledger'>,
    private readonly orders: OrderRepository,
    private readonly clock: ClockService,
    private readonly ledger: LedgerWriter,
    private readonly reviews: LimitReviewService,
    private readonly access: OrderAccess = storeOrderAccess,
  ) {}

  /**
   * Operator action: the goods left the warehouse, so the hold becomes a charge: the whole total, or
   * `captureMinor` of it when only part shipped (the rest of the hold is released at once).
   */
  async ship(viewer: Viewer | undefined, orderId: string, captureMinor?: number): Promise<OrderResult> {
    this.access.settle(viewer);
    if (captureMinor !== undefined && !isPositiveMinor(captureMinor)) {
      return {
        order: null,
        userErrors: [userError('INVALID_AMOUNT', 'Capture a positive amount', 'amount')],
      };
    }
    const order = await this.load(orderId);
    this.access.settle(viewer, order);
    if (order.status === 'CANCELLED')
      return this.failed(order, 'ORDER_CANCELLED', this.terms.voidedCannotCapture);
    const askedMinor = captureMinor ?? order.totalMinor;
    if (order.status === 'SHIPPED' && order.capturedMinor !== askedMinor) return this.alreadyCaptured(order);
    const now = await this.clock.now();
    const outcome = await this.resolveHold(order, 'CAPTURE', now, askedMinor);
    if (outcome) return outcome;
    await this.orders.setPayment(order._id, { status: 'SHIPPED', capturedMinor: askedMinor });
    return { order: { ...order, status: 'SHIPPED', capturedMinor: askedMinor }, userErrors: [] };
  }

  /** The shopper (or an operator) cancels before shipping: the hold is voided, free of charge. */
  async cancel(viewer: Viewer | undefined, orderId: string): Promise<OrderResult> {
    this.access.cancel(viewer);
    const order = await this.load(orderId);
    this.access.cancel(viewer, order);
    if (order.status === 'SHIPPED')
      return this.failed(order, 'ORDER_ALREADY_SHIPPED', this.terms.capturedNotVoided);
    const outcome = await this.resolveHold(order, 'VOID', await this.clock.now());
    if (outcome) return outcome;
    await this.orders.setPayment(order._id, { status: 'CANCELLED' });
    return { order: { ...order, status: 'CANCELLED' }, userErrors: [] };
  }

  /** Voids holds older than the hold lifetime (a due job). Returns how many were released. */
  async expireHolds(now: Date): Promise<number> {
    const stale = await this.orders.placedBefore(holdsExpireIfPlacedBefore(now), 500);
    let expired = 0;
    for (const order of stale) {
      if ((await this.resolveHold(order, 'VOID', now)) === undefined) {
        await this.orders.setPayment(order._id, { status: 'CANCELLED' });
        expired += 1;
      }
    }
    return expired;
  }

  /** Operator action: refund part or all of what was captured, many times up to the captured amount. */
  async refund(
    viewer: Viewer | undefined,
    orderId: string,
    amountMinor: number,
    idempotencyKey: string,
  ): Promise<RefundResult> {
    this.access.settle(viewer);
    const scope = this.access.refundKeyScope(viewer);
    const keyError =
      idempotencyKeyError(idempotencyKey) ??
      (!scope && idempotencyKey.startsWith(partnerRefundKeyPrefix)
        ? userError(
            'INVALID_IDEMPOTENCY_KEY',
            `A store refund key cannot begin with "${partnerRefundKeyPrefix}": partners' refund keys are kept there`,
            'idempotencyKey',
          )
        : null);
    if (keyError) return { order: null, refund: null, userErrors: [keyError] };
    if (!isPositiveMinor(amountMinor)) {
      return {
        order: null,
        refund: null,
        userErrors: [userError('INVALID_AMOUNT', 'Refund a positive amount', 'amount')],
      };
    }
    const order = await this.load(orderId);
    this.access.settle(viewer, order);
    const hash = requestHash({ orderId, amountMinor });
    // One key space per caller for all its refunds: the same key on another order is another input.
    const key = `refund:${scope}${idempotencyKey}`;
    const now = await this.clock.now();

    for (let attempt = 0; attempt < maxAppendAttempts; attempt += 1) {
      const earlier = await this.repos.refunds.byIdempotencyKey(key);
      if (earlier) {
        if (earlier.requestHash !== hash) {
          return {
            order,
            refund: null,
            userErrors: [
              userError('IDEMPOTENCY_KEY_REUSED', 'This key was used for another refund', 'idempotencyKey'),
            ],
          };
        }
        return this.finishRefund(order, earlier, now);
      }
      if (order.status !== 'SHIPPED') {
        return {
          order,
          refund: null,
          userErrors: [userError('ORDER_NOT_CAPTURED', this.terms.onlyCapturedRefunded, this.terms.idField)],
        };
      }
      const last = await this.repos.refunds.last(orderId);
      const check = checkRefund(order.capturedMinor, last?.refundedAfterMinor ?? 0, amountMinor);
      if (!check.ok) {
        return {
          order,
          refund: null,
          userErrors: [
            userError(
              check.code,
              `At most ${formatMinor(check.refundableMinor)} CNY can still be refunded`,
              'amount',
            ),
          ],
        };
      }
      const number = (last?.number ?? 0) + 1;
      const refund: RefundDoc = {
        _id: `${orderId}:r${number}`,
        orderId,
        number,
        idempotencyKey: key,
        requestHash: hash,
        amountMinor,
        refundedAfterMinor: check.refundedAfterMinor,
        feeWrittenOffMinor: 0,
        at: now,
      };
      // Refund n is a unique insert: a concurrent refund that took n makes us re-read and re-check.
      if (await this.repos.refunds.insertOnce(refund)) return this.finishRefund(order, refund, now);
    }
    throw new AppError('CONFLICT', 'Too many concurrent refunds; retry with the same idempotency key');
  }

  /** Ledger entry and order projection for a recorded refund; safe to repeat (replays are no-ops). */
  private async finishRefund(order: OrderDoc, refund: RefundDoc, now: Date): Promise<RefundResult> {
    const outcome = await this.ledger.append({
      lineId: order.lineId,
      command: {
        type: 'REFUND',
        refundId: refund._id,
        chargeId: order.authorizationId,
        plan: order.plan,
        amountMinor: refund.amountMinor,
      },
      key: `refund:${refund._id}`,
      requestHash: requestHash({ refundId: refund._id, amountMinor: refund.amountMinor }),
      now,
    });
    if (outcome.status !== 'APPLIED' && outcome.status !== 'REPLAYED') {
      throw new AppError('CONFLICT', `The refund could not be recorded: ${outcome.status}`);
    }
    const feeWrittenOffMinor = outcome.entry.effects?.feeWrittenOffMinor ?? 0;
    const refundedMinor = Math.max(order.refundedMinor, refund.refundedAfterMinor);
    await this.orders.setPayment(order._id, { refundedMinor });
    await this.reviews.reopenIfPaidUp(order.lineId, order.userId, outcome, now);
    return { order: { ...order, refundedMinor }, refund: { ...refund, feeWrittenOffMinor }, userErrors: [] };
  }

  /**
   * Appends the capture (of `captureMinor`) or void of an order's hold. Both use the key
   * `resolve:<authorizationId>`: whichever lands first wins; the other, or a capture of another
   * amount, is told how the hold was resolved.
   */
  private async resolveHold(
    order: OrderDoc,
    type: 'CAPTURE' | 'VOID',
    now: Date,
    captureMinor = order.totalMinor,
  ): Promise<OrderResult | undefined> {
    const partial = type === 'CAPTURE' && captureMinor !== order.totalMinor;
    const command =
      type === 'CAPTURE'
        ? {
            type,
            authorizationId: order.authorizationId,
            authorizedMinor: order.totalMinor,
            captureMinor,
            plan: order.plan,
            orderId: order._id,
            ...(order.plan === 'INSTALLMENTS'
              ? { periods: order.periods, tier: await this.tierOf(order.lineId) }
              : {}),
            ...(partial ? { channel: await this.channelOf(order) } : {}),
          }
        : { type, authorizationId: order.authorizationId, authorizedMinor: order.totalMinor };
    const outcome = await this.ledger.append({
      lineId: order.lineId,
      command,
      key: `resolve:${order.authorizationId}`,
      // A whole capture keeps the hash it had before partial captures, so its retries still replay.
      requestHash: requestHash({
        resolve: type,
        authorizationId: order.authorizationId,
        ...(partial ? { captureMinor } : {}),
      }),
      now,
    });
    if (outcome.status === 'KEY_REUSED') {
      // Resolved before, maybe by a call that stopped before updating the order: repair it.
      const resolved =
        outcome.entry.type === 'CAPTURE'
          ? { status: 'SHIPPED' as const, capturedMinor: outcome.entry.amountMinor }
          : { status: 'CANCELLED' as const };
      await this.orders.setPayment(order._id, resolved);
      if (type === 'CAPTURE' && resolved.status === 'SHIPPED')
        return this.alreadyCaptured({ ...order, ...resolved });
      const code = type === 'CAPTURE' ? 'ORDER_CANCELLED' : 'ORDER_ALREADY_SHIPPED';
      return this.failed({ ...order, ...resolved }, code, this.terms.resolvedOtherWay);
    }
    if (outcome.status === 'REJECTED') {
      const onAmount = captureRefusals[outcome.rejection];
      if (onAmount && command.type === 'CAPTURE') {
        return {
          order,
          userErrors: [userError(outcome.rejection, onAmount(order, command.channel, this.terms), 'amount')],
        };
      }
      return this.failed(order, outcome.rejection, `The hold could not be resolved: ${outcome.rejection}`);
    }
    return undefined;
  }

  /** The channel the hold was authorized on, read from its authorization's ledger entry. */
  private async channelOf(order: OrderDoc): Promise<string | undefined> {
    const authorized = await this.repos.ledger.byIdempotencyKey(
      `${order.lineId}:authorize:${order.authorizationId}`,
    );
    return authorized?.command.type === 'AUTHORIZE' ? authorized.command.request.channel : undefined;
  }

  /** The fee tier that prices a plan: the line's, from its risk assessment. */
  private async tierOf(lineId: string) {
    const line = await this.repos.creditLines.byId(lineId);
    if (!line) throw new AppError('NOT_FOUND', `No credit line ${lineId}`);
    return line.riskTier;
  }

  private async load(orderId: string): Promise<OrderDoc> {
    const [order] = await this.orders.findByIds([orderId]);
    if (!order) throw new AppError('NOT_FOUND', this.terms.notFound(orderId));
    return order;
  }

  private get terms(): PaymentTerms {
    return this.access.terms;
  }

  /** A shipped order asked to ship again with another amount: a hold is captured once. */
  private alreadyCaptured(order: OrderDoc): OrderResult {
    return this.failed(order, 'ORDER_ALREADY_SHIPPED', this.terms.alreadyCaptured(order.capturedMinor));
  }

  private failed(order: OrderDoc, code: string, message: string): OrderResult {
    return { order, userErrors: [userError(code, message, this.terms.idField)] };
  }
}

/** The core's refusals of a capture's amount, said to the caller in the input's terms. */
const captureRefusals: Partial<
  Record<string, (order: OrderDoc, channel: string | undefined, terms: PaymentTerms) => string>
> = {
  CAPTURE_EXCEEDS_AUTHORIZATION: (order) =>
    `Capture at most ${formatMinor(order.totalMinor)} CNY: that much was held`,
  CAPTURE_BELOW_MINIMUM: (_order, channel, terms) => {
    const policy = channel === undefined ? undefined : policyOf(channel);
    return policy ? terms.captureAtLeast(policy.minimumAmountMinor) : terms.channelUnknown;
  },
};
