import { isInstallmentPeriodCount } from '../installments/fee-rates';
import type { MinorUnits } from '../money';
import { alwaysBlockedCategories, type Channel, channelPolicies, type Plan } from './channel-policies';
import { refusalPrecedence, type RefusalReason } from './refusal-reasons';

export const velocityWindowMinutes = 10;
/** An amount above this many times the typical purchase (and above the floor) is held back. */
export const anomalyMultiple = 10;
export const anomalyFloorMinor = 500_000; // 5,000 CNY

export interface AuthorizationInput {
  lineStatus: string;
  availableMinor: MinorUnits;
  channel: Channel | string;
  category: string;
  amountMinor: MinorUnits;
  plan: Plan;
  periods?: number | undefined;
  binding?: { active: boolean; consentCoversPayments: boolean; consentExpiresAt: Date } | undefined;
  scenarioUsedThisMonthMinor: MinorUnits;
  authorizationsInVelocityWindow: number;
  /** Median purchase of this user, if known. */
  typicalAmountMinor?: MinorUnits | undefined;
}

export interface AuthorizationDecision {
  approved: boolean;
  /** The reported reason: the first failed rule in precedence order. */
  reason: RefusalReason | null;
  /** Every failed rule, in precedence order (stored for explainability). */
  failedRules: RefusalReason[];
}

type Rule = (input: AuthorizationInput, now: Date) => boolean;

/** Each rule answers "does this refusal apply?"; the table order is the precedence order. */
const rules: Record<RefusalReason, Rule> = {
  LINE_NOT_ACTIVE: (i) => i.lineStatus !== 'ACTIVE',
  CHANNEL_NOT_ALLOWED: (i) => !(i.channel in channelPolicies),
  CATEGORY_BLOCKED: (i) =>
    alwaysBlockedCategories.includes(i.category) ||
    (channelPolicies[i.channel as Channel]?.blockedCategories.includes(i.category) ?? false),
  PLAN_NOT_OFFERED: (i) => {
    const policy = channelPolicies[i.channel as Channel];
    if (!policy || !policy.plans.includes(i.plan)) return true;
    if (i.plan === 'FULL') return i.periods !== undefined && i.periods !== 1;
    return !(
      i.periods !== undefined &&
      isInstallmentPeriodCount(i.periods) &&
      policy.installmentPeriods.includes(i.periods)
    );
  },
  AMOUNT_BELOW_MINIMUM: (i) =>
    i.amountMinor < (channelPolicies[i.channel as Channel]?.minimumAmountMinor ?? Number.MAX_SAFE_INTEGER),
  BINDING_NOT_ACTIVE: (i) =>
    (channelPolicies[i.channel as Channel]?.requiresBinding ?? false) && !i.binding?.active,
  CONSENT_MISSING: (i, now) =>
    (channelPolicies[i.channel as Channel]?.requiresBinding ?? false) &&
    !(i.binding?.consentCoversPayments && i.binding.consentExpiresAt.getTime() > now.getTime()),
  SCENARIO_QUOTA_EXCEEDED: (i) => {
    const quota = channelPolicies[i.channel as Channel]?.monthlyQuotaMinor;
    return quota !== undefined && i.scenarioUsedThisMonthMinor + i.amountMinor > quota;
  },
  VELOCITY_LIMIT: (i) =>
    i.authorizationsInVelocityWindow >=
    (channelPolicies[i.channel as Channel]?.velocityMaxAuthorizations ?? 0),
  AMOUNT_ANOMALY: (i) =>
    i.typicalAmountMinor !== undefined &&
    i.amountMinor > anomalyFloorMinor &&
    i.amountMinor > i.typicalAmountMinor * anomalyMultiple,
  INSUFFICIENT_AVAILABLE_CREDIT: (i) => i.amountMinor > i.availableMinor,
};

/** The risk core's decision on one authorization. Pure: `now` is an input. */
export function decideAuthorization(input: AuthorizationInput, now: Date): AuthorizationDecision {
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
    throw new RangeError('amount must be a positive integer of minor units');
  }
  const failedRules = refusalPrecedence.filter((reason) => rules[reason](input, now));
  return { approved: failedRules.length === 0, reason: failedRules[0] ?? null, failedRules };
}
