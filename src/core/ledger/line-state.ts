import type { QuotaHold } from './quota-holds';
import { availableMinor, unusedLimitMinor } from '../credit-line';
import type { FeeTier } from '../installments/fee-rates';
import type { ScheduledPeriod } from '../installments/schedule';
import type { MinorUnits } from '../money';
import type { RepayCommand } from './commands';
import type { BusinessDate } from '../time/business-date';

export const lineStatuses = ['PENDING_REVIEW', 'ACTIVE', 'FROZEN', 'CLOSED'] as const;
export type LineStatus = (typeof lineStatuses)[number];

/** What a bill is made of, in the order a repayment pays it within one waterfall stage. */
export const billComponents = [
  'PENALTIES',
  'INTEREST',
  'INSTALLMENT_FEES',
  'FULL_PAY_PRINCIPAL',
  'INSTALLMENT_PRINCIPAL',
] as const;
export type BillComponent = (typeof billComponents)[number];
export type ComponentAmounts = Record<BillComponent, MinorUnits>;

/** Principal components: the only ones that consume the limit, take credits, and bear penalty/interest. */
export const principalComponents = ['FULL_PAY_PRINCIPAL', 'INSTALLMENT_PRINCIPAL'] as const;

/** A statement line, frozen at issue; a refund later credits it (`creditedMinor`), never edits it. */
export const billItemKinds = ['PURCHASE', 'INSTALLMENT_PRINCIPAL', 'INSTALLMENT_FEE'] as const;
export type BillItemKind = (typeof billItemKinds)[number];

export interface BillItem {
  kind: BillItemKind;
  /** The authorization the charge came from: refunds find their items by it. */
  chargeId: string;
  /** Order (purchase) or plan (installments), for display. */
  ref: string;
  /** Installment period number and count, for installment items. */
  period?: number;
  periods?: number;
  amountMinor: MinorUnits;
  /** Refunds credited against this item (principal items), or its fee a payoff waived (fee items). */
  creditedMinor: MinorUnits;
}

/**
 * A bill while it still owes something. `billed` only grows after issue by accrued interest and
 * penalties; what changes otherwise is `paid` and `credited`. Owed = billed - paid - credited.
 */
export interface BillState {
  billId: string;
  statementDate: BusinessDate;
  dueDate: BusinessDate;
  items: BillItem[];
  billed: ComponentAmounts;
  paid: ComponentAmounts;
  credited: ComponentAmounts;
  minimumDueMinor: MinorUnits;
  /** Its due day passed without the minimum paid. Once overdue, always overdue (then SETTLED). */
  overdue: boolean;
  /** Its going overdue already cut the limit (each overdue bill cuts once, whatever the order). */
  limitCutDone: boolean;
  /** The day its due-soon reminder went out (one per bill); absent until then. */
  dueSoonRemindedOn?: BusinessDate;
  /** Days after the due day already accrued (penalty when overdue, else revolving interest). */
  accruedDays: number;
  /** What the daily accruals left below one fen, in 1/10,000 fen: carried, so rounding never drifts. */
  accrualRemainder: number;
  /** Billed penalties and interest up to which late-confirmed repayments waived what accrued (`as-asked.ts`). */
  accrualsWaivedThrough?: { penaltiesMinor: MinorUnits; interestMinor: MinorUnits };
  /**
   * Not judged yet: repayments asked by its due day wait on their source (`awaited-repayments.ts`).
   * Kept in the head while held, even once other money paid it off.
   */
  held?: BillHold;
}

/** A bill past due waiting on repayments its shopper asked for in time (the source is slow). */
export interface BillHold {
  /** MINIMUM: they would meet its unmet minimum; IN_FULL: its minimum was met, they would pay the rest. */
  kind: 'MINIMUM' | 'IN_FULL';
  /** The repayments it waits on, and what each was to pay it when its due day passed. */
  expectedMinorByRepayment: Record<string, MinorUnits>;
  /** What they must pay it to keep it current: the minimum left (MINIMUM), all it owed (IN_FULL). */
  shortMinor: MinorUnits;
  /** What those that landed in time were to pay it (money from anything else came late). */
  coveredMinor: MinorUnits;
  /**
   * What its days past due accrued meanwhile, day by day on each day's base, in case they do not
   * cover it: the penalty (MINIMUM) or revolving interest (IN_FULL); charged then, else dropped.
   */
  accruedIfUncoveredMinor: MinorUnits;
  /** Days of it on a base above zero. */
  daysAccrued: number;
}

export const planStatuses = ['ACTIVE', 'FULLY_BILLED', 'PAID_OFF', 'CANCELLED'] as const;
export type PlanStatus = (typeof planStatuses)[number];

/** An installment plan while it has periods still to bill; afterwards its periods live on bills. */
export interface PlanState {
  planId: string;
  chargeId: string;
  orderId: string;
  periods: number;
  tier: FeeTier;
  /** The price as sold (fixed at capture, whatever the rate table says later). */
  feeRateBpsPerPeriod: number;
  totalFeeMinor: MinorUnits;
  annualizedRateBps: number;
  /** Statement that bills period 1; period n is billed n - 1 statements later. */
  firstStatementDate: BusinessDate;
  /** The plan as sold. */
  schedule: ScheduledPeriod[];
  /** Billed periods as billed, then the unbilled ones after refunds. */
  remaining: ScheduledPeriod[];
  billedPeriods: number;
  feeWrittenOffMinor: MinorUnits;
  status: PlanStatus;
}

/** A FULL-plan charge not yet on a statement (net of refunds and prepayments). */
export interface UnbilledCharge {
  chargeId: string;
  ref: string;
  amountMinor: MinorUnits;
  capturedOn: BusinessDate;
}

export interface ScenarioUsage {
  scenario: string;
  /** 'YYYY-MM' in China Standard Time. */
  month: string;
  usedMinor: MinorUnits;
}

/** A repayment waiting on its source: the day it was asked and how it would land. */
export interface AwaitedRepayment {
  askedOn: BusinessDate;
  repayment: RepayCommand;
}

export type SettledOverdueBill = Pick<BillState, 'billId' | 'statementDate' | 'dueDate'>;

/** A credit line's whole money state after a ledger entry; the head entry's state is the line's state. */
export interface LineState {
  status: LineStatus;
  limitMinor: MinorUnits;
  statementDay: number;
  openedOn: BusinessDate;
  /** Newest statement date cut (with or without a bill); null before the first. */
  lastStatementDate: BusinessDate | null;
  /** Time (epoch ms) of the newest entry: commands never go back in time. */
  lastAt: number;
  /** Open authorization holds. */
  heldMinor: MinorUnits;
  /** Money the customer has on account (overpayment, refund of paid principal). */
  creditBalanceMinor: MinorUnits;
  /** Balance set aside for repayments the source has not answered yet (absent on older states: 0). */
  reservedCreditMinor?: MinorUnits;
  /**
   * Repayments whose source answered that it confirms later, until they land or are declined (or
   * their 7 days pass), in the order they were awaited (absent on older states: none). The bills
   * they would keep current are held meanwhile (`BillState.held`).
   */
  awaitedRepayments?: AwaitedRepayment[];
  /** Repayments landed or declined in the last 7 days: a source's "later" after its answer is refused. */
  repaymentsAnswered?: { repaymentId: string; on: BusinessDate }[];
  unbilledCharges: UnbilledCharge[];
  plans: PlanState[];
  /** Bills that still owe something, oldest first. */
  bills: BillState[];
  /**
   * Bills that went overdue and were settled before a limit review cut for them (the user paid
   * between midnight and the day's review): each bill gone overdue still cuts once.
   */
  settledOverdueBillsUncut: SettledOverdueBill[];
  /** Bills paid in full without going overdue, in a row (limit review). */
  onTimeStreak: number;
  /** Bills paid in full without going overdue, ever: with the streak, names each raise once. */
  onTimeBillsTotal: number;
  /** Limit raises this streak has earned so far (one per 3 bills). */
  raisesInStreak: number;
  /**
   * Times (epoch ms) of the latest approved authorizations inside the velocity window. Kept on the
   * head so the velocity rule is decided serially with the append, exact under concurrent checkouts.
   */
  recentAuthorizationsAt: number[];
  /** Amounts of the last approved authorizations: the anomaly rule compares against their median. */
  recentAmountsMinor: MinorUnits[];
  scenarioUsage: ScenarioUsage[];
  /** Holds still counting in a scenario quota (rules version 6): released, they give it back. */
  quotaHolds?: QuotaHold[];
}

export function zeroAmounts(): ComponentAmounts {
  return {
    PENALTIES: 0,
    INTEREST: 0,
    INSTALLMENT_FEES: 0,
    FULL_PAY_PRINCIPAL: 0,
    INSTALLMENT_PRINCIPAL: 0,
  };
}

/** The amounts of a bill (state or projection). */
export type BillAmounts = Pick<BillState, 'billed' | 'paid' | 'credited'>;

/** Bills past due without their minimum, still owing: while there is one, a frozen line stays frozen. */
export function overdueBillsOf(state: LineState): BillState[] {
  return state.bills.filter((bill) => bill.overdue);
}

export function owedOn(bill: BillAmounts, component: BillComponent): MinorUnits {
  return bill.billed[component] - bill.paid[component] - bill.credited[component];
}

/** The sum over components of one of a bill's amount sets (billed, paid or credited). */
export function componentsTotalMinor(amounts: ComponentAmounts): MinorUnits {
  return billComponents.reduce((sum, component) => sum + amounts[component], 0);
}

/** What a bill's statement lines add up to (frozen at issue). */
export function statementTotalMinor(bill: Pick<BillState, 'items'>): MinorUnits {
  return bill.items.reduce((sum, item) => sum + item.amountMinor, 0);
}

/** Purchases in full captured and not billed yet (an AMOUNT prepays them; PAYOFF too). */
export function unbilledFullMinor(state: Pick<LineState, 'unbilledCharges'>): MinorUnits {
  return state.unbilledCharges.reduce((sum, charge) => sum + charge.amountMinor, 0);
}

export function billOwedMinor(bill: BillAmounts): MinorUnits {
  return billComponents.reduce((sum, component) => sum + owedOn(bill, component), 0);
}

export function billPrincipalOwedMinor(bill: BillState): MinorUnits {
  return owedOn(bill, 'FULL_PAY_PRINCIPAL') + owedOn(bill, 'INSTALLMENT_PRINCIPAL');
}

/** Bills paid, plans no longer active and charges fully billed leave the line's head (mutates `state`). */
export function dropDone(state: LineState): void {
  state.bills = state.bills.filter((bill) => billOwedMinor(bill) > 0 || bill.held);
  state.plans = state.plans.filter((plan) => plan.status === 'ACTIVE');
  state.unbilledCharges = state.unbilledCharges.filter((charge) => charge.amountMinor > 0);
}

export function planUnbilledPrincipalMinor(plan: PlanState): MinorUnits {
  return plan.remaining
    .filter((period) => period.index > plan.billedPeriods)
    .reduce((sum, period) => sum + period.principalMinor, 0);
}

export function planUnbilledFeeMinor(plan: PlanState): MinorUnits {
  return plan.remaining
    .filter((period) => period.index > plan.billedPeriods)
    .reduce((sum, period) => sum + period.feeMinor, 0);
}

/** The figures a line shows, all derived from its state (one definition, used live and by rebuild). */
export interface LineFigures {
  status: LineStatus;
  limitMinor: MinorUnits;
  /** Outstanding principal: on bills (current and overdue) plus unbilled. */
  principalMinor: MinorUnits;
  billedPrincipalMinor: MinorUnits;
  overduePrincipalMinor: MinorUnits;
  unbilledPrincipalMinor: MinorUnits;
  heldMinor: MinorUnits;
  /** What can be spent now: 0 unless the line is ACTIVE (`availableMinor` in core/credit-line). */
  availableMinor: MinorUnits;
  installmentFeesOwedMinor: MinorUnits;
  interestOwedMinor: MinorUnits;
  penaltiesOwedMinor: MinorUnits;
  creditBalanceMinor: MinorUnits;
  statementDay: number;
}

export function lineFigures(state: LineState): LineFigures {
  let billedPrincipalMinor = 0;
  let overduePrincipalMinor = 0;
  let installmentFeesOwedMinor = 0;
  let interestOwedMinor = 0;
  let penaltiesOwedMinor = 0;
  for (const bill of state.bills) {
    if (bill.overdue) overduePrincipalMinor += billPrincipalOwedMinor(bill);
    else billedPrincipalMinor += billPrincipalOwedMinor(bill);
    installmentFeesOwedMinor += owedOn(bill, 'INSTALLMENT_FEES');
    interestOwedMinor += owedOn(bill, 'INTEREST');
    penaltiesOwedMinor += owedOn(bill, 'PENALTIES');
  }
  const unbilledPrincipalMinor =
    state.unbilledCharges.reduce((sum, charge) => sum + charge.amountMinor, 0) +
    state.plans.reduce((sum, plan) => sum + planUnbilledPrincipalMinor(plan), 0);
  const principalMinor = billedPrincipalMinor + overduePrincipalMinor + unbilledPrincipalMinor;
  return {
    status: state.status,
    limitMinor: state.limitMinor,
    principalMinor,
    billedPrincipalMinor,
    overduePrincipalMinor,
    unbilledPrincipalMinor,
    heldMinor: state.heldMinor,
    availableMinor: availableMinor({
      status: state.status,
      limitMinor: state.limitMinor,
      usedMinor: principalMinor,
      heldMinor: state.heldMinor,
    }),
    installmentFeesOwedMinor,
    interestOwedMinor,
    penaltiesOwedMinor,
    creditBalanceMinor: state.creditBalanceMinor,
    statementDay: state.statementDay,
  };
}

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`ledger invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

function assertAmount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvariantViolation(`${name} is ${value}`);
}

/** Checked before every append and after every read: a broken head must never be written or served. */
export function assertLineState(state: LineState): void {
  assertAmount('limit', state.limitMinor);
  assertAmount('held', state.heldMinor);
  assertAmount('credit balance', state.creditBalanceMinor);
  assertAmount('reserved credit', state.reservedCreditMinor ?? 0);
  for (const charge of state.unbilledCharges) assertAmount(`unbilled ${charge.chargeId}`, charge.amountMinor);
  for (const bill of state.bills) {
    for (const component of billComponents) {
      assertAmount(`${bill.billId} billed ${component}`, bill.billed[component]);
      assertAmount(`${bill.billId} paid ${component}`, bill.paid[component]);
      assertAmount(`${bill.billId} credited ${component}`, bill.credited[component]);
      assertAmount(`${bill.billId} owed ${component}`, owedOn(bill, component));
    }
    if (billOwedMinor(bill) === 0 && !bill.held)
      throw new InvariantViolation(`${bill.billId} owes nothing but is open`);
  }
  for (const plan of state.plans) {
    if (plan.status !== 'ACTIVE') throw new InvariantViolation(`plan ${plan.planId} is ${plan.status}`);
  }
  const { principalMinor } = lineFigures(state);
  if (
    unusedLimitMinor({
      limitMinor: state.limitMinor,
      usedMinor: principalMinor,
      heldMinor: state.heldMinor,
    }) < 0
  ) {
    throw new InvariantViolation(
      `principal ${principalMinor} + held ${state.heldMinor} exceeds limit ${state.limitMinor}`,
    );
  }
}

/**
 * The bill a line's "current bill" is: the oldest overdue one still owing, else the oldest one still
 * owing (open bills are kept oldest first). An overdue bill comes first: it is accruing penalties,
 * while an older bill whose minimum is met only revolves.
 */
export function currentBillOf(state: LineState | null | undefined): BillState | undefined {
  // Owing: a held bill another payment paid off waits in the head for its judgment.
  const owing = state?.bills.filter((bill) => billOwedMinor(bill) > 0);
  return owing?.find((bill) => bill.overdue) ?? owing?.[0];
}

/** A state as stored by an earlier version, with what later versions added at its starting value. */
export function upgradeLineState(state: LineState): LineState {
  return { ...state, settledOverdueBillsUncut: state.settledOverdueBillsUncut ?? [] };
}
