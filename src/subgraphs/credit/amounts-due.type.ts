import { Field, ObjectType } from 'type-graphql';
import type { AmountsDue as AmountsDueMinor } from '../../core/repayment/amount-due';
import { Money } from '../common/money.type';
import { PlanPayoffDue } from './plan-payoff-due.type';

@ObjectType({
  description:
    "What each kind of repayment would collect if paid now: the day's penalty and interest are counted, which the line's and bills' figures show only once an entry is written. Each is what the source would be asked for: the credit balance is spent first (0.00 when it covers all), and what the repayments waiting on their source (`CreditLine.repaymentsInFlight`) will pay counts as paid, so nothing is asked twice",
})
export class AmountsDue {
  @Field({ description: 'The business day (YYYY-MM-DD, China Standard Time) the amounts are for' })
  asOfDate!: string;

  @Field(() => Money, {
    description:
      "Repay kind MINIMUM: the least that keeps every bill out of overdue (0 once every bill's minimum is met)",
  })
  minimum!: Money;

  @Field(() => Money, { description: 'Repay kind STATEMENT: everything billed' })
  statement!: Money;

  @Field(() => Money, {
    description:
      'Repay kind PAYOFF: everything owed, unbilled principal too (unbilled installment fees are waived)',
  })
  payoff!: Money;

  @Field(() => Money, {
    description:
      'Repay kind AMOUNT: the most it can be now, everything billed and the purchases not billed yet (which it prepays; installments not billed yet are paid off by PAYOFF or PLAN_PAYOFF). Unlike the others, the credit balance and the repayments waiting on their source do not lower it: an AMOUNT is asked as given. More is refused with AMOUNT_OVER_OWED (when it is 0.00, with NOTHING_TO_REPAY)',
  })
  amountAtMost!: Money;

  @Field(() => [PlanPayoffDue], {
    description:
      'Repay kind PLAN_PAYOFF, for each plan with periods still to bill (the plans it accepts). Each includes everything billed, so they do not add up: PAYOFF pays every plan off',
  })
  planPayoffs!: PlanPayoffDue[];

  static from(asOfDate: string, amountsMinor: AmountsDueMinor, amountAtMostMinor: number): AmountsDue {
    return Object.assign(new AmountsDue(), {
      asOfDate,
      amountAtMost: Money.of(amountAtMostMinor),
      minimum: Money.of(amountsMinor.MINIMUM),
      statement: Money.of(amountsMinor.STATEMENT),
      payoff: Money.of(amountsMinor.PAYOFF),
      planPayoffs: amountsMinor.PLAN_PAYOFF.map((due) => PlanPayoffDue.of(due.planId, due.amountMinor)),
    });
  }
}
