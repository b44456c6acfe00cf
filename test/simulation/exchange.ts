import type { Plan } from '../../src/core/policy/channel-policies';
import type { CheckoutResult } from '../../src/app/orders/checkout.service';
import type { DueJobsReport } from '../../src/app/billing/due-jobs.service';
import type { OrderResult, RefundResult } from '../../src/app/orders/order-payment.service';
import type { PayOutResult } from '../../src/app/repayment/payout.service';
import type { RepayKind, RepayResult } from '../../src/app/repayment/repayment.service';
import type { PaymentSource } from '../../src/storage/models/repayment.model';
import type { Store } from '../../src/storage/models/product.model';

/** What the driver asked, exactly as it was sent. */
export type SimRequest =
  | {
      kind: 'checkout';
      userId: string;
      store: Store;
      items: { productId: string; quantity: number }[];
      plan: Plan;
      periods?: number;
      key: string;
    }
  /** `captureMinor`: only part shipped (absent: the whole order). */
  | { kind: 'ship'; store: Store; orderId: string; captureMinor?: number }
  | { kind: 'cancel'; store: Store; orderId: string }
  | { kind: 'refund'; store: Store; orderId: string; amountMinor: number; key: string }
  | {
      kind: 'repay';
      userId: string;
      repayKind: RepayKind;
      amountMinor?: number;
      planId?: string;
      source: PaymentSource;
      key: string;
    }
  | { kind: 'payOut'; userId: string; amountMinor?: number; key: string }
  | { kind: 'clock'; to: string }
  | { kind: 'runDueJobs' };

export type SimReply =
  CheckoutResult | OrderResult | RefundResult | RepayResult | PayOutResult | DueJobsReport | { now: string };

/** One question to the payment rail during a step, and the answer the simulated bank gave. */
export interface RailCall {
  /** `collect` a repayment, or `disburse` a payout of the credit balance. */
  op: 'collect' | 'disburse';
  /** The repayment or payout id. */
  id: string;
  userId: string;
  /** Repayments only: the line, the client key, the kind and the plans it pays off. */
  lineId: string | null;
  key: string | null;
  kind: RepayKind | null;
  payOffPlanIds: string[];
  amountMinor: number;
  result: 'SUCCEEDED' | 'FAILED' | 'PENDING';
}

/** A step as recorded: request, reply, what the rail was asked, and the business instant it ran at. */
export interface Exchange {
  index: number;
  /** The business clock as last set by the driver (the system adds a few ms of wall time). */
  at: number;
  request: SimRequest;
  reply: SimReply;
  railCalls: RailCall[];
}
