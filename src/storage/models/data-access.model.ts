import { Schema } from 'mongoose';

/** One partner read of a user's personal data: who, which fields, why, through what, when. */
export interface DataAccessDoc {
  /** Sortable by time (newest-first pages). */
  _id: string;
  userId: string;
  partnerId: string;
  bindingId: string;
  fields: string[];
  purpose: string;
  /** The GraphQL operation the partner ran (name, or its root field). */
  operation: string;
  at: Date;
}

export const dataAccessSchema = new Schema<DataAccessDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    partnerId: { type: String, required: true },
    bindingId: { type: String, required: true },
    fields: { type: [String], required: true },
    purpose: { type: String, required: true },
    operation: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'dataAccessLog', versionKey: false, autoIndex: false },
);
dataAccessSchema.index({ userId: 1, _id: -1 });
