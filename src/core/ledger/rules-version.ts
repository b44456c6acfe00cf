/**
 * The version of the money rules a ledger entry is computed under, stored on each entry. An entry
 * written under earlier rules is history: rebuilding trusts its stored state and effects instead of
 * computing it again under today's rules.
 * 1: entries without a version (before 2026-11-24).
 * 2: MINIMUM is the least the waterfall needs; current principal goes to minimums first; a bill
 *    settled after it went overdue, before its cut, still cuts.
 * 3: a payoff whose money covers everything ahead of current principal pays its plans off first
 *    (fees billed while it waited waived); an unfreeze makes a cut that was waiting; an unfreeze is
 *    refused while a bill is overdue.
 * 4: a repayment of a quoted kind confirmed within 7 days counts from the day it was asked:
 *    penalties and interest accrued since on bills its quote paid in full are waived, and a bill
 *    overdue as it lands is paid what the quote paid it first (`billsAsAsked`, as-asked.ts).
 * 5: a bill that repayments asked by its due day, still waiting on their source, would bring to
 *    its minimum (or pay off) is held, not judged, until they are answered or 7 days pass
 *    (`AWAIT_REPAYMENT`, `BillState.held`, awaited-repayments.ts).
 * 6: a hold authorized under version 6 that counted in a scenario quota (a top-up) gives it back when
 *    voided (cancelled, expired), and gives back the part a partial capture releases
 *    (`quotaHolds`, quota-holds.ts); a partial capture must meet its channel's minimum.
 * Rebuild takes entries of earlier versions as stored.
 */
export const ledgerRulesVersion = 6;

/** Entries written before versions were recorded carry none. */
export function rulesVersionOf(entry: { rulesVersion?: number }): number {
  return entry.rulesVersion ?? 1;
}
