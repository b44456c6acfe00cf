/**
 * The auditor's own business calendar (docs/money-rules.md: dates are China Standard Time, UTC+8;
 * statement day 1-28, due = statement + 9). Written apart from src/core/time on purpose.
 */
const dayMs = 86_400_000;
const cstOffsetMs = 8 * 3_600_000;

export type Day = string;

/** The CST calendar date of an instant. */
export function cstDate(ms: number): Day {
  return new Date(ms + cstOffsetMs).toISOString().slice(0, 10);
}

/** 00:00 CST of a date, as an instant. */
export function cstMidnight(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`) - cstOffsetMs;
}

function utcMs(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: Day, days: number): Day {
  return new Date(utcMs(day) + days * dayMs).toISOString().slice(0, 10);
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((utcMs(to) - utcMs(from)) / dayMs);
}

/** The same day of the month `months` later (statement days are 1-28, so every month has them). */
export function addMonths(day: Day, months: number): Day {
  const d = new Date(utcMs(day));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()))
    .toISOString()
    .slice(0, 10);
}

/** The first statement date on or after `day` for a line whose statement day is `statementDay`. */
export function statementOnOrAfter(day: Day, statementDay: number): Day {
  const d = new Date(utcMs(day));
  const month = d.getUTCDate() <= statementDay ? d.getUTCMonth() : d.getUTCMonth() + 1;
  return new Date(Date.UTC(d.getUTCFullYear(), month, statementDay)).toISOString().slice(0, 10);
}

export function dueDateOf(statementDate: Day): Day {
  return addDays(statementDate, 9);
}
