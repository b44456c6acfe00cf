import { registerEnumType } from 'type-graphql';

/** Where the credit line is used; each channel's rules are data in src/core/policy/channel-policies.ts. */
export enum Channel {
  MALL = 'MALL',
  INSTALLMENT_STORE = 'INSTALLMENT_STORE',
  WALLET_PARTNER = 'WALLET_PARTNER',
  TELECOM_TOPUP = 'TELECOM_TOPUP',
  OFFLINE_QR = 'OFFLINE_QR',
}
registerEnumType(Channel, { name: 'Channel' });
