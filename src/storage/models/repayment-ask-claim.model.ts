import { Schema } from 'mongoose';

/**
 * A credit line's claim on quoting a repayment, for one window of real time: `_id` is
 * `<line id>@<window>` (`WindowClaims`). One quote of a line at a time, so a quote always sees the
 * repayments asked before it (two taps at the same moment, a tap and the due-day auto-debit).
 */
export interface RepaymentAskClaimDoc {
  _id: string;
  lineId: string;
  /** The claimer's own clock, for an operator reading the collection. */
  claimedAt: Date;
}

export const repaymentAskClaimSchema = new Schema<RepaymentAskClaimDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'repayment_ask_claims', versionKey: false, autoIndex: false },
);
