import {
  type BillComponent,
  billComponents,
  billOwedMinor,
  type BillState,
  type ComponentAmounts,
  type LineState,
  owedOn,
} from '../ledger/line-state';
import type { MinorUnits } from '../money';
import { type BusinessDate, daysBetween } from '../time/business-date';
import { allocateRepayment } from './waterfall';

/**
 * How long a quote holds: a repayment the source confirms within this many days of the ask counts
 * from the day it was asked (accruals since waived); later, nothing is waived (overdue bills it
 * quoted are still paid first, `payOverdueAsQuoted`).
 */
export const quoteHoldsDays = 7;

/** How a quoted repayment found one bill it pays, when it was asked. */
export interface BillAsAsked {
  /** What the quote paid of each component then (the waterfall over the line as it stood). */
  quotedMinor: ComponentAmounts;
  /** The quote paid the bill in full: its penalties and interest billed then (what accrues after is waived). */
  billedWhenPaidInFull?: { penaltiesMinor: MinorUnits; interestMinor: MinorUnits };
}

/** What a quote of `moneyMinor` pays on each bill of `state` (as of the ask), by bill id. */
export function billsAsAsked(state: LineState, moneyMinor: MinorUnits): Record<string, BillAsAsked> {
  if (moneyMinor <= 0) return {};
  const after = { ...state, bills: structuredClone(state.bills) };
  allocateRepayment(after, moneyMinor, { prepayUnbilled: false });
  const asked: Record<string, BillAsAsked> = {};
  state.bills.forEach((bill, index) => {
    const paid = after.bills[index]!;
    const quotedMinor = Object.fromEntries(
      billComponents.map((component) => [component, paid.paid[component] - bill.paid[component]]),
    ) as ComponentAmounts;
    if (billComponents.every((component) => quotedMinor[component] === 0)) return;
    asked[bill.billId] = {
      quotedMinor,
      ...(billOwedMinor(paid) === 0
        ? {
            billedWhenPaidInFull: {
              penaltiesMinor: bill.billed.PENALTIES,
              interestMinor: bill.billed.INTEREST,
            },
          }
        : {}),
    };
  });
  return asked;
}

/**
 * A quoted repayment landing within `quoteHoldsDays` counts from the day it was asked: penalties
 * and interest billed after the ask on a bill its quote paid in full are waived (mutates `state`),
 * each day once however many repayments were waiting (`accrualsWaivedThrough`, a high-water mark: a
 * quote landing after a later-asked one that left the bill owing gets only the days after it). Each is credited,
 * first against what the bill still owes, then against what another payment paid of it meanwhile,
 * which is money again: that sum is returned, to be spent with the repayment.
 */
export function waiveAccrualsSinceAsked(
  state: LineState,
  asAsked: Readonly<Record<string, BillAsAsked>>,
  askedOn: BusinessDate | undefined,
  today: BusinessDate,
): { paidBackMinor: MinorUnits } {
  let paidBackMinor = 0;
  if (askedOn === undefined || daysBetween(askedOn, today) > quoteHoldsDays) return { paidBackMinor };
  for (const bill of state.bills) {
    const billed = asAsked[bill.billId]?.billedWhenPaidInFull;
    if (!billed) continue;
    for (const [component, key] of [
      ['PENALTIES', 'penaltiesMinor'],
      ['INTEREST', 'interestMinor'],
    ] as const) {
      const throughMinor = bill.accrualsWaivedThrough?.[key] ?? 0;
      const sinceMinor = bill.billed[component] - Math.max(billed[key], throughMinor);
      if (sinceMinor <= 0) continue;
      bill.accrualsWaivedThrough = {
        penaltiesMinor: 0,
        interestMinor: 0,
        ...bill.accrualsWaivedThrough,
        [key]: bill.billed[component],
      };
      paidBackMinor += waive(bill, component, sinceMinor);
    }
  }
  return { paidBackMinor };
}

/**
 * Credits `amountMinor` of a bill's component as waived (mutates `bill`): first against what it
 * still owes, then against what was paid of it, which is returned as money to spend again.
 */
export function waive(bill: BillState, component: BillComponent, amountMinor: MinorUnits): MinorUnits {
  const paidBackMinor = Math.max(0, amountMinor - owedOn(bill, component));
  bill.paid[component] -= paidBackMinor;
  bill.credited[component] += amountMinor;
  return paidBackMinor;
}

/**
 * Before the waterfall, a quoted repayment pays what its quote paid on each bill that is overdue as
 * it lands (at most what it still owes): charges billed since on other bills, paid first by the
 * waterfall, must not leave a bill the quote settled overdue. Returns what it spent (mutates `state`).
 */
export function payOverdueAsQuoted(
  state: LineState,
  asAsked: Readonly<Record<string, BillAsAsked>>,
  moneyMinor: MinorUnits,
): MinorUnits {
  let leftMinor = moneyMinor;
  for (const bill of state.bills) {
    const quoted = asAsked[bill.billId]?.quotedMinor;
    // Held too: a bill waiting on it is paid what its quote paid it before charges billed since.
    if (!quoted || (!bill.overdue && !bill.held)) continue;
    for (const component of billComponents) leftMinor -= pay(bill, component, quoted[component], leftMinor);
  }
  return moneyMinor - leftMinor;
}

function pay(bill: BillState, component: BillComponent, capMinor: MinorUnits, leftMinor: MinorUnits) {
  const takeMinor = Math.max(0, Math.min(capMinor, owedOn(bill, component), leftMinor));
  bill.paid[component] += takeMinor;
  return takeMinor;
}
