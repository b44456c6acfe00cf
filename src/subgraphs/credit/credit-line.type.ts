import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { daysFromStatementToDue, lastStatementDay } from '../../core/billing/calendar';
import { availableMinor } from '../../core/credit-line';
import { type LineStatus, lineStatuses } from '../../core/ledger/line-state';
import { freezeAfterDaysOverdue, frozenLineReopens } from '../../core/risk/limit-review';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';

export const CreditLineStatus = enumFrom('CreditLineStatus', lineStatuses, undefined, {
  PENDING_REVIEW: 'Applied for, not approved yet: nothing can be spent',
  ACTIVE: 'Can be spent on, up to its available credit',
  FROZEN: `A bill went more than ${freezeAfterDaysOverdue} days overdue: nothing can be spent; ${frozenLineReopens}`,
  CLOSED: 'Closed: nothing can be spent',
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A revolving credit line usable at checkout' })
export class CreditLine {
  @Field(() => ID, { description: "The line's id (a user has one line)" })
  id!: string;

  @Field(() => CreditLineStatus, { description: 'Whether the line can be spent on now' })
  status!: LineStatus;

  @Field(() => Money, {
    description:
      'The credit limit: used + held stay within it (fees, interest and penalties are outside it). Set at opening; the daily limit review raises or cuts it',
  })
  limit!: Money;

  @Field(() => Money, {
    description: 'What can be spent now: limit - used - held while ACTIVE; 0 under review, frozen or closed',
  })
  available!: Money;

  @Field(() => Money, { description: 'Outstanding principal' })
  used!: Money;

  @Field(() => Money, { description: 'Authorized but not yet captured' })
  held!: Money;

  @Field(() => Money, { description: 'Installment fees billed and not yet paid (outside the limit)' })
  installmentFeesOwed!: Money;

  @Field(() => Money, { description: 'Revolving interest accrued and not yet paid (outside the limit)' })
  interestOwed!: Money;

  @Field(() => Money, { description: 'Overdue penalties accrued and not yet paid (outside the limit)' })
  penaltiesOwed!: Money;

  @Field(() => Money, {
    description:
      'Money on account: overpayments and refunds of paid principal (without what is set aside for a pending repayment: creditSetAside)',
  })
  creditBalance!: Money;

  @Field(() => Money, {
    description:
      'Credit balance set aside for repayments the payment source has not answered yet: spent with them, back on the balance if the source declines; it still pays bills cut meanwhile',
  })
  creditSetAside!: Money;

  @Field(() => Int, {
    description: `Day of month (1-${lastStatementDay}) the statement is cut; due ${daysFromStatementToDue} days later`,
  })
  statementDay!: number;

  userId!: string;

  /** The summary it was read from: its head state, for what is due now (no second read). */
  doc!: CreditLineDoc;

  risk!: { score: number; tier: string; topReasons: { code: string; points: number }[] };

  static from(doc: CreditLineDoc): CreditLine {
    return Object.assign(new CreditLine(), {
      id: doc._id,
      userId: doc.userId,
      doc,
      status: doc.status,
      limit: Money.of(doc.limitMinor),
      // From the core rule, not the stored figure: a summary written before the rule changed (a
      // line frozen then) is right too.
      available: Money.of(availableMinor(doc)),
      used: Money.of(doc.usedMinor),
      held: Money.of(doc.heldMinor),
      installmentFeesOwed: Money.of(doc.installmentFeesOwedMinor),
      interestOwed: Money.of(doc.interestOwedMinor),
      penaltiesOwed: Money.of(doc.penaltiesOwedMinor),
      creditBalance: Money.of(doc.creditBalanceMinor),
      creditSetAside: Money.of(doc.state?.reservedCreditMinor ?? 0),
      statementDay: doc.statementDay,
      risk: { score: doc.riskScore, tier: doc.riskTier, topReasons: doc.riskReasons },
    });
  }
}
