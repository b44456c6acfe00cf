import { type LineState, planUnbilledPrincipalMinor } from '../ledger/line-state';
import { waive } from './as-asked';
import type { MinorUnits } from '../money';
import {
  type Allocation,
  allocateRepayment,
  type AllocationOptions,
  noStages,
  owedAheadOfCurrentPrincipalMinor,
  payPlansOff,
  prepayUnbilledCharges,
} from './waterfall';

export interface PayoffOptions extends AllocationOptions {
  /** Periods each plan paid off had billed when the repayment was asked (`AmountDue`). */
  billedPeriodsWhenAsked?: Readonly<Record<string, number>>;
}

/**
 * A payoff as it lands, after `apply.ts` has waived what its bills accrued since the ask and paid
 * overdue ones as quoted (as-asked.ts). It was quoted when asked: the bills then, plus the plans' unbilled principal
 * (their unbilled fees waived). The source may answer after a statement billed periods of those
 * plans, fee included, beside other charges, or after penalties and interest accrued. When the money
 * covers both the plans' unbilled principal and what the waterfall pays ahead of current bills'
 * principal (penalties, fees, overdue bills), the payoff is honoured as quoted: the fees of periods
 * billed since it was asked are waived (credited on their bills; what a credit balance already paid
 * of them is money again), the plans' unbilled principal pays them off, and the rest goes through the
 * waterfall to the bills, then prepays unbilled charges; a bill not yet due can be left owing (what
 * was billed since the quote). Otherwise none of this: it goes through the waterfall as any
 * repayment, and a plan it cannot pay off after the bills stays. A fee whose bill a credit balance
 * paid in full at its cut (the bill has left the line) stays paid.
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
  // No plan is paid off ahead of an overdue bill, its penalties or any fee.
  if (moneyMinor - plansMinor < owedAheadOfCurrentPrincipalMinor(trial))
    return allocateRepayment(state, amountMinor, options);
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
      paidBackMinor += waive(bill, 'INSTALLMENT_FEES', feeMinor);
      item.creditedMinor += feeMinor;
      const plan = state.plans.find((candidate) => candidate.planId === item.ref);
      if (plan) plan.feeWrittenOffMinor += feeMinor;
    }
  }
  return { paidBackMinor };
}
