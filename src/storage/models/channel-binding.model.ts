import { Schema } from 'mongoose';

export const bindingStatuses = ['ACTIVE', 'WITHDRAWN'] as const;
export type BindingStatus = (typeof bindingStatuses)[number];

export interface ConsentDoc {
  purpose: string;
  fields: string[];
  grantedAt: Date;
  expiresAt: Date;
}

export interface ChannelBindingDoc {
  _id: string;
  userId: string;
  partnerId: string;
  partnerUserId: string;
  status: BindingStatus;
  consent: ConsentDoc;
  createdAt: Date;
}

export const channelBindingSchema = new Schema<ChannelBindingDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    partnerId: { type: String, required: true },
    partnerUserId: { type: String, required: true },
    status: { type: String, enum: bindingStatuses, required: true },
    consent: {
      type: new Schema<ConsentDoc>(
        {
          purpose: { type: String, required: true },
          fields: { type: [String], required: true },
          grantedAt: { type: Date, required: true },
          expiresAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    createdAt: { type: Date, required: true },
  },
  { collection: 'channelBindings', versionKey: false, autoIndex: false },
);
// One binding per partner account; the unique insert is what makes a concurrent double-bind impossible.
channelBindingSchema.index({ partnerId: 1, partnerUserId: 1 }, { unique: true });
channelBindingSchema.index({ userId: 1 });
