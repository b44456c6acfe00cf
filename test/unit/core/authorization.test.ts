import { decideAuthorization, type AuthorizationInput } from '../../../src/core/policy/decide-authorization';
import { refusalPrecedence } from '../../../src/core/policy/refusal-reasons';

const now = new Date('2026-03-10T04:00:00Z');

/** A wallet-partner payment that passes every rule; each row below breaks rules from here. */
const clean: AuthorizationInput = {
  lineStatus: 'ACTIVE',
  availableMinor: 100_000,
  channel: 'WALLET_PARTNER',
  category: 'GROCERIES',
  amountMinor: 10_000,
  plan: 'FULL',
  binding: { active: true, consentCoversPayments: true, consentExpiresAt: new Date('2027-01-01T00:00:00Z') },
  scenarioUsedThisMonthMinor: 0,
  authorizationsInVelocityWindow: 0,
  typicalAmountMinor: 10_000,
};

/** One row per rule in precedence order: the change that trips exactly that rule. */
const trips: [string, Partial<AuthorizationInput>][] = [
  ['LINE_NOT_ACTIVE', { lineStatus: 'FROZEN' }],
  ['CHANNEL_NOT_ALLOWED', { channel: 'CASINO_APP' }],
  ['CATEGORY_BLOCKED', { category: 'CREDIT_CARD_REPAYMENT' }],
  ['PLAN_NOT_OFFERED', { plan: 'INSTALLMENTS', periods: 24 }],
  ['AMOUNT_BELOW_MINIMUM', { amountMinor: 99 }],
  [
    'BINDING_NOT_ACTIVE',
    { binding: { active: false, consentCoversPayments: true, consentExpiresAt: new Date('2027-01-01') } },
  ],
  [
    'CONSENT_MISSING',
    { binding: { active: true, consentCoversPayments: true, consentExpiresAt: new Date('2026-03-01') } },
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
