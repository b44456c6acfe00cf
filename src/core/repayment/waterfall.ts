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
  const byStage = Object.fromEntries(waterfallStages.map((stage) => [stage, 0])) as StageAmounts;
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
      for (const plan of state.plans) {
        if (!options.payOffPlanIds?.includes(plan.planId)) continue;
        const principal = planUnbilledPrincipalMinor(plan);
        if (principal > left) continue;
        plan.feeWrittenOffMinor += planUnbilledFeeMinor(plan);
        plan.remaining = plan.remaining.filter((period) => period.index <= plan.billedPeriods);
        plan.status = 'PAID_OFF';
        byStage.PLAN_PAYOFF += principal;
        left -= principal;
      }
    } else if (options.prepayUnbilled) {
      for (const charge of state.unbilledCharges) {
        const take = Math.min(left, charge.amountMinor);
        charge.amountMinor -= take;
        byStage.UNBILLED_PRINCIPAL += take;
        left -= take;
      }
    }
  }
  return { byStage, unallocatedMinor: left };
}

export interface PayoffOptions extends AllocationOptions {
  /** Periods each plan paid off had billed when the repayment was asked (`AmountDue`). */
  billedPeriodsWhenAsked?: Readonly<Record<string, number>>;
}

/**
 * A repayment as it lands. A payoff was quoted with the plans' unbilled fees waived; a statement cut
 * before the source answered bills some of those periods, fee included. When the money, with those
 * fees waived, pays every such plan off, they are waived: credited on their bill (what a credit
 * balance already paid of them is spent again). Otherwise nothing is waived and the waterfall runs
 * as for any repayment (the plan stays, the money pays bills and what is left is a balance).
 * Only bills still owing are seen: a fee whose bill a credit balance paid in full stays paid.
 */
export function allocatePayoff(
  state: LineState,
  amountMinor: MinorUnits,
  options: PayoffOptions,
): Allocation {
  const asked = options.billedPeriodsWhenAsked ?? {};
  const trial = structuredClone(state);
  const waived = waiveFeesBilledSince(trial, asked);
  if (waived.billIds.length > 0) {
    const allocation = allocateRepayment(trial, amountMinor + waived.paidBackMinor, options);
    const plansPaidOff = trial.plans.every(
      (plan) => plan.status !== 'ACTIVE' || !options.payOffPlanIds?.includes(plan.planId),
    );
    const waivedBillsPaid = trial.bills.every(
      (bill) => !waived.billIds.includes(bill.billId) || billOwedMinor(bill) === 0,
    );
    if (plansPaidOff && waivedBillsPaid) {
      Object.assign(state, trial);
      return allocation;
    }
  }
  return allocateRepayment(state, amountMinor, options);
}

/**
 * Credits the fees of plan periods billed after `billedPeriodsWhenAsked` on bills still owing
 * (mutates `state`): first what they owe, then what was paid of them, which it returns to be spent.
 */
function waiveFeesBilledSince(
  state: LineState,
  billedPeriodsWhenAsked: Readonly<Record<string, number>>,
): { billIds: string[]; paidBackMinor: MinorUnits } {
  const billIds: string[] = [];
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
      if (!billIds.includes(bill.billId)) billIds.push(bill.billId);
    }
  }
  return { billIds, paidBackMinor };
}
