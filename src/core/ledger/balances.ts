import { availableMinor } from '../credit-line';
import type { MinorUnits } from '../money';

export type LineStatus = 'PENDING_REVIEW' | 'ACTIVE' | 'FROZEN' | 'CLOSED';

/** A credit line's balances after a ledger entry; the head entry's balances are the line's state. */
export interface LineBalances {
  status: LineStatus;
  limitMinor: MinorUnits;
  /** Outstanding principal (captured, not yet repaid or refunded), all buckets together. */
  principalMinor: MinorUnits;
  /** Of it, on an issued bill and not yet due-and-missed. */
  billedPrincipalMinor: MinorUnits;
  /** Of it, on a bill whose due day passed without the minimum paid. */
  overduePrincipalMinor: MinorUnits;
  /** Open authorization holds. */
  heldMinor: MinorUnits;
  /** Owed on bills but outside the limit (fees, penalties): see core/credit-line.ts. */
  feesOwedMinor: MinorUnits;
  penaltiesOwedMinor: MinorUnits;
  /** Money the customer has on account (overpayment, refund of paid principal). */
  creditBalanceMinor: MinorUnits;
  statementDay: number;
  /**
   * Times (epoch ms) of the latest approved authorizations inside the velocity window. Kept on the
   * head so the velocity rule is decided serially with the append, exact under concurrent checkouts.
   */
  recentAuthorizationsAt: number[];
  /** Amounts of the last approved authorizations: the anomaly rule compares against their median. */
  recentAmountsMinor: MinorUnits[];
}

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`ledger invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

/** Checked before every append and after every read: a broken head must never be written or served. */
export function assertBalances(balances: LineBalances): void {
  const amounts: [string, number][] = [
    ['limit', balances.limitMinor],
    ['principal', balances.principalMinor],
    ['billed principal', balances.billedPrincipalMinor],
    ['overdue principal', balances.overduePrincipalMinor],
    ['held', balances.heldMinor],
    ['fees', balances.feesOwedMinor],
    ['penalties', balances.penaltiesOwedMinor],
    ['credit balance', balances.creditBalanceMinor],
  ];
  for (const [name, value] of amounts) {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvariantViolation(`${name} is ${value}`);
  }
  if (balances.billedPrincipalMinor + balances.overduePrincipalMinor > balances.principalMinor) {
    throw new InvariantViolation(
      `billed ${balances.billedPrincipalMinor} + overdue ${balances.overduePrincipalMinor} exceed principal ${balances.principalMinor}`,
    );
  }
  if (availableMinor({ ...balances, usedMinor: balances.principalMinor }) < 0) {
    throw new InvariantViolation(
      `principal ${balances.principalMinor} + held ${balances.heldMinor} exceeds limit ${balances.limitMinor}`,
    );
  }
}

export function lineAvailableMinor(balances: LineBalances): MinorUnits {
  return availableMinor({ ...balances, usedMinor: balances.principalMinor });
}

export function unbilledPrincipalMinor(balances: LineBalances): MinorUnits {
  return balances.principalMinor - balances.billedPrincipalMinor - balances.overduePrincipalMinor;
}
