import { Schema } from 'mongoose';

/** A partner's joint-login request, waiting for the user to approve it with its code. */
export interface BindingRequestDoc {
  /** sha256 of the one-time code: the code is shown once and never stored. */
  _id: string;
  partnerId: string;
  partnerUserId: string;
  purpose: string;
  fields: string[];
  expiresInDays: number;
  createdAt: Date;
  /** The code works until then (business clock). */
  expiresAt: Date;
}

export const bindingRequestSchema = new Schema<BindingRequestDoc>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    partnerUserId: { type: String, required: true },
    purpose: { type: String, required: true },
    fields: { type: [String], required: true },
    expiresInDays: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'bindingRequests', versionKey: false, autoIndex: false },
);
// The due jobs' sweep of codes long expired.
bindingRequestSchema.index({ expiresAt: 1 });
