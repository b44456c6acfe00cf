import type { Viewer } from '../../src/auth/token';
import type { Plan } from '../../src/core/policy/channel-policies';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import { type LimitReviewService, limitReviewsOver } from '../../src/app/billing/limit-review.service';
import { seedDemoData } from '../../src/seed/seed';
import { CheckoutService } from '../../src/app/orders/checkout.service';
import { ClockService } from '../../src/app/common/clock.service';
import { createDueJobs } from '../../src/app/billing/due-jobs.service';
import { OrderPaymentService } from '../../src/app/orders/order-payment.service';
import { type NotificationSender, OutboxService } from '../../src/app/billing/outbox.service';
import { type PaymentRail, SimulatedRail } from '../../src/app/repayment/payment-rail';
import { RebuildService } from '../../src/app/billing/rebuild.service';
import type { RepayInput, RepaymentService } from '../../src/app/repayment/repayment.service';
import type { PayoutService } from '../../src/app/repayment/payout.service';
import { railServices } from '../../src/app/repayment/rail-services';
import { creditLineIdOf } from '../../src/storage/ids';
import type { Store } from '../../src/storage/models/product.model';
import type { Repositories } from '../../src/storage/repositories/repositories';

export const operator: Viewer = { userId: 'op', scopes: ['operator'] };
export const userViewer = (userId: string): Viewer => ({ userId, scopes: ['user'] });
/** The demo partners' tokens as viewers: a wallet (bindings, in-app payments) and offline merchants. */
export const lakesideWallet: Viewer = {
  userId: 'partner:p_lakeside_wallet',
  scopes: ['bindings', 'payments'],
  partnerId: 'p_lakeside_wallet',
};
export const harborMerchants: Viewer = {
  userId: 'partner:p_harbor_merchants',
  scopes: ['offline'],
  partnerId: 'p_harbor_merchants',
};
const quiet: NotificationSender = { send: async () => undefined };

/**
 * The one way tests build the application: real services over the given repositories (a real
 * database, or the in-memory engine), seeded with the demo data, on the local business clock.
 */
export class World {
  readonly ledger: LedgerWriter;
  readonly reviews: LimitReviewService;
  readonly rebuild: RebuildService;

  constructor(
    readonly repos: Repositories,
    // A fresh clock per collection: a ClockService keeps its first instant.
    public rail: PaymentRail = new SimulatedRail({
      mode: 'local',
      now: () => new ClockService(repos.clock, 'local').now(),
    }),
  ) {
    this.ledger = new LedgerWriter(repos);
    this.reviews = limitReviewsOver(repos, this.ledger);
    this.rebuild = new RebuildService(repos);
  }

  /**
   * Services are built per call, like per request: each reads the business clock once.
   * `wallClockMs`: the real time its ask claims are leased on (default: the machine's).
   */
  repayments(wallClockMs?: () => number): RepaymentService {
    return this.railServices(wallClockMs).repayments;
  }

  private railServices(wallClockMs?: () => number) {
    return railServices({
      repos: this.repos,
      clock: this.clock(),
      rail: this.rail,
      ledger: this.ledger,
      reviews: this.reviews,
      outbox: new OutboxService(this.repos.notifications),
      ...(wallClockMs ? { wallClockMs } : {}),
    });
  }

  /** A fresh clock each call: a service's clock memoizes one instant per request. */
  clock(): ClockService {
    return new ClockService(this.repos.clock, 'local');
  }

  orders(store: Store) {
    return store === 'MALL' ? this.repos.mallOrders : this.repos.installmentOrders;
  }

  checkoutService(store: Store): CheckoutService {
    return new CheckoutService(store, this.repos, this.orders(store), this.clock(), this.ledger);
  }

  payments(store: Store): OrderPaymentService {
    return new OrderPaymentService(this.repos, this.orders(store), this.clock(), this.ledger, this.reviews);
  }

  async at(iso: string): Promise<this> {
    await this.clock().advanceTo(new Date(iso), operator);
    return this;
  }

  checkout(
    userId: string,
    store: Store,
    items: { productId: string; quantity: number }[],
    options: { plan?: Plan; periods?: number; key: string },
  ) {
    return this.checkoutService(store).checkout(userViewer(userId), {
      items,
      plan: options.plan ?? 'FULL',
      periods: options.periods,
      idempotencyKey: options.key,
    });
  }

  /** Checkout of one product that must succeed; returns the order. */
  async buy(userId: string, store: Store, productId: string, key: string, periods?: number) {
    const result = await this.checkout(userId, store, [{ productId, quantity: 1 }], {
      plan: periods ? 'INSTALLMENTS' : 'FULL',
      periods,
      key,
    });
    if (!result.order) throw new Error(`checkout ${key} refused: ${JSON.stringify(result.userErrors)}`);
    return result.order;
  }

  ship(store: Store, orderId: string, captureMinor?: number) {
    return this.payments(store).ship(operator, orderId, captureMinor);
  }

  cancel(store: Store, orderId: string, viewer: Viewer = operator) {
    return this.payments(store).cancel(viewer, orderId);
  }

  refund(store: Store, orderId: string, amountMinor: number, key: string) {
    return this.payments(store).refund(operator, orderId, amountMinor, key);
  }

  repay(userId: string, input: RepayInput) {
    return this.repayments().repay(userViewer(userId), input);
  }

  payouts(): PayoutService {
    return this.railServices().payouts;
  }

  payOut(userId: string, input: { amountMinor?: number; idempotencyKey: string }) {
    return this.payouts().payOutCreditBalance(userViewer(userId), input);
  }

  runDueJobs() {
    return createDueJobs(this.repos, this.clock(), this.rail, quiet).run(operator);
  }

  async line(userId: string) {
    const line = await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!line) throw new Error(`no line for ${userId}`);
    return line;
  }

  bills(userId: string) {
    return this.repos.bills.ofLine(creditLineIdOf(userId));
  }
}

/** A world over `repos`, with the demo data seeded. */
export async function world(repos: Repositories, rail?: PaymentRail): Promise<World> {
  await seedDemoData(repos);
  return new World(repos, rail);
}
