/**
 * Calendar dates of the business ('YYYY-MM-DD' in China Standard Time, UTC+8, no DST). Statement and
 * due days are calendar days for the customer, not UTC days. Pure: callers pass `now` in.
 */
export type BusinessDate = string;

const cstOffsetMs = 8 * 3600 * 1000;
/** A business day in milliseconds (China Standard Time has no DST). */
export const dayMs = 24 * 3600 * 1000;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function businessDate(now: Date): BusinessDate {
  return new Date(now.getTime() + cstOffsetMs).toISOString().slice(0, 10);
}

/** The business time of day, 'HH:MM' in China Standard Time. */
export function businessTimeOfDay(at: Date): string {
  return new Date(at.getTime() + cstOffsetMs).toISOString().slice(11, 16);
}

function toUtcMs(date: BusinessDate): number {
  const match = datePattern.exec(date);
  if (!match) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return new Date(toUtcMs(date) + days * dayMs).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / dayMs);
}

/** The same day-of-month `months` later; `day` must exist in every month (1-28). */
export function monthDate(year: number, monthIndex: number, day: number): BusinessDate {
  return new Date(Date.UTC(year, monthIndex, day)).toISOString().slice(0, 10);
}

export function parts(date: BusinessDate): { year: number; monthIndex: number; day: number } {
  const ms = toUtcMs(date);
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), monthIndex: d.getUTCMonth(), day: d.getUTCDate() };
}

/** Start of a business day as an instant (00:00 CST). */
export function startOfBusinessDay(date: BusinessDate): Date {
  return new Date(toUtcMs(date) - cstOffsetMs);
}
