import { createHash } from 'node:crypto';
import type { AuthorizationRequest } from '../../core/ledger/commands';
import type { LineStatus } from '../../core/ledger/line-state';
import { AppError } from '../../errors';
import type { LedgerWriter } from '../../ledger/ledger-writer';
import { sortableId } from '../../storage/ids';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { OrderDoc } from '../../storage/models/order.model';
import type { OrderRepository } from '../../storage/repositories/order.repository';

export interface PlaceOrder {
  orders: OrderRepository;
  ledger: LedgerWriter;
  line: CreditLineDoc;
  /** Scopes the idempotency key (`<user>` for shoppers, `<partner>` for partners). */
  idempotencyKey: string;
  amountMinor: number;
  request: AuthorizationRequest;
  requestHash: string;
  now: Date;
  /** Order id prefix: `mo`, `io`, `pp`. */
  idPrefix: string;
  /** The order document to record once the hold is granted. */
  build(ids: { orderId: string; authorizationId: string }): OrderDoc;
}

export type PlaceOrderResult =
  | { status: 'PLACED'; order: OrderDoc }
  // The status the rules saw: the line's owner is told it (a partner needs CREDIT_STATUS consent).
  | { status: 'REFUSED'; reason: string; lineStatus: LineStatus }
  | { status: 'KEY_REUSED' };

/** One hold per key (a deterministic id), so a retry asks the ledger for the same hold. */
function authorizationIdOf(scopedKey: string): string {
  return `auth_${createHash('sha256').update(scopedKey).digest('hex').slice(0, 24)}`;
}

/**
 * Asks the ledger for a hold and records the order it pays for. The hold's ledger entry is the one
 * idempotency record: a retry collides on its key and replays it (approved: the order; refused: the
 * same reason). The order id derives from that entry, so two racing retries insert the same document.
 */
export async function placeOrder(input: PlaceOrder): Promise<PlaceOrderResult> {
  const authorizationId = authorizationIdOf(input.idempotencyKey);
  const outcome = await input.ledger.append({
    lineId: input.line._id,
    command: { type: 'AUTHORIZE', authorizationId, amountMinor: input.amountMinor, request: input.request },
    key: `authorize:${authorizationId}`,
    requestHash: input.requestHash,
    now: input.now,
    line: input.line,
  });
  if (outcome.status === 'KEY_REUSED') return { status: 'KEY_REUSED' };
  if (outcome.status === 'REJECTED')
    return {
      status: 'REFUSED',
      reason: outcome.rejection,
      lineStatus: outcome.entry?.stateAfter.status ?? input.line.status,
    };
  const orderId = sortableId(input.idPrefix, outcome.entry.at, authorizationId.slice(5, 15));
  // A replay has the same input as the hold's entry (the ledger compared the request hashes).
  if (outcome.status === 'REPLAYED') {
    const [recorded] = await input.orders.findByIds([orderId]);
    if (recorded) return { status: 'PLACED', order: recorded };
  }
  const order = input.build({ orderId, authorizationId });
  if (await input.orders.insertOnce(order)) return { status: 'PLACED', order };
  // A concurrent retry with the same key recorded the order first.
  const [raced] = await input.orders.findByIds([orderId]);
  if (!raced) throw new AppError('CONFLICT', 'Order could not be recorded; retry with the same key');
  return { status: 'PLACED', order: raced };
}
