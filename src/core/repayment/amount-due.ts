import { minimumToPayMinor } from '../billing/bill-status';
import {
  billOwedMinor,
  type LineState,
  planUnbilledPrincipalMinor,
  unbilledFullMinor,
} from '../ledger/line-state';
import type { MinorUnits } from '../money';
import { stateAt } from '../overdue/penalty';
import type { BusinessDate } from '../time/business-date';
import { type BillAsAsked, billsAsAsked } from './as-asked';
import { type RepayCommand, stateOnceLanded } from './landing';
import { allocateRepayment } from './waterfall';

export const repayKinds = ['STATEMENT', 'MINIMUM', 'AMOUNT', 'PAYOFF', 'PLAN_PAYOFF'] as const;
export type RepayKind = (typeof repayKinds)[number];

export interface AmountDue {
  /** What the source is asked for. */
  amountMinor: MinorUnits;
  /** Plans the repayment pays off (PAYOFF: all, PLAN_PAYOFF: the one asked for). */
  payOffPlanIds: string[];
  /**
   * Periods each of those plans had billed when asked: the fees of later ones are waived, billed by a
   * statement cut before the source answered or not (see `allocatePayoff` in payoff.ts).
   */
  billedPeriodsWhenAsked: Record<string, number>;
  /**
   * What the quote pays on each bill as it stands when asked: paid first on a bill overdue when the
   * money lands, and what a bill paid in full accrues meanwhile is waived (as-asked.ts).
   */
  billsAsAsked: Record<string, BillAsAsked>;
  /** Credit balance the repayment spends first (set aside when it is asked: `RESERVE_CREDIT`). */
  fromCreditBalanceMinor: MinorUnits;
}

/**
 * What each kind of repayment pays, from the line's state at the time asked, the credit balance
 * first and the rest from the source: STATEMENT everything billed; MINIMUM the least that, spent by
 * the waterfall, keeps every bill current (all of an overdue one); PAYOFF everything, unbilled
 * principal too; PLAN_PAYOFF everything billed plus one plan's unbilled principal (the waterfall pays
 * billed amounts first). AMOUNT is the caller's, from the source alone (`amountDue` is not asked).
 */
export function amountDue(state: LineState, kind: Exclude<RepayKind, 'AMOUNT'>, planId?: string): AmountDue {
  const pays = amountPaid(state, kind, planId);
  const fromCreditBalanceMinor = Math.min(state.creditBalanceMinor, pays.amountMinor);
  return {
    amountMinor: pays.amountMinor - fromCreditBalanceMinor,
    payOffPlanIds: pays.payOffPlanIds,
    billedPeriodsWhenAsked: Object.fromEntries(
      state.plans
        .filter((plan) => pays.payOffPlanIds.includes(plan.planId))
        .map((plan) => [plan.planId, plan.billedPeriods]),
    ),
    billsAsAsked: billsAsAsked(state, pays.amountMinor),
    fromCreditBalanceMinor,
  };
}

/**
 * The most an AMOUNT repayment may be on `today`: what it can pay, everything billed (today's
 * accruals counted) and the purchases not billed yet, which it prepays. More would only park the
 * shopper's money on the line (a typo's extra zeros, or installments, which AMOUNT does not prepay:
 * PAYOFF and PLAN_PAYOFF do), to be paid back by a payout. The credit balance does not lower it (an
 * AMOUNT is from the source alone), nor do repayments waiting on their source (asked as given).
 */
export function amountRepayableOn(state: LineState, today: BusinessDate): MinorUnits {
  const then = stateAt(state, today);
  return billedOwedMinor(then) + unbilledFullMinor(then);
}

const billedOwedMinor = (state: LineState) => state.bills.reduce((sum, bill) => sum + billOwedMinor(bill), 0);

/** What a kind pays, the balance's share and the source's together (one sum through the waterfall). */
function amountPaid(
  state: LineState,
  kind: Exclude<RepayKind, 'AMOUNT'>,
  planId?: string,
): Pick<AmountDue, 'amountMinor' | 'payOffPlanIds'> {
  const billed = billedOwedMinor(state);
  switch (kind) {
    case 'STATEMENT':
      return { amountMinor: billed, payOffPlanIds: [] };
    case 'MINIMUM':
      return { amountMinor: minimumKeepingBillsCurrentMinor(state, billed), payOffPlanIds: [] };
    case 'PAYOFF':
      return {
        amountMinor:
          billed +
          unbilledFullMinor(state) +
          state.plans.reduce((sum, plan) => sum + planUnbilledPrincipalMinor(plan), 0),
        payOffPlanIds: state.plans.map((plan) => plan.planId),
      };
    case 'PLAN_PAYOFF': {
      // Gone, or paid off by a repayment waiting on its source: nothing to pay it off with.
      const plan = state.plans.find((candidate) => candidate.planId === planId);
      if (!plan) return { amountMinor: 0, payOffPlanIds: [] };
      return { amountMinor: billed + planUnbilledPrincipalMinor(plan), payOffPlanIds: [plan.planId] };
    }
  }
}

/**
 * What a kind of repayment collects if paid on `today`: the days of penalty and interest since the
 * line's last entry counted first, as the ledger counts them before it applies the repayment, and
 * what the repayments `waiting` on their source will pay counted as paid (`stateOnceLanded`).
 */
export function amountDueOn(
  state: LineState,
  today: BusinessDate,
  kind: Exclude<RepayKind, 'AMOUNT'>,
  planId?: string,
  waiting: readonly RepayCommand[] = [],
): AmountDue {
  const then = stateAt(state, today);
  const landed = stateOnceLanded(then, waiting, today);
  const due = amountDue(landed, kind, planId);
  if (landed === then) return due;
  // A bill the quote settles only with the repayments waiting is not paid in full by it alone: if
  // one is declined, its accruals since the ask must not be waived (as-asked.ts).
  const owedOnceLanded = new Map(landed.bills.map((bill) => [bill.billId, billOwedMinor(bill)]));
  const helped = new Set(
    then.bills
      .filter((bill) => billOwedMinor(bill) !== (owedOnceLanded.get(bill.billId) ?? 0))
      .map((bill) => bill.billId),
  );
  const billsAsAsked = Object.fromEntries(
    Object.entries(due.billsAsAsked).map(([billId, asked]) => [
      billId,
      helped.has(billId) ? { quotedMinor: asked.quotedMinor } : asked,
    ]),
  );
  return { ...due, billsAsAsked };
}

export type AmountsDue = Record<'STATEMENT' | 'MINIMUM' | 'PAYOFF', MinorUnits> & {
  /** PLAN_PAYOFF of each plan with periods still to bill (the ones it accepts), in the line's order. */
  PLAN_PAYOFF: { planId: string; amountMinor: MinorUnits }[];
};

/**
 * What each kind but AMOUNT would collect on `today`, per plan for PLAN_PAYOFF (one accrual walk),
 * the repayments `waiting` on their source counted as paid.
 */
export function amountsDueOn(
  state: LineState,
  today: BusinessDate,
  waiting: readonly RepayCommand[] = [],
): AmountsDue {
  const then = stateOnceLanded(stateAt(state, today), waiting, today);
  return {
    STATEMENT: amountDue(then, 'STATEMENT').amountMinor,
    MINIMUM: amountDue(then, 'MINIMUM').amountMinor,
    PAYOFF: amountDue(then, 'PAYOFF').amountMinor,
    PLAN_PAYOFF: then.plans.map((plan) => ({
      planId: plan.planId,
      amountMinor: amountDue(then, 'PLAN_PAYOFF', plan.planId).amountMinor,
    })),
  };
}

function leavesEveryBillCurrent(state: LineState, amountMinor: MinorUnits): boolean {
  // Only bills change when nothing is paid off and nothing prepaid.
  const after = { ...state, bills: structuredClone(state.bills) };
  allocateRepayment(after, amountMinor, { prepayUnbilled: false });
  return after.bills.every((bill) => minimumToPayMinor(bill) === 0);
}

/**
 * The waterfall spends fees of every bill, oldest first, before any principal, so the sum of each
 * bill's need can leave a bill overdue or under its minimum (an older bill's interest takes part).
 * More money never leaves a bill owing more, so the least amount that works is found by halving,
 * between that sum (each fen meets one fen of one bill's need at most) and everything billed.
 */
function minimumKeepingBillsCurrentMinor(state: LineState, billedMinor: MinorUnits): MinorUnits {
  let enoughMinor = billedMinor;
  let tooLittleMinor = state.bills.reduce((sum, bill) => sum + minimumToPayMinor(bill), 0) - 1;
  if (tooLittleMinor < 0) return 0;
  while (enoughMinor - tooLittleMinor > 1) {
    const middleMinor = tooLittleMinor + Math.floor((enoughMinor - tooLittleMinor) / 2);
    if (leavesEveryBillCurrent(state, middleMinor)) enoughMinor = middleMinor;
    else tooLittleMinor = middleMinor;
  }
  return enoughMinor;
}
