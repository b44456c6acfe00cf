import { newSortableId, sortableId } from '../../src/storage/ids';
import type { OrderDoc } from '../../src/storage/models/order.model';

/**
 * A placed mall order of `n` tea sets (idempotency key `<userId>:<n>`). Its `_id` sorts by `createdAt`,
 * with `idSuffix` when the test needs the same id again.
 */
export function placedOrder(userId: string, createdAt: Date, n: number, idSuffix?: string): OrderDoc {
  return {
    _id: idSuffix === undefined ? newSortableId('mo', createdAt) : sortableId('mo', createdAt, idSuffix),
    userId,
    items: [{ sku: 'mall-tea-set', title: 'Tea set', quantity: n, unitPriceMinor: 29_900 }],
    totalMinor: 29_900 * n,
    plan: 'FULL',
    periods: 1,
    status: 'PLACED',
    lineId: `cl_${userId}`,
    authorizationId: `auth_${userId}_${n}`,
    idempotencyKey: `${userId}:${n}`,
    requestHash: 'h',
    capturedMinor: 0,
    refundedMinor: 0,
    createdAt,
  };
}
