// Types and pure data tables only: the auditor derives every figure itself from docs/money-rules.md.
import { type FeeTier, feeRateBpsPerPeriod } from '../../src/core/installments/fee-rates';
import type { BillComponent } from '../../src/core/ledger/line-state';
import { alwaysBlockedCategories, channelPolicies, type Plan } from '../../src/core/policy/channel-policies';
import type { RefusalReason } from '../../src/core/policy/refusal-reasons';
import { scenarioQuotas } from '../../src/core/policy/scenario';
import type { CheckoutResult } from '../../src/app/orders/checkout.service';
import type { DueJobsReport } from '../../src/app/billing/due-jobs.service';
import type { OrderResult, RefundResult } from '../../src/app/orders/order-payment.service';
import type { PayOutResult } from '../../src/app/repayment/payout.service';
import type { RepayKind, RepayResult } from '../../src/app/repayment/repayment.service';
import type { BillDoc } from '../../src/storage/models/bill.model';
import type { CreditLineDoc } from '../../src/storage/models/credit-line.model';
import type { InstallmentPlanDoc } from '../../src/storage/models/installment-plan.model';
import type { OrderDoc } from '../../src/storage/models/order.model';
import type { ProductDoc, Store } from '../../src/storage/models/product.model';
import { addMonths, cstDate, type Day, daysBetween, dueDateOf, statementOnOrAfter } from './calendar';
import type { Exchange, RailCall, SimRequest } from './exchange';

/** A difference between what the rules say and what the system shows or answered. */
export class AuditFailure extends Error {
  constructor(
    readonly what: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(what);
    this.name = 'AuditFailure';
  }
}

function expectSame(what: string, expected: unknown, actual: unknown): void {
  const at = firstDifference(expected, actual, '');
  if (at) throw new AuditFailure(`${what} (first difference at ${at})`, expected, actual);
}

/**
 * Where two values first differ, as a path (`.items[2].creditedMinor`), or null when they are equal.
 * Structural: documents from the storage engine may come with another prototype.
 */
export function firstDifference(expected: unknown, actual: unknown, path: string): string | null {
  if (expected === actual) return null;
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null) {
    return `${path || '.'}: ${JSON.stringify(expected)} != ${JSON.stringify(actual)}`;
  }
  if (expected instanceof Date || actual instanceof Date) {
    return String(expected) === String(actual)
      ? null
      : `${path || '.'}: ${String(expected)} != ${String(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return `${path || '.'}: array != object`;
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  if (Array.isArray(expected)) {
    const length = (actual as unknown[]).length;
    if (expected.length !== length) return `${path}.length: ${expected.length} != ${length}`;
    for (let i = 0; i < length; i += 1) {
      const found = firstDifference(e[i], a[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(e)) {
    const found = firstDifference(e[key], a[key], `${path}.${key}`);
    if (found) return found;
  }
  for (const key of Object.keys(a)) {
    if (!(key in e) && a[key] !== undefined) return `${path}.${key}: absent != ${JSON.stringify(a[key])}`;
  }
  return null;
}

function expectTrue(what: string, condition: boolean, detail?: unknown): void {
  if (!condition) throw new AuditFailure(what, 'true', detail ?? false);
}

// ---------------------------------------------------------------------------------------------
// The rules' arithmetic (money-rules.md), written here again rather than imported from src/core.

const components = [
  'PENALTIES',
  'INTEREST',
  'INSTALLMENT_FEES',
  'FULL_PAY_PRINCIPAL',
  'INSTALLMENT_PRINCIPAL',
] as const satisfies readonly BillComponent[];
type Component = (typeof components)[number];
type Amounts = Record<Component, number>;

const zero = (): Amounts => ({
  PENALTIES: 0,
  INTEREST: 0,
  INSTALLMENT_FEES: 0,
  FULL_PAY_PRINCIPAL: 0,
  INSTALLMENT_PRINCIPAL: 0,
});

/** round(a x b / d) half up, for non-negative integers (exact: products stay far below 2^53). */
function mulDivHalfUp(a: number, b: number, d: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new RangeError(`product too large: ${a} x ${b}`);
  const q = Math.floor(product / d);
  return product - q * d >= d - (product - q * d) ? q + 1 : q;
}

/** Evenly, remainder in the first share. */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => (i === 0 ? total - base * (parts - 1) : base));
}

const dailyAccrualBps = 5; // 0.05% a day, penalty and revolving interest alike
const holdLifetimeMs = 7 * 86_400_000; // README: an order not shipped within 7 days is cancelled
const velocityWindowMs = 10 * 60_000; // channel-policies.ts: "per velocity window (10 minutes)"
const topUpCategory = 'TOP_UP'; // README: the mall's top-up category counts against the quota
const maximumLimitMinor = 3_000_000; // 30,000.00, the raise cap in money-rules.md

const refusalOrder: readonly RefusalReason[] = [
  'LINE_NOT_ACTIVE',
  'CHANNEL_NOT_ALLOWED',
  'CATEGORY_BLOCKED',
  'PLAN_NOT_OFFERED',
  'AMOUNT_BELOW_MINIMUM',
  'BINDING_NOT_ACTIVE',
  'CONSENT_MISSING',
  'SCENARIO_QUOTA_EXCEEDED',
  'VELOCITY_LIMIT',
  'AMOUNT_ANOMALY',
  'INSUFFICIENT_AVAILABLE_CREDIT',
];

// ---------------------------------------------------------------------------------------------
// The expected state.

interface ItemModel {
  kind: 'PURCHASE' | 'INSTALLMENT_PRINCIPAL' | 'INSTALLMENT_FEE';
  chargeId: string;
  period: number | null;
  amountMinor: number;
  creditedMinor: number;
}

interface BillModel {
  statementDate: Day;
  dueDate: Day;
  items: ItemModel[];
  billed: Amounts;
  paid: Amounts;
  credited: Amounts;
  minimumDueMinor: number;
  overdue: boolean;
  /** Days after the due day already accrued (or judged). */
  accruedDays: number;
  /** Each day's accrual after the due day: day 1 is the first day past due. */
  accruals: { day: number; component: 'PENALTIES' | 'INTEREST'; amountMinor: number }[];
  /** Days past due up to which a late-confirmed quote has waived the accruals (each day once). */
  waivedThroughDay: number;
  /** Sub-fen accrual carried to the next day, in 1/10,000 fen. */
  carry: number;
  /**
   * Past due while repayments asked by its due day waited on their source: judged when they are
   * answered (or their 7 days pass), as of its due day. What its days accrue meanwhile is kept aside.
   */
  held?: {
    /** Their landing would meet its unmet minimum (MINIMUM), or pay all it owes, its minimum met (IN_FULL). */
    kind: 'MINIMUM' | 'IN_FULL';
    /** Each repayment it waits on, and what it was to pay the bill when the due day passed (plain: lines are copied as JSON). */
    holders: Record<string, number>;
    /** What they must pay it: the minimum left, or all it owed. */
    shortMinor: number;
    /** What those that landed in time were to pay it (wherever their money went). */
    coveredMinor: number;
    /** Penalty (MINIMUM) or interest (IN_FULL) of each day, on that day's base. */
    aside: { day: number; amountMinor: number }[];
  };
  /** Owed nothing at the end of a command (and not held): done for good. */
  finished: boolean;
  /** Compared once finished: later compared again only when the whole system is shown. */
  settledChecked: boolean;
}

interface ChargeModel {
  chargeId: string;
  orderId: string;
  capturedOn: Day;
  /** Still unbilled (net of refunds and prepayments). */
  unbilledMinor: number;
  billedOn: Day | null;
}

interface PeriodModel {
  index: number;
  principalMinor: number;
  feeMinor: number;
}

interface PlanModel {
  orderId: string;
  chargeId: string;
  planId: string | null;
  periods: number;
  tier: FeeTier;
  feeRateBps: number;
  principalMinor: number;
  totalFeeMinor: number;
  firstStatementDate: Day;
  schedule: PeriodModel[];
  remaining: PeriodModel[];
  billedPeriods: number;
  feeWrittenOffMinor: number;
  status: 'ACTIVE' | 'FULLY_BILLED' | 'PAID_OFF' | 'CANCELLED';
}

export interface OrderModel {
  orderId: string;
  userId: string;
  lineId: string;
  store: Store;
  authorizationId: string;
  totalMinor: number;
  plan: Plan;
  periods: number;
  status: 'PLACED' | 'SHIPPED' | 'CANCELLED';
  capturedMinor: number;
  refundedMinor: number;
  createdAt: number;
}

/** A payout as the auditor follows it: debited, then paid, refused (put back) or still PENDING. */
interface PayoutModel {
  /** The rail's payout id: `<userId>:<key>`. */
  id: string;
  lineId: string;
  /** What was asked: an amount, or ALL. */
  signature: string;
  amountMinor: number;
  reversed: boolean;
  /** The bank answered PENDING: the due jobs ask it again, once nobody tried it for 5 minutes. */
  pending: boolean;
  /** When it was last tried (asked, or asked again by a due job). */
  triedAt: number;
}

interface RepaymentModel {
  id: string;
  lineId: string;
  signature: string;
  kind: RepayKind;
  /** From the source. */
  amountMinor: number;
  /** Credit balance set aside for it when asked; spent with the amount, or given back on a decline. */
  reservedMinor: number;
  payOffPlanIds: string[];
  /** Periods billed when asked, by the charge of each plan it pays off: later fees are waived. */
  billedWhenAsked: Map<string, number>;
  /** The business day it was asked: a quote holds 7 days. */
  askedOn: Day;
  /**
   * By statement date, what its quote paid each bill on the day asked (the auditor's own waterfall
   * over the line as it stood), and whether that settled the bill.
   */
  quoted: Map<Day, { paidMinor: Amounts; settled: boolean }>;
  status: 'INITIATED' | 'SUCCEEDED' | 'FAILED';
  createdAt: number;
  /** The source answered "later": until it answers, the bills it would keep current are held. */
  awaited?: boolean;
}

interface ReviewSnapshot {
  today: Day;
  limitMinor: number;
  status: string;
  usedMinor: number;
  overdueDays: number;
  streak: number;
  rewardedThirds: number;
  /** Bills that went overdue (settled ones too) and have not cut the limit yet (fresh: not reviewed before). */
  pendingCuts: { statementDate: Day; fresh: boolean }[];
}

interface LineModel {
  lineId: string;
  userId: string;
  statementDay: number;
  tier: FeeTier;
  openedOn: Day;
  limitMinor: number;
  status: string;
  heldMinor: number;
  creditBalanceMinor: number;
  /** Balance set aside for repayments the source has not answered. */
  reservedMinor: number;
  charges: ChargeModel[];
  plans: PlanModel[];
  bills: BillModel[];
  lastCut: Day | null;
  /** Bills paid off in a row without going overdue, and how many of its 3rds were rewarded. */
  streak: number;
  rewardedThirds: number;
  /**
   * Bills that went overdue and have not cut the limit yet, settled ones too, with how many reviews
   * saw them.
   */
  pendingCuts: { statementDate: Day; reviews: number }[];
  approvedAt: number[];
  /** Top-ups authorized, by order: what each still counts in its month's quota. */
  topUps: { orderId: string; month: string; amountMinor: number }[];
  /** Money flows the conservation checks need (captures and refunds come from the system's orders). */
  flows: {
    refundsToBalanceMinor: number;
    principalPaidMinor: number;
    repaidMinor: number;
    paidOutMinor: number;
  };
  review: ReviewSnapshot | null;
}

export interface LineOpening {
  lineId: string;
  userId: string;
  statementDay: number;
  tier: FeeTier;
  limitMinor: number;
  status: string;
  openedOn: Day;
}

export interface LineObservation {
  line: CreditLineDoc;
  bills: BillDoc[];
  plans: InstallmentPlanDoc[];
}

/**
 * What the repositories show: the lines a step may have touched (every line after the due jobs),
 * with their orders. `complete`: every line and every order of the system.
 */
export interface Observation {
  lines: Map<string, LineObservation>;
  orders: OrderDoc[];
  complete: boolean;
}

export interface AuditCounts {
  billsChecked: number;
  billsIssued: number;
  overdueBills: number;
  plansPaidOff: number;
  plansCancelled: number;
  refundsToBalance: number;
  limitChanges: number;
  /** Fees of periods billed while a payoff waited on the source, waived when it landed. */
  feesWaivedAfterBilling: number;
  /** Bills whose penalties or interest charged while a quoted repayment waited were waived when it landed. */
  accrualsWaivedOnLanding: number;
  /** Quotes (repay kinds but AMOUNT, auto-debits) made while another repayment of the line waited on its source. */
  quotesCountingWaiting: number;
  /** Due-day auto-debits not made: repayments waiting on their source pay the bills. */
  autoDebitsNotNeeded: number;
  /** Due-day auto-debits asked again after a decline. */
  autoDebitRetries: number;
  /** AMOUNT repayments refused for asking more than the line owes in all. */
  amountsOverOwed: number;
  /** Payouts the bank answered PENDING that the due jobs finished (paid, or refused and put back). */
  payoutsFinishedByJobs: number;
  /** Bills past due kept from overdue (for a while at least) by repayments awaited from their source. */
  billsHeldBySource: number;
  /** Orders shipped in part: less captured than was held. */
  partialCaptures: number;
}

/** Figures the line shows, derived from the model. */
function figures(line: LineModel) {
  let principal = 0;
  let fees = 0;
  let interest = 0;
  let penalties = 0;
  for (const bill of line.bills) {
    principal += owed(bill, 'FULL_PAY_PRINCIPAL') + owed(bill, 'INSTALLMENT_PRINCIPAL');
    fees += owed(bill, 'INSTALLMENT_FEES');
    interest += owed(bill, 'INTEREST');
    penalties += owed(bill, 'PENALTIES');
  }
  principal += unbilledPrincipal(line);
  return {
    principal,
    // Only an ACTIVE line can be spent on: a frozen (or closed, or unapproved) one shows none.
    available: line.status === 'ACTIVE' ? line.limitMinor - principal - line.heldMinor : 0,
    fees,
    interest,
    penalties,
  };
}

function unbilledPrincipal(line: LineModel): number {
  return (
    line.charges.reduce((sum, charge) => sum + charge.unbilledMinor, 0) +
    line.plans.reduce((sum, plan) => sum + planUnbilled(plan).principal, 0)
  );
}

function planUnbilled(plan: PlanModel): { principal: number; fee: number; periods: PeriodModel[] } {
  const periods = plan.status === 'ACTIVE' ? plan.remaining.filter((p) => p.index > plan.billedPeriods) : [];
  return {
    principal: periods.reduce((sum, p) => sum + p.principalMinor, 0),
    fee: periods.reduce((sum, p) => sum + p.feeMinor, 0),
    periods,
  };
}

function owed(bill: BillModel, component: Component): number {
  return bill.billed[component] - bill.paid[component] - bill.credited[component];
}

function owedTotal(bill: BillModel): number {
  return components.reduce((sum, component) => sum + owed(bill, component), 0);
}

function settledTotal(bill: BillModel): number {
  return components.reduce((sum, c) => sum + bill.paid[c] + bill.credited[c], 0);
}

function remainingMinimum(bill: BillModel): number {
  return Math.max(0, Math.min(bill.minimumDueMinor - settledTotal(bill), owedTotal(bill)));
}

/**
 * MINIMUM: the waterfall fills bills' amounts in one fixed order (penalties of every bill, then
 * fees, then overdue principal, then current principal up to each bill's minimum, oldest bill first
 * in each), so each bill is current once the money reaches a point of that order: the end of its
 * last owed amount if overdue, the fen that meets its minimum if not. The repayment is the furthest
 * of those points (the rest of current principal comes after every bill is current).
 */
function minimumThroughWaterfall(open: BillModel[]): number {
  type Slot = [BillModel, Component];
  const principal = (bill: BillModel): Slot[] => [
    [bill, 'FULL_PAY_PRINCIPAL'],
    [bill, 'INSTALLMENT_PRINCIPAL'],
  ];
  const order: Slot[] = [
    ...open.map((bill): Slot => [bill, 'PENALTIES']),
    ...open.flatMap((bill): Slot[] => [
      [bill, 'INTEREST'],
      [bill, 'INSTALLMENT_FEES'],
    ]),
    ...open.filter((bill) => bill.overdue).flatMap(principal),
    ...open.filter((bill) => !bill.overdue).flatMap(principal),
  ];
  const stillNeeded = new Map(
    open.map((bill) => [bill, bill.overdue ? owedTotal(bill) : remainingMinimum(bill)]),
  );
  let spent = 0;
  let furthest = 0;
  for (const [bill, component] of order) {
    const need = stillNeeded.get(bill)!;
    const isCurrentPrincipal = !bill.overdue && component.endsWith('PRINCIPAL');
    // A current bill's principal is taken only up to its minimum in this pass.
    const fill = isCurrentPrincipal ? Math.min(owed(bill, component), need) : owed(bill, component);
    if (need > 0 && need <= fill) furthest = Math.max(furthest, spent + need);
    stillNeeded.set(bill, Math.max(0, need - fill));
    spent += fill;
  }
  return furthest;
}

function billStatus(bill: BillModel): string {
  if (owedTotal(bill) === 0) return bill.overdue ? 'SETTLED' : 'PAID';
  if (bill.overdue) return 'OVERDUE';
  return settledTotal(bill) > 0 ? 'PARTIALLY_PAID' : 'ISSUED';
}

function firstError(reply: { userErrors: { code: string }[] }): string | null {
  return reply.userErrors[0]?.code ?? null;
}

/**
 * The independent auditor: it rebuilds the expected state of every line from the requests and
 * replies alone (risk approvals, order ids and limit-review changes are taken from the replies and
 * checked), decides time-driven effects itself, and compares with what the repositories show.
 */
export class Auditor {
  readonly lines = new Map<string, LineModel>();
  readonly orders = new Map<string, OrderModel>();
  private readonly lineOfUser = new Map<string, string>();
  private readonly products: Map<string, ProductDoc>;
  private readonly checkoutKeys = new Map<
    string,
    { signature: string; orderId: string | null; refusal: string | null }
  >();
  private readonly refundKeys = new Map<string, { amountMinor: number; feeWrittenOffMinor: number }>();
  private readonly repayments = new Map<string, RepaymentModel>();
  /** Each bill's last auto-debit attempt, and its number. */
  private readonly autoDebits = new Map<string, RepaymentModel>();
  private readonly autoDebitAttempts = new Map<string, number>();
  private readonly payouts = new Map<string, PayoutModel>();
  /** Per bill as last shown: its accrual base, interest and penalties billed, what it owed, whether held. */
  private readonly previousBills = new Map<
    string,
    { base: number; accrued: [number, number]; owed: number; held: boolean }
  >();
  readonly counts: AuditCounts = {
    billsChecked: 0,
    billsIssued: 0,
    overdueBills: 0,
    plansPaidOff: 0,
    plansCancelled: 0,
    refundsToBalance: 0,
    limitChanges: 0,
    feesWaivedAfterBilling: 0,
    accrualsWaivedOnLanding: 0,
    quotesCountingWaiting: 0,
    autoDebitsNotNeeded: 0,
    autoDebitRetries: 0,
    amountsOverOwed: 0,
    payoutsFinishedByJobs: 0,
    billsHeldBySource: 0,
    partialCaptures: 0,
  };
  /** Bills counted in `billsHeldBySource` (line|statement date). */
  private readonly billsHeld = new Set<string>();

  constructor(openings: LineOpening[], products: readonly ProductDoc[]) {
    this.products = new Map(products.map((product) => [product._id, product]));
    for (const opening of openings) {
      this.lineOfUser.set(opening.userId, opening.lineId);
      this.lines.set(opening.lineId, {
        ...opening,
        heldMinor: 0,
        creditBalanceMinor: 0,
        reservedMinor: 0,
        charges: [],
        plans: [],
        bills: [],
        lastCut: null,
        streak: 0,
        rewardedThirds: 0,
        pendingCuts: [],
        approvedAt: [],
        topUps: [],
        flows: {
          refundsToBalanceMinor: 0,
          principalPaidMinor: 0,
          repaidMinor: 0,
          paidOutMinor: 0,
        },
        review: null,
      });
    }
  }

  // ------------------------------------------------------------------ read-only views for the driver

  line(userId: string): Readonly<LineModel> {
    return this.lines.get(this.lineIdOf(userId))!;
  }

  /** What each repay kind collects now, per the rules (STATEMENT, MINIMUM, PAYOFF). */
  owedOnBills(userId: string): number {
    const line = this.caughtUpCopy(this.line(userId) as LineModel, this.today);
    return line.bills.reduce((sum, bill) => sum + owedTotal(bill), 0);
  }

  /**
   * The most an AMOUNT may be now: what it can pay, all that is billed and the full-pay charges not
   * billed yet (not the plans' unbilled principal); the balance and repayments waiting not counted.
   */
  amountRepayable(userId: string): number {
    const line = this.caughtUpCopy(this.line(userId) as LineModel, this.today);
    return (
      line.bills.reduce((sum, bill) => sum + owedTotal(bill), 0) +
      line.charges.reduce((sum, charge) => sum + charge.unbilledMinor, 0)
    );
  }

  planIds(userId: string): { planId: string; active: boolean }[] {
    return this.line(userId)
      .plans.filter((plan) => plan.planId !== null)
      .map((plan) => ({ planId: plan.planId!, active: plan.status === 'ACTIVE' }));
  }

  /** Whether a bill still owing falls due on `day` (its auto-debit day). */
  isDueDay(day: Day): boolean {
    return [...this.lines.values()].some((line) =>
      line.bills.some((bill) => !bill.finished && bill.dueDate === day),
    );
  }

  /** Statement and due dates ahead (the driver aims the clock at them now and then). */
  upcomingDates(from: Day): Day[] {
    const dates: Day[] = [];
    for (const line of this.lines.values()) {
      const statement = statementOnOrAfter(from, line.statementDay);
      dates.push(statement, dueDateOf(statement));
      for (const bill of line.bills) if (bill.dueDate >= from) dates.push(bill.dueDate);
    }
    return [...new Set(dates)].filter((date) => date > from).sort();
  }

  private today: Day = '1970-01-01';

  private lineIdOf(userId: string): string {
    const lineId = this.lineOfUser.get(userId);
    if (!lineId) throw new Error(`auditor: no line for ${userId}`);
    return lineId;
  }

  // ------------------------------------------------------------------ time-driven rules

  /**
   * Brings the bills up to `today`: at the first day after its due day a bill whose remaining minimum
   * is above 0 goes overdue for good; each day after the due day it accrues 0.05% of its base as it
   * stood when the day began (penalty base when overdue, else interest base), sub-fen carried.
   * Applied lazily before a command of the line: nothing else happens between two commands.
   */
  private catchUp(line: LineModel, today: Day): void {
    for (const bill of line.bills) {
      if (bill.finished) continue;
      const daysPastDue = daysBetween(bill.dueDate, today);
      if (daysPastDue < 1) continue;
      if (!bill.held && !bill.overdue && bill.accruedDays === 0) this.holdAtDueDay(line, bill, today);
      if (bill.held) {
        if (this.stillHeld(line, bill, today)) {
          this.accrueAside(bill, daysPastDue);
          continue;
        }
        this.judgeHeld(line, bill);
      }
      if (bill.accruedDays === 0 && !bill.overdue && remainingMinimum(bill) > 0) {
        bill.overdue = true;
        line.streak = 0;
        line.rewardedThirds = 0;
        line.pendingCuts.push({ statementDate: bill.statementDate, reviews: 0 });
        this.counts.overdueBills += 1;
      }
      for (let day = bill.accruedDays + 1; day <= daysPastDue; day += 1) {
        const principal = owed(bill, 'FULL_PAY_PRINCIPAL') + owed(bill, 'INSTALLMENT_PRINCIPAL');
        const base = bill.overdue ? principal + owed(bill, 'INSTALLMENT_FEES') : principal;
        const scaled = base * dailyAccrualBps + bill.carry;
        const amount = Math.floor(scaled / 10_000);
        bill.carry = scaled - amount * 10_000;
        bill.billed[bill.overdue ? 'PENALTIES' : 'INTEREST'] += amount;
        bill.accruals.push({ day, component: bill.overdue ? 'PENALTIES' : 'INTEREST', amountMinor: amount });
      }
      bill.accruedDays = Math.max(bill.accruedDays, daysPastDue);
    }
  }

  /** Repayments the source said it confirms later, asked by the bill's due day, within 7 days of the ask. */
  private holdersOf(line: LineModel, bill: BillModel, today: Day): RepaymentModel[] {
    return this.waitingOn(line).filter(
      (repayment) =>
        repayment.awaited === true &&
        daysBetween(repayment.askedOn, bill.dueDate) >= 0 &&
        daysBetween(repayment.askedOn, today) <= 7,
    );
  }

  /**
   * When its due day passes, a bill is held if the awaited repayments, landed on a copy as they would
   * land (oldest ask first), would bring it to its unmet minimum, or pay all it owes once its
   * minimum was met.
   */
  private holdAtDueDay(line: LineModel, bill: BillModel, today: Day): void {
    const holders = this.holdersOf(line, bill, today);
    if (holders.length === 0) return;
    const copy = JSON.parse(JSON.stringify(line)) as LineModel;
    const landed = copy.bills.find((candidate) => candidate.statementDate === bill.statementDate)!;
    const counts = { ...this.counts };
    const expected: Record<string, number> = {};
    for (const repayment of holders) {
      const settledBefore = settledTotal(landed);
      this.landMoney(copy, repayment);
      expected[repayment.id] = Math.max(0, settledTotal(landed) - settledBefore);
    }
    Object.assign(this.counts, counts);
    const unmetMinor = remainingMinimum(bill);
    const kind =
      unmetMinor > 0
        ? remainingMinimum(landed) === 0 || owedTotal(landed) === 0
          ? 'MINIMUM'
          : null
        : owedTotal(landed) === 0
          ? 'IN_FULL'
          : null;
    if (!kind) return;
    bill.held = {
      kind,
      holders: expected,
      shortMinor: kind === 'MINIMUM' ? unmetMinor : owedTotal(bill),
      coveredMinor: 0,
      aside: [],
    };
    const key = `${line.lineId}|${bill.statementDate}`;
    if (!this.billsHeld.has(key)) {
      this.billsHeld.add(key);
      this.counts.billsHeldBySource += 1;
    }
  }

  private stillHeld(line: LineModel, bill: BillModel, today: Day): boolean {
    return this.holdersOf(line, bill, today).some((repayment) => repayment.id in bill.held!.holders);
  }

  /** A held bill's days: penalty (minimum unmet) or interest (met) on each day's base, kept aside. */
  private accrueAside(bill: BillModel, daysPastDue: number): void {
    const held = bill.held!;
    for (let day = bill.accruedDays + 1; day <= daysPastDue; day += 1) {
      const principal = owed(bill, 'FULL_PAY_PRINCIPAL') + owed(bill, 'INSTALLMENT_PRINCIPAL');
      const base = held.kind === 'MINIMUM' ? principal + owed(bill, 'INSTALLMENT_FEES') : principal;
      const scaled = base * dailyAccrualBps + bill.carry;
      const amount = Math.floor(scaled / 10_000);
      bill.carry = scaled - amount * 10_000;
      held.aside.push({ day, amountMinor: amount });
    }
    bill.accruedDays = Math.max(bill.accruedDays, daysPastDue);
  }

  /**
   * Its repayments answered (or out of time): paid in time if what they paid covers what it was
   * short (its days then accrue afresh as a current bill's); else judged as had they never been
   * asked, with the days kept aside charged.
   */
  private judgeHeld(line: LineModel, bill: BillModel): void {
    const held = bill.held!;
    delete bill.held;
    if (held.coveredMinor >= held.shortMinor) {
      bill.accruedDays = 0;
      bill.carry = 0;
      return;
    }
    const component = held.kind === 'MINIMUM' ? 'PENALTIES' : 'INTEREST';
    if (held.kind === 'MINIMUM') {
      bill.overdue = true;
      line.streak = 0;
      line.rewardedThirds = 0;
      line.pendingCuts.push({ statementDate: bill.statementDate, reviews: 0 });
      this.counts.overdueBills += 1;
    }
    for (const { day, amountMinor } of held.aside) {
      bill.billed[component] += amountMinor;
      bill.accruals.push({ day, component, amountMinor });
    }
  }

  /** A command on a line: bills first brought up to the day, then the command, then the credit balance. */
  private command(line: LineModel, today: Day, apply: () => void): void {
    this.catchUp(line, today);
    // The day's accrual is an entry of its own: a credit balance pays what it charged first (a held
    // bill paid off meanwhile, judged overdue, owes its penalties while the line has a balance).
    this.settle(line);
    apply();
    this.settle(line);
  }

  /** The credit balance pays what bills owe at once (billed amounts only); finished bills count. */
  private settle(line: LineModel): void {
    if (line.creditBalanceMinor > 0 && line.bills.some((bill) => !bill.finished && owedTotal(bill) > 0)) {
      line.creditBalanceMinor = this.waterfall(line, line.creditBalanceMinor, [], false);
    }
    // Balance set aside for a repayment the source has not answered pays bills too.
    if (line.reservedMinor > 0 && line.bills.some((bill) => !bill.finished && owedTotal(bill) > 0)) {
      line.reservedMinor = this.waterfall(line, line.reservedMinor, [], false);
    }
    for (const bill of line.bills) {
      // A held bill paid off by other money waits for its judgment.
      if (bill.finished || bill.held || owedTotal(bill) > 0) continue;
      bill.finished = true;
      if (!bill.overdue) line.streak += 1;
    }
  }

  /**
   * The repayment waterfall: penalties; fees (interest then installment fees, per bill); principal
   * of overdue bills; principal of current bills (FULL then installment), first up to each bill's
   * remaining minimum, then the rest; plans asked to be paid
   * off; unbilled FULL charges oldest first. Each stage walks bills oldest first. Returns what is left.
   */
  private waterfall(line: LineModel, amountMinor: number, payOffPlanIds: string[], prepay: boolean): number {
    let left = amountMinor;
    const open = line.bills.filter((bill) => !bill.finished);
    const pay = (bill: BillModel, component: Component, cap = Infinity) => {
      const take = Math.min(left, owed(bill, component), cap);
      bill.paid[component] += take;
      left -= take;
      if (component === 'FULL_PAY_PRINCIPAL' || component === 'INSTALLMENT_PRINCIPAL') {
        line.flows.principalPaidMinor += take;
      }
    };
    for (const bill of open) pay(bill, 'PENALTIES');
    for (const bill of open) {
      pay(bill, 'INTEREST');
      pay(bill, 'INSTALLMENT_FEES');
    }
    for (const bill of open.filter((b) => b.overdue)) {
      pay(bill, 'FULL_PAY_PRINCIPAL');
      pay(bill, 'INSTALLMENT_PRINCIPAL');
    }
    const current = open.filter((b) => !b.overdue);
    for (const bill of current) {
      pay(bill, 'FULL_PAY_PRINCIPAL', remainingMinimum(bill));
      pay(bill, 'INSTALLMENT_PRINCIPAL', remainingMinimum(bill));
    }
    for (const bill of current) {
      pay(bill, 'FULL_PAY_PRINCIPAL');
      pay(bill, 'INSTALLMENT_PRINCIPAL');
    }
    for (const plan of line.plans) {
      if (plan.status !== 'ACTIVE' || plan.planId === null || !payOffPlanIds.includes(plan.planId)) continue;
      const unbilled = planUnbilled(plan);
      if (unbilled.principal > left) continue;
      left -= unbilled.principal;
      line.flows.principalPaidMinor += unbilled.principal;
      plan.feeWrittenOffMinor += unbilled.fee;
      plan.remaining = plan.remaining.filter((p) => p.index <= plan.billedPeriods);
      plan.status = 'PAID_OFF';
      this.counts.plansPaidOff += 1;
    }
    if (prepay) {
      for (const charge of line.charges) {
        const take = Math.min(left, charge.unbilledMinor);
        charge.unbilledMinor -= take;
        left -= take;
        line.flows.principalPaidMinor += take;
      }
    }
    return left;
  }

  /**
   * The statement for `statementDate`, cut `today`: FULL charges captured on or before it still
   * unbilled, and plan periods falling due by it. Nothing to bill: no statement, nothing changes.
   */
  private cutStatement(line: LineModel, statementDate: Day, today: Day): BillModel | null {
    const items: ItemModel[] = [];
    const charges = line.charges.filter(
      (c) => c.billedOn === null && c.capturedOn <= statementDate && c.unbilledMinor > 0,
    );
    for (const charge of charges) {
      items.push({
        kind: 'PURCHASE',
        chargeId: charge.chargeId,
        period: null,
        amountMinor: charge.unbilledMinor,
        creditedMinor: 0,
      });
    }
    const periodsDue: { plan: PlanModel; period: PeriodModel }[] = [];
    for (const plan of line.plans) {
      for (const period of planUnbilled(plan).periods) {
        if (addMonths(plan.firstStatementDate, period.index - 1) > statementDate) break;
        periodsDue.push({ plan, period });
        const common = { chargeId: plan.chargeId, period: period.index, creditedMinor: 0 };
        items.push(
          { kind: 'INSTALLMENT_PRINCIPAL', ...common, amountMinor: period.principalMinor },
          { kind: 'INSTALLMENT_FEE', ...common, amountMinor: period.feeMinor },
        );
      }
    }
    if (items.reduce((sum, item) => sum + item.amountMinor, 0) === 0) return null;
    const billed = zero();
    for (const item of items) {
      const component =
        item.kind === 'PURCHASE'
          ? 'FULL_PAY_PRINCIPAL'
          : item.kind === 'INSTALLMENT_PRINCIPAL'
            ? 'INSTALLMENT_PRINCIPAL'
            : 'INSTALLMENT_FEES';
      billed[component] += item.amountMinor;
    }
    for (const charge of charges) {
      charge.unbilledMinor = 0;
      charge.billedOn = statementDate;
    }
    for (const { plan, period } of periodsDue) {
      plan.billedPeriods = period.index;
      if (plan.billedPeriods === plan.periods) plan.status = 'FULLY_BILLED';
    }
    line.lastCut = statementDate;
    const bill: BillModel = {
      statementDate,
      // Cut on or after its own due day (the jobs did not run): due 9 days after the cut.
      dueDate: today >= dueDateOf(statementDate) ? dueDateOf(today) : dueDateOf(statementDate),
      items,
      billed,
      paid: zero(),
      credited: zero(),
      minimumDueMinor:
        Math.ceil(billed.FULL_PAY_PRINCIPAL / 10) + billed.INSTALLMENT_PRINCIPAL + billed.INSTALLMENT_FEES,
      overdue: false,
      accruedDays: 0,
      accruals: [],
      waivedThroughDay: 0,
      carry: 0,
      finished: false,
      settledChecked: false,
    };
    line.bills.push(bill);
    this.counts.billsIssued += 1;
    return bill;
  }

  /** Statement dates not cut yet, up to today, oldest first. */
  private statementDatesDue(line: LineModel, today: Day): Day[] {
    // Nothing is billable before the first charge: start there rather than at the line's opening.
    const earliest = [
      ...line.charges.map((c) => c.capturedOn),
      ...line.plans.map((p) => p.firstStatementDate),
    ]
      .sort()
      .at(0);
    if (earliest === undefined) return [];
    let date = line.lastCut ? addMonths(line.lastCut, 1) : statementOnOrAfter(earliest, line.statementDay);
    if (date === line.openedOn) date = addMonths(date, 1); // opened on its statement day: nothing to bill
    const dates: Day[] = [];
    for (; date <= today; date = addMonths(date, 1)) dates.push(date);
    return dates;
  }

  /** A deep copy brought up to `today`: what the rules say is owed right now. */
  private caughtUpCopy(line: LineModel, today: Day): LineModel {
    const copy = JSON.parse(JSON.stringify(line)) as LineModel;
    const counts = { ...this.counts };
    this.catchUp(copy, today);
    Object.assign(this.counts, counts);
    return copy;
  }

  // ------------------------------------------------------------------ steps

  /** Checks one recorded step's reply against the rules and moves the expected state. */
  step(exchange: Exchange): void {
    this.today = cstDate(exchange.at);
    const { request } = exchange;
    switch (request.kind) {
      case 'checkout':
        this.checkout(request, exchange.reply as CheckoutResult, exchange.at);
        break;
      case 'ship':
        this.ship(request, exchange.reply as OrderResult);
        break;
      case 'cancel':
        this.cancel(request.orderId, exchange.reply as OrderResult);
        break;
      case 'refund':
        this.refund(request, exchange.reply as RefundResult);
        break;
      case 'repay':
        this.repay(request, exchange.reply as RepayResult, exchange.railCalls);
        break;
      case 'payOut':
        this.payOut(request, exchange.reply as PayOutResult, exchange.railCalls, exchange.at);
        break;
      case 'clock':
        break;
      case 'runDueJobs':
        this.runDueJobs(exchange.reply as DueJobsReport, exchange.railCalls);
        return;
    }
    if (request.kind !== 'repay' && request.kind !== 'payOut') {
      expectSame('no rail calls outside repay, payout and due jobs', [], exchange.railCalls);
    }
  }

  private checkout(
    request: Extract<SimRequest, { kind: 'checkout' }>,
    reply: CheckoutResult,
    at: number,
  ): void {
    const line = this.lines.get(this.lineIdOf(request.userId))!;
    const periods = request.plan === 'FULL' ? 1 : request.periods;
    const signature = JSON.stringify([
      request.store,
      [...request.items].sort((a, b) => a.productId.localeCompare(b.productId)),
      request.plan,
      periods,
    ]);
    const products = request.items.map((item) => this.products.get(item.productId));
    if (products.some((p) => !p || p.store !== request.store)) {
      expectSame('checkout of a product not sold in this store', 'PRODUCT_NOT_FOUND', firstError(reply));
      return;
    }
    const totalMinor = request.items.reduce(
      (sum, item, i) => sum + products[i]!.priceMinor * item.quantity,
      0,
    );
    const keyOf = `${request.userId}|${request.key}`;
    const prior = this.checkoutKeys.get(keyOf);
    if (prior) {
      if (prior.signature !== signature) {
        expectSame('checkout key reused with other input', 'IDEMPOTENCY_KEY_REUSED', firstError(reply));
        expectSame('checkout key reused: no order', null, reply.order);
      } else if (prior.orderId) {
        expectSame(
          'checkout retry replays the order',
          [prior.orderId, null],
          [reply.order?._id ?? null, firstError(reply)],
        );
      } else {
        expectSame(
          'checkout retry replays the refusal',
          [null, prior.refusal],
          [reply.order?._id ?? null, firstError(reply)],
        );
      }
      return;
    }

    const today = cstDate(at);
    const judged = this.judge(line, request, products as ProductDoc[], totalMinor, at);
    if (reply.order) {
      const order = reply.order;
      const applying = refusalOrder.filter((reason) => judged.get(reason) === true);
      expectSame('an approved checkout breaks no rule the auditor can judge', [], applying);
      expectSame(
        'approved order amount and plan',
        [totalMinor, request.plan, periods, 'PLACED'],
        [order.totalMinor, order.plan, order.periods, order.status],
      );
      expectTrue('order created at the business day', cstDate(order.createdAt.getTime()) === today, order);
      this.command(line, today, () => {
        line.heldMinor += totalMinor;
      });
      line.approvedAt.push(order.createdAt.getTime());
      if (products.some((p) => p!.category === topUpCategory)) {
        line.topUps.push({ orderId: order._id, month: today.slice(0, 7), amountMinor: totalMinor });
      }
      this.orders.set(order._id, {
        orderId: order._id,
        userId: request.userId,
        lineId: line.lineId,
        store: request.store,
        authorizationId: order.authorizationId,
        totalMinor,
        plan: request.plan,
        periods: periods!,
        status: 'PLACED',
        capturedMinor: 0,
        refundedMinor: 0,
        createdAt: order.createdAt.getTime(),
      });
      this.checkoutKeys.set(keyOf, { signature, orderId: order._id, refusal: null });
      return;
    }
    const reason = firstError(reply) as RefusalReason | null;
    expectTrue(
      'a refused checkout names a risk reason',
      reason !== null && refusalOrder.includes(reason),
      reply,
    );
    const earlier = refusalOrder
      .slice(0, refusalOrder.indexOf(reason!))
      .filter((r) => judged.get(r) === true);
    expectSame(`refusal ${reason}: no earlier reason applies`, [], earlier);
    expectTrue(
      `refusal ${reason} is justified (available ${figures(line).available}, amount ${totalMinor})`,
      judged.get(reason!) !== false,
      { reason, judged: Object.fromEntries(judged) },
    );
    this.checkoutKeys.set(keyOf, { signature, orderId: null, refusal: reason });
  }

  /** The refusal rules the auditor can decide itself: true/false, or absent when it cannot tell. */
  private judge(
    line: LineModel,
    request: Extract<SimRequest, { kind: 'checkout' }>,
    products: ProductDoc[],
    totalMinor: number,
    at: number,
  ): Map<RefusalReason, boolean> {
    const channel = request.store === 'MALL' ? 'MALL' : 'INSTALLMENT_STORE';
    const policy = channelPolicies[channel];
    const judged = new Map<RefusalReason, boolean>();
    judged.set('LINE_NOT_ACTIVE', line.status !== 'ACTIVE');
    judged.set('CHANNEL_NOT_ALLOWED', false);
    judged.set(
      'CATEGORY_BLOCKED',
      products.some(
        (p) => alwaysBlockedCategories.includes(p.category) || policy.blockedCategories.includes(p.category),
      ),
    );
    const periods = request.periods;
    const offered =
      policy.plans.includes(request.plan) &&
      (request.plan === 'FULL' ||
        (periods !== undefined &&
          (policy.installmentPeriods as readonly number[]).includes(periods) &&
          products.every(
            (p) => p.installmentPeriods.length === 0 || p.installmentPeriods.includes(periods),
          )));
    judged.set('PLAN_NOT_OFFERED', !offered);
    judged.set('AMOUNT_BELOW_MINIMUM', totalMinor < policy.minimumAmountMinor);
    judged.set('BINDING_NOT_ACTIVE', false);
    judged.set('CONSENT_MISSING', false);
    const month = cstDate(at).slice(0, 7);
    if (products.some((p) => p.category === topUpCategory)) {
      const used = line.topUps.filter((t) => t.month === month).reduce((sum, t) => sum + t.amountMinor, 0);
      judged.set('SCENARIO_QUOTA_EXCEEDED', used + totalMinor > scenarioQuotas.PHONE_TOPUP.monthlyMinor);
    } else {
      judged.set('SCENARIO_QUOTA_EXCEEDED', false);
    }
    // The system's instant is the driver's plus a few ms of wall time: undecided near the edge.
    const edge = line.approvedAt.some((t) => Math.abs(t - (at - velocityWindowMs)) < 5_000);
    if (!edge) {
      const recent = line.approvedAt.filter((t) => t > at - velocityWindowMs).length;
      judged.set('VELOCITY_LIMIT', recent >= policy.velocityMaxAuthorizations);
    }
    judged.set('INSUFFICIENT_AVAILABLE_CREDIT', totalMinor > figures(line).available);
    return judged;
  }

  private orderOf(orderId: string): OrderModel {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`auditor: unknown order ${orderId}`);
    return order;
  }

  private ship(request: Extract<SimRequest, { kind: 'ship' }>, reply: OrderResult): void {
    const order = this.orderOf(request.orderId);
    if (order.status === 'CANCELLED') {
      expectSame('ship of a cancelled order', 'ORDER_CANCELLED', firstError(reply));
      return;
    }
    // README: a capture of part of the hold charges that much and releases the rest; once.
    const askedMinor = request.captureMinor ?? order.totalMinor;
    if (order.status === 'SHIPPED' && askedMinor !== order.capturedMinor) {
      expectSame(
        'ship again with another amount',
        ['ORDER_ALREADY_SHIPPED', order.capturedMinor],
        [firstError(reply), reply.order?.capturedMinor],
      );
      return;
    }
    if (askedMinor > order.totalMinor) {
      expectSame('capture of more than was held', 'CAPTURE_EXCEEDS_AUTHORIZATION', firstError(reply));
      return;
    }
    // README: the part captured must meet the channel's minimum, as a checkout of it would.
    const channel = order.store === 'MALL' ? 'MALL' : 'INSTALLMENT_STORE';
    if (askedMinor < order.totalMinor && askedMinor < channelPolicies[channel].minimumAmountMinor) {
      expectSame('capture of part under the minimum', 'CAPTURE_BELOW_MINIMUM', firstError(reply));
      return;
    }
    expectSame(
      'ship succeeds',
      [null, 'SHIPPED', askedMinor],
      [firstError(reply), reply.order?.status, reply.order?.capturedMinor],
    );
    if (order.status === 'SHIPPED') return; // a retry: the hold resolved once
    if (askedMinor < order.totalMinor) this.counts.partialCaptures += 1;
    const line = this.lines.get(order.lineId)!;
    this.command(line, this.today, () => {
      line.heldMinor -= order.totalMinor;
      if (order.plan === 'FULL') {
        line.charges.push({
          chargeId: order.authorizationId,
          orderId: order.orderId,
          capturedOn: this.today,
          unbilledMinor: askedMinor,
          billedOn: null,
        });
      } else {
        line.plans.push(this.price(line, order, askedMinor));
      }
    });
    order.status = 'SHIPPED';
    order.capturedMinor = askedMinor;
    // README: the part of a top-up's hold a partial capture releases leaves the quota.
    this.countInQuota(line, order, askedMinor);
  }

  /**
   * A plan as sold: fee = round-half-up(principal x rate x n), principal and fee split evenly with
   * the remainder in period 1; period 1 on the first statement on or after today not already cut.
   */
  private price(line: LineModel, order: OrderModel, principalMinor: number): PlanModel {
    const n = order.periods as 3 | 6 | 12 | 24;
    const feeRateBps = feeRateBpsPerPeriod[line.tier][n];
    const totalFeeMinor = mulDivHalfUp(principalMinor, feeRateBps * n, 10_000);
    const principals = split(principalMinor, n);
    const fees = split(totalFeeMinor, n);
    const schedule = principals.map((principalMinor, i) => ({
      index: i + 1,
      principalMinor,
      feeMinor: fees[i]!,
    }));
    let first = statementOnOrAfter(this.today, line.statementDay);
    if (line.lastCut !== null && first <= line.lastCut) first = addMonths(line.lastCut, 1);
    return {
      orderId: order.orderId,
      chargeId: order.authorizationId,
      planId: null,
      periods: n,
      tier: line.tier,
      feeRateBps,
      principalMinor,
      totalFeeMinor,
      firstStatementDate: first,
      schedule,
      remaining: schedule.map((period) => ({ ...period })),
      billedPeriods: 0,
      feeWrittenOffMinor: 0,
      status: 'ACTIVE',
    };
  }

  private cancel(orderId: string, reply: OrderResult): void {
    const order = this.orderOf(orderId);
    if (order.status === 'SHIPPED') {
      expectSame('cancel of a shipped order', 'ORDER_ALREADY_SHIPPED', firstError(reply));
      return;
    }
    expectSame('cancel succeeds', [null, 'CANCELLED'], [firstError(reply), reply.order?.status]);
    if (order.status === 'CANCELLED') return;
    this.voidHold(order);
  }

  private voidHold(order: OrderModel): void {
    const line = this.lines.get(order.lineId)!;
    this.command(line, this.today, () => {
      line.heldMinor -= order.totalMinor;
    });
    order.status = 'CANCELLED';
    // README: a voided top-up gives its quota back.
    this.countInQuota(line, order, 0);
  }

  /** What a top-up order still counts in its month's quota once its hold is resolved. */
  private countInQuota(line: LineModel, order: OrderModel, countedMinor: number): void {
    const topUp = line.topUps.find((t) => t.orderId === order.orderId);
    if (topUp) topUp.amountMinor = countedMinor;
  }

  private refund(request: Extract<SimRequest, { kind: 'refund' }>, reply: RefundResult): void {
    const order = this.orderOf(request.orderId);
    if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0) {
      expectSame('refund of a non-positive amount', 'INVALID_AMOUNT', firstError(reply));
      return;
    }
    const keyOf = `${request.orderId}|${request.key}`;
    const prior = this.refundKeys.get(keyOf);
    if (prior) {
      if (prior.amountMinor !== request.amountMinor) {
        expectSame('refund key reused with another amount', 'IDEMPOTENCY_KEY_REUSED', firstError(reply));
      } else {
        expectSame(
          'refund retry replays',
          [null, prior.amountMinor, prior.feeWrittenOffMinor, order.refundedMinor],
          [
            firstError(reply),
            reply.refund?.amountMinor,
            reply.refund?.feeWrittenOffMinor,
            reply.order?.refundedMinor,
          ],
        );
      }
      return;
    }
    if (order.status !== 'SHIPPED') {
      expectSame('refund of an order not shipped', 'ORDER_NOT_CAPTURED', firstError(reply));
      return;
    }
    if (request.amountMinor > order.capturedMinor - order.refundedMinor) {
      expectSame('refund over what is left to refund', 'REFUND_EXCEEDS_CAPTURED', firstError(reply));
      return;
    }
    const line = this.lines.get(order.lineId)!;
    let feeWrittenOffMinor = 0;
    this.command(line, this.today, () => {
      feeWrittenOffMinor = this.applyRefund(line, order, request.amountMinor);
    });
    this.reopenIfPaidUp(line);
    order.refundedMinor += request.amountMinor;
    this.refundKeys.set(keyOf, { amountMinor: request.amountMinor, feeWrittenOffMinor });
    expectSame(
      'refund reply',
      [null, request.amountMinor, feeWrittenOffMinor, order.refundedMinor],
      [
        firstError(reply),
        reply.refund?.amountMinor,
        reply.refund?.feeWrittenOffMinor,
        reply.order?.refundedMinor,
      ],
    );
  }

  /**
   * FULL: the unbilled amount shrinks first, then the charge's statement lines are credited (oldest
   * bill first, up to what the line has not been credited and what the bill owes on that component),
   * the rest goes to the credit balance. INSTALLMENTS: the unbilled principal first (cancel, or
   * re-spread with fees shrunk pro rata), then the plan's principal lines, then the credit balance.
   * Returns the unbilled fees written off.
   */
  private applyRefund(line: LineModel, order: OrderModel, amountMinor: number): number {
    let left = amountMinor;
    let feeWrittenOff = 0;
    if (order.plan === 'FULL') {
      const charge = line.charges.find((c) => c.chargeId === order.authorizationId)!;
      const take = Math.min(left, charge.unbilledMinor);
      charge.unbilledMinor -= take;
      left -= take;
    } else {
      const plan = line.plans.find((p) => p.chargeId === order.authorizationId)!;
      const unbilled = planUnbilled(plan);
      if (plan.status === 'ACTIVE') {
        if (left >= unbilled.principal) {
          feeWrittenOff = unbilled.fee;
          plan.remaining = plan.remaining.filter((p) => p.index <= plan.billedPeriods);
          plan.status = 'CANCELLED';
          this.counts.plansCancelled += 1;
          left -= unbilled.principal;
        } else {
          const principalLeft = unbilled.principal - left;
          const feeLeft = mulDivHalfUp(unbilled.fee, principalLeft, unbilled.principal);
          const n = unbilled.periods.length;
          const principals = split(principalLeft, n);
          const fees = split(feeLeft, n);
          plan.remaining = [
            ...plan.remaining.filter((p) => p.index <= plan.billedPeriods),
            ...principals.map((principalMinor, i) => ({
              index: plan.billedPeriods + 1 + i,
              principalMinor,
              feeMinor: fees[i]!,
            })),
          ];
          feeWrittenOff = unbilled.fee - feeLeft;
          left = 0;
        }
        plan.feeWrittenOffMinor += feeWrittenOff;
      }
    }
    const kind = order.plan === 'FULL' ? 'PURCHASE' : 'INSTALLMENT_PRINCIPAL';
    const component = order.plan === 'FULL' ? 'FULL_PAY_PRINCIPAL' : 'INSTALLMENT_PRINCIPAL';
    for (const bill of line.bills) {
      if (bill.finished) continue;
      for (const item of bill.items) {
        if (item.chargeId !== order.authorizationId || item.kind !== kind) continue;
        const take = Math.min(left, item.amountMinor - item.creditedMinor, owed(bill, component));
        item.creditedMinor += take;
        bill.credited[component] += take;
        left -= take;
      }
    }
    if (left > 0) this.counts.refundsToBalance += 1;
    line.creditBalanceMinor += left;
    line.flows.refundsToBalanceMinor += left;
    return feeWrittenOff;
  }

  /**
   * What a repay kind pays, on the line as the rules have it now (accruals of today included): the
   * credit balance first (`reservedMinor`, set aside when asked), the rest from the source.
   */
  private amountDue(
    line: LineModel,
    kind: Exclude<RepayKind, 'AMOUNT'>,
    planId?: string,
  ): { amountMinor: number; payOffPlanIds: string[]; reservedMinor: number } {
    const pays = this.amountPaid(line, kind, planId);
    const reservedMinor = Math.min(this.caughtUpCopy(line, this.today).creditBalanceMinor, pays.amountMinor);
    return { ...pays, amountMinor: pays.amountMinor - reservedMinor, reservedMinor };
  }

  /** What a repay kind pays off, from the balance and the source together. */
  private amountPaid(
    line: LineModel,
    kind: Exclude<RepayKind, 'AMOUNT'>,
    planId?: string,
    counted: (waiting: RepaymentModel) => boolean = () => true,
  ): { amountMinor: number; payOffPlanIds: string[] } {
    const now = this.quotedLine(line, counted);
    const open = now.bills.filter((bill) => !bill.finished);
    const billed = open.reduce((sum, bill) => sum + owedTotal(bill), 0);
    const active = now.plans.filter((plan) => plan.status === 'ACTIVE');
    switch (kind) {
      case 'STATEMENT':
        return { amountMinor: billed, payOffPlanIds: [] };
      case 'MINIMUM':
        return { amountMinor: minimumThroughWaterfall(open), payOffPlanIds: [] };
      case 'PAYOFF':
        return {
          amountMinor: billed + unbilledPrincipal(now),
          payOffPlanIds: active.map((plan) => plan.planId!),
        };
      case 'PLAN_PAYOFF': {
        // A plan a repayment still waiting on its source pays off has nothing left to pay off here.
        const plan = active.find((p) => p.planId === planId);
        if (!plan) return { amountMinor: 0, payOffPlanIds: [] };
        return { amountMinor: billed + planUnbilled(plan).principal, payOffPlanIds: [plan.planId!] };
      }
    }
  }

  private repay(
    request: Extract<SimRequest, { kind: 'repay' }>,
    reply: RepayResult,
    railCalls: RailCall[],
  ): void {
    const line = this.lines.get(this.lineIdOf(request.userId))!;
    const { repayKind: kind } = request;
    if (kind === 'AMOUNT' && !(Number.isSafeInteger(request.amountMinor) && request.amountMinor! > 0)) {
      expectSame('AMOUNT repayment without a positive amount', 'INVALID_AMOUNT', firstError(reply));
      expectSame('no rail call', [], railCalls);
      return;
    }
    const signature = JSON.stringify([
      kind,
      request.amountMinor ?? null,
      request.source,
      request.planId ?? null,
    ]);
    const keyOf = `${request.userId}|${request.key}`;
    const prior = this.repayments.get(keyOf);
    if (prior) {
      if (prior.signature !== signature) {
        expectSame('repay key reused with other input', 'IDEMPOTENCY_KEY_REUSED', firstError(reply));
        expectSame('no rail call', [], railCalls);
        return;
      }
      if (prior.status !== 'INITIATED') {
        const code = prior.status === 'FAILED' ? 'PAYMENT_FAILED' : null;
        expectSame(
          'repay retry replays the first answer',
          [code, prior.id, prior.status, prior.amountMinor],
          [firstError(reply), reply.repayment?._id, reply.repayment?.status, reply.repayment?.amountMinor],
        );
        expectSame('no rail call', [], railCalls);
        return;
      }
      // Still waiting for the bank: the retry asks the rail again.
      expectSame('a pending repayment retried asks the rail once', 1, railCalls.length);
      this.settleRepayment(prior, railCalls[0]!, reply);
      return;
    }
    if (kind === 'PLAN_PAYOFF') {
      const plan = line.plans.find((p) => p.planId === request.planId && p.status === 'ACTIVE');
      if (!plan) {
        expectSame('payoff of a plan with nothing left to bill', 'PLAN_NOT_FOUND', firstError(reply));
        expectSame('no rail call', [], railCalls);
        return;
      }
    }
    if (kind === 'AMOUNT') {
      const mostMinor = this.amountRepayable(request.userId);
      if (request.amountMinor! > mostMinor) {
        this.counts.amountsOverOwed += 1;
        // Nothing an AMOUNT can pay: refused as the other kinds are when nothing is owed.
        expectSame(
          'AMOUNT above all it can pay',
          mostMinor > 0 ? 'AMOUNT_OVER_OWED' : 'NOTHING_TO_REPAY',
          firstError(reply),
        );
        expectSame('no rail call', [], railCalls);
        return;
      }
    }
    const due =
      kind === 'AMOUNT'
        ? { amountMinor: request.amountMinor!, payOffPlanIds: [], reservedMinor: 0 }
        : this.amountDue(line, kind, request.planId);
    const countedWaiting = kind !== 'AMOUNT' && this.waitingOn(line).length > 0;
    if (countedWaiting) this.counts.quotesCountingWaiting += 1;
    if (due.amountMinor + due.reservedMinor <= 0) {
      expectSame(`${kind} with nothing owed`, 'NOTHING_TO_REPAY', firstError(reply));
      expectSame('no rail call', [], railCalls);
      return;
    }
    expectTrue('the repayment is recorded', reply.repayment !== null, reply);
    const repayment: RepaymentModel = {
      id: reply.repayment!._id,
      lineId: line.lineId,
      signature,
      kind,
      amountMinor: due.amountMinor,
      reservedMinor: due.reservedMinor,
      payOffPlanIds: due.payOffPlanIds,
      billedWhenAsked: new Map(
        line.plans
          .filter((plan) => plan.planId !== null && due.payOffPlanIds.includes(plan.planId))
          .map((plan) => [plan.chargeId, plan.billedPeriods]),
      ),
      askedOn: this.today,
      quoted: kind === 'AMOUNT' ? new Map() : this.quoteByBill(line, due.amountMinor + due.reservedMinor),
      status: 'INITIATED',
      // As recorded: new quotes count the ones waiting in this order (the clock moves within a step).
      createdAt: new Date(reply.repayment!.createdAt).getTime(),
    };
    this.repayments.set(keyOf, repayment);
    expectSame(
      `${kind} repayment amount, and the credit balance's share`,
      [due.amountMinor, due.reservedMinor],
      [reply.repayment!.amountMinor, reply.repayment!.fromCreditBalanceMinor ?? 0],
    );
    if (repayment.reservedMinor > 0) {
      // Set aside before the source is asked: nothing else can spend it meanwhile.
      this.command(line, this.today, () => {
        line.creditBalanceMinor -= repayment.reservedMinor;
        line.reservedMinor += repayment.reservedMinor;
      });
    }
    if (repayment.amountMinor === 0) {
      // The balance pays it all: nothing is asked of the source.
      expectSame('no rail call when the credit balance pays it all', [], railCalls);
      this.landRepayment(repayment, reply);
    } else {
      expectSame('one rail call per new repayment', 1, railCalls.length);
      this.settleRepayment(repayment, railCalls[0]!, reply);
    }
    // What the kind promises: no bill left overdue and owing, none under its minimum. With repayments
    // waiting it counted them landing first; landing after them, a quoted one's overdue-first rule
    // can spread the same money otherwise, so it is checked only when none was waiting.
    if (kind === 'MINIMUM' && repayment.status === 'SUCCEEDED' && !countedWaiting) {
      const behind = line.bills.filter(
        (b) => !b.finished && (b.overdue ? owedTotal(b) : remainingMinimum(b)) > 0,
      );
      expectSame(
        'a collected MINIMUM repayment leaves every bill current',
        [],
        behind.map((b) => b.statementDate),
      );
    }
  }

  /** A rail answer for a repayment: only money actually collected reaches the line. */
  private settleRepayment(repayment: RepaymentModel, call: RailCall, reply: RepayResult | null): void {
    expectSame(
      'the rail is asked to collect the recorded repayment',
      [
        'collect',
        repayment.id,
        repayment.lineId,
        repayment.kind,
        repayment.amountMinor,
        [...repayment.payOffPlanIds].sort(),
      ],
      [call.op, call.id, call.lineId, call.kind, call.amountMinor, [...call.payOffPlanIds].sort()],
    );
    if (call.result === 'PENDING') {
      // The ledger learns it waits, once (an entry: the line is brought up to today first, without it).
      if (!repayment.awaited) {
        this.command(this.lines.get(repayment.lineId)!, this.today, () => {
          repayment.awaited = true;
        });
      }
      if (reply)
        expectSame(
          'pending repayment reply',
          [null, 'INITIATED'],
          [firstError(reply), reply.repayment?.status],
        );
      return;
    }
    if (call.result === 'FAILED') {
      const declinedLine = this.lines.get(repayment.lineId)!;
      if (reply)
        expectSame(
          'declined repayment reply',
          ['PAYMENT_FAILED', 'FAILED'],
          [firstError(reply), reply.repayment?.status],
        );
      // A decline moves no money (what was set aside is balance again, and pays what bills owe),
      // but as any ledger entry it first brings the line up to today.
      this.command(declinedLine, this.today, () => {
        // Answered only now: the entry brings the line up to today while it still waits.
        repayment.status = 'FAILED';
        // What bills cut meanwhile left of it.
        const backMinor = Math.min(repayment.reservedMinor, declinedLine.reservedMinor);
        declinedLine.reservedMinor -= backMinor;
        declinedLine.creditBalanceMinor += backMinor;
        // The bills it held are judged in the same entry.
        this.catchUp(declinedLine, this.today);
      });
      return;
    }
    this.landRepayment(repayment, reply);
  }

  /** A repayment the source paid (or the balance alone): the money and what was set aside, one sum. */
  private landRepayment(repayment: RepaymentModel, reply: RepayResult | null): void {
    if (reply)
      expectSame(
        'collected repayment reply',
        [null, 'SUCCEEDED'],
        [firstError(reply), reply.repayment?.status],
      );
    const line = this.lines.get(repayment.lineId)!;
    this.command(line, this.today, () => {
      // Answered only now: the entry brings the line up to today while it still waits.
      repayment.status = 'SUCCEEDED';
      line.flows.repaidMinor += repayment.amountMinor;
      this.landMoney(line, repayment);
      // In time: it counts for what it was to pay each bill waiting on it.
      for (const bill of line.bills) {
        const expectedMinor = bill.held?.holders[repayment.id];
        if (expectedMinor !== undefined) bill.held!.coveredMinor += expectedMinor;
      }
      // The bills it held are judged in the same entry (a MINIMUM's leave revolving interest).
      this.catchUp(line, this.today);
    });
    this.reopenIfPaidUp(line);
  }

  /** The line's repayments still waiting on their source, in the order asked (ties by id). */
  private waitingOn(line: LineModel): RepaymentModel[] {
    return [...this.repayments.values(), ...this.autoDebits.values()]
      .filter((repayment) => repayment.lineId === line.lineId && repayment.status === 'INITIATED')
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** A repayment's money on a line caught up to today: what was set aside and the source's, one sum. */
  private landMoney(line: LineModel, repayment: RepaymentModel): void {
    const setAsideMinor = Math.min(repayment.reservedMinor, line.reservedMinor);
    line.reservedMinor -= setAsideMinor;
    const moneyMinor = repayment.amountMinor + setAsideMinor + this.waiveDaysSinceAsked(line, repayment);
    const leftMinor = moneyMinor - this.payOverdueAsQuoted(line, repayment, moneyMinor);
    if (leftMinor > 0)
      line.creditBalanceMinor +=
        this.honourPayoff(line, repayment, leftMinor) ??
        this.waterfall(line, leftMinor, repayment.payOffPlanIds, true);
  }

  /**
   * The line as a new quote sees it: caught up to today, then every repayment of it still waiting
   * on its source landed, in the order asked (ties by id), so nothing is asked twice. What they
   * would leave over is not the line's balance yet.
   */
  private quotedLine(line: LineModel, counted: (waiting: RepaymentModel) => boolean = () => true): LineModel {
    const copy = this.caughtUpCopy(line, this.today);
    const waiting = this.waitingOn(line).filter(counted);
    if (waiting.length === 0) return copy;
    const counts = { ...this.counts };
    const balanceMinor = copy.creditBalanceMinor;
    for (const repayment of waiting) this.landMoney(copy, repayment);
    copy.creditBalanceMinor = balanceMinor;
    Object.assign(this.counts, counts);
    return copy;
  }

  /**
   * What a quote of `moneyMinor` pays each open bill, by the auditor's waterfall on a copy of today's
   * line with the waiting repayments the quote `counted` landed (an auto-debit counts only those that
   * can hold its bill).
   */
  private quoteByBill(
    line: LineModel,
    moneyMinor: number,
    counted: (waiting: RepaymentModel) => boolean = () => true,
  ): RepaymentModel['quoted'] {
    const today = this.caughtUpCopy(line, this.today);
    const before = this.quotedLine(line, counted);
    const after = JSON.parse(JSON.stringify(before)) as LineModel;
    if (moneyMinor > 0) this.waterfall(after, moneyMinor, [], false);
    const quoted: RepaymentModel['quoted'] = new Map();
    before.bills.forEach((bill, index) => {
      const paid = after.bills[index]!;
      if (bill.finished) return;
      const paidMinor = Object.fromEntries(
        components.map((c) => [c, paid.paid[c] - bill.paid[c]]),
      ) as Amounts;
      // Settled with the help of repayments still waiting is not settled by this quote alone.
      const helped = owedTotal(today.bills[index]!) !== owedTotal(bill);
      if (components.some((c) => paidMinor[c] > 0))
        quoted.set(bill.statementDate, { paidMinor, settled: owedTotal(paid) === 0 && !helped });
    });
    return quoted;
  }

  /**
   * A quote confirmed within 7 days is taken as paid the day it was asked: on each bill it settled,
   * the days accrued after that day are credited (days another late quote already waived are not
   * counted twice). What of them another payment settled meanwhile comes back as money for this one
   * (returned); the rest is simply no longer owed.
   */
  private waiveDaysSinceAsked(line: LineModel, repayment: RepaymentModel): number {
    if (daysBetween(repayment.askedOn, this.today) > 7) return 0;
    let backMinor = 0;
    for (const bill of line.bills) {
      if (bill.finished || !repayment.quoted.get(bill.statementDate)?.settled) continue;
      const fromDay = Math.max(daysBetween(bill.dueDate, repayment.askedOn), bill.waivedThroughDay);
      const late = bill.accruals.filter((accrual) => accrual.day > fromDay);
      // The mark moves only past days it waives: a quote asked after the accruals waives none, and
      // leaves them to one asked before them that lands later.
      if (late.some((accrual) => accrual.amountMinor > 0))
        bill.waivedThroughDay = Math.max(bill.waivedThroughDay, bill.accruedDays);
      for (const component of ['PENALTIES', 'INTEREST'] as const) {
        const lateMinor = late
          .filter((accrual) => accrual.component === component)
          .reduce((sum, accrual) => sum + accrual.amountMinor, 0);
        if (lateMinor === 0) continue;
        const settledMinor = Math.max(0, lateMinor - owed(bill, component));
        bill.credited[component] += lateMinor;
        bill.paid[component] -= settledMinor;
        backMinor += settledMinor;
      }
      if (late.some((accrual) => accrual.amountMinor > 0)) this.counts.accrualsWaivedOnLanding += 1;
    }
    return backMinor;
  }

  /** A bill its quote paid that is overdue as the money lands gets what the quote paid it, first. */
  private payOverdueAsQuoted(line: LineModel, repayment: RepaymentModel, moneyMinor: number): number {
    let left = moneyMinor;
    for (const bill of line.bills) {
      const quote = repayment.quoted.get(bill.statementDate);
      // A held bill too: what its quote paid it comes before charges billed since.
      if (bill.finished || (!bill.overdue && !bill.held) || !quote) continue;
      for (const component of components) {
        const take = Math.max(0, Math.min(quote.paidMinor[component], owed(bill, component), left));
        bill.paid[component] += take;
        left -= take;
        if (component === 'FULL_PAY_PRINCIPAL' || component === 'INSTALLMENT_PRINCIPAL')
          line.flows.principalPaidMinor += take;
      }
    }
    return moneyMinor - left;
  }

  /**
   * A payoff lands as quoted when its money covers both the plans' unbilled principal and everything
   * ahead of current bills' principal: the plans it names are paid off first. Periods a statement billed
   * before the money landed have their fees waived (credited on their still-open bills; what was
   * paid of them is money again); the plans' unbilled principal comes out of the money; the rest
   * goes to the bills by the waterfall, then prepays unbilled charges. Returns what is left (a
   * credit balance), or null when it is no payoff or the money is short of the plans' unbilled
   * principal: then the ordinary waterfall, nothing waived.
   */
  private honourPayoff(line: LineModel, repayment: RepaymentModel, moneyMinor: number): number | null {
    if (repayment.billedWhenAsked.size === 0) return null;
    const waivers: { bill: BillModel; item: ItemModel; feeMinor: number; paidMinor: number }[] = [];
    for (const bill of line.bills.filter((b) => !b.finished)) {
      let feesOwedMinor = owed(bill, 'INSTALLMENT_FEES');
      for (const item of bill.items) {
        const asked = repayment.billedWhenAsked.get(item.chargeId);
        if (item.kind !== 'INSTALLMENT_FEE' || asked === undefined || (item.period ?? 0) <= asked) continue;
        const feeMinor = item.amountMinor - item.creditedMinor;
        if (feeMinor <= 0) continue;
        // What the bill's fees still owe is this fee's first; the rest of it was paid.
        const paidMinor = Math.max(0, feeMinor - feesOwedMinor);
        feesOwedMinor = Math.max(0, feesOwedMinor - feeMinor);
        waivers.push({ bill, item, feeMinor, paidMinor });
      }
    }
    const plans = line.plans.filter(
      (plan) =>
        plan.status === 'ACTIVE' && plan.planId !== null && repayment.payOffPlanIds.includes(plan.planId),
    );
    const plansMinor = plans.reduce((sum, plan) => sum + planUnbilled(plan).principal, 0);
    const totalMinor = moneyMinor + waivers.reduce((sum, w) => sum + w.paidMinor, 0);
    // What comes before current principal (penalties, fees, overdue bills) must be covered too: no
    // plan is paid off ahead of an overdue bill. The waived fees no longer count.
    const open = line.bills.filter((b) => !b.finished);
    const aheadMinor =
      open.reduce(
        (sum, b) =>
          sum +
          owed(b, 'PENALTIES') +
          owed(b, 'INTEREST') +
          owed(b, 'INSTALLMENT_FEES') +
          (b.overdue ? owed(b, 'FULL_PAY_PRINCIPAL') + owed(b, 'INSTALLMENT_PRINCIPAL') : 0),
        0,
      ) - waivers.reduce((sum, w) => sum + w.feeMinor - w.paidMinor, 0);
    if (totalMinor - plansMinor < aheadMinor) return null;
    for (const { bill, item, feeMinor, paidMinor } of waivers) {
      bill.paid.INSTALLMENT_FEES -= paidMinor;
      bill.credited.INSTALLMENT_FEES += feeMinor;
      item.creditedMinor += feeMinor;
      const plan = line.plans.find((p) => p.chargeId === item.chargeId && p.status === 'ACTIVE');
      if (plan) plan.feeWrittenOffMinor += feeMinor;
      this.counts.feesWaivedAfterBilling += 1;
    }
    const leftMinor = this.waterfall(line, totalMinor - plansMinor, [], false);
    for (const plan of plans) {
      const unbilled = planUnbilled(plan);
      line.flows.principalPaidMinor += unbilled.principal;
      plan.feeWrittenOffMinor += unbilled.fee;
      plan.remaining = plan.remaining.filter((p) => p.index <= plan.billedPeriods);
      plan.status = 'PAID_OFF';
      this.counts.plansPaidOff += 1;
    }
    // Money beyond the bills (they are all paid then) prepays unbilled charges.
    return leftMinor > 0 ? this.waterfall(line, leftMinor, [], true) : 0;
  }

  /**
   * A payout debits the credit balance, then the bank pays it out; if the bank refuses, the money is
   * back on the credit balance (and, like any credit balance, pays what bills owe at once).
   */
  private payOut(
    request: Extract<SimRequest, { kind: 'payOut' }>,
    reply: PayOutResult,
    railCalls: RailCall[],
    at: number,
  ): void {
    const line = this.lines.get(this.lineIdOf(request.userId))!;
    const signature = String(request.amountMinor ?? 'ALL');
    const keyOf = `${line.lineId}|${request.key}`;
    const prior = this.payouts.get(keyOf);
    if (prior) {
      if (prior.signature !== signature) {
        expectSame('payout key reused with other input', 'IDEMPOTENCY_KEY_REUSED', firstError(reply));
        expectSame('no rail call', [], railCalls);
      } else if (prior.reversed) {
        expectSame(
          'a refused payout retried answers the same',
          ['PAYMENT_FAILED', null],
          [firstError(reply), reply.amountMinor],
        );
        expectSame('a refused payout is not asked again', [], railCalls);
      } else {
        this.disbursement(line, prior, request.userId, reply, railCalls);
      }
      return;
    }
    const amountMinor = request.amountMinor ?? line.creditBalanceMinor;
    if (amountMinor <= 0 || amountMinor > line.creditBalanceMinor) {
      const code =
        amountMinor > line.creditBalanceMinor
          ? 'CREDIT_BALANCE_TOO_LOW'
          : request.amountMinor === undefined
            ? 'NOTHING_TO_PAY_OUT'
            : 'INVALID_AMOUNT';
      expectSame(`payout of ${amountMinor} refused`, [code, null], [firstError(reply), reply.amountMinor]);
      expectSame('no rail call', [], railCalls);
      return;
    }
    this.command(line, this.today, () => {
      line.creditBalanceMinor -= amountMinor;
      line.flows.paidOutMinor += amountMinor;
    });
    const payout = {
      id: `${request.userId}:${request.key}`,
      lineId: line.lineId,
      signature,
      amountMinor,
      reversed: false,
      pending: false,
      triedAt: at,
    };
    this.payouts.set(keyOf, payout);
    this.disbursement(line, payout, request.userId, reply, railCalls);
  }

  private disbursement(
    line: LineModel,
    payout: PayoutModel,
    userId: string,
    reply: PayOutResult,
    railCalls: RailCall[],
  ): void {
    expectSame('one disbursement asked of the rail', 1, railCalls.length);
    const call = railCalls[0]!;
    expectSame(
      'the rail pays out the recorded amount',
      ['disburse', userId, payout.amountMinor],
      [call.op, call.userId, call.amountMinor],
    );
    if (call.result !== 'FAILED') {
      expectSame('payout reply', [null, payout.amountMinor], [firstError(reply), reply.amountMinor]);
      payout.pending = call.result === 'PENDING';
      return;
    }
    expectSame('a refused payout', ['PAYMENT_FAILED', null], [firstError(reply), reply.amountMinor]);
    this.reversePayout(line, payout);
  }

  /** The bank refused a payout: the money is back on the credit balance, for good. */
  private reversePayout(line: LineModel, payout: PayoutModel): void {
    payout.reversed = true;
    payout.pending = false;
    this.command(line, this.today, () => {
      line.creditBalanceMinor += payout.amountMinor;
      line.flows.paidOutMinor -= payout.amountMinor;
    });
    // Back on the balance, the money pays bills: perhaps the last overdue one.
    this.reopenIfPaidUp(line);
  }

  /**
   * Due jobs, in the order they run: holds older than 7 days are voided; the rail is asked again
   * about pending repayments; on its due day a bill still current is collected (STATEMENT) from the
   * bank card; then per line, statements due are cut, bills brought up to today and the limit reviewed.
   */
  private runDueJobs(report: DueJobsReport, railCalls: RailCall[]): void {
    const now = report.ranAt.getTime();
    this.today = cstDate(now);
    let expired = 0;
    for (const order of this.orders.values()) {
      if (order.status === 'PLACED' && order.createdAt < now - holdLifetimeMs) {
        this.voidHold(order);
        expired += 1;
      }
    }
    const pending = [...this.repayments.values(), ...this.autoDebits.values()].filter(
      (r) => r.status === 'INITIATED',
    );
    const confirmations = railCalls.slice(0, pending.length);
    expectSame(
      'the rail is asked again about every pending repayment',
      pending.map((r) => r.id).sort(),
      confirmations.map((c) => c.id).sort(),
    );
    let confirmed = 0;
    for (const call of confirmations) {
      const repayment = pending.find((r) => r.id === call.id)!;
      this.settleRepayment(repayment, call, null);
      if (call.result !== 'PENDING') confirmed += 1;
    }
    // Then payouts the bank answered PENDING and nobody tried for 5 minutes are asked again: paid,
    // or refused and put back. (Replies carry no time: a try within a second of the 5 minutes may
    // go either way.)
    const untouchedMs = 5 * 60_000;
    const sinceTried = (payout: PayoutModel) => now - payout.triedAt;
    const pendingPayouts = [...this.payouts.values()].filter((payout) => payout.pending);
    const disbursements = railCalls.filter((call) => call.op === 'disburse');
    expectSame(
      'payouts are asked again right after the repayments',
      disbursements,
      railCalls.slice(pending.length, pending.length + disbursements.length),
    );
    const askedIds = disbursements.map((call) => call.id).sort();
    expectSame(
      'the rail is asked again about every payout pending and untried for 5 minutes, and no other',
      pendingPayouts
        .filter(
          (p) =>
            sinceTried(p) >= untouchedMs + 1_000 ||
            (sinceTried(p) > untouchedMs - 1_000 && askedIds.includes(p.id)),
        )
        .map((p) => p.id)
        .sort(),
      askedIds,
    );
    let payoutsFinished = 0;
    for (const call of disbursements) {
      const payout = pendingPayouts.find((p) => p.id === call.id)!;
      expectSame('a payout asked again for its amount', payout.amountMinor, call.amountMinor);
      if (call.result === 'PENDING') {
        payout.triedAt = now;
        continue;
      }
      payoutsFinished += 1;
      this.counts.payoutsFinishedByJobs += 1;
      if (call.result === 'SUCCEEDED') payout.pending = false;
      else this.reversePayout(this.lines.get(payout.lineId)!, payout);
    }
    const debits = railCalls.slice(pending.length + disbursements.length);
    expectTrue(
      'due jobs otherwise only collect',
      debits.every((c) => c.op === 'collect'),
      railCalls,
    );
    let attempted = 0;
    for (const line of this.lines.values()) {
      // Bills due today and still current: collected before the lines are judged (late cuts can share a due day).
      const due = line.bills.filter((bill) => !bill.finished && !bill.overdue && bill.dueDate === this.today);
      for (const bill of due) {
        const keyOf = `${line.lineId}|${bill.statementDate}`;
        const last = this.autoDebits.get(keyOf);
        const lastAttempt = this.autoDebitAttempts.get(keyOf) ?? 0;
        // docs/money-rules.md: one the bank declined is asked again from 4 hours after it was asked,
        // when that leaves an hour of the due day, 3 attempts in all (each its own repayment); else
        // the last one replays.
        const retryAt = last ? last.createdAt + 4 * 3_600_000 : Infinity;
        const retry =
          last?.status === 'FAILED' &&
          lastAttempt < 3 &&
          now >= retryAt &&
          cstDate(retryAt + 3_600_000) === bill.dueDate;
        const prior = retry ? undefined : last;
        // Counted when asked of the bank by this run (one still waiting is asked again), not a replay
        // of one answered before, nor when nothing is asked.
        if (prior?.status === 'INITIATED') attempted += 1;
        if (prior && prior.status !== 'INITIATED') continue; // declined, no retry due: it replays
        // What is owed as of today (the collection's entry brings the line's days up first), less
        // what repayments still waiting on their source will pay.
        this.catchUp(line, this.today);
        // README: it stands aside only for those that can still pay the bill on time, landing
        // later: asked by the due day, their 7 days from the ask reaching past it.
        const canHold = (waiting: RepaymentModel) =>
          daysBetween(waiting.askedOn, bill.dueDate) >= 0 && daysBetween(waiting.askedOn, this.today) <= 6;
        const amountMinor = this.amountPaid(line, 'STATEMENT', undefined, canHold).amountMinor;
        const waiting = !prior && this.waitingOn(line).some(canHold);
        if (waiting) this.counts.quotesCountingWaiting += 1;
        // An earlier bill's collection paid it all, or one still waiting on the source will.
        if (!prior && amountMinor === 0) {
          if (waiting) this.counts.autoDebitsNotNeeded += 1;
          continue;
        }
        if (!prior) attempted += 1;
        // The jobs visit lines in an order of their own; a line's calls come in its bills' order.
        const at = debits.findIndex((c) => c.lineId === line.lineId);
        const call = at < 0 ? undefined : debits.splice(at, 1)[0];
        expectTrue(`auto-debit of the bill due ${bill.dueDate} asks the rail`, call !== undefined, railCalls);
        const repayment = prior ?? {
          id: call!.id,
          lineId: line.lineId,
          signature: 'autodebit',
          kind: 'STATEMENT' as const,
          amountMinor,
          // A bill still owing means no credit balance is left (it pays bills at every entry).
          reservedMinor: 0,
          payOffPlanIds: [],
          billedWhenAsked: new Map<string, number>(),
          askedOn: this.today,
          quoted: this.quoteByBill(line, amountMinor, canHold),
          status: 'INITIATED' as const,
          createdAt: now,
        };
        if (!prior) {
          const attempt = lastAttempt + 1;
          expectTrue(
            `an auto-debit key names it and its attempt (${attempt})`,
            call!.key?.includes('autodebit') === true && (attempt === 1) !== /:\d+$/.test(call!.key ?? ''),
            call,
          );
          if (retry) this.counts.autoDebitRetries += 1;
          this.autoDebits.set(keyOf, repayment);
          this.autoDebitAttempts.set(keyOf, attempt);
        }
        this.settleRepayment(repayment, call!, null);
      }
    }
    expectSame('every rail call of the due jobs is accounted for', [], debits);
    let issued = 0;
    for (const line of this.lines.values()) {
      for (const statementDate of this.statementDatesDue(line, this.today)) {
        this.catchUp(line, this.today);
        if (this.cutStatement(line, statementDate, this.today)) {
          issued += 1;
          this.settle(line);
        }
      }
      this.catchUp(line, this.today);
      this.settle(line);
      const open = line.bills.filter((bill) => !bill.finished);
      // A bill settled before any review saw it overdue still cuts once: its cut stays pending.
      line.review = {
        today: this.today,
        limitMinor: line.limitMinor,
        status: line.status,
        usedMinor: figures(line).principal + line.heldMinor,
        overdueDays: Math.max(
          0,
          ...open.filter((b) => b.overdue).map((b) => daysBetween(b.dueDate, this.today)),
        ),
        streak: line.streak,
        rewardedThirds: line.rewardedThirds,
        pendingCuts: line.pendingCuts.map((cut) => ({
          statementDate: cut.statementDate,
          fresh: cut.reviews === 0,
        })),
      };
      for (const cut of line.pendingCuts) cut.reviews += 1;
    }
    expectSame(
      'due jobs report',
      {
        expiredHolds: expired,
        repaymentsConfirmed: confirmed,
        payoutsFinished,
        billsIssued: issued,
        autoDebits: attempted,
      },
      {
        expiredHolds: report.expiredHolds,
        repaymentsConfirmed: report.repaymentsConfirmed,
        payoutsFinished: report.payoutsFinished,
        billsIssued: report.billsIssued,
        autoDebits: report.autoDebits,
      },
    );
  }

  // ------------------------------------------------------------------ limit review (from the line)

  /**
   * The daily limit review, checked against the line after the due jobs: freeze past 30 days
   * overdue; unfreeze once nothing is overdue; each bill that goes overdue cuts the limit once to 70%
   * (never below principal + holds); a raise of 10% (whole yuan, capped) after every 3rd bill in a
   * row paid on time. The new figures are taken from the line once they pass these checks.
   */
  /**
   * A frozen line opens at once when a repayment, a refund or a reversed payout leaves nothing overdue, and a cut that
   * waited (it could not go below what was used) is made then: 70%, never below principal + holds.
   */
  private reopenIfPaidUp(line: LineModel): void {
    if (line.status !== 'FROZEN' || line.bills.some((bill) => !bill.finished && bill.overdue)) return;
    line.status = 'ACTIVE';
    this.counts.limitChanges += 1;
    const cutTo = Math.max(
      figures(line).principal + line.heldMinor,
      Math.floor((line.limitMinor * 70) / 100),
    );
    if (line.pendingCuts.length > 0 && cutTo < line.limitMinor) {
      line.pendingCuts.shift();
      line.limitMinor = cutTo;
    }
  }

  private reviewLimit(line: LineModel, shown: CreditLineDoc): void {
    const review = line.review;
    line.review = null;
    if (!review) {
      expectSame(
        `line ${line.lineId}: the limit changes only in the daily review, the status too but when a repayment or refund pays a frozen line up`,
        [line.limitMinor, line.status],
        [shown.limitMinor, shown.status],
      );
      return;
    }
    const what = `limit review of ${line.lineId} on ${review.today} (${JSON.stringify(review)})`;
    const freeze = review.status === 'ACTIVE' && review.overdueDays > 30;
    const unfreeze = review.status === 'FROZEN' && review.overdueDays === 0;
    const status = freeze ? 'FROZEN' : unfreeze ? 'ACTIVE' : review.status;
    expectSame(
      `${what}: status (frozen past 30 days overdue, unfrozen once nothing is)`,
      status,
      shown.status,
    );
    if (status !== line.status) this.counts.limitChanges += 1;
    line.status = status;

    let limitMinor = review.limitMinor;
    if (unfreeze) {
      // A cut still waiting is made as the line opens.
      const cutTo = Math.max(review.usedMinor, Math.floor((review.limitMinor * 70) / 100));
      if (review.pendingCuts.length > 0 && cutTo < review.limitMinor) {
        line.pendingCuts.shift();
        limitMinor = cutTo;
      }
    }
    if (review.status === 'ACTIVE' && !freeze) {
      const cutTo = Math.max(review.usedMinor, Math.floor((review.limitMinor * 70) / 100));
      const thirds = Math.floor(review.streak / 3);
      if (shown.limitMinor < review.limitMinor) {
        expectTrue(
          `${what}: a cut needs a bill gone overdue that has not cut yet`,
          review.pendingCuts.length > 0,
          shown.limitMinor,
        );
        expectSame(`${what}: cut to 70%, never below principal + holds`, cutTo, shown.limitMinor);
        line.pendingCuts.shift();
        limitMinor = cutTo;
      } else if (review.pendingCuts.length > 0 && cutTo < review.limitMinor) {
        throw new AuditFailure(
          `${what}: each bill that goes overdue cuts the limit once`,
          cutTo,
          shown.limitMinor,
        );
      } else if (
        thirds > review.rewardedThirds &&
        review.overdueDays === 0 &&
        // A cut still owed (one that could not go below what is used) comes before any raise.
        review.pendingCuts.length === 0 &&
        review.limitMinor < maximumLimitMinor
      ) {
        limitMinor = Math.min(maximumLimitMinor, Math.floor((review.limitMinor * 110) / 100 / 100) * 100);
        expectSame(
          `${what}: raised 10% in whole yuan after a 3rd on-time bill in a row`,
          limitMinor,
          shown.limitMinor,
        );
        // One raise per review: a second one earned at once comes with the next review.
        line.rewardedThirds += 1;
      }
    }
    expectSame(`${what}: limit`, limitMinor, shown.limitMinor);
    if (limitMinor !== line.limitMinor) this.counts.limitChanges += 1;
    line.limitMinor = limitMinor;
  }

  // ------------------------------------------------------------------ comparison with the system

  /** Compares the expected state with what the repositories show, and checks the invariants. */
  compare(observed: Observation): void {
    for (const [lineId, line] of this.lines) {
      const shown = observed.lines.get(lineId);
      if (!shown) {
        if (observed.complete || line.review)
          throw new AuditFailure(`line ${lineId} is shown`, lineId, undefined);
        continue;
      }
      this.reviewLimit(line, shown.line);
      this.compareLine(line, shown, observed.complete);
      this.checkInvariants(line, shown, observed.orders);
    }
    this.compareOrders(observed);
  }

  /** Lines a request may change (the due jobs may change any). */
  linesTouchedBy(request: SimRequest): string[] | 'all' {
    switch (request.kind) {
      case 'checkout':
      case 'repay':
      case 'payOut':
        return [this.lineIdOf(request.userId)];
      case 'ship':
      case 'cancel':
      case 'refund':
        return [this.orderOf(request.orderId).lineId];
      case 'clock':
        return [];
      case 'runDueJobs':
        return 'all';
    }
  }

  /** The orders the auditor knows on these lines. */
  orderIdsOf(lineIds: readonly string[], store: Store): string[] {
    return [...this.orders.values()]
      .filter((order) => order.store === store && lineIds.includes(order.lineId))
      .map((order) => order.orderId);
  }

  private compareLine(line: LineModel, shown: LineObservation, complete: boolean): void {
    const f = figures(line);
    const where = `line ${line.lineId}`;
    expectSame(
      `${where}: figures`,
      {
        status: line.status,
        limitMinor: line.limitMinor,
        usedMinor: f.principal,
        heldMinor: line.heldMinor,
        availableMinor: f.available,
        installmentFeesOwedMinor: f.fees,
        interestOwedMinor: f.interest,
        penaltiesOwedMinor: f.penalties,
        creditBalanceMinor: line.creditBalanceMinor,
        reservedCreditMinor: line.reservedMinor,
      },
      {
        status: shown.line.status,
        limitMinor: shown.line.limitMinor,
        usedMinor: shown.line.usedMinor,
        heldMinor: shown.line.heldMinor,
        availableMinor: shown.line.availableMinor,
        installmentFeesOwedMinor: shown.line.installmentFeesOwedMinor,
        interestOwedMinor: shown.line.interestOwedMinor,
        penaltiesOwedMinor: shown.line.penaltiesOwedMinor,
        creditBalanceMinor: shown.line.creditBalanceMinor,
        reservedCreditMinor: shown.line.state?.reservedCreditMinor ?? 0,
      },
    );
    expectSame(
      `${where}: statement dates`,
      line.bills.map((b) => b.statementDate),
      shown.bills.map((b) => b.statementDate),
    );
    const carries = new Map(
      (shown.line.state?.bills ?? []).map((b) => [b.statementDate, b.accrualRemainder]),
    );
    line.bills.forEach((bill, i) => {
      const actual = shown.bills[i]!;
      // A finished bill never changes again by the rules: checked once, then with every full view.
      if (bill.settledChecked && !complete) return;
      if (bill.finished) bill.settledChecked = true;
      this.counts.billsChecked += 1;
      expectSame(
        `${where}: bill ${bill.statementDate}`,
        {
          dueDate: bill.dueDate,
          billed: bill.billed,
          paid: bill.paid,
          credited: bill.credited,
          owedMinor: owedTotal(bill),
          minimumDueMinor: bill.minimumDueMinor,
          overdue: bill.overdue,
          status: billStatus(bill),
          items: canonicalItems(bill.items),
        },
        {
          dueDate: actual.dueDate,
          billed: pickAmounts(actual.billed),
          paid: pickAmounts(actual.paid),
          credited: pickAmounts(actual.credited),
          owedMinor: actual.owedMinor,
          minimumDueMinor: actual.minimumDueMinor,
          overdue: actual.overdue,
          status: actual.status,
          items: canonicalItems(
            actual.items.map((item) => ({
              kind: item.kind,
              chargeId: item.chargeId,
              period: item.period ?? null,
              amountMinor: item.amountMinor,
              creditedMinor: item.creditedMinor,
            })),
          ),
        },
      );
      if (!bill.finished && carries.has(bill.statementDate)) {
        expectSame(
          `${where}: bill ${bill.statementDate} accrual carry`,
          bill.carry,
          carries.get(bill.statementDate),
        );
      }
    });
    const shownPlans = new Map(shown.plans.map((plan) => [plan.orderId, plan]));
    expectSame(`${where}: plans`, line.plans.map((p) => p.orderId).sort(), [...shownPlans.keys()].sort());
    for (const plan of line.plans) {
      const actual = shownPlans.get(plan.orderId)!;
      if (plan.planId === null) plan.planId = actual._id; // learned from the system, then held to it
      expectSame(
        `${where}: plan of ${plan.orderId}`,
        {
          _id: plan.planId,
          principalMinor: plan.principalMinor,
          periods: plan.periods,
          tier: plan.tier,
          feeRateBpsPerPeriod: plan.feeRateBps,
          totalFeeMinor: plan.totalFeeMinor,
          schedule: plan.schedule,
          remaining: plan.remaining,
          billedPeriods: plan.billedPeriods,
          feeWrittenOffMinor: plan.feeWrittenOffMinor,
          status: plan.status,
        },
        {
          _id: actual._id,
          principalMinor: actual.principalMinor,
          periods: actual.periods,
          tier: actual.tier,
          feeRateBpsPerPeriod: actual.feeRateBpsPerPeriod,
          totalFeeMinor: actual.totalFeeMinor,
          schedule: actual.schedule.map(pickPeriod),
          remaining: actual.remaining.map(pickPeriod),
          billedPeriods: actual.billedPeriods,
          feeWrittenOffMinor: actual.feeWrittenOffMinor,
          status: actual.status,
        },
      );
    }
  }

  private compareOrders(observed: Observation): void {
    const lineIds = [...observed.lines.keys()];
    const expected = [...this.orders.values()].filter((o) => observed.complete || lineIds.includes(o.lineId));
    expectSame(
      observed.complete ? 'every order the system has' : 'the orders of the lines shown',
      expected.map((o) => o.orderId).sort(),
      observed.orders.map((o) => o._id).sort(),
    );
    for (const actual of observed.orders) {
      const order = this.orders.get(actual._id)!;
      expectSame(
        `order ${actual._id}`,
        [order.status, order.totalMinor, order.capturedMinor, order.refundedMinor],
        [actual.status, actual.totalMinor, actual.capturedMinor, actual.refundedMinor],
      );
    }
  }

  /** Invariants of what the system shows, whatever the model says. */
  private checkInvariants(line: LineModel, shown: LineObservation, orders: OrderDoc[]): void {
    const where = `line ${line.lineId}`;
    let billedPrincipalOwed = 0;
    for (const bill of shown.bills) {
      const amounts = components.map((c) => bill.billed[c] - bill.paid[c] - bill.credited[c]);
      expectTrue(
        `${where}: bill ${bill.statementDate} owes nothing negative`,
        amounts.every((a) => a >= 0),
        bill,
      );
      const owedMinor = amounts.reduce((sum, a) => sum + a, 0);
      expectSame(
        `${where}: bill ${bill.statementDate} owed = billed - paid - credited`,
        owedMinor,
        bill.owedMinor,
      );
      expectSame(
        `${where}: bill ${bill.statementDate} is PAID/SETTLED exactly when it owes nothing`,
        owedMinor === 0,
        bill.status === 'PAID' || bill.status === 'SETTLED',
      );
      billedPrincipalOwed +=
        bill.billed.FULL_PAY_PRINCIPAL -
        bill.paid.FULL_PAY_PRINCIPAL -
        bill.credited.FULL_PAY_PRINCIPAL +
        bill.billed.INSTALLMENT_PRINCIPAL -
        bill.paid.INSTALLMENT_PRINCIPAL -
        bill.credited.INSTALLMENT_PRINCIPAL;
      const base = components
        .filter((c) => c !== 'INTEREST' && c !== 'PENALTIES')
        .reduce((sum, c) => sum + bill.billed[c] - bill.paid[c] - bill.credited[c], 0);
      const accrued: [number, number] = [bill.billed.INTEREST, bill.billed.PENALTIES];
      const before = this.previousBills.get(bill._id);
      // A held bill is judged later, as of its due day: paid off meanwhile, it can still be charged.
      const held = shown.line.state?.bills.some((open) => open.billId === bill._id && open.held) ?? false;
      if (before && !before.held && (before.base === 0 || before.owed === 0)) {
        expectSame(
          `${where}: bill ${bill.statementDate} accrues nothing once nothing is owed`,
          before.accrued,
          accrued,
        );
      }
      this.previousBills.set(bill._id, { base, accrued, owed: owedMinor, held });
    }
    const unbilledFull = (shown.line.state?.unbilledCharges ?? []).reduce((sum, c) => sum + c.amountMinor, 0);
    const unbilledPlans = shown.plans
      .filter((plan) => plan.status === 'ACTIVE')
      .reduce(
        (sum, plan) =>
          sum +
          plan.remaining
            .filter((p) => p.index > plan.billedPeriods)
            .reduce((s, p) => s + p.principalMinor, 0),
        0,
      );
    expectSame(
      `${where}: principal owed on bills + unbilled principal = the line's outstanding principal`,
      billedPrincipalOwed + unbilledFull + unbilledPlans,
      shown.line.usedMinor,
    );

    const lineOrders = orders.filter((o) => o.lineId === line.lineId);
    for (const order of lineOrders) {
      expectTrue(
        `order ${order._id}: refunded <= captured`,
        order.refundedMinor <= order.capturedMinor,
        order,
      );
    }
    // Every captured charge and plan period is on at most one bill; billed periods on exactly one.
    const onBills = new Map<string, number>();
    for (const bill of shown.bills) {
      for (const item of bill.items) {
        if (item.kind === 'INSTALLMENT_FEE') continue;
        const key = `${item.chargeId}#${item.period ?? 0}`;
        onBills.set(key, (onBills.get(key) ?? 0) + 1);
      }
    }
    for (const [key, count] of onBills) expectSame(`${where}: ${key} is on one bill`, 1, count);
    const unbilledIds = new Set((shown.line.state?.unbilledCharges ?? []).map((c) => c.chargeId));
    for (const order of lineOrders.filter((o) => o.plan === 'FULL' && o.capturedMinor > 0)) {
      const model = line.charges.find((c) => c.chargeId === order.authorizationId);
      const billed = onBills.has(`${order.authorizationId}#0`);
      const settled = model !== undefined && model.billedOn === null && model.unbilledMinor === 0;
      expectTrue(
        `${where}: FULL charge of ${order._id} is on a bill, unbilled, or refunded/prepaid before billing`,
        billed || unbilledIds.has(order.authorizationId) || settled,
        { billed, unbilled: unbilledIds.has(order.authorizationId), settled },
      );
    }
    for (const plan of shown.plans) {
      const chargeId = lineOrders.find((o) => o._id === plan.orderId)?.authorizationId;
      for (let index = 1; index <= plan.periods; index += 1) {
        expectSame(
          `${where}: period ${index} of ${plan._id} is on a bill iff billed`,
          index <= plan.billedPeriods,
          onBills.has(`${chargeId}#${index}`),
        );
      }
    }

    // Money conservation, from the system's own orders and line against the flows the auditor saw.
    const captured = lineOrders.reduce((sum, o) => sum + o.capturedMinor, 0);
    const refunded = lineOrders.reduce((sum, o) => sum + o.refundedMinor, 0);
    expectSame(
      `${where}: captured - refunds (net of refunds returned to the credit balance) - principal repaid = outstanding principal`,
      captured - (refunded - line.flows.refundsToBalanceMinor) - line.flows.principalPaidMinor,
      shown.line.usedMinor,
    );
    // Fees a payoff waived after they were billed, and accruals a quoted repayment waived as it
    // landed, are credited on their bills: not charged.
    const charged = shown.bills.reduce(
      (sum, b) =>
        sum +
        b.billed.INSTALLMENT_FEES -
        b.credited.INSTALLMENT_FEES +
        b.billed.INTEREST -
        b.credited.INTEREST +
        b.billed.PENALTIES -
        b.credited.PENALTIES,
      0,
    );
    expectSame(
      `${where}: what the customer owes net of the credit balance = captured + fees, interest and penalties billed - repaid - refunded + paid out`,
      captured + charged - line.flows.repaidMinor - refunded + line.flows.paidOutMinor,
      shown.line.usedMinor +
        shown.line.installmentFeesOwedMinor +
        shown.line.interestOwedMinor +
        shown.line.penaltiesOwedMinor -
        shown.line.creditBalanceMinor -
        line.reservedMinor,
    );
  }
}

function pickAmounts(amounts: Record<Component, number>): Amounts {
  return Object.fromEntries(components.map((c) => [c, amounts[c]])) as Amounts;
}

function pickPeriod(period: { index: number; principalMinor: number; feeMinor: number }): PeriodModel {
  return { index: period.index, principalMinor: period.principalMinor, feeMinor: period.feeMinor };
}

/** Items compared as a set: the rules freeze the lines, not their order. */
function canonicalItems(items: ItemModel[]): ItemModel[] {
  return items
    .map((item) => ({ ...item }))
    .sort((a, b) =>
      `${a.chargeId}|${a.kind}|${String(a.period).padStart(3, '0')}`.localeCompare(
        `${b.chargeId}|${b.kind}|${String(b.period).padStart(3, '0')}`,
      ),
    );
}
