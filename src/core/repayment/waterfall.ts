import { assertMinor, type MinorUnits } from '../money';

/** Allocation order of every repayment (product rule); one list, used everywhere. */
export const waterfallOrder = [
  'PENALTIES',
  'FEES',
  'OVERDUE_PRINCIPAL',
  'CURRENT_BILL_PRINCIPAL',
  'UNBILLED_PRINCIPAL',
] as const;
export type WaterfallBucket = (typeof waterfallOrder)[number];

export type Owed = Record<WaterfallBucket, MinorUnits>;

export interface Allocation {
  allocations: Owed;
  /** Paid beyond everything owed: becomes a credit balance. */
  unallocatedMinor: MinorUnits;
}

export function allocateRepayment(amountMinor: MinorUnits, owed: Owed): Allocation {
  assertMinor(amountMinor);
  if (amountMinor <= 0) throw new RangeError('repayment must be positive');
  let left = amountMinor;
  const allocations = {} as Owed;
  for (const bucket of waterfallOrder) {
    const take = Math.min(left, Math.max(0, owed[bucket]));
    allocations[bucket] = take;
    left -= take;
  }
  return { allocations, unallocatedMinor: left };
}
