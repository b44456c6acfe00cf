import type { BillUpdate, BillUpdateKind } from '../ledger/bill-updates';
import { type BindingView, type ConsentField, consentRefusal } from './consent';

/** What a partner's binding must cover for its stream to follow the user at all. */
export const partnerStreamConsent: ConsentField = 'BILL_SUMMARY';

/** Updates only a partner's stream has, from no ledger entry: a followed user's binding ended. */
export const partnerStreamKinds = ['BINDING_ENDED'] as const;
export type PartnerStreamKind = (typeof partnerStreamKinds)[number];

/** Why a partner's stream stopped following a user: the code a read of that user now gets. */
export type StreamEndCode = NonNullable<ReturnType<typeof consentRefusal>>;

/**
 * Why and since when a partner's stream may no longer follow a user under this binding, or null
 * while it may: withdrawn (or unbound) since it ended, expired since its consent's end. A binding
 * that cannot be read any more has ended, as of `now`.
 */
export function streamEndOf(
  binding: (BindingView & { endedAt?: Date }) | undefined,
  now: Date,
): { code: StreamEndCode; at: Date } | null {
  const code = consentRefusal(binding, partnerStreamConsent, now);
  if (!code) return null;
  const at = code === 'CONSENT_EXPIRED' ? binding!.consent.expiresAt : (binding?.endedAt ?? now);
  return { code, at };
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
