import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { daysFromStatementToDue } from '../../core/billing/calendar';
import { minimumPrincipalPercent } from '../../core/billing/minimum-due';
import { quoteHoldsDays } from '../../core/repayment/as-asked';
import { minimumToPayMinor, type BillStatus as Status, billStatuses } from '../../core/billing/bill-status';
import {
  billComponents,
  type BillComponent as Component,
  type BillItemKind,
  billItemKinds,
  billOwedMinor,
  componentsTotalMinor,
  owedOn,
} from '../../core/ledger/line-state';
import type { BillDoc } from '../../storage/models/bill.model';
import { connectionTypes } from '../common/connection.type';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';

export const BillStatus = enumFrom('BillStatus', billStatuses, 'Follows from what the bill still owes', {
  ISSUED: 'Nothing paid or credited yet',
  PARTIALLY_PAID: 'Some paid or credited, still owing',
  PAID: 'Nothing owed, never overdue',
  OVERDUE: 'Its due day passed without the minimum paid, still owing',
  SETTLED: 'Nothing owed, after going overdue',
});
export const BillComponentKind = enumFrom('BillComponentKind', billComponents, 'What a bill is made of', {
  PENALTIES:
    'Daily penalties accrued while the bill is overdue, on the principal and installment fees it owes',
  INTEREST:
    'Daily revolving interest accrued after the due day while the bill is not overdue (minimum paid), on the principal it owes',
  INSTALLMENT_FEES: 'The fees of the installment periods billed',
  FULL_PAY_PRINCIPAL: 'Purchases paid in FULL',
  INSTALLMENT_PRINCIPAL: 'The principal of the installment periods billed',
});
export const BillLineKind = enumFrom('BillLineKind', billItemKinds, 'What a statement line bills', {
  PURCHASE: 'A purchase paid in FULL',
  INSTALLMENT_PRINCIPAL: "One period's principal of an installment plan",
  INSTALLMENT_FEE: "One period's fee of an installment plan",
});

const itemDescription: Record<BillItemKind, string> = {
  PURCHASE: 'Purchase',
  INSTALLMENT_PRINCIPAL: 'Installment',
  INSTALLMENT_FEE: 'Installment fee',
};

@ObjectType({
  description:
    'One line of a statement, frozen at issue; refunds, and fees a payoff waived, show as `credited`',
})
export class BillLine {
  @Field(() => BillLineKind, { description: 'What the line bills' })
  kind!: BillItemKind;

  @Field({
    description: `Display text: "${itemDescription.PURCHASE}", or for installments the item and its period, e.g. "${itemDescription.INSTALLMENT_PRINCIPAL} 2/6" or "${itemDescription.INSTALLMENT_FEE} 2/6"`,
  })
  description!: string;

  @Field(() => Money, { description: 'As billed at issue' })
  amount!: Money;

  @Field(() => Money, {
    description:
      'Refunds credited against this line after issue, or its installment fee waived by a payoff that landed after the statement',
  })
  credited!: Money;

  @Field({ description: 'The order or installment plan it comes from' })
  reference!: string;
}

@ObjectType({ description: 'One component of a bill: what was billed, paid, credited, and is still owed' })
export class BillComponentAmounts {
  @Field(() => BillComponentKind, { description: 'The component these amounts are for' })
  kind!: Component;

  @Field(() => Money, { description: 'Billed at issue; interest and penalties grow as they accrue' })
  billed!: Money;

  @Field(() => Money, { description: 'Repaid on this component (as the repayment waterfall allocated it)' })
  paid!: Money;

  @Field(() => Money, {
    description:
      'Credited on this component: refunds (principal), fees a payoff waived after the bill was issued (installment fees), penalties and interest accrued while a quoted repayment waited on its source (waived when it landed)',
  })
  credited!: Money;

  @Field(() => Money, { description: 'billed - paid - credited' })
  owed!: Money;
}

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A monthly statement. Its lines never change after issue; what changes is what is paid, credited and still owed on each component.',
})
export class Bill {
  @Field(() => ID, { description: "The bill's id" })
  id!: string;

  @Field(() => BillStatus, { description: 'Where the bill stands: follows from what it still owes' })
  status!: Status;

  @Field({ description: 'YYYY-MM-DD (China Standard Time)' })
  statementDate!: string;

  @Field({
    description: `YYYY-MM-DD, statement date + ${daysFromStatementToDue} days (a statement cut late, on or after that day: cut day + ${daysFromStatementToDue})`,
  })
  dueDate!: string;

  @Field(() => Money, { description: 'What the statement billed at issue (its lines)' })
  total!: Money;

  @Field(() => Money, {
    description: `${minimumPrincipalPercent}% of full-pay principal plus installments and fees due, as stated at issue`,
  })
  minimumDue!: Money;

  @Field(() => Money, {
    description:
      "This bill's part of what keeps it out of overdue: the minimum less what was paid or credited (0 once met); for an overdue bill, all it owes. A repayment pays other bills' penalties, interest and fees first, so repay kind MINIMUM (all bills, `CreditLine.amountsDue.minimum`) is what keeps every bill current",
  })
  remainingMinimum!: Money;

  @Field(() => Money, { description: 'Repaid on this bill, all components' })
  paid!: Money;

  @Field(() => Money, {
    description:
      'Refunds credited to this bill, installment fees a payoff waived after it was issued, and penalties and interest accrued while a quoted repayment waited on its source',
  })
  credited!: Money;

  @Field(() => Money, { description: 'Still owed, including interest and penalties accrued since issue' })
  owed!: Money;

  @Field({
    description: `Its due day passed while repayments asked by then wait on their payment source (CreditLine.repaymentsInFlight): it is not judged overdue until they are answered, up to ${quoteHoldsDays} days from the ask. Landed in time, it was paid on time; declined, it is overdue from the day after its due day. Its status and remainingMinimum show it without them meanwhile`,
  })
  awaitingRepayments!: boolean;

  @Field(() => [BillComponentAmounts], {
    description: 'Billed, paid, credited and owed for each component, every component listed (0 where none)',
  })
  components!: BillComponentAmounts[];

  @Field(() => [BillLine], { description: "The statement's lines, as issued" })
  lines!: BillLine[];

  userId!: string;

  static from(doc: BillDoc): Bill {
    return Object.assign(new Bill(), {
      id: doc._id,
      userId: doc.userId,
      status: doc.status,
      statementDate: doc.statementDate,
      dueDate: doc.dueDate,
      total: Money.of(doc.statementTotalMinor),
      minimumDue: Money.of(doc.minimumDueMinor),
      remainingMinimum: Money.of(minimumToPayMinor(doc)),
      paid: Money.of(componentsTotalMinor(doc.paid)),
      credited: Money.of(componentsTotalMinor(doc.credited)),
      owed: Money.of(billOwedMinor(doc)),
      awaitingRepayments: doc.awaitingRepayments === true,
      components: billComponents.map((kind) =>
        Object.assign(new BillComponentAmounts(), {
          kind,
          billed: Money.of(doc.billed[kind]),
          paid: Money.of(doc.paid[kind]),
          credited: Money.of(doc.credited[kind]),
          owed: Money.of(owedOn(doc, kind)),
        }),
      ),
      lines: doc.items.map((item) =>
        Object.assign(new BillLine(), {
          kind: item.kind,
          description:
            item.period !== undefined
              ? `${itemDescription[item.kind]} ${item.period}/${item.periods}`
              : itemDescription[item.kind],
          amount: Money.of(item.amountMinor),
          credited: Money.of(item.creditedMinor),
          reference: item.ref,
        }),
      ),
    });
  }
}

export const { Connection: BillConnection } = connectionTypes(Bill, 'Bill');
export type BillConnection = InstanceType<typeof BillConnection>;
