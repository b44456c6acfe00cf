import { cartTotalMinor, maxCartLines, maxUnitsPerLine } from '../../core/orders/order-amounts';
import type { Plan } from '../../core/policy/channel-policies';
import { cartInstallmentPeriods } from '../../core/policy/decide-authorization';
import type { RefusalReason } from '../../core/policy/refusal-reasons';
import type { Viewer } from '../../auth/token';
import { creditLineIdOf } from '../../storage/ids';
import { placeOrder } from './place-order';
import type { OrderDoc, OrderItem } from '../../storage/models/order.model';
import { type ProductDoc, type Store, storeChannel } from '../../storage/models/product.model';
import type { OrderRepository } from '../../storage/repositories/order.repository';
import type { Repositories } from '../../storage/repositories/repositories';
import { requireUser } from '../common/access';
import type { ClockService } from '../common/clock.service';
import type { LedgerWriter } from '../../ledger/ledger-writer';
import { requestHash } from '../../ledger/request-hash';
import {
  idempotencyKeyError,
  planPeriodsError,
  refusalError,
  type UserError,
  userError,
} from '../common/user-error';

export interface CheckoutInput {
  items: { productId: string; quantity: number }[];
  plan: Plan;
  periods?: number | null | undefined;
  idempotencyKey: string;
}

export interface CheckoutResult {
  order: OrderDoc | null;
  userErrors: UserError[];
}

/** Field a refusal is about, so a checkout screen can point at it. */
const refusalField: Partial<Record<RefusalReason, string>> = {
  PLAN_NOT_OFFERED: 'plan',
  CATEGORY_BLOCKED: 'items',
  AMOUNT_BELOW_MINIMUM: 'items',
  INSUFFICIENT_AVAILABLE_CREDIT: 'items',
  AMOUNT_ANOMALY: 'items',
};

/** Pays a cart with the credit line: validate, ask the risk core, hold the amount, record the order. */
export class CheckoutService {
  constructor(
    private readonly store: Store,
    private readonly repos: Pick<Repositories, 'products' | 'creditLines'>,
    private readonly orders: OrderRepository,
    private readonly clock: ClockService,
    private readonly ledger: LedgerWriter,
  ) {}

  /**
   * Database messages on the happy path: clock, products, line, entry insert, line projection, order
   * insert. The hold's ledger entry is the one idempotency record: a retry collides on its key and
   * replays it (approved: the order; refused: the same reason).
   */
  async checkout(viewer: Viewer | undefined, input: CheckoutInput): Promise<CheckoutResult> {
    const { userId } = requireUser(viewer);
    const invalid = this.validate(input);
    if (invalid.length > 0) return { order: null, userErrors: invalid };
    const periods = input.plan === 'FULL' ? 1 : input.periods!;
    const hash = requestHash({
      store: this.store,
      items: [...input.items].sort((a, b) => a.productId.localeCompare(b.productId)),
      plan: input.plan,
      periods,
    });
    const orderKey = `${userId}:${input.idempotencyKey}`;

    const products = await this.repos.products.findByIds(input.items.map((item) => item.productId));
    const items: OrderItem[] = [];
    const cart: ProductDoc[] = [];
    for (const [index, item] of input.items.entries()) {
      const product = products.find((p) => p._id === item.productId && p.store === this.store);
      if (!product) {
        return {
          order: null,
          userErrors: [
            userError('PRODUCT_NOT_FOUND', `No product ${item.productId} here`, `items.${index}.productId`),
          ],
        };
      }
      cart.push(product);
      items.push({
        sku: product._id,
        title: product.title,
        quantity: item.quantity,
        unitPriceMinor: product.priceMinor,
      });
    }
    const totalMinor = cartTotalMinor(items);
    // The core sees every category (one blocked item blocks the cart) and the counts all items offer.
    const categories = [...new Set(cart.map((p) => p.category))];
    const productPeriods = cartInstallmentPeriods(cart);

    const line = await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!line) {
      return { order: null, userErrors: [userError('NO_CREDIT_LINE', 'You have no credit line yet')] };
    }

    const now = await this.clock.now();
    const request = {
      channel: storeChannel[this.store],
      categories,
      ...(productPeriods ? { productPeriods } : {}),
      plan: input.plan,
      periods,
    };
    const placed = await placeOrder({
      orders: this.orders,
      ledger: this.ledger,
      line,
      idempotencyKey: orderKey,
      amountMinor: totalMinor,
      request,
      requestHash: hash,
      now,
      idPrefix: this.store === 'MALL' ? 'mo' : 'io',
      build: ({ orderId, authorizationId }) => ({
        _id: orderId,
        userId,
        items,
        totalMinor,
        plan: input.plan,
        periods,
        status: 'PLACED',
        lineId: line._id,
        authorizationId,
        idempotencyKey: orderKey,
        requestHash: hash,
        capturedMinor: 0,
        refundedMinor: 0,
        createdAt: now,
      }),
    });
    if (placed.status === 'KEY_REUSED') return { order: null, userErrors: [reusedKey()] };
    if (placed.status === 'REFUSED')
      return { order: null, userErrors: [refusalError(placed.reason, refusalField, placed.lineStatus)] };
    return { order: placed.order, userErrors: [] };
  }

  private validate(input: CheckoutInput): UserError[] {
    const errors: UserError[] = [];
    const keyError = idempotencyKeyError(input.idempotencyKey);
    if (keyError) errors.push(keyError);
    if (input.items.length === 0 || input.items.length > maxCartLines) {
      errors.push(userError('INVALID_CART', `A cart has 1 to ${maxCartLines} lines`, 'items'));
    }
    input.items.forEach((item, index) => {
      if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > maxUnitsPerLine) {
        errors.push(
          userError(
            'INVALID_QUANTITY',
            `Quantity must be 1 to ${maxUnitsPerLine}`,
            `items.${index}.quantity`,
          ),
        );
      }
    });
    const periodsError = planPeriodsError(input.plan, input.periods);
    if (periodsError) errors.push(periodsError);
    return errors;
  }
}

function reusedKey(): UserError {
  return userError(
    'IDEMPOTENCY_KEY_REUSED',
    'This idempotency key was already used for a different checkout',
    'idempotencyKey',
  );
}
