import 'reflect-metadata';
import { Extensions, Field, ObjectType, Query, Resolver, buildSchema } from 'type-graphql';
import {
  bindingForPayments,
  consentRefusal,
  consentRequestErrorsOf,
  paymentBindingInput,
} from '../../../src/core/partners/consent';
import { standingRefusal } from '../../../src/core/policy/decide-authorization';
import { followsUnder, inConsentTime, streamEndOf } from '../../../src/core/partners/bill-update-consent';
import { maskName, maskPhone } from '../../../src/core/partners/masking';
import { isPhoneNumber } from '../../../src/core/partners/partner-payment';
import { readConsentRules } from '../../../src/subgraphs/common/consent-guard';

describe('masking', () => {
  // '+86 139 0000 5678' has 13 digits: 3 shown + 6 masked + 4 shown.
  test.each([
    ['13812341234', '138****1234'],
    ['+86 139 0000 5678', '861******5678'],
    ['1234', '****'],
  ])('phone %s -> %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));

  test.each([
    ['Alice Wang', 'A**** W***'],
    ['张三', '张*'],
    ['Li', 'L*'],
    ['X', '*'],
  ])('name %s -> %s', (name, masked) => expect(maskName(name)).toBe(masked));
});

describe('consent', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const binding = (status: 'ACTIVE' | 'WITHDRAWN', expiresAt: string, fields: string[]) => ({
    status,
    consent: { purpose: 'p', fields, grantedAt: now, expiresAt: new Date(expiresAt) },
  });

  test('one refusal per failed rule, in a fixed order', () => {
    expect(consentRefusal(undefined, 'PHONE', now)).toBe('BINDING_NOT_ACTIVE');
    expect(consentRefusal(binding('WITHDRAWN', '2027-01-01', ['PHONE']), 'PHONE', now)).toBe(
      'BINDING_NOT_ACTIVE',
    );
    // Expiry is exclusive: at the expiry instant the consent no longer holds.
    expect(consentRefusal(binding('ACTIVE', '2026-06-01T00:00:00Z', ['PHONE']), 'PHONE', now)).toBe(
      'CONSENT_EXPIRED',
    );
    expect(consentRefusal(binding('ACTIVE', '2027-01-01', ['NAME']), 'PHONE', now)).toBe('CONSENT_MISSING');
    expect(consentRefusal(binding('ACTIVE', '2027-01-01', ['PHONE']), 'PHONE', now)).toBeNull();
  });

  test('a consent request: purpose, fields from the catalog without repeats, 1-365 days', () => {
    expect(consentRequestErrorsOf({ purpose: 'Pay', fields: ['PAYMENTS'], expiresInDays: 365 })).toEqual([]);
    expect(consentRequestErrorsOf({ purpose: '', fields: [], expiresInDays: 0 })).toEqual([
      'INVALID_PURPOSE',
      'INVALID_CONSENT_FIELDS',
      'INVALID_CONSENT_DURATION',
    ]);
    expect(consentRequestErrorsOf({ purpose: 'x', fields: ['SALARY'], expiresInDays: 1.5 })).toEqual([
      'INVALID_CONSENT_FIELDS',
      'INVALID_CONSENT_DURATION',
    ]);
  });

  test('the binding that decides a partner channel: one that can pay, else an active one, else none', () => {
    const canPay = binding('ACTIVE', '2027-01-01', ['PAYMENTS']);
    const readsOnly = binding('ACTIVE', '2027-01-01', ['NAME']);
    const expired = binding('ACTIVE', '2026-05-01', ['PAYMENTS']);
    const withdrawn = binding('WITHDRAWN', '2027-01-01', ['PAYMENTS']);
    expect(bindingForPayments([withdrawn, expired, readsOnly, canPay], now)).toBe(canPay);
    expect(bindingForPayments([withdrawn, expired, readsOnly], now)).toBe(readsOnly);
    expect(bindingForPayments([withdrawn, expired], now)).toBe(expired);
    expect(bindingForPayments([withdrawn], now)).toBeUndefined();
    // Through the core's own rules, in precedence order; a channel without bindings needs none.
    const refusal = (
      b: ReturnType<typeof binding> | undefined,
      channel = 'WALLET_PARTNER',
      lineStatus: 'ACTIVE' | 'FROZEN' = 'ACTIVE',
    ) => standingRefusal({ lineStatus, channel, binding: b && paymentBindingInput(b) }, now);
    expect(refusal(canPay)).toBeNull();
    expect(refusal(readsOnly)).toBe('CONSENT_MISSING');
    expect(refusal(expired)).toBe('CONSENT_MISSING');
    expect(refusal(withdrawn)).toBe('BINDING_NOT_ACTIVE');
    expect(refusal(undefined)).toBe('BINDING_NOT_ACTIVE');
    expect(refusal(undefined, 'MALL')).toBeNull();
    // A line that cannot spend comes first, in any channel.
    expect(refusal(canPay, 'WALLET_PARTNER', 'FROZEN')).toBe('LINE_NOT_ACTIVE');
    expect(refusal(withdrawn, 'WALLET_PARTNER', 'FROZEN')).toBe('LINE_NOT_ACTIVE');
    expect(refusal(undefined, 'MALL', 'FROZEN')).toBe('LINE_NOT_ACTIVE');
  });

  test('phone numbers for top-up: 11 digits, mobile prefixes', () => {
    expect([isPhoneNumber('13812341234'), isPhoneNumber('12812341234'), isPhoneNumber('1381234123')]).toEqual(
      [true, false, false],
    );
  });
});

describe('consent guard rules', () => {
  test('a partner-view field without a consent rule fails the schema build', async () => {
    @Extensions({ partnerView: true })
    @ObjectType('LeakyView')
    class LeakyView {
      @Extensions({ consent: 'PHONE', mask: 'phone' })
      @Field()
      phone!: string;

      @Field()
      salary!: string;
    }
    @Resolver()
    class LeakyResolver {
      @Query(() => LeakyView)
      leaky(): LeakyView {
        return new LeakyView();
      }
    }
    const schema = await buildSchema({ resolvers: [LeakyResolver], validate: false });
    expect(() => readConsentRules(schema)).toThrow(
      'LeakyView.salary is shown to partners but has no consent rule',
    );
  });
});

describe("when a partner's stream stops following a user", () => {
  const grantedAt = new Date('2027-03-01T00:00:00Z');
  const expiresAt = new Date('2027-03-31T00:00:00Z');
  const binding = (status: 'ACTIVE' | 'WITHDRAWN' | 'EXPIRED', endedAt?: Date) => ({
    status,
    consent: { purpose: 'bills', fields: ['BILL_SUMMARY'], grantedAt, expiresAt },
    ...(endedAt ? { endedAt } : {}),
  });
  const march = (day: number) => new Date(`2027-03-${String(day).padStart(2, '0')}T00:00:00Z`);

  test('an active binding within its consent goes on; past its end, it ended when the consent did', () => {
    expect(streamEndOf(binding('ACTIVE'), march(10))).toBeNull();
    expect(streamEndOf(binding('ACTIVE'), new Date('2027-04-02T00:00:00Z'))).toEqual({
      code: 'CONSENT_EXPIRED',
      at: expiresAt,
    });
  });

  test('withdrawn before its consent ran out: ended at the withdrawal; after: at the consent end', () => {
    const later = new Date('2027-04-05T00:00:00Z');
    expect(streamEndOf(binding('WITHDRAWN', march(10)), later)).toEqual({
      code: 'BINDING_NOT_ACTIVE',
      at: march(10),
    });
    expect(streamEndOf(binding('WITHDRAWN', new Date('2027-04-02T00:00:00Z')), later)).toEqual({
      code: 'CONSENT_EXPIRED',
      at: expiresAt,
    });
    // Replaced by a new grant after it ran out (status EXPIRED): the consent's end.
    expect(streamEndOf(binding('EXPIRED', new Date('2027-04-03T00:00:00Z')), later)).toEqual({
      code: 'CONSENT_EXPIRED',
      at: expiresAt,
    });
    expect(streamEndOf(undefined, later)).toEqual({ code: 'BINDING_NOT_ACTIVE', at: later });
  });

  test('only granted bindings with consent to bills are followed; entries count from the grant to the end', () => {
    expect(followsUnder(binding('ACTIVE'))).toBe(true);
    expect(followsUnder({ ...binding('ACTIVE'), status: 'REJECTED' })).toBe(false);
    expect(
      followsUnder({ ...binding('ACTIVE'), consent: { ...binding('ACTIVE').consent, fields: ['PHONE'] } }),
    ).toBe(false);
    const consent = binding('ACTIVE').consent;
    expect(inConsentTime(consent, new Date(grantedAt.getTime() - 1))).toBe(false);
    expect(inConsentTime(consent, grantedAt)).toBe(true);
    expect(inConsentTime(consent, new Date(expiresAt.getTime() - 1))).toBe(true);
    expect(inConsentTime(consent, expiresAt)).toBe(false);
  });
});
