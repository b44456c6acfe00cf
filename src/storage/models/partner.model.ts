import { Schema } from 'mongoose';
import { type PartnerKind, partnerKinds, partnerScopes } from '../../core/partners/consent';

export interface PartnerDoc {
  /** Also the OAuth client id. */
  _id: string;
  name: string;
  kind: PartnerKind;
  /** What its tokens may carry (`partnerScopes`). */
  scopes: string[];
  /** `scrypt$<salt hex>$<key hex>` of the client secret; the secret itself is never stored. */
  clientSecretHash: string;
}

export const partnerSchema = new Schema<PartnerDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: partnerKinds, required: true },
    scopes: { type: [{ type: String, enum: partnerScopes }], default: [] },
    clientSecretHash: { type: String, required: true },
  },
  { collection: 'partners', versionKey: false, autoIndex: false },
);
