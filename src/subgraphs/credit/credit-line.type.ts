import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { availableMinor } from '../../core/credit-line';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import { Money } from '../common/money.type';

export enum CreditLineStatus {
  PENDING_REVIEW = 'PENDING_REVIEW',
  ACTIVE = 'ACTIVE',
  FROZEN = 'FROZEN',
  CLOSED = 'CLOSED',
}
registerEnumType(CreditLineStatus, { name: 'CreditLineStatus' });

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A revolving credit line usable at checkout' })
export class CreditLine {
  @Field(() => ID)
  id!: string;

  @Field(() => CreditLineStatus)
  status!: CreditLineStatus;

  @Field(() => Money)
  limit!: Money;

  @Field(() => Money, { description: 'limit - used - held' })
  available!: Money;

  @Field(() => Money, { description: 'Outstanding principal' })
  used!: Money;

  @Field(() => Money, { description: 'Authorized but not yet captured' })
  held!: Money;

  @Field(() => Money, { description: 'Installment fees owed (outside the limit)' })
  feesOwed!: Money;

  @Field(() => Money, { description: 'Overdue penalties owed (outside the limit)' })
  penaltiesOwed!: Money;

  @Field(() => Money, { description: 'Money on account: overpayments and refunds of paid principal' })
  creditBalance!: Money;

  @Field(() => Int, { description: 'Day of month (1-28) the statement is cut; due 9 days later' })
  statementDay!: number;

  userId!: string;

  risk!: { score: number; tier: string; topReasons: { code: string; points: number }[] };

  static from(doc: CreditLineDoc): CreditLine {
    return Object.assign(new CreditLine(), {
      id: doc._id,
      userId: doc.userId,
      status: doc.status as CreditLineStatus,
      limit: Money.of(doc.limitMinor),
      available: Money.of(availableMinor(doc)),
      used: Money.of(doc.usedMinor),
      held: Money.of(doc.heldMinor),
      feesOwed: Money.of(doc.feesOwedMinor),
      penaltiesOwed: Money.of(doc.penaltiesOwedMinor),
      creditBalance: Money.of(doc.creditBalanceMinor),
      statementDay: doc.statementDay,
      risk: { score: doc.riskScore, tier: doc.riskTier, topReasons: doc.riskReasons },
    });
  }
}
