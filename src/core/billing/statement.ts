import { laterStatementDate, dueDateFor, statementDateFor } from './calendar';
import { minimumDue } from './minimum-due';
import { type BillItem, type BillState, type LineState, zeroAmounts } from '../ledger/line-state';
import type { BusinessDate } from '../time/business-date';

/** The next statement date to cut: the first after the last one, or the first after the line opened. */
export function nextStatementDate(state: LineState): BusinessDate {
  if (state.lastStatementDate) return laterStatementDate(state.lastStatementDate, 1);
  const first = statementDateFor(state.openedOn, state.statementDay);
  // A line opened on its statement day has nothing to bill that day.
  return first === state.openedOn ? laterStatementDate(first, 1) : first;
}

/**
 * Statement dates due by `today` that would bill something, oldest first (a late scheduler catches up
 * in order); a cycle with nothing in it gets no statement.
 */
export function statementDatesDue(state: LineState, today: BusinessDate): BusinessDate[] {
  const due: BusinessDate[] = [];
  const probe = structuredClone(state);
  for (let date = nextStatementDate(probe); date <= today; date = laterStatementDate(date, 1)) {
    if (composeStatement(probe, 'probe', date, today)) due.push(date);
  }
  return due;
}

/** A statement for `statementDate` may be cut today: a statement day, not before the next one, not ahead. */
export function isStatementDue(state: LineState, statementDate: BusinessDate, today: BusinessDate): boolean {
  return (
    statementDate >= nextStatementDate(state) &&
    statementDate <= today &&
    statementDateFor(statementDate, state.statementDay) === statementDate
  );
}

/** The statement that bills installment period 1 of a plan captured on `capturedOn`. */
export function firstStatementForPlan(state: LineState, capturedOn: BusinessDate): BusinessDate {
  const byDate = statementDateFor(capturedOn, state.statementDay);
  const next = nextStatementDate(state);
  // Captured after today's statement was cut: period 1 goes on the next one.
  return byDate < next ? next : byDate;
}

/**
 * Statement composition (mutates `state`): the FULL charges captured up to the statement date, and
 * each plan's periods falling due by it, move onto a new bill; empty cycles get no bill.
 */
export function composeStatement(
  state: LineState,
  billId: string,
  statementDate: BusinessDate,
  cutOn: BusinessDate,
): BillState | null {
  const items: BillItem[] = [];
  const billed = zeroAmounts();
  state.unbilledCharges = state.unbilledCharges.filter((charge) => {
    if (charge.capturedOn > statementDate) return true;
    if (charge.amountMinor > 0) {
      items.push({
        kind: 'PURCHASE',
        chargeId: charge.chargeId,
        ref: charge.ref,
        amountMinor: charge.amountMinor,
        creditedMinor: 0,
      });
      billed.FULL_PAY_PRINCIPAL += charge.amountMinor;
    }
    return false;
  });
  for (const plan of state.plans) {
    for (const period of plan.remaining) {
      if (period.index <= plan.billedPeriods) continue;
      if (laterStatementDate(plan.firstStatementDate, period.index - 1) > statementDate) break;
      const common = {
        chargeId: plan.chargeId,
        ref: plan.planId,
        period: period.index,
        periods: plan.periods,
      };
      items.push(
        { kind: 'INSTALLMENT_PRINCIPAL', ...common, amountMinor: period.principalMinor, creditedMinor: 0 },
        { kind: 'INSTALLMENT_FEE', ...common, amountMinor: period.feeMinor, creditedMinor: 0 },
      );
      billed.INSTALLMENT_PRINCIPAL += period.principalMinor;
      billed.INSTALLMENT_FEES += period.feeMinor;
      plan.billedPeriods = period.index;
    }
    if (plan.billedPeriods === plan.remaining.at(-1)?.index) plan.status = 'FULLY_BILLED';
  }
  state.lastStatementDate = statementDate;
  const total = billed.FULL_PAY_PRINCIPAL + billed.INSTALLMENT_PRINCIPAL + billed.INSTALLMENT_FEES;
  if (total === 0) return null;
  return {
    billId,
    statementDate,
    // Cut on or after its own due day (a scheduler was down), the customer still gets the full days.
    dueDate: cutOn >= dueDateFor(statementDate) ? dueDateFor(cutOn) : dueDateFor(statementDate),
    items,
    billed,
    paid: zeroAmounts(),
    credited: zeroAmounts(),
    minimumDueMinor: minimumDue({
      fullPayPrincipalMinor: billed.FULL_PAY_PRINCIPAL,
      installmentsDueMinor: billed.INSTALLMENT_PRINCIPAL + billed.INSTALLMENT_FEES,
      feesMinor: 0,
      penaltiesMinor: 0,
      overdueCarriedMinor: 0,
    }),
    overdue: false,
    limitCutDone: false,
    accruedDays: 0,
    accrualRemainder: 0,
  };
}
