import type { MinorUnits } from '../money';
import { businessDate, startOfBusinessDay } from '../time/business-date';
import type { Channel } from './channel-policies';

/** Purchases with their own sub-limit, whatever channel sells them. */
export const scenarios = ['PHONE_TOPUP'] as const;
export type Scenario = (typeof scenarios)[number];

/**
 * One quota per scenario per calendar month (China Standard Time), shared by every channel that sells
 * it: the business caps a user's top-up exposure, not a storefront's.
 */
export const scenarioQuotas: Record<Scenario, { monthlyMinor: MinorUnits }> = {
  PHONE_TOPUP: { monthlyMinor: 50_000 }, // 500.00 CNY
};

/** Channels that sell nothing but one scenario. */
const scenarioByChannel: ReadonlyMap<string, Scenario> = new Map<Channel, Scenario>([
  ['TELECOM_TOPUP', 'PHONE_TOPUP'],
]);

/** Categories that are a scenario wherever they are sold (the mall's phone top-up product). */
const scenarioByCategory: ReadonlyMap<string, Scenario> = new Map([['TOP_UP', 'PHONE_TOPUP']]);

/**
 * The scenario an authorization counts against, if any: the channel's own, else the first cart
 * category that has one. The whole authorized amount counts (one figure per hold, as the ledger keeps it).
 */
export function scenarioOf(channel: Channel | string, categories: readonly string[]): Scenario | undefined {
  const byChannel = scenarioByChannel.get(channel);
  if (byChannel) return byChannel;
  for (const category of categories) {
    const byCategory = scenarioByCategory.get(category);
    if (byCategory) return byCategory;
  }
  return undefined;
}

/** The quota month of `now`: 'YYYY-MM' in China Standard Time. */
export function scenarioMonth(now: Date): string {
  return businessDate(now).slice(0, 7);
}

/** When the quota month of `now` began (the 1st, 00:00 China Standard Time). */
export function scenarioMonthStart(now: Date): Date {
  return startOfBusinessDay(`${scenarioMonth(now)}-01`);
}
