import { Schema } from 'mongoose';
import type { Effects, LedgerRejection, RecordedDecision } from '../../core/ledger/apply';
import { type LedgerCommand, type LedgerCommandType, ledgerCommandTypes } from '../../core/ledger/commands';
import type { LineState } from '../../core/ledger/line-state';

/**
 * One append-only ledger entry. `_id` is `<lineId>:<sequence padded>` and (lineId, sequence) is unique,
 * so two writers that computed the same next sequence cannot both land: the loser re-reads the head.
 * A refused authorization is an entry too (state unchanged), so a retried checkout gets the same answer.
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
  /** Set on a refused authorization: the named reason. */
  rejection: LedgerRejection | null;
  /** Authorizations: the decision, its failed rules and inputs (explainable decisions). */
  decision: RecordedDecision | null;
  amountMinor: number;
  stateAfter: LineState;
  /** Bills and plans as this entry left them (their projections are written from here). */
  effects: Effects | null;
  /** Business time of the command (the clock passed to the core). */
  at: Date;
  /** The money rules it was computed under (`ledgerRulesVersion`); absent before versions were recorded. */
  rulesVersion?: number;
}

export function ledgerEntryId(lineId: string, sequence: number): string {
  return `${lineId}:${String(sequence).padStart(10, '0')}`;
}

export const ledgerEntrySchema = new Schema<LedgerEntryDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    sequence: { type: Number, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, required: true },
    type: { type: String, enum: ledgerCommandTypes, required: true },
    command: { type: Schema.Types.Mixed, required: true },
    rejection: { type: String, default: null },
    decision: { type: Schema.Types.Mixed, default: null },
    amountMinor: { type: Number, required: true },
    stateAfter: { type: Schema.Types.Mixed, required: true },
    effects: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
    rulesVersion: { type: Number },
  },
  { collection: 'ledgerEntries', versionKey: false, autoIndex: false, minimize: false },
);
ledgerEntrySchema.index({ lineId: 1, sequence: 1 }, { unique: true });
ledgerEntrySchema.index({ idempotencyKey: 1 }, { unique: true });
// Ledger pages: newest first by _id within a line.
ledgerEntrySchema.index({ lineId: 1, _id: -1 });
