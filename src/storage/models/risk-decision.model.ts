import { Schema } from 'mongoose';

/** An automated credit decision with its inputs and reasons, kept so it can be explained later. */
export interface RiskDecisionDoc {
  /** The authorization id the decision was made for (deterministic per checkout key). */
  _id: string;
  lineId: string;
  userId: string;
  approved: boolean;
  reason: string | null;
  failedRules: string[];
  inputs: Record<string, unknown>;
  requestHash: string;
  at: Date;
}

export const riskDecisionSchema = new Schema<RiskDecisionDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    userId: { type: String, required: true },
    approved: { type: Boolean, required: true },
    reason: { type: String, default: null },
    failedRules: { type: [String], default: [] },
    inputs: { type: Schema.Types.Mixed, required: true },
    requestHash: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'riskDecisions', versionKey: false, autoIndex: false, minimize: false },
);
riskDecisionSchema.index({ lineId: 1, at: -1 });
