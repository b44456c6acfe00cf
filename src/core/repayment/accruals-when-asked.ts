import { type BillState, type LineState, owedOn } from '../ledger/line-state';
import type { MinorUnits } from '../money';

/** Penalties and interest charged on a bill (billed less credited) when a repayment was asked. */
export interface AccrualsWhenAsked {
  penaltiesMinor: MinorUnits;
  interestMinor: MinorUnits;
}

/** What `bills` had charged in penalties and interest, by bill id (a quote records it). */
export function accrualsOf(bills: readonly BillState[]): Record<string, AccrualsWhenAsked> {
  return Object.fromEntries(
    bills.map((bill) => [
      bill.billId,
      {
        penaltiesMinor: bill.billed.PENALTIES - bill.credited.PENALTIES,
        interestMinor: bill.billed.INTEREST - bill.credited.INTEREST,
      },
    ]),
  );
}

/**
 * A quoted repayment counts from the day it was asked: penalties and interest its bills (the ones
 * its kind pays in full) were charged after that, while the source had not answered, are waived
 * (mutates `state`). Each is credited, first against what it still owes, then against what another
 * payment paid of it meanwhile, which is money again; that sum is returned, to be spent with the
 * repayment. A bill that has left the line (paid in full) is not reopened.
 */
export function waiveAccrualsSinceAsked(
  state: LineState,
  whenAsked: Readonly<Record<string, AccrualsWhenAsked>>,
): { paidBackMinor: MinorUnits } {
  let paidBackMinor = 0;
  for (const bill of state.bills) {
    const asked = whenAsked[bill.billId];
    if (!asked) continue;
    for (const [component, askedMinor] of [
      ['PENALTIES', asked.penaltiesMinor],
      ['INTEREST', asked.interestMinor],
    ] as const) {
      const sinceMinor = bill.billed[component] - bill.credited[component] - askedMinor;
      if (sinceMinor <= 0) continue;
      const paidMinor = Math.max(0, sinceMinor - owedOn(bill, component));
      bill.paid[component] -= paidMinor;
      bill.credited[component] += sinceMinor;
      paidBackMinor += paidMinor;
    }
  }
  return { paidBackMinor };
}
