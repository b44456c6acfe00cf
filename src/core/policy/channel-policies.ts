import type { InstallmentPeriodCount } from '../installments/fee-rates';
import type { MinorUnits } from '../money';

export const channels = [
  'MALL',
  'INSTALLMENT_STORE',
  'WALLET_PARTNER',
  'TELECOM_TOPUP',
  'OFFLINE_QR',
] as const;
export type Channel = (typeof channels)[number];

export const plans = ['FULL', 'INSTALLMENTS'] as const;
export type Plan = (typeof plans)[number];

export interface ChannelPolicy {
  plans: readonly Plan[];
  installmentPeriods: readonly InstallmentPeriodCount[];
  blockedCategories: readonly string[];
  minimumAmountMinor: MinorUnits;
  /** Partner channels act for a user only through an active binding with consent. */
  requiresBinding: boolean;
  /** Most authorizations per velocity window (10 minutes) before VELOCITY_LIMIT. */
  velocityMaxAuthorizations: number;
}

/** Never payable with the line, on any channel: paying debt with debt, cash-out, gambling. */
export const alwaysBlockedCategories: readonly string[] = [
  'CREDIT_CARD_REPAYMENT',
  'CASH_WITHDRAWAL',
  'GAMBLING',
  'SECURITIES',
];

/** Channel rules are data, not code paths: what each channel accepts (scenario quotas: scenario.ts). */
export const channelPolicies: Record<Channel, ChannelPolicy> = {
  MALL: {
    plans: ['FULL', 'INSTALLMENTS'],
    installmentPeriods: [3, 6, 12, 24],
    // Gift cards resell as cash: in an open catalog they are a cash-out route.
    blockedCategories: ['GIFT_CARD'],
    minimumAmountMinor: 100,
    requiresBinding: false,
    velocityMaxAuthorizations: 20,
  },
  INSTALLMENT_STORE: {
    plans: ['INSTALLMENTS'],
    installmentPeriods: [3, 6, 12, 24],
    blockedCategories: [],
    minimumAmountMinor: 30_000,
    requiresBinding: false,
    velocityMaxAuthorizations: 5,
  },
  WALLET_PARTNER: {
    plans: ['FULL', 'INSTALLMENTS'],
    installmentPeriods: [3, 6, 12],
    blockedCategories: ['VIRTUAL_CURRENCY'],
    minimumAmountMinor: 100,
    requiresBinding: true,
    velocityMaxAuthorizations: 10,
  },
  TELECOM_TOPUP: {
    plans: ['FULL'],
    installmentPeriods: [],
    blockedCategories: [],
    minimumAmountMinor: 1_000,
    requiresBinding: true,
    velocityMaxAuthorizations: 5,
  },
  OFFLINE_QR: {
    plans: ['FULL'],
    installmentPeriods: [],
    blockedCategories: [],
    minimumAmountMinor: 100,
    requiresBinding: true,
    velocityMaxAuthorizations: 10,
  },
};

/**
 * Below the least a channel takes: an authorization, or the part of a hold a partial capture charges
 * (an unknown channel takes nothing). A plan priced on a few fen would carry a rate far from its offer.
 */
export function belowChannelMinimum(channel: string | undefined, amountMinor: MinorUnits): boolean {
  const policy = channel === undefined ? undefined : policyOf(channel);
  return amountMinor < (policy?.minimumAmountMinor ?? Number.MAX_SAFE_INTEGER);
}

/** The channel's policy, or undefined for an unknown channel (own keys only: 'toString' is no channel). */
export function policyOf(channel: string): ChannelPolicy | undefined {
  return Object.hasOwn(channelPolicies, channel) ? channelPolicies[channel as Channel] : undefined;
}
