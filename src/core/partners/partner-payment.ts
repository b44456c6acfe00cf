import type { Channel } from '../policy/channel-policies';

/** How a partner took a payment: in its app, by redeeming a user's one-time code, or as a top-up. */
export const partnerPaymentKinds = ['IN_APP', 'PAYMENT_CODE', 'TOP_UP'] as const;
export type PartnerPaymentKind = (typeof partnerPaymentKinds)[number];

/** Mainland mobile numbers, as clients are told them (the error and the schema). */
export const phoneNumberRule = 'An 11-digit mobile number, e.g. 13812341234';

/** Mainland mobile numbers: 11 digits starting with 1. */
export function isPhoneNumber(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

/** Merchant references (and partner user ids) are the partner's own ids: printable, bounded. */
export const merchantRefRule = 'Use 1-64 printable ASCII characters, no spaces';

export function isMerchantRef(value: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(value);
}

/** What top-ups and offline code payments are sold as, whatever the partner says (its scenario, its policy). */
export const channelCategories = {
  TELECOM_TOPUP: 'TOP_UP',
  OFFLINE_QR: 'OFFLINE_PURCHASE',
} as const satisfies Partial<Record<Channel, string>>;

/** The category a channel always sells, if it has one. */
export function fixedCategoryOf(channel: Channel): string | undefined {
  return (channelCategories as Partial<Record<Channel, string>>)[channel];
}
