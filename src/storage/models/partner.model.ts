import { Schema } from 'mongoose';

export const partnerKinds = ['WALLET', 'TELECOM', 'OFFLINE_MERCHANT'] as const;
export type PartnerKind = (typeof partnerKinds)[number];

export interface PartnerDoc {
  _id: string;
  name: string;
  kind: PartnerKind;
  scopes: string[];
}

export const partnerSchema = new Schema<PartnerDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: partnerKinds, required: true },
    scopes: { type: [String], default: [] },
  },
  { collection: 'partners', versionKey: false, autoIndex: false },
);
