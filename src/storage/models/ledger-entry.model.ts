import { Schema } from 'mongoose';
import type { LineBalances } from '../../core/ledger/balances';
import type { LedgerCommand, LedgerCommandType } from '../../core/ledger/commands';

/**
 * One append-only ledger entry. `_id` is `<lineId>:<sequence padded>` and (lineId, sequence) is unique,
 * so two writers that computed the same next sequence cannot both land: the loser re-reads the head.
 */
export interface LedgerEntryDoc {
  _id: string;
  lineId: string;
  sequence: number;
  /** `<lineId>:<client or effect key>`; unique, so a command happens at most once. */
  idempotencyKey: string;
  /** Hash of the client's input, to tell a replay from a reused key. */
  requestHash: string;
  type: LedgerCommandType;
  command: LedgerCommand;
  amountMinor: number;
  /** Channel of an authorization, for velocity and scenario quotas. */
  channel?: string;
  balancesAfter: LineBalances;
  /** Business time of the command (the clock passed to the core). */
  at: Date;
}

export function ledgerEntryId(lineId: string, sequence: number): string {
  return `${lineId}:${String(sequence).padStart(10, '0')}`;
}

const balancesSchema = new Schema<LineBalances>(
  {
    status: { type: String, required: true },
    limitMinor: { type: Number, required: true },
    principalMinor: { type: Number, required: true },
    billedPrincipalMinor: { type: Number, required: true },
    overduePrincipalMinor: { type: Number, required: true },
    heldMinor: { type: Number, required: true },
    feesOwedMinor: { type: Number, required: true },
    penaltiesOwedMinor: { type: Number, required: true },
    creditBalanceMinor: { type: Number, required: true },
    statementDay: { type: Number, required: true },
    recentAuthorizationsAt: { type: [Number], default: [] },
    recentAmountsMinor: { type: [Number], default: [] },
  },
  { _id: false },
);

export const ledgerEntrySchema = new Schema<LedgerEntryDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    sequence: { type: Number, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    type: { type: String, required: true },
    command: { type: Schema.Types.Mixed, required: true },
    amountMinor: { type: Number, required: true },
    channel: { type: String },
    balancesAfter: { type: balancesSchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'ledgerEntries', versionKey: false, autoIndex: false, minimize: false },
);
ledgerEntrySchema.index({ lineId: 1, sequence: 1 }, { unique: true });
ledgerEntrySchema.index({ idempotencyKey: 1 }, { unique: true });
ledgerEntrySchema.index({ lineId: 1, type: 1, at: 1 });
