import type { MinorUnits } from '../money';
import { mulDivCeil } from '../money-math';

/** Share of full-pay (FULL plan) principal that the minimum repayment must cover: 10%. */
export const minimumPrincipalPercent = 10;

export interface BillAmounts {
  /** Principal of FULL-plan charges on this bill, net of refunds. */
  fullPayPrincipalMinor: MinorUnits;
  /** Installment periods falling due on this bill: their principal and fees. */
  installmentsDueMinor: MinorUnits;
  feesMinor: MinorUnits;
  penaltiesMinor: MinorUnits;
  /** Unpaid amounts carried from earlier overdue bills. */
  overdueCarriedMinor: MinorUnits;
}

/** Minimum repayment: 10% of full-pay principal (rounded up to the fen) plus everything else due. */
export function minimumDue(bill: BillAmounts): MinorUnits {
  return (
    mulDivCeil(bill.fullPayPrincipalMinor, minimumPrincipalPercent, 100) +
    bill.installmentsDueMinor +
    bill.feesMinor +
    bill.penaltiesMinor +
    bill.overdueCarriedMinor
  );
}
