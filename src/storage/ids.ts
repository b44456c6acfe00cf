import { randomBytes } from 'node:crypto';

/**
 * Ids that sort by creation time (base36 millis, fixed width) so a descending _id sort is
 * newest-first and can serve as a stable pagination cursor on any MongoDB-compatible engine.
 */
export function newSortableId(prefix: string, now: Date): string {
  const time = now.getTime().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(5).toString('hex')}`;
}
