import type { ChannelBindingDoc } from '../storage/models/channel-binding.model';
import type { ApplicantInputs } from '../core/risk/scorecard';
import type { PartnerDoc } from '../storage/models/partner.model';
import type { ConsentField } from '../core/partners/consent';
import {
  activePartnerUserKey,
  activeUserKey,
  endedBindingKey,
} from '../storage/repositories/channel-binding.repository';
import type { ProductDoc } from '../storage/models/product.model';
import type { UserDoc } from '../storage/models/user.model';

/** Fixed demo data: fixed ids and dates so seeding twice inserts nothing new. */
export const seededAt = new Date('2026-01-05T02:00:00.000Z');

export const demoUserId = 'u_alice';

export const demoUsers: UserDoc[] = [
  { _id: 'u_alice', displayName: 'Alice Wang', phone: '13812341234', createdAt: seededAt },
  { _id: 'u_bob', displayName: 'Bob Li', phone: '13900005678', createdAt: seededAt },
  { _id: 'u_carol', displayName: 'Carol Zhang', phone: '13700009012', createdAt: seededAt },
];

/** Applicant data the risk scorecard turns into each demo line's limit and fee tier. */
export const demoApplicants: { userId: string; statementDay: number; inputs: ApplicantInputs }[] = [
  {
    // score 832 -> 29,000.00 CNY, tier A
    userId: 'u_alice',
    statementDay: 5,
    inputs: {
      accountAgeDays: 400,
      verifiedIncomeBand: 3,
      onTimeBills: 10,
      lateBills: 0,
      maxDaysOverdue: 0,
      purchasesLast90Days: 8,
    },
  },
  {
    // score 688 -> 21,150.00 CNY, tier B
    userId: 'u_bob',
    statementDay: 12,
    inputs: {
      accountAgeDays: 180,
      verifiedIncomeBand: 2,
      onTimeBills: 4,
      lateBills: 0,
      maxDaysOverdue: 0,
      purchasesLast90Days: 2,
    },
  },
  {
    // score 300 (floor) -> 50.00 CNY, the smallest limit, tier C
    userId: 'u_carol',
    statementDay: 20,
    inputs: {
      accountAgeDays: 30,
      verifiedIncomeBand: 0,
      onTimeBills: 0,
      lateBills: 5,
      maxDaysOverdue: 45,
      purchasesLast90Days: 0,
    },
  },
];

const product = (
  _id: string,
  store: ProductDoc['store'],
  title: string,
  category: string,
  priceMinor: number,
  installmentPeriods: number[] = [],
): ProductDoc => ({ _id, store, title, category, priceMinor, installmentPeriods });

export const demoProducts: ProductDoc[] = [
  product('mall-tea-set', 'MALL', 'Celadon tea set', 'HOME', 29_900),
  product('mall-earbuds', 'MALL', 'Wireless earbuds', 'ELECTRONICS', 49_900),
  product('mall-rice-cooker', 'MALL', 'Smart rice cooker', 'APPLIANCES', 89_900),
  product('mall-phone-topup-50', 'MALL', 'Phone top-up 50 CNY', 'TOP_UP', 5_000),
  // Blocked by the mall's channel policy (cash-out route): checkout refuses a cart holding one.
  product('mall-gift-card-100', 'MALL', 'Gift card 100 CNY', 'GIFT_CARD', 10_000),
  product('inst-laptop', 'INSTALLMENT', 'Ultrabook 14"', 'ELECTRONICS', 699_900, [3, 6, 12, 24]),
  product('inst-phone', 'INSTALLMENT', 'Smartphone Pro', 'ELECTRONICS', 599_900, [3, 6, 12]),
  product('inst-bike', 'INSTALLMENT', 'E-bike', 'MOBILITY', 259_900, [3, 6]),
];

/** Demo partner apps. Their client secrets are demo values (local mode); only hashes are stored. */
export const demoPartners: (Omit<PartnerDoc, 'clientSecretHash'> & { demoClientSecret: string })[] = [
  {
    _id: 'p_lakeside_wallet',
    name: 'Lakeside Wallet',
    kind: 'WALLET',
    scopes: ['bindings', 'payments'],
    demoClientSecret: 'lakeside-demo-secret-4f7c2a',
  },
  {
    _id: 'p_skyline_telecom',
    name: 'Skyline Telecom',
    kind: 'TELECOM',
    scopes: ['bindings', 'topup'],
    demoClientSecret: 'skyline-demo-secret-9b1e07',
  },
  {
    _id: 'p_harbor_merchants',
    name: 'Harbor Merchants Network',
    kind: 'OFFLINE_MERCHANT',
    scopes: ['offline'],
    demoClientSecret: 'harbor-demo-secret-c35d88',
  },
];

const binding = (
  _id: string,
  userId: string,
  partnerId: string,
  partnerUserId: string,
  fields: ConsentField[],
  expiresAt: Date,
  withdrawnAt?: Date,
): ChannelBindingDoc => ({
  _id,
  userId,
  partnerId,
  partnerUserId,
  status: withdrawnAt ? 'WITHDRAWN' : 'ACTIVE',
  consent: {
    purpose: 'Pay with the credit line inside the partner app and show its balance',
    fields,
    grantedAt: seededAt,
    expiresAt,
  },
  createdAt: seededAt,
  ...(withdrawnAt ? { endedAt: withdrawnAt } : {}),
  activePartnerUserKey: withdrawnAt ? endedBindingKey(_id) : activePartnerUserKey(partnerId, partnerUserId),
  activeUserKey: withdrawnAt ? endedBindingKey(_id) : activeUserKey(partnerId, userId),
});

/** Bindings in different consent states: full, partial, withdrawn, expired. */
export const demoBindings: ChannelBindingDoc[] = [
  binding(
    'cb_alice_lakeside',
    'u_alice',
    'p_lakeside_wallet',
    'lw-88231',
    ['NAME', 'PHONE', 'CREDIT_STATUS', 'AVAILABLE_CREDIT', 'BILL_SUMMARY', 'PAYMENTS'],
    new Date('2028-01-05T02:00:00.000Z'),
  ),
  // Consent to read the credit status only: no payments, no personal data.
  binding(
    'cb_bob_lakeside',
    'u_bob',
    'p_lakeside_wallet',
    'lw-10417',
    ['CREDIT_STATUS'],
    new Date('2028-01-05T02:00:00.000Z'),
  ),
  binding(
    'cb_alice_skyline',
    'u_alice',
    'p_skyline_telecom',
    'sk-5550123',
    ['PHONE', 'PAYMENTS'],
    new Date('2028-01-05T02:00:00.000Z'),
  ),
  // Expired consent (the business clock starts at the wall clock, after 2026-06-30).
  binding(
    'cb_bob_skyline',
    'u_bob',
    'p_skyline_telecom',
    'sk-5550456',
    ['PHONE', 'PAYMENTS'],
    new Date('2026-06-30T16:00:00.000Z'),
  ),
  // Withdrawn by the user.
  binding(
    'cb_carol_lakeside',
    'u_carol',
    'p_lakeside_wallet',
    'lw-20933',
    ['CREDIT_STATUS', 'PAYMENTS'],
    new Date('2028-01-05T02:00:00.000Z'),
    new Date('2026-02-01T02:00:00.000Z'),
  ),
];
