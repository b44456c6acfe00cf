import { randomBytes } from 'node:crypto';

/**
 * Ids that sort by creation time (base36 millis, fixed width) so a descending _id sort is
 * newest-first and can serve as a stable pagination cursor on any MongoDB-compatible engine.
 */
export function newSortableId(prefix: string, now: Date): string {
  return sortableId(prefix, now, randomBytes(5).toString('hex'));
}

/** The same shape with a caller-chosen suffix: a deterministic id for something retried. */
export function sortableId(prefix: string, at: Date, suffix: string): string {
  return `${prefix}_${at.getTime().toString(36).padStart(9, '0')}${suffix}`;
}

/** A statement's id: its line and statement date, so a cycle is billed at most once. */
export function billIdOf(lineId: string, statementDate: string): string {
  return `${lineId}:${statementDate}`;
}

/** Whether a bill id names one of this line's bills. */
export function isBillOfLine(billId: string, lineId: string): boolean {
  return billId.startsWith(`${lineId}:`);
}

/** A user's credit line id (one line per user), so the line is read by `_id`. */
export function creditLineIdOf(userId: string): string {
  return `cl_${userId.replace(/^u_/, '')}`;
}
