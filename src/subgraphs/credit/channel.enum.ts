import { type Channel as CoreChannel, channelPolicies, channels } from '../../core/policy/channel-policies';
import { enumFrom } from '../common/enum-from';

/** The plans a channel takes, read from its policy: "FULL or INSTALLMENTS (3, 6, 12, 24)". */
function plansOf(channel: CoreChannel): string {
  const { plans, installmentPeriods } = channelPolicies[channel];
  return plans
    .map((plan) => (plan === 'INSTALLMENTS' ? `INSTALLMENTS (${installmentPeriods.join(', ')})` : plan))
    .join(' or ');
}

const where: Record<CoreChannel, string> = {
  MALL: 'The mall (`checkout`)',
  INSTALLMENT_STORE: 'The installment store (`installmentCheckout`)',
  WALLET_PARTNER: "A wallet partner's app, for a user bound to it (`partnerCheckout`)",
  TELECOM_TOPUP: "A telecom partner's phone top-ups, for a user bound to it (`phoneTopUp`)",
  OFFLINE_QR: "An offline merchant's till, with the user's one-time code (`redeemPaymentCode`)",
};

/** Where the credit line is used: the core's list, whose rules are data in channel-policies.ts. */
export const Channel = enumFrom(
  'Channel',
  channels,
  'Where the credit line is used: each channel has its own plans, minimum amount and blocked categories',
  (channel) => `${where[channel]}: ${plansOf(channel)}`,
);
export type Channel = CoreChannel;
