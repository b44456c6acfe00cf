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
 * Allocation order of every repayment (product rule), one list used everywhere: each stage walks the
 * bills oldest first. Penalties, then fees (interest and installment fees), then principal of overdue
 * bills, then of current bills (first up to each one's remaining minimum, then the rest), then plans
 * being paid off, then unbilled principal (prepayment).
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
function payPlansOff(state: LineState, amountMinor: MinorUnits, planIds: readonly string[]): MinorUnits {
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
function prepayUnbilledCharges(state: LineState, amountMinor: MinorUnits): MinorUnits {
  let left = amountMinor;
  for (const charge of state.unbilledCharges) {
    const take = Math.min(left, charge.amountMinor);
    charge.amountMinor -= take;
    left -= take;
  }
  return amountMinor - left;
}

export interface PayoffOptions extends AllocationOptions {
  /** Periods each plan paid off had billed when the repayment was asked (`AmountDue`). */
  billedPeriodsWhenAsked?: Readonly<Record<string, number>>;
}

/**
 * A payoff as it lands. It was quoted when asked: the bills then, plus the plans' unbilled principal
 * (their unbilled fees waived). The source may answer after a statement billed periods of those
 * plans, fee included, beside other charges, or after penalties and interest accrued. The payoff is
 * honoured first: the fees of periods billed since it was asked are waived (credited on their bills;
 * what a credit balance already paid of them is money again), the plans' unbilled principal is set
 * apart and pays them off, and only the rest goes through the waterfall to the bills, then prepays
 * unbilled charges. When the money cannot cover the plans' unbilled principal (a set-aside balance
 * spent on bills cut meanwhile), none of this: it goes through the waterfall as any repayment.
 * A fee whose bill a credit balance paid in full at its cut (the bill has left the line) stays paid.
 */
export function allocatePayoff(
  state: LineState,
  amountMinor: MinorUnits,
  options: PayoffOptions,
): Allocation {
  const planIds = options.payOffPlanIds ?? [];
  if (!options.billedPeriodsWhenAsked || planIds.length === 0)
    return allocateRepayment(state, amountMinor, options);
  const trial = structuredClone(state);
  const { paidBackMinor } = waiveFeesBilledSince(trial, options.billedPeriodsWhenAsked);
  const moneyMinor = amountMinor + paidBackMinor;
  const plansMinor = trial.plans
    .filter((plan) => plan.status === 'ACTIVE' && planIds.includes(plan.planId))
    .reduce((sum, plan) => sum + planUnbilledPrincipalMinor(plan), 0);
  if (moneyMinor < plansMinor) return allocateRepayment(state, amountMinor, options);
  const bills =
    moneyMinor > plansMinor
      ? allocateRepayment(trial, moneyMinor - plansMinor, { prepayUnbilled: false })
      : { byStage: noStages(), unallocatedMinor: 0 };
  const byStage = { ...bills.byStage };
  byStage.PLAN_PAYOFF = payPlansOff(trial, plansMinor, planIds);
  let left = bills.unallocatedMinor + plansMinor - byStage.PLAN_PAYOFF;
  if (options.prepayUnbilled) {
    byStage.UNBILLED_PRINCIPAL = prepayUnbilledCharges(trial, left);
    left -= byStage.UNBILLED_PRINCIPAL;
  }
  Object.assign(state, trial);
  return { byStage, unallocatedMinor: left };
}

function noStages(): StageAmounts {
  return Object.fromEntries(waterfallStages.map((stage) => [stage, 0])) as StageAmounts;
}

/**
 * Credits the fees of plan periods billed after `billedPeriodsWhenAsked` on bills still owing
 * (mutates `state`): first what they owe, then what was paid of them, which it returns to be spent.
 */
function waiveFeesBilledSince(
  state: LineState,
  billedPeriodsWhenAsked: Readonly<Record<string, number>>,
): { paidBackMinor: MinorUnits } {
  let paidBackMinor = 0;
  for (const bill of state.bills) {
    for (const item of bill.items) {
      const askedPeriods = billedPeriodsWhenAsked[item.ref];
      if (item.kind !== 'INSTALLMENT_FEE' || askedPeriods === undefined) continue;
      if ((item.period ?? 0) <= askedPeriods) continue;
      const feeMinor = item.amountMinor - item.creditedMinor;
      if (feeMinor <= 0) continue;
      const paidMinor = Math.max(0, feeMinor - owedOn(bill, 'INSTALLMENT_FEES'));
      bill.paid.INSTALLMENT_FEES -= paidMinor;
      bill.credited.INSTALLMENT_FEES += feeMinor;
      item.creditedMinor += feeMinor;
      paidBackMinor += paidMinor;
      const plan = state.plans.find((candidate) => candidate.planId === item.ref);
      if (plan) plan.feeWrittenOffMinor += feeMinor;
    }
  }
  return { paidBackMinor };
}
