import {
  type InstallmentPeriodCount,
  installmentPeriodCounts,
  isInstallmentPeriodCount,
} from '../installments/fee-rates';
import { lineCanSpend } from '../credit-line';
import { isPositiveMinor, type MinorUnits } from '../money';
import {
  alwaysBlockedCategories,
  belowChannelMinimum,
  type Channel,
  type Plan,
  policyOf,
} from './channel-policies';
import { type OfferRefusal, offerRefusals, refusalPrecedence, type RefusalReason } from './refusal-reasons';
import { scenarioOf, scenarioQuotas } from './scenario';

export const velocityWindowMinutes = 10;
/** An amount above this many times the typical purchase (and above the floor) is held back. */
export const anomalyMultiple = 10;
export const anomalyFloorMinor = 500_000; // 5,000 CNY

export interface AuthorizationInput {
  lineStatus: string;
  availableMinor: MinorUnits;
  channel: Channel | string;
  /** Every category in the cart: one blocked category (always or by the channel) refuses the cart. */
  categories: readonly string[];
  amountMinor: MinorUnits;
  plan: Plan;
  periods?: number | undefined;
  /**
   * Installment counts every product of the cart offers (`cartInstallmentPeriods`); undefined when no
   * product restricts them (the channel's counts apply), [] when the products have no count in common.
   */
  productPeriods?: readonly number[] | undefined;
  /** Partner channels: the binding the partner acts through (expiry in epoch ms: commands are stored as JSON). */
  binding?: { active: boolean; consentCoversPayments: boolean; consentExpiresAtMs: number } | undefined;
  /** Already authorized this month in the scenario of this request (`scenarioOf`), any channel. */
  scenarioUsedThisMonthMinor: MinorUnits;
  authorizationsInVelocityWindow: number;
  /** Median purchase of this user, if known. */
  typicalAmountMinor?: MinorUnits | undefined;
}

/** What is sold, where and how: the part of a request that offers are decided on, whoever asks. */
export type OfferRequest = Pick<
  AuthorizationInput,
  'channel' | 'categories' | 'amountMinor' | 'plan' | 'periods' | 'productPeriods'
>;

export interface AuthorizationDecision {
  approved: boolean;
  /** The reported reason: the first failed rule in precedence order. */
  reason: RefusalReason | null;
  /** Every failed rule, in precedence order (stored for explainability). */
  failedRules: RefusalReason[];
}

type Rule = (input: AuthorizationInput, now: Date) => boolean;

/** The rules that read only the offer request (see `offerRefusals`). */
const offerRules: Record<OfferRefusal, (input: OfferRequest) => boolean> = {
  CHANNEL_NOT_ALLOWED: (i) => policyOf(i.channel) === undefined,
  CATEGORY_BLOCKED: (i) => {
    const channelBlocked = policyOf(i.channel)?.blockedCategories ?? [];
    return i.categories.some((c) => alwaysBlockedCategories.includes(c) || channelBlocked.includes(c));
  },
  PLAN_NOT_OFFERED: (i) => {
    const policy = policyOf(i.channel);
    if (!policy || !policy.plans.includes(i.plan)) return true;
    if (i.plan === 'FULL') return i.periods !== undefined && i.periods !== 1;
    return !(
      i.periods !== undefined &&
      isInstallmentPeriodCount(i.periods) &&
      policy.installmentPeriods.includes(i.periods) &&
      (i.productPeriods?.includes(i.periods) ?? true)
    );
  },
  AMOUNT_BELOW_MINIMUM: (i) => belowChannelMinimum(i.channel, i.amountMinor),
};

/** The refusals that read only the line's status, the channel and the binding a partner acts through. */
type StandingRefusal = 'LINE_NOT_ACTIVE' | 'BINDING_NOT_ACTIVE' | 'CONSENT_MISSING';
type StandingRule = (
  input: Pick<AuthorizationInput, 'lineStatus' | 'channel' | 'binding'>,
  now: Date,
) => boolean;

const standingRules: Record<StandingRefusal, StandingRule> = {
  LINE_NOT_ACTIVE: (i) => !lineCanSpend(i.lineStatus),
  BINDING_NOT_ACTIVE: (i) => (policyOf(i.channel)?.requiresBinding ?? false) && !i.binding?.active,
  CONSENT_MISSING: (i, now) =>
    (policyOf(i.channel)?.requiresBinding ?? false) &&
    !(i.binding?.consentCoversPayments && i.binding.consentExpiresAtMs > now.getTime()),
};

/**
 * Whether this line can be used in this channel at all, whatever the amount (an offer list needs no
 * more): the first failed standing rule by precedence, or null.
 */
export function standingRefusal(
  input: Pick<AuthorizationInput, 'lineStatus' | 'channel' | 'binding'>,
  now: Date,
): StandingRefusal | null {
  const failed = (Object.keys(standingRules) as StandingRefusal[]).filter((reason) =>
    standingRules[reason](input, now),
  );
  return (
    refusalPrecedence.find((reason): reason is StandingRefusal =>
      failed.includes(reason as StandingRefusal),
    ) ?? null
  );
}

/** Each rule answers "does this refusal apply?"; `refusalPrecedence` is the order they are reported in. */
const rules: Record<RefusalReason, Rule> = {
  ...standingRules,
  ...offerRules,
  SCENARIO_QUOTA_EXCEEDED: (i) => {
    const scenario = scenarioOf(i.channel, i.categories);
    return (
      scenario !== undefined &&
      i.scenarioUsedThisMonthMinor + i.amountMinor > scenarioQuotas[scenario].monthlyMinor
    );
  },
  VELOCITY_LIMIT: (i) =>
    i.authorizationsInVelocityWindow >= (policyOf(i.channel)?.velocityMaxAuthorizations ?? 0),
  AMOUNT_ANOMALY: (i) =>
    i.typicalAmountMinor !== undefined &&
    i.amountMinor > anomalyFloorMinor &&
    i.amountMinor > i.typicalAmountMinor * anomalyMultiple,
  INSUFFICIENT_AVAILABLE_CREDIT: (i) => i.amountMinor > i.availableMinor,
};

function assertAmount(amountMinor: MinorUnits): void {
  if (!isPositiveMinor(amountMinor)) {
    throw new RangeError('amount must be a positive integer of minor units');
  }
}

function decision(failedRules: RefusalReason[]): AuthorizationDecision {
  return { approved: failedRules.length === 0, reason: failedRules[0] ?? null, failedRules };
}

/** The risk core's decision on one authorization. Pure: `now` is an input. */
export function decideAuthorization(input: AuthorizationInput, now: Date): AuthorizationDecision {
  assertAmount(input.amountMinor);
  return decision(refusalPrecedence.filter((reason) => rules[reason](input, now)));
}

/**
 * Only the offer rules, by the same functions and precedence as `decideAuthorization`: whether this
 * channel and cart offer the plan at all. Whether the shopper can use it now is the full decision's job.
 */
export function decideOffer(request: OfferRequest): AuthorizationDecision {
  assertAmount(request.amountMinor);
  const offerOnly: readonly RefusalReason[] = offerRefusals;
  return decision(
    refusalPrecedence.filter(
      (reason) => offerOnly.includes(reason) && offerRules[reason as OfferRefusal](request),
    ),
  );
}

/** The installment counts offered for this request (channel, categories, products, amount). */
export function offeredInstallmentPeriods(
  request: Omit<OfferRequest, 'plan' | 'periods'>,
): InstallmentPeriodCount[] {
  return installmentPeriodCounts.filter(
    (periods) => decideOffer({ ...request, plan: 'INSTALLMENTS', periods }).approved,
  );
}

/**
 * The counts every product of a cart offers. A product with no list leaves the count to the channel
 * (mall products are not priced per count), so undefined when no product restricts the cart.
 */
export function cartInstallmentPeriods(
  products: readonly { installmentPeriods: readonly number[] }[],
): InstallmentPeriodCount[] | undefined {
  const restricting = products.filter((p) => p.installmentPeriods.length > 0);
  if (restricting.length === 0) return undefined;
  return installmentPeriodCounts.filter((n) => restricting.every((p) => p.installmentPeriods.includes(n)));
}
