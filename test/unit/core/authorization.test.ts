import { channels } from '../../../src/core/policy/channel-policies';
import {
  type AuthorizationInput,
  cartInstallmentPeriods,
  decideAuthorization,
  decideOffer,
  offeredInstallmentPeriods,
} from '../../../src/core/policy/decide-authorization';
import {
  offerRefusals,
  refusalMessage,
  refusalMessages,
  refusalPrecedence,
  type RefusalReason,
} from '../../../src/core/policy/refusal-reasons';
import {
  scenarioMonth,
  scenarioMonthStart,
  scenarioOf,
  scenarioQuotas,
} from '../../../src/core/policy/scenario';
import { demoProducts } from '../../../src/seed/demo-data';

const now = new Date('2026-03-10T04:00:00Z');

/** A wallet-partner payment that passes every rule; each row below breaks rules from here. */
const clean: AuthorizationInput = {
  lineStatus: 'ACTIVE',
  availableMinor: 100_000,
  channel: 'WALLET_PARTNER',
  categories: ['GROCERIES'],
  amountMinor: 10_000,
  plan: 'FULL',
  binding: {
    active: true,
    consentCoversPayments: true,
    consentExpiresAtMs: new Date('2027-01-01T00:00:00Z').getTime(),
  },
  scenarioUsedThisMonthMinor: 0,
  authorizationsInVelocityWindow: 0,
  typicalAmountMinor: 10_000,
};

/** One row per rule in precedence order: the change that trips exactly that rule. */
const trips: [string, Partial<AuthorizationInput>][] = [
  ['LINE_NOT_ACTIVE', { lineStatus: 'FROZEN' }],
  ['CHANNEL_NOT_ALLOWED', { channel: 'CASINO_APP' }],
  ['CATEGORY_BLOCKED', { categories: ['CREDIT_CARD_REPAYMENT'] }],
  ['PLAN_NOT_OFFERED', { plan: 'INSTALLMENTS', periods: 24 }],
  ['AMOUNT_BELOW_MINIMUM', { amountMinor: 99 }],
  [
    'BINDING_NOT_ACTIVE',
    {
      binding: {
        active: false,
        consentCoversPayments: true,
        consentExpiresAtMs: new Date('2027-01-01').getTime(),
      },
    },
  ],
  [
    'CONSENT_MISSING',
    {
      binding: {
        active: true,
        consentCoversPayments: true,
        consentExpiresAtMs: new Date('2026-03-01').getTime(),
      },
    },
  ],
  ['SCENARIO_QUOTA_EXCEEDED', { channel: 'TELECOM_TOPUP', scenarioUsedThisMonthMinor: 45_000 }],
  ['VELOCITY_LIMIT', { authorizationsInVelocityWindow: 10 }],
  ['AMOUNT_ANOMALY', { amountMinor: 600_000, availableMinor: 1_000_000, typicalAmountMinor: 10_000 }],
  ['INSUFFICIENT_AVAILABLE_CREDIT', { amountMinor: 100_001 }],
];

describe('authorization rules, in precedence order', () => {
  test('the table covers every reason, in the declared precedence', () => {
    expect(trips.map(([reason]) => reason)).toEqual([...refusalPrecedence]);
  });

  test('a clean request is approved', () => {
    expect(decideAuthorization(clean, now)).toEqual({ approved: true, reason: null, failedRules: [] });
  });

  test.each(trips)('%s alone', (reason, change) => {
    expect(decideAuthorization({ ...clean, ...change }, now)).toMatchObject({ approved: false, reason });
  });

  const pairs = trips.flatMap(([higher, higherChange], i) =>
    trips.slice(i + 1).map(([lower, lowerChange]) => [higher, lower, higherChange, lowerChange] as const),
  );
  test.each(pairs)('%s outranks %s when both apply', (higher, _lower, higherChange, lowerChange) => {
    const decision = decideAuthorization({ ...clean, ...lowerChange, ...higherChange }, now);
    expect(decision.reason).toBe(higher);
  });

  test('the installment store sells by installments only, and says so', () => {
    const store = {
      ...clean,
      channel: 'INSTALLMENT_STORE',
      binding: undefined,
      typicalAmountMinor: undefined,
      amountMinor: 599_900,
    };
    expect(decideAuthorization({ ...store, plan: 'FULL' }, now).reason).toBe('PLAN_NOT_OFFERED');
    expect(
      decideAuthorization({ ...store, plan: 'INSTALLMENTS', periods: 12, availableMinor: 2_000_000 }, now)
        .approved,
    ).toBe(true);
  });

  test('offline QR is FULL only', () => {
    expect(
      decideAuthorization({ ...clean, channel: 'OFFLINE_QR', plan: 'INSTALLMENTS', periods: 3 }, now).reason,
    ).toBe('PLAN_NOT_OFFERED');
  });

  test('a non-positive or fractional amount is a programming error, not a decision', () => {
    expect(() => decideAuthorization({ ...clean, amountMinor: 0 }, now)).toThrow(RangeError);
    expect(() => decideAuthorization({ ...clean, amountMinor: 1.5 }, now)).toThrow(RangeError);
  });
});

/** The mall's phone top-up product, as seeded: its category is what makes it a top-up. */
const mallTopUp = demoProducts.find((p) => p._id === 'mall-phone-topup-50')!;
const inMall: Partial<AuthorizationInput> = { channel: 'MALL', binding: undefined, categories: ['HOME'] };
const topUpInMall: Partial<AuthorizationInput> = {
  ...inMall,
  categories: [mallTopUp.category],
  amountMinor: mallTopUp.priceMinor, // 5,000 = 50.00 CNY
};

describe('store rules: cart categories, product installment counts, scenario quotas', () => {
  /** In precedence order; each row, applied to the clean request alone, refuses with its reason. */
  const refusals: [RefusalReason, string, Partial<AuthorizationInput>][] = [
    [
      'CATEGORY_BLOCKED',
      'the channel blocks a later cart item',
      { categories: ['GROCERIES', 'VIRTUAL_CURRENCY'] },
    ],
    ['CATEGORY_BLOCKED', 'an always-blocked later cart item', { categories: ['GROCERIES', 'GAMBLING'] }],
    [
      'CATEGORY_BLOCKED',
      'a gift card second in a mall cart',
      { ...inMall, categories: ['HOME', 'GIFT_CARD'] },
    ],
    [
      'PLAN_NOT_OFFERED',
      '12 for a product offered in 3 and 6 (the channel offers 12)',
      { plan: 'INSTALLMENTS', periods: 12, productPeriods: [3, 6] },
    ],
    [
      'PLAN_NOT_OFFERED',
      'products with no count in common',
      { plan: 'INSTALLMENTS', periods: 3, productPeriods: [] },
    ],
    [
      'PLAN_NOT_OFFERED',
      '24 offered by the product but not by the channel (wallet: 3, 6, 12)',
      { plan: 'INSTALLMENTS', periods: 24, productPeriods: [3, 6, 12, 24] },
    ],
    // 45,001 + 5,000 = 50,001 > 50,000: one fen over the phone top-up quota.
    [
      'SCENARIO_QUOTA_EXCEEDED',
      'a mall top-up past the quota',
      { ...topUpInMall, scenarioUsedThisMonthMinor: 45_001 },
    ],
    [
      'SCENARIO_QUOTA_EXCEEDED',
      'a mall cart holding a top-up: the whole hold counts',
      // 45,001 + 10,000 (the clean amount) > 50,000
      { ...inMall, categories: ['HOME', mallTopUp.category], scenarioUsedThisMonthMinor: 45_001 },
    ],
    // The telecom channel counts against the same quota: 45,001 + 10,000 > 50,000.
    [
      'SCENARIO_QUOTA_EXCEEDED',
      'a telecom top-up past the quota',
      { channel: 'TELECOM_TOPUP', scenarioUsedThisMonthMinor: 45_001 },
    ],
  ];

  test('the rows are in precedence order', () => {
    const ranks = refusals.map(([reason]) => refusalPrecedence.indexOf(reason));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  test.each(refusals)('%s: %s', (reason, _why, change) => {
    expect(decideAuthorization({ ...clean, ...change }, now)).toEqual({
      approved: false,
      reason,
      failedRules: [reason],
    });
  });

  const approvals: [string, Partial<AuthorizationInput>][] = [
    ['6 for a product offered in 3 and 6', { plan: 'INSTALLMENTS', periods: 6, productPeriods: [3, 6] }],
    [
      '12 when no product restricts the count',
      { plan: 'INSTALLMENTS', periods: 12, productPeriods: undefined },
    ],
    // 45,000 + 5,000 = 50,000: reaching the quota exactly is allowed.
    ['a mall top-up that reaches the quota exactly', { ...topUpInMall, scenarioUsedThisMonthMinor: 45_000 }],
    ['a mall cart without a top-up has no quota', { ...inMall, scenarioUsedThisMonthMinor: 50_000 }],
  ];
  test.each(approvals)('approved: %s', (_why, change) => {
    expect(decideAuthorization({ ...clean, ...change }, now).approved).toBe(true);
  });

  test('a blocked later item outranks a count the product does not offer, which outranks the minimum', () => {
    const bike = { plan: 'INSTALLMENTS' as const, periods: 12, productPeriods: [3, 6] };
    expect(
      decideAuthorization({ ...clean, ...bike, categories: ['GROCERIES', 'VIRTUAL_CURRENCY'] }, now),
    ).toMatchObject({ reason: 'CATEGORY_BLOCKED', failedRules: ['CATEGORY_BLOCKED', 'PLAN_NOT_OFFERED'] });
    expect(decideAuthorization({ ...clean, ...bike, amountMinor: 99 }, now)).toMatchObject({
      reason: 'PLAN_NOT_OFFERED',
      failedRules: ['PLAN_NOT_OFFERED', 'AMOUNT_BELOW_MINIMUM'],
    });
  });

  test('a gift card in a top-up cart is blocked before the quota; the quota before velocity', () => {
    const overQuota = {
      ...topUpInMall,
      scenarioUsedThisMonthMinor: 45_001,
      authorizationsInVelocityWindow: 20,
    };
    expect(decideAuthorization({ ...clean, ...overQuota }, now).failedRules).toEqual([
      'SCENARIO_QUOTA_EXCEEDED',
      'VELOCITY_LIMIT',
    ]);
    expect(
      decideAuthorization({ ...clean, ...overQuota, categories: [mallTopUp.category, 'GIFT_CARD'] }, now)
        .reason,
    ).toBe('CATEGORY_BLOCKED');
  });

  test.each([
    ['TELECOM_TOPUP', ['MOBILE_CREDIT'], 'PHONE_TOPUP'],
    ['TELECOM_TOPUP', [], 'PHONE_TOPUP'],
    ['MALL', [mallTopUp.category], 'PHONE_TOPUP'],
    ['MALL', ['HOME', mallTopUp.category], 'PHONE_TOPUP'],
    ['WALLET_PARTNER', [mallTopUp.category], 'PHONE_TOPUP'],
    ['MALL', ['HOME', 'ELECTRONICS'], undefined],
    ['MALL', ['constructor'], undefined],
  ] as const)('scenarioOf(%s, %j) = %s', (channel, categories, scenario) => {
    expect(scenarioOf(channel, categories)).toBe(scenario);
  });

  test('phone top-up: 500.00 CNY a calendar month in China Standard Time, whichever channel sells it', () => {
    expect(scenarioQuotas.PHONE_TOPUP).toEqual({ monthlyMinor: 50_000 });
    // 2026-03-31T16:30Z is 00:30 on 1 April in Beijing: April's quota, which began at 16:00Z.
    const aprilInBeijing = new Date('2026-03-31T16:30:00Z');
    expect(scenarioMonth(aprilInBeijing)).toBe('2026-04');
    expect(scenarioMonthStart(aprilInBeijing)).toEqual(new Date('2026-03-31T16:00:00Z'));
    expect(scenarioMonth(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03');
  });

  test.each([
    [[], undefined],
    [[[]], undefined],
    [[[], []], undefined],
    [
      [
        [3, 6, 12, 24],
        [3, 6],
      ],
      [3, 6],
    ],
    [
      [[], [3, 6]],
      [3, 6],
    ],
    [
      [
        [3, 6, 12],
        [6, 12, 24],
      ],
      [6, 12],
    ],
    [
      [
        [12, 24],
        [3, 6],
      ],
      [],
    ],
  ] as [number[][], number[] | undefined][])('cart periods of %j: %j', (lists, expected) => {
    expect(cartInstallmentPeriods(lists.map((installmentPeriods) => ({ installmentPeriods })))).toEqual(
      expected,
    );
  });

  test('offers agree with the full decision: a count is offered iff no offer rule refuses it', () => {
    const offerOnly: readonly RefusalReason[] = offerRefusals;
    expect(refusalPrecedence.filter((r) => offerOnly.includes(r))).toEqual([...offerRefusals]);
    for (const channel of [...channels, 'CASINO_APP']) {
      for (const categories of [
        ['HOME'],
        ['HOME', 'GIFT_CARD'],
        ['HOME', 'VIRTUAL_CURRENCY'],
        ['GAMBLING'],
      ]) {
        for (const productPeriods of [undefined, [], [3, 6], [12, 24]]) {
          for (const amountMinor of [500, 30_000]) {
            const request = { channel, categories, productPeriods, amountMinor };
            const decided = offeredInstallmentPeriods(request);
            for (const periods of [3, 6, 12, 24]) {
              const full = decideAuthorization({ ...clean, ...request, plan: 'INSTALLMENTS', periods }, now);
              const offer = decideOffer({ ...request, plan: 'INSTALLMENTS', periods });
              expect(offer.failedRules).toEqual(full.failedRules.filter((r) => offerOnly.includes(r)));
              expect(decided.includes(periods as 3)).toBe(offer.approved);
            }
          }
        }
      }
    }
  });

  test('a blocked category gets no offers; a product offered in 3 and 6 gets only those', () => {
    const mall = { channel: 'MALL', amountMinor: 120_000 };
    expect(offeredInstallmentPeriods({ ...mall, categories: ['CREDIT_CARD_REPAYMENT'] })).toEqual([]);
    expect(offeredInstallmentPeriods({ ...mall, categories: ['GIFT_CARD'] })).toEqual([]);
    expect(offeredInstallmentPeriods({ ...mall, categories: ['HOME'] })).toEqual([3, 6, 12, 24]);
    const bike = demoProducts.find((p) => p._id === 'inst-bike')!;
    expect(
      offeredInstallmentPeriods({
        channel: 'INSTALLMENT_STORE',
        categories: [bike.category],
        amountMinor: bike.priceMinor,
        productPeriods: cartInstallmentPeriods([bike]),
      }),
    ).toEqual([3, 6]);
  });
});

describe('refusal messages', () => {
  test('LINE_NOT_ACTIVE names the state the line is in; other refusals keep their one message', () => {
    expect(refusalMessage('LINE_NOT_ACTIVE', 'FROZEN')).toBe(
      'The credit line is frozen because a bill went more than 30 days overdue; it opens again once nothing is overdue, at once when a payment or refund pays the last overdue bill.',
    );
    expect(refusalMessage('LINE_NOT_ACTIVE', 'PENDING_REVIEW')).toMatch(/still under review/);
    expect(refusalMessage('LINE_NOT_ACTIVE', 'CLOSED')).toMatch(/is closed/);
    // No state known (or an active line, which this refusal cannot have): the message that lists all.
    expect(refusalMessage('LINE_NOT_ACTIVE')).toMatch(/under review, closed, or frozen/);
    expect(refusalMessage('LINE_NOT_ACTIVE', 'ACTIVE')).toBe(refusalMessage('LINE_NOT_ACTIVE'));
    expect(refusalMessage('VELOCITY_LIMIT', 'FROZEN')).toBe(refusalMessages.VELOCITY_LIMIT);
  });
});
