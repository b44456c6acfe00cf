import { addDays, type BusinessDate, monthDate, parts } from '../time/business-date';

/** Due day = statement day + 9 (product rule). */
export const daysFromStatementToDue = 9;

/** Statement days exist in every month. */
export const lastStatementDay = 28;

export function assertStatementDay(statementDay: number): void {
  if (!Number.isInteger(statementDay) || statementDay < 1 || statementDay > lastStatementDay) {
    throw new RangeError(`statement day must be 1-${lastStatementDay}, got ${statementDay}`);
  }
}

/**
 * The statement a charge on `date` lands on: the first statement date on or after it. A cycle is
 * (previous statement date, statement date], so a charge on the statement day itself is on that bill.
 */
export function statementDateFor(date: BusinessDate, statementDay: number): BusinessDate {
  assertStatementDay(statementDay);
  const { year, monthIndex, day } = parts(date);
  return day <= statementDay
    ? monthDate(year, monthIndex, statementDay)
    : monthDate(year, monthIndex + 1, statementDay);
}

/** The statement date `months` statements after `statementDate`. */
export function laterStatementDate(statementDate: BusinessDate, months: number): BusinessDate {
  const { year, monthIndex, day } = parts(statementDate);
  return monthDate(year, monthIndex + months, day);
}

export function dueDateFor(statementDate: BusinessDate): BusinessDate {
  return addDays(statementDate, daysFromStatementToDue);
}

/** First day of the cycle that ends on `statementDate`. */
export function cycleStartFor(statementDate: BusinessDate): BusinessDate {
  return addDays(laterStatementDate(statementDate, -1), 1);
}

/** The newest statement date on or before `date`. */
export function latestStatementDate(date: BusinessDate, statementDay: number): BusinessDate {
  assertStatementDay(statementDay);
  const { year, monthIndex, day } = parts(date);
  return day >= statementDay
    ? monthDate(year, monthIndex, statementDay)
    : monthDate(year, monthIndex - 1, statementDay);
}
