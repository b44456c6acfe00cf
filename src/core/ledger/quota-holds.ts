import type { MinorUnits } from '../money';
import type { LineState } from './line-state';

/**
 * The scenario quota a hold still counts in (a top-up authorized, not yet captured or voided): what
 * a void, or the part of the hold a partial capture releases, gives back to that month's quota.
 */
export interface QuotaHold {
  authorizationId: string;
  scenario: string;
  /** The quota month it counted in: 'YYYY-MM' in China Standard Time. */
  month: string;
  amountMinor: MinorUnits;
}

/** Remembers an approved hold that counted in `month`'s quota; holds of earlier months count no more. */
export function rememberQuotaHold(state: LineState, hold: QuotaHold): void {
  state.quotaHolds = [...(state.quotaHolds ?? []).filter((held) => held.month === hold.month), hold];
}

/**
 * A hold resolved: `releasedMinor` of it (all of it voided, the rest of a partial capture) leaves
 * its month's quota, if that month's usage is still kept (only the newest month is).
 */
export function releaseQuotaHold(state: LineState, authorizationId: string, releasedMinor: MinorUnits): void {
  const hold = state.quotaHolds?.find((held) => held.authorizationId === authorizationId);
  if (!hold) return;
  state.quotaHolds = state.quotaHolds!.filter((held) => held !== hold);
  if (state.quotaHolds.length === 0) delete state.quotaHolds;
  state.scenarioUsage = state.scenarioUsage.map((usage) =>
    usage.scenario === hold.scenario && usage.month === hold.month
      ? { ...usage, usedMinor: Math.max(0, usage.usedMinor - Math.min(releasedMinor, hold.amountMinor)) }
      : usage,
  );
}
