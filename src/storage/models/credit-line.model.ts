import { Schema } from 'mongoose';
import { feeTiers, type FeeTier } from '../../core/installments/fee-rates';
import { lineFigures, type LineState, type LineStatus, lineStatuses } from '../../core/ledger/line-state';
import type { ScoreReason } from '../../core/risk/scorecard';

/**
 * Summary projection of a credit line. The ledger head is the truth; this document carries the head's
 * state and figures, is rewritten after every append, and can be rebuilt (`npm run rebuild`). An append
 * starts from `state` at `headSequence` and walks forward if another writer got further.
 */
export interface CreditLineDoc {
  _id: string;
  userId: string;
  status: LineStatus;
  limitMinor: number;
  usedMinor: number;
  heldMinor: number;
  availableMinor: number;
  installmentFeesOwedMinor: number;
  interestOwedMinor: number;
  penaltiesOwedMinor: number;
  creditBalanceMinor: number;
  statementDay: number;
  /** Fee tier from the risk scorecard; prices installments. */
  riskTier: FeeTier;
  /** The scorecard result that set the initial limit, kept to explain it. */
  riskScore: number;
  riskReasons: ScoreReason[];
  /** Ledger sequence these figures are from (0 before the line is opened on the ledger). */
  headSequence: number;
  state: LineState | null;
  createdAt: Date;
}

export const creditLineSchema = new Schema<CreditLineDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    status: { type: String, enum: lineStatuses, required: true },
    limitMinor: { type: Number, required: true },
    usedMinor: { type: Number, required: true },
    heldMinor: { type: Number, required: true },
    availableMinor: { type: Number, required: true },
    installmentFeesOwedMinor: { type: Number, required: true },
    interestOwedMinor: { type: Number, required: true },
    penaltiesOwedMinor: { type: Number, required: true },
    creditBalanceMinor: { type: Number, required: true },
    riskTier: { type: String, enum: feeTiers, required: true },
    riskScore: { type: Number, required: true },
    riskReasons: { type: [{ _id: false, code: String, points: Number }], default: [] },
    headSequence: { type: Number, required: true },
    state: { type: Schema.Types.Mixed, default: null },
    statementDay: { type: Number, required: true, min: 1, max: 28 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'creditLines', versionKey: false, autoIndex: false, minimize: false },
);
creditLineSchema.index({ userId: 1 }, { unique: true });
// The due jobs' walk (`everyLine`): a status at a time, in `_id` order.
creditLineSchema.index({ status: 1, _id: 1 });

/** The summary fields a ledger head determines: written after each append, compared by the rebuild. */
export function lineProjection(headSequence: number, state: LineState) {
  const figures = lineFigures(state);
  return {
    headSequence,
    state,
    status: figures.status,
    limitMinor: figures.limitMinor,
    usedMinor: figures.principalMinor,
    heldMinor: figures.heldMinor,
    availableMinor: figures.availableMinor,
    installmentFeesOwedMinor: figures.installmentFeesOwedMinor,
    interestOwedMinor: figures.interestOwedMinor,
    penaltiesOwedMinor: figures.penaltiesOwedMinor,
    creditBalanceMinor: figures.creditBalanceMinor,
    statementDay: figures.statementDay,
  } satisfies Partial<CreditLineDoc>;
}
