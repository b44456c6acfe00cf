import type { ChannelBindingDoc } from '../storage/models/channel-binding.model';
import type { ApplicantInputs } from '../core/risk/scorecard';
import type { PartnerDoc } from '../storage/models/partner.model';
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

export const demoPartners: PartnerDoc[] = [
  {
    _id: 'p_lakeside_wallet',
    name: 'Lakeside Wallet',
    kind: 'WALLET',
    scopes: ['credit:read', 'credit:pay'],
  },
];

export const demoBindings: ChannelBindingDoc[] = [
  {
    _id: 'cb_alice_lakeside',
    userId: 'u_alice',
    partnerId: 'p_lakeside_wallet',
    partnerUserId: 'lw-88231',
    status: 'ACTIVE',
    consent: {
      purpose: 'Pay with the credit line inside Lakeside Wallet',
      fields: ['creditLine.available', 'user.phone'],
      grantedAt: seededAt,
      expiresAt: new Date('2027-01-05T02:00:00.000Z'),
    },
    createdAt: seededAt,
  },
];
