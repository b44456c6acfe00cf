import { Schema } from 'mongoose';
import { type BindingStatus, bindingStatuses, consentFields } from '../../core/partners/consent';

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
  /** The partner's own id for the user: the only user handle a partner ever sees (pairwise). */
  partnerUserId: string;
  status: BindingStatus;
  consent: ConsentDoc;
  createdAt: Date;
  /** When it was withdrawn (or refused). */
  endedAt?: Date;
  /**
   * `<partner>:<partnerUserId>` and `<partner>:<user>` while ACTIVE, `ended:<_id>` after: unique, so one
   * active binding per partner account and per user is decided by the insert itself, not by a read.
   */
  activePartnerUserKey: string;
  activeUserKey: string;
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
          fields: { type: [{ type: String, enum: consentFields }], required: true },
          grantedAt: { type: Date, required: true },
          expiresAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    createdAt: { type: Date, required: true },
    endedAt: { type: Date },
    activePartnerUserKey: { type: String, required: true },
    activeUserKey: { type: String, required: true },
  },
  { collection: 'channelBindings', versionKey: false, autoIndex: false },
);
channelBindingSchema.index({ activePartnerUserKey: 1 }, { unique: true });
channelBindingSchema.index({ activeUserKey: 1 }, { unique: true });
channelBindingSchema.index({ userId: 1, _id: 1 });
channelBindingSchema.index({ partnerId: 1, partnerUserId: 1 });
channelBindingSchema.index({ partnerId: 1, status: 1, _id: 1 });
