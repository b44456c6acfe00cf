import type { BillUpdate, BillUpdateKind } from '../ledger/bill-updates';
import {
  type bindingRefusal,
  type BindingView,
  type ConsentField,
  type ConsentRecord,
  consentRanOutBy,
} from './consent';

/** What a partner's binding must cover for its stream to follow the user at all. */
export const partnerStreamConsent: ConsentField = 'BILL_SUMMARY';

/** Updates only a partner's stream has, from no ledger entry: a followed user's binding ended. */
export const partnerStreamKinds = ['BINDING_ENDED'] as const;
export type PartnerStreamKind = (typeof partnerStreamKinds)[number];

/** Why a partner's stream stopped following a user: the code a read of that user then gets. */
export const streamEndCodes = [
  'BINDING_NOT_ACTIVE',
  'CONSENT_EXPIRED',
] as const satisfies readonly NonNullable<ReturnType<typeof bindingRefusal>>[];
export type StreamEndCode = (typeof streamEndCodes)[number];

/** A binding a partner's stream follows its user under while it lasts: granted, with consent to bills. */
export function followsUnder(binding: BindingView): boolean {
  return binding.status !== 'REJECTED' && binding.consent.fields.includes(partnerStreamConsent);
}

/**
 * Whether an entry at `at` falls in the consent's time: from its grant to its end. (A binding
 * withdrawn is found ended before anything read after it goes out.)
 */
export function inConsentTime(consent: Pick<ConsentRecord, 'grantedAt' | 'expiresAt'>, at: Date): boolean {
  return consent.grantedAt.getTime() <= at.getTime() && !consentRanOutBy(consent, at);
}

/**
 * Why and since when a partner's stream may no longer follow a user under this binding (one it
 * follows under), or null while it may. A consent that ran out before the binding was withdrawn or
 * replaced ended it first; a binding that cannot be read any more ended as of `now`.
 */
export function streamEndOf(
  binding: (BindingView & { endedAt?: Date }) | undefined,
  now: Date,
): { code: StreamEndCode; at: Date } | null {
  if (!binding) return { code: 'BINDING_NOT_ACTIVE', at: now };
  const endedAt = binding.status === 'ACTIVE' ? undefined : (binding.endedAt ?? now);
  if (consentRanOutBy(binding.consent, endedAt ?? now))
    return { code: 'CONSENT_EXPIRED', at: binding.consent.expiresAt };
  return endedAt ? { code: 'BINDING_NOT_ACTIVE', at: endedAt } : null;
}

/**
 * What a partner's stream may hear of beyond bills, by kind: a limit change tells the limit
 * (AVAILABLE_CREDIT); a freeze or an unfreeze tells the status (CREDIT_STATUS), even to a partner that
 * could see available credit go to 0 and back (that alone does not say why). Any other update about
 * no bill (a purchase not billed yet, a refund or repayment of one) tells what the user spends: it
 * needs AVAILABLE_CREDIT, which it moves; a credit balance paid out or set aside, no consent covers.
 */
export const partnerConsentsByKind: Partial<Record<BillUpdateKind, ConsentField>> = {
  LIMIT_CHANGED: 'AVAILABLE_CREDIT',
  LINE_STATUS_CHANGED: 'CREDIT_STATUS',
};

/** What an update about no bill (a purchase not billed yet, its void, refund or prepayment) needs. */
export const noBillUpdateConsent: ConsentField = 'AVAILABLE_CREDIT';

/** Kinds no consent covers unless they are about a bill: the credit balance is no consent field. */
export const unsharedUnlessAboutBill: readonly BillUpdateKind[] = ['CREDIT_BALANCE_CHANGED'];

/**
 * The consent fields an update discloses to a partner whose binding grants `granted` (its read is
 * logged with them), or null when the update must not reach that partner at all.
 */
export function partnerDisclosureOf(
  update: Pick<BillUpdate, 'kind' | 'aboutBill'>,
  granted: readonly string[],
): ConsentField[] | null {
  const shown: ConsentField[] = [partnerStreamConsent];
  if (granted.includes('AVAILABLE_CREDIT')) shown.push('AVAILABLE_CREDIT');
  let needed = partnerConsentsByKind[update.kind];
  if (!needed && !update.aboutBill) {
    if (unsharedUnlessAboutBill.includes(update.kind)) return null;
    needed = noBillUpdateConsent;
  }
  if (!needed) return shown;
  if (!granted.includes(needed)) return null;
  if (!shown.includes(needed)) shown.push(needed);
  return shown;
}
