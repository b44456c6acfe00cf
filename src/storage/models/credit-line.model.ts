import { Schema } from 'mongoose';
import type { FeeTier } from '../../core/installments/fee-rates';
import type { LineBalances } from '../../core/ledger/balances';
import type { ScoreReason } from '../../core/risk/scorecard';

export const creditLineStatuses = ['PENDING_REVIEW', 'ACTIVE', 'FROZEN', 'CLOSED'] as const;
export type CreditLineStatus = (typeof creditLineStatuses)[number];

/**
 * Summary projection of a credit line for reads. The ledger head is the truth; this document is
 * rewritten after every append and can be rebuilt from the ledger (`npm run rebuild`).
 */
export interface CreditLineDoc {
  _id: string;
  userId: string;
  status: CreditLineStatus;
  limitMinor: number;
  usedMinor: number;
  heldMinor: number;
  feesOwedMinor: number;
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
  createdAt: Date;
}

export const creditLineSchema = new Schema<CreditLineDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    status: { type: String, enum: creditLineStatuses, required: true },
    limitMinor: { type: Number, required: true },
    usedMinor: { type: Number, required: true },
    heldMinor: { type: Number, required: true },
    feesOwedMinor: { type: Number, required: true },
    penaltiesOwedMinor: { type: Number, required: true },
    creditBalanceMinor: { type: Number, required: true },
    riskTier: { type: String, enum: ['A', 'B', 'C'], required: true },
    riskScore: { type: Number, required: true },
    riskReasons: { type: [{ _id: false, code: String, points: Number }], default: [] },
    headSequence: { type: Number, required: true },
    statementDay: { type: Number, required: true, min: 1, max: 28 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'creditLines', versionKey: false, autoIndex: false },
);
creditLineSchema.index({ userId: 1 }, { unique: true });

/** The summary fields a ledger head determines: written after each append, compared by the rebuild. */
export function lineFigures(headSequence: number, balances: LineBalances) {
  return {
    headSequence,
    status: balances.status,
    limitMinor: balances.limitMinor,
    usedMinor: balances.principalMinor,
    heldMinor: balances.heldMinor,
    feesOwedMinor: balances.feesOwedMinor,
    penaltiesOwedMinor: balances.penaltiesOwedMinor,
    creditBalanceMinor: balances.creditBalanceMinor,
    statementDay: balances.statementDay,
  } satisfies Partial<CreditLineDoc>;
}
