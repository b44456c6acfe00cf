import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { BillDoc } from '../../storage/models/bill.model';
import { connectionTypes } from '../common/connection.type';
import { Money } from '../common/money.type';

export enum BillStatus {
  ISSUED = 'ISSUED',
  PAID = 'PAID',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  OVERDUE = 'OVERDUE',
  SETTLED = 'SETTLED',
}
registerEnumType(BillStatus, { name: 'BillStatus' });

@ObjectType({ description: 'One line of a statement' })
export class BillLine {
  @Field({ description: 'PURCHASE, INSTALLMENT_PRINCIPAL, INSTALLMENT_FEE, PENALTY, REFUND' })
  kind!: string;

  @Field()
  description!: string;

  @Field(() => Money, { description: 'Negative for refunds' })
  amount!: Money;

  @Field({ description: 'The order, plan or line it comes from' })
  reference!: string;
}

@Directive('@key(fields: "id")')
@ObjectType({
  description: 'A monthly statement. Issued statements never change; payments only add to `paid`.',
})
export class Bill {
  @Field(() => ID)
  id!: string;

  @Field(() => BillStatus)
  status!: BillStatus;

  @Field({ description: 'YYYY-MM-DD (China Standard Time)' })
  statementDate!: string;

  @Field({ description: 'YYYY-MM-DD, statement date + 9 days' })
  dueDate!: string;

  @Field(() => Money)
  total!: Money;

  @Field(() => Money, { description: '10% of full-pay principal plus installments, fees and penalties due' })
  minimumDue!: Money;

  @Field(() => Money)
  paid!: Money;

  @Field(() => [BillLine])
  lines!: BillLine[];

  userId!: string;

  static from(doc: BillDoc): Bill {
    return Object.assign(new Bill(), {
      id: doc._id,
      userId: doc.userId,
      status: doc.status as BillStatus,
      statementDate: doc.statementDate,
      dueDate: doc.dueDate,
      total: Money.of(doc.totalMinor),
      minimumDue: Money.of(doc.minimumDueMinor),
      paid: Money.of(doc.paidMinor),
      lines: doc.lines.map((line) =>
        Object.assign(new BillLine(), {
          kind: line.kind,
          description: line.description,
          amount: Money.of(line.amountMinor),
          reference: line.ref,
        }),
      ),
    });
  }
}

export const { Connection: BillConnection } = connectionTypes(Bill, 'Bill');
export type BillConnection = InstanceType<typeof BillConnection>;
