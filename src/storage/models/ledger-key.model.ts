import { Schema } from 'mongoose';

/**
 * Index of ledger idempotency keys by `_id` (`<lineId>:<key>`), written right after the entry. FerretDB
 * 1.x answers `_id` lookups without scanning, so replays are found fast; the entry's own unique
 * `idempotencyKey` index stays the guarantee if this record is missing (crash between the two writes).
 */
export interface LedgerKeyDoc {
  _id: string;
  entryId: string;
  requestHash: string;
}

export const ledgerKeySchema = new Schema<LedgerKeyDoc>(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    requestHash: { type: String, required: true },
  },
  { collection: 'ledgerKeys', versionKey: false, autoIndex: false },
);
