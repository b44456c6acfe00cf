import type { Channel } from '../policy/channel-policies';
import { dayMs } from '../time/business-date';

/**
 * What a user can let a partner see or do, as a fixed catalog: a consent lists some of these.
 * PAYMENTS lets the partner take payments with the line for the user; the rest are reads.
 */
export const consentFields = [
  'NAME',
  'PHONE',
  'CREDIT_STATUS',
  'AVAILABLE_CREDIT',
  'BILL_SUMMARY',
  'PAYMENTS',
] as const;
export type ConsentField = (typeof consentFields)[number];

export function isConsentField(value: string): value is ConsentField {
  return (consentFields as readonly string[]).includes(value);
}

/**
 * ACTIVE until withdrawn; REJECTED: the user refused the request; EXPIRED: its consent ran out and a
 * new binding replaced it (an expired ACTIVE binding already gives no access: `bindingRefusal`).
 */
export const bindingStatuses = ['ACTIVE', 'WITHDRAWN', 'REJECTED', 'EXPIRED'] as const;
export type BindingStatus = (typeof bindingStatuses)[number];

/** What partners are allowed to do at all, granted per partner (its token carries them). */
export const partnerScopes = ['bindings', 'payments', 'topup', 'offline'] as const;
export type PartnerScope = (typeof partnerScopes)[number];

export const partnerKinds = ['WALLET', 'TELECOM', 'OFFLINE_MERCHANT'] as const;
export type PartnerKind = (typeof partnerKinds)[number];

/** A binding code is a joint-login handshake: short, and used once. */
export const bindingCodeTtlMinutes = 10;
/** One-time offline payment codes live a minute (the user shows it at the till). */
export const paymentCodeTtlSeconds = 60;
/**
 * Binding and payment codes are kept this long after they expire, then swept by the due jobs (a
 * retry of what a code did still answers from the binding or payment it made).
 */
export const expiredCodesKeptDays = 30;

/** Codes that expired before this instant are swept at `now`. */
export function codesSweptIfExpiredBefore(now: Date): Date {
  return new Date(now.getTime() - expiredCodesKeptDays * dayMs);
}
/** Digits of a payment code (as long as the bar codes wallets print). */
export const paymentCodeDigits = 18;
export const maxConsentDays = 365;
export const maxPurposeLength = 200;

export interface ConsentRecord {
  purpose: string;
  fields: readonly string[];
  grantedAt: Date;
  expiresAt: Date;
}

export interface BindingView {
  status: BindingStatus;
  consent: ConsentRecord;
}

/** Carried by every partner-view object: the binding read at the start of this request, and a log. */
export interface PartnerReadAccess {
  binding: BindingView;
  now: Date;
  /** Consent fields actually answered: what the audit record lists. */
  fieldsRead: Set<ConsentField>;
}

export const consentRequestErrors = [
  'INVALID_PURPOSE',
  'INVALID_CONSENT_FIELDS',
  'INVALID_CONSENT_DURATION',
] as const;
export type ConsentRequestError = (typeof consentRequestErrors)[number];

/** A partner's consent request, checked in a fixed order: one named error per failed rule. */
export function consentRequestErrorsOf(request: {
  purpose: string;
  fields: readonly string[];
  expiresInDays: number;
}): ConsentRequestError[] {
  const errors: ConsentRequestError[] = [];
  const purpose = request.purpose.trim();
  if (purpose.length === 0 || purpose.length > maxPurposeLength) errors.push('INVALID_PURPOSE');
  if (
    request.fields.length === 0 ||
    new Set(request.fields).size !== request.fields.length ||
    !request.fields.every(isConsentField)
  ) {
    errors.push('INVALID_CONSENT_FIELDS');
  }
  if (
    !Number.isInteger(request.expiresInDays) ||
    request.expiresInDays < 1 ||
    request.expiresInDays > maxConsentDays
  ) {
    errors.push('INVALID_CONSENT_DURATION');
  }
  return errors;
}

/** What the risk core needs of a binding to decide a partner payment (BINDING_NOT_ACTIVE, CONSENT_MISSING). */
export function paymentBindingInput(binding: BindingView): {
  active: boolean;
  consentCoversPayments: boolean;
  consentExpiresAtMs: number;
} {
  return {
    active: binding.status === 'ACTIVE',
    consentCoversPayments: binding.consent.fields.includes('PAYMENTS'),
    consentExpiresAtMs: binding.consent.expiresAt.getTime(),
  };
}

/** A consent has run out at `at` from its `expiresAt` on (that instant included). */
export function consentRanOutBy(consent: Pick<ConsentRecord, 'expiresAt'>, at: Date): boolean {
  return consent.expiresAt.getTime() <= at.getTime();
}

/** Why a partner cannot use this binding at all at `now` (withdrawn, refused, expired), or null. */
export function bindingRefusal(
  binding: BindingView | undefined,
  now: Date,
): 'BINDING_NOT_ACTIVE' | 'CONSENT_EXPIRED' | null {
  if (!binding || binding.status !== 'ACTIVE') return 'BINDING_NOT_ACTIVE';
  if (consentRanOutBy(binding.consent, now)) return 'CONSENT_EXPIRED';
  return null;
}

/** Why a partner cannot use a field of this binding at `now`, or null when it may. */
export function consentRefusal(
  binding: BindingView | undefined,
  field: ConsentField,
  now: Date,
): 'BINDING_NOT_ACTIVE' | 'CONSENT_EXPIRED' | 'CONSENT_MISSING' | null {
  return bindingRefusal(binding, now) ?? (binding!.consent.fields.includes(field) ? null : 'CONSENT_MISSING');
}

/** The channel each kind of partner sells on: what its payments and payment options are decided under. */
export const partnerChannels = {
  WALLET: 'WALLET_PARTNER',
  TELECOM: 'TELECOM_TOPUP',
  OFFLINE_MERCHANT: 'OFFLINE_QR',
} as const satisfies Record<PartnerKind, Channel>;

export type PaymentBindingInput = ReturnType<typeof paymentBindingInput>;

/** The channel paid by a user's one-time code rather than through a binding. */
export const paymentCodeChannel: Channel = partnerChannels.OFFLINE_MERCHANT;

/**
 * A user's one-time payment code is their consent for one payment until it expires: no binding is
 * needed for an offline code payment.
 */
export function paymentCodeConsent(expiresAt: Date): PaymentBindingInput {
  return { active: true, consentCoversPayments: true, consentExpiresAtMs: expiresAt.getTime() };
}

/**
 * Of a user's bindings with partners of one channel, the one that decides what they can pay there:
 * one that can take payments now if any, else an active one (its consent is the reason), else none.
 */
export function bindingForPayments(bindings: readonly BindingView[], now: Date): BindingView | undefined {
  const active = bindings.filter((binding) => binding.status === 'ACTIVE');
  return (
    active.find((binding) => consentRefusal(binding, 'PAYMENTS', now) === null) ??
    active.find((binding) => bindingRefusal(binding, now) === null) ??
    active[0]
  );
}

/**
 * The status a user is shown: an ACTIVE binding whose consent has run out gives the partner nothing,
 * so it reads EXPIRED from its expiry on (stored as EXPIRED once a new approval replaces it).
 */
export function shownBindingStatus(binding: BindingView, now: Date): BindingStatus {
  return binding.status === 'ACTIVE' && bindingRefusal(binding, now) === 'CONSENT_EXPIRED'
    ? 'EXPIRED'
    : binding.status;
}
