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

  @Field(() => [PlanPayoffDue], {
    description:
      'Repay kind PLAN_PAYOFF, for each plan with periods still to bill (the plans it accepts). Each includes everything billed, so they do not add up: PAYOFF pays every plan off',
  })
  planPayoffs!: PlanPayoffDue[];

  static from(asOfDate: string, amountsMinor: AmountsDueMinor): AmountsDue {
    return Object.assign(new AmountsDue(), {
      asOfDate,
      minimum: Money.of(amountsMinor.MINIMUM),
      statement: Money.of(amountsMinor.STATEMENT),
      payoff: Money.of(amountsMinor.PAYOFF),
      planPayoffs: amountsMinor.PLAN_PAYOFF.map((due) => PlanPayoffDue.of(due.planId, due.amountMinor)),
    });
  }
}
