import { remainingMinimumMinor } from '../billing/bill-status';
import { assertMinor, type MinorUnits } from '../money';
import {
  billOwedMinor,
  type BillComponent,
  type BillState,
  type LineState,
  owedOn,
  planUnbilledFeeMinor,
  planUnbilledPrincipalMinor,
} from '../ledger/line-state';

/**
 * Allocation order of a repayment (product rule), one list used everywhere: each stage walks the
 * bills oldest first. Penalties, then fees (interest and installment fees), then principal of overdue
 * bills, then of current bills (first up to each one's remaining minimum, then the rest), then plans
 * being paid off, then unbilled principal (prepayment). A payoff whose money covers everything ahead
 * of current principal pays its plans off before the current bills (`allocatePayoff`, payoff.ts).
 */
export const waterfallStages = [
  'PENALTIES',
  'FEES',
  'OVERDUE_PRINCIPAL',
  'CURRENT_BILL_PRINCIPAL',
  'PLAN_PAYOFF',
  'UNBILLED_PRINCIPAL',
] as const;
export type WaterfallStage = (typeof waterfallStages)[number];

const stageComponents: Partial<Record<WaterfallStage, readonly BillComponent[]>> = {
  PENALTIES: ['PENALTIES'],
  FEES: ['INTEREST', 'INSTALLMENT_FEES'],
  OVERDUE_PRINCIPAL: ['FULL_PAY_PRINCIPAL', 'INSTALLMENT_PRINCIPAL'],
  CURRENT_BILL_PRINCIPAL: ['FULL_PAY_PRINCIPAL', 'INSTALLMENT_PRINCIPAL'],
};

export interface AllocationOptions {
  /** Plans to pay off early (their unbilled principal; their unbilled fees are waived). */
  payOffPlanIds?: readonly string[];
  /** Whether money left after the bills prepays unbilled FULL charges (not for a credit balance). */
  prepayUnbilled: boolean;
}

export type StageAmounts = Record<WaterfallStage, MinorUnits>;

export interface Allocation {
  byStage: StageAmounts;
  /** Paid beyond everything the allocation may take: becomes (or stays) a credit balance. */
  unallocatedMinor: MinorUnits;
}

function appliesTo(stage: WaterfallStage, bill: BillState): boolean {
  if (stage === 'OVERDUE_PRINCIPAL') return bill.overdue;
  if (stage === 'CURRENT_BILL_PRINCIPAL') return !bill.overdue;
  return true;
}

/** Applies `amountMinor` to what the line owes (mutates `state`) and reports where it went. */
export function allocateRepayment(
  state: LineState,
  amountMinor: MinorUnits,
  options: AllocationOptions,
): Allocation {
  assertMinor(amountMinor);
  if (amountMinor <= 0) throw new RangeError('repayment must be positive');
  let left = amountMinor;
  const byStage = noStages();
  for (const stage of waterfallStages) {
    const components = stageComponents[stage];
    if (components) {
      // Minimums of current bills first: an older bill's principal must not leave a newer one under
      // its minimum, to go overdue, while the money would have kept it current.
      const passes =
        stage === 'CURRENT_BILL_PRINCIPAL' ? [remainingMinimumMinor, billOwedMinor] : [billOwedMinor];
      for (const upTo of passes) {
        for (const bill of state.bills) {
          if (!appliesTo(stage, bill)) continue;
          for (const component of components) {
            const take = Math.min(left, owedOn(bill, component), upTo(bill));
            bill.paid[component] += take;
            byStage[stage] += take;
            left -= take;
          }
        }
      }
    } else if (stage === 'PLAN_PAYOFF') {
      const paidMinor = payPlansOff(state, left, options.payOffPlanIds ?? []);
      byStage.PLAN_PAYOFF += paidMinor;
      left -= paidMinor;
    } else if (options.prepayUnbilled) {
      const paidMinor = prepayUnbilledCharges(state, left);
      byStage.UNBILLED_PRINCIPAL += paidMinor;
      left -= paidMinor;
    }
  }
  return { byStage, unallocatedMinor: left };
}

/** Pays off each named plan whose whole unbilled principal `amountMinor` still covers; returns what it took. */
export function payPlansOff(
  state: LineState,
  amountMinor: MinorUnits,
  planIds: readonly string[],
): MinorUnits {
  let left = amountMinor;
  for (const plan of state.plans) {
    if (!planIds.includes(plan.planId)) continue;
    const principal = planUnbilledPrincipalMinor(plan);
    if (principal > left) continue;
    plan.feeWrittenOffMinor += planUnbilledFeeMinor(plan);
    plan.remaining = plan.remaining.filter((period) => period.index <= plan.billedPeriods);
    plan.status = 'PAID_OFF';
    left -= principal;
  }
  return amountMinor - left;
}

/** Prepays unbilled FULL charges, oldest first; returns what it took. */
export function prepayUnbilledCharges(state: LineState, amountMinor: MinorUnits): MinorUnits {
  let left = amountMinor;
  for (const charge of state.unbilledCharges) {
    const take = Math.min(left, charge.amountMinor);
    charge.amountMinor -= take;
    left -= take;
  }
  return amountMinor - left;
}

/** Nothing allocated yet, stage by stage. */
export function noStages(): StageAmounts {
  return Object.fromEntries(waterfallStages.map((stage) => [stage, 0])) as StageAmounts;
}

/**
 * What the waterfall pays before any current bill's principal: penalties and fees of every bill and
 * the principal of overdue ones. Paid, it leaves no bill overdue and owing.
 */
export function owedAheadOfCurrentPrincipalMinor(state: LineState): MinorUnits {
  const billedMinor = state.bills.reduce((sum, bill) => sum + billOwedMinor(bill), 0);
  if (billedMinor === 0) return 0;
  const { byStage } = allocateRepayment({ ...state, bills: structuredClone(state.bills) }, billedMinor, {
    prepayUnbilled: false,
  });
  const ahead = waterfallStages.slice(0, waterfallStages.indexOf('CURRENT_BILL_PRINCIPAL'));
  return ahead.reduce((sum, stage) => sum + byStage[stage], 0);
}
