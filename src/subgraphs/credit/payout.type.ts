import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  type PayoutDoc,
  payoutStatuses,
  type PayoutStatus as PayoutStatusValue,
} from '../../storage/models/payout.model';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';

export const PayoutStatus = enumFrom(
  'PayoutStatus',
  payoutStatuses,
  'A payout of the credit balance to your bank card',
  {
    INITIATED:
      'On its way, not finished: the bank has not answered yet, or a stop left it before or after the debit (the due jobs carry it on and ask the bank again, and you are told how it ends)',
    PAID: 'Paid to your bank card',
    REVERSED: 'Refused by the payment source: the money is back on your credit balance',
    REFUSED: 'Not made (no balance to pay, more than the balance): nothing left your credit balance',
  },
);

@ObjectType({ description: 'A payout of the credit balance to your bank card (payOutCreditBalance)' })
export class Payout {
  @Field(() => ID, { description: "The payout's id (one per idempotency key)" })
  id!: string;

  @Field({ description: 'The idempotency key it was asked under (ask again with it to follow it up)' })
  idempotencyKey!: string;

  @Field(() => PayoutStatus, { description: 'Where it stands' })
  status!: PayoutStatusValue;

  @Field(() => Money, { nullable: true, description: 'What was asked for; null: the whole credit balance' })
  asked!: Money | null;

  @Field(() => Money, {
    nullable: true,
    description:
      'What left the credit balance for it, as recorded on the payout; null until a debit is recorded (stopped before the debit, or just after it: the next try records it; for the whole balance, the jobs debit the balance of then)',
  })
  amount!: Money | null;

  @Field(() => DateTimeISOResolver, { description: 'When it was asked, on the business clock' })
  askedAt!: Date;

  @Field(() => Int, {
    description: 'Which try under its key: one more each time a REFUSED payout is asked again under it',
  })
  attempt!: number;

  static from(doc: PayoutDoc): Payout {
    return Object.assign(new Payout(), {
      id: doc._id,
      idempotencyKey: doc.idempotencyKey,
      status: doc.status,
      asked: doc.askedMinor === null ? null : Money.of(doc.askedMinor),
      amount: doc.amountMinor === undefined ? null : Money.of(doc.amountMinor),
      askedAt: doc.createdAt,
      attempt: doc.attempt,
    });
  }
}
