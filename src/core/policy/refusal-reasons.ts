import { freezeAfterDaysOverdue, frozenLineReopens } from '../risk/limit-review';
import type { LineStatus } from '../ledger/line-state';
/** Every refusal is one of these, checked in exactly this order (the first failing one is reported). */
export const refusalPrecedence = [
  'LINE_NOT_ACTIVE',
  'CHANNEL_NOT_ALLOWED',
  'CATEGORY_BLOCKED',
  'PLAN_NOT_OFFERED',
  'AMOUNT_BELOW_MINIMUM',
  'BINDING_NOT_ACTIVE',
  'CONSENT_MISSING',
  'SCENARIO_QUOTA_EXCEEDED',
  'VELOCITY_LIMIT',
  'AMOUNT_ANOMALY',
  'INSUFFICIENT_AVAILABLE_CREDIT',
] as const;
export type RefusalReason = (typeof refusalPrecedence)[number];

/** A refusal of a request the rules judged (recorded as an entry), not input that was invalid. */
export function isRefusal(rejection: string): rejection is RefusalReason {
  return (refusalPrecedence as readonly string[]).includes(rejection);
}

/**
 * The refusals about what is sold, where and how (channel, categories, plan and count, amount), not
 * about the shopper: an offer list leaves out what these refuse. Listed in precedence order.
 */
export const offerRefusals = [
  'CHANNEL_NOT_ALLOWED',
  'CATEGORY_BLOCKED',
  'PLAN_NOT_OFFERED',
  'AMOUNT_BELOW_MINIMUM',
] as const satisfies readonly RefusalReason[];
export type OfferRefusal = (typeof offerRefusals)[number];

/** What a shopper is told ("why can't I pay with my credit line here?"). */
export const refusalMessages: Record<RefusalReason, string> = {
  LINE_NOT_ACTIVE: `The credit line cannot be spent on now: it is under review, closed, or frozen (a bill went more than ${freezeAfterDaysOverdue} days overdue; ${frozenLineReopens}).`,
  CHANNEL_NOT_ALLOWED: 'The credit line cannot be used in this channel.',
  CATEGORY_BLOCKED: 'This kind of purchase cannot be paid with the credit line.',
  PLAN_NOT_OFFERED: 'This payment plan or number of installments is not offered here.',
  AMOUNT_BELOW_MINIMUM: 'The amount is below the minimum for this channel and plan.',
  BINDING_NOT_ACTIVE: 'Your account with this partner is not bound to the credit line.',
  CONSENT_MISSING: 'You have not allowed this partner to use your credit line, or the consent expired.',
  SCENARIO_QUOTA_EXCEEDED: "This month's quota for this kind of purchase is used up.",
  VELOCITY_LIMIT: 'Too many payments in a short time; please try again later.',
  AMOUNT_ANOMALY: 'This amount is unusual for your account and was held back for your safety.',
  INSUFFICIENT_AVAILABLE_CREDIT: 'Your available credit is lower than the amount.',
};

/** LINE_NOT_ACTIVE told with the state the line is in (the shopper's next step differs). */
const lineNotActiveMessages: Record<Exclude<LineStatus, 'ACTIVE'>, string> = {
  PENDING_REVIEW: 'The credit line cannot be spent on yet: it is still under review.',
  FROZEN: `The credit line is frozen because a bill went more than ${freezeAfterDaysOverdue} days overdue; ${frozenLineReopens}.`,
  CLOSED: 'The credit line is closed and cannot be spent on.',
};

/** What a shopper is told for a refusal; LINE_NOT_ACTIVE names the line's state when it is known. */
export function refusalMessage(reason: RefusalReason, lineStatus?: LineStatus): string {
  if (reason === 'LINE_NOT_ACTIVE' && lineStatus && lineStatus !== 'ACTIVE')
    return lineNotActiveMessages[lineStatus];
  return refusalMessages[reason];
}
