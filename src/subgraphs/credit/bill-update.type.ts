import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type { BillUpdateEvent } from '../../app/credit/bill-updates.service';
import { billUpdateKinds } from '../../core/ledger/bill-updates';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';

export const BillUpdateKind = enumFrom(
  'BillUpdateKind',
  billUpdateKinds,
  'What happened on the line: one per ledger entry that changes a bill or the line',
);

@ObjectType({ description: 'Something that changed a bill or the credit line, in ledger order' })
export class BillUpdate {
  @Field({ description: 'Give it back as `after` to resume right after this update' })
  cursor!: string;

  @Field(() => BillUpdateKind)
  kind!: string;

  @Field(() => DateTimeISOResolver, { description: 'Business time of the ledger entry' })
  occurredAt!: Date;

  @Field(() => Money, { description: 'Available credit right after this update (the line field shows now)' })
  availableAfter!: Money;

  lineId!: string;
  billId!: string | null;

  static from(event: BillUpdateEvent): BillUpdate {
    return Object.assign(new BillUpdate(), {
      cursor: event.cursor,
      kind: event.kind,
      occurredAt: event.occurredAt,
      availableAfter: Money.of(event.availableAfterMinor),
      lineId: event.lineId,
      billId: event.billId,
    });
  }
}
