import { Schema } from 'mongoose';

/**
 * A dispatcher's claim on sending one notice, for one claim window of real time: `_id` is
 * `<notice id>@<window>`.
 * A unique insert is the atomic step FerretDB has (its updates do not re-check their filter), so two
 * dispatchers cannot both claim a notice in one window.
 */
export interface NoticeClaimDoc {
  _id: string;
  noticeId: string;
  /** The claimer's own clock, for an operator reading the collection. */
  claimedAt: Date;
}

export const noticeClaimSchema = new Schema<NoticeClaimDoc>(
  {
    _id: { type: String, required: true },
    noticeId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'notice_claims', versionKey: false, autoIndex: false },
);
noticeClaimSchema.index({ noticeId: 1 });
