import { Schema } from 'mongoose';

export const notificationKinds = [
  'STATEMENT_ISSUED',
  'DUE_SOON',
  'OVERDUE',
  'AUTO_DEBIT_SUCCEEDED',
  'AUTO_DEBIT_FAILED',
  // The bill's due day came while a repayment waiting on its source already paid it.
  'AUTO_DEBIT_NOT_NEEDED',
  // A payoff that landed without paying off a plan it was asked to (charges billed meanwhile).
  'PAYOFF_SHORT',
  // A repayment the source confirmed later came after its bills were paid: the rest is credit balance.
  'REPAID_TO_CREDIT_BALANCE',
  // A payout of the credit balance the shopper's request did not see end (finished by the due jobs).
  'PAYOUT_PAID',
  'PAYOUT_FAILED',
  // From the daily limit review.
  'LIMIT_RAISED',
  'LIMIT_CUT',
  'LINE_FROZEN',
  'LINE_UNFROZEN',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * The outbox. `_id` is a deterministic key (`due-soon:<billId>`), so each reminder is recorded at most
 * once however often the jobs run; a dispatcher hands unsent ones to a sender and marks them sent.
 */
export interface NotificationDoc {
  _id: string;
  userId: string;
  kind: NotificationKind;
  message: string;
  ref: string;
  createdAt: Date;
  sentAt: Date | null;
}

export const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    kind: { type: String, enum: notificationKinds, required: true },
    message: { type: String, required: true },
    ref: { type: String, required: true },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false, autoIndex: false },
);
notificationSchema.index({ sentAt: 1, createdAt: 1 });
notificationSchema.index({ userId: 1, createdAt: -1 });
