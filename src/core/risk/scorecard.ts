import type { FeeTier } from '../installments/fee-rates';
import type { MinorUnits } from '../money';

export interface ApplicantInputs {
  accountAgeDays: number;
  /** 0 (none) to 4 (verified high income). */
  verifiedIncomeBand: number;
  onTimeBills: number;
  lateBills: number;
  maxDaysOverdue: number;
  purchasesLast90Days: number;
}

export interface ScoreReason {
  code: string;
  points: number;
}

export interface RiskAssessment {
  score: number;
  /** Factors that moved the score most, largest effect first (explainability). */
  topReasons: ScoreReason[];
  limitMinor: MinorUnits;
  tier: FeeTier;
}

export const minimumLimitMinor = 5_000; // 50 CNY
export const maximumLimitMinor = 3_000_000; // 30,000 CNY
const baseScore = 550;
const scoreFloor = 300;
const scoreCeiling = 850;

/** Points per factor; each rule is a named, capped contribution so a decision can be explained. */
function contributions(inputs: ApplicantInputs): ScoreReason[] {
  return [
    { code: 'ACCOUNT_AGE', points: Math.min(60, Math.floor(inputs.accountAgeDays / 30) * 5) },
    { code: 'VERIFIED_INCOME', points: Math.max(0, Math.min(4, inputs.verifiedIncomeBand)) * 30 },
    { code: 'ON_TIME_HISTORY', points: Math.min(120, inputs.onTimeBills * 10) },
    { code: 'LATE_HISTORY', points: -Math.min(200, inputs.lateBills * 40) },
    {
      code: 'SEVERE_DELINQUENCY',
      points: inputs.maxDaysOverdue > 30 ? -150 : inputs.maxDaysOverdue > 0 ? -50 : 0,
    },
    { code: 'SHOPPING_ACTIVITY', points: Math.min(40, inputs.purchasesLast90Days * 4) },
  ];
}

export function assessApplicant(inputs: ApplicantInputs): RiskAssessment {
  const parts = contributions(inputs);
  const raw = baseScore + parts.reduce((sum, part) => sum + part.points, 0);
  const score = Math.max(scoreFloor, Math.min(scoreCeiling, raw));
  // Linear from 50 CNY at the floor to 30,000 CNY at the ceiling, down to a whole 50 CNY.
  const span = maximumLimitMinor - minimumLimitMinor;
  const linear = minimumLimitMinor + Math.floor(((score - scoreFloor) * span) / (scoreCeiling - scoreFloor));
  const limitMinor = Math.max(minimumLimitMinor, Math.floor(linear / 5_000) * 5_000);
  const tier: FeeTier = score >= 700 ? 'A' : score >= 600 ? 'B' : 'C';
  const topReasons = parts
    .filter((part) => part.points !== 0)
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || a.code.localeCompare(b.code))
    .slice(0, 3);
  return { score, topReasons, limitMinor, tier };
}
