import { Field, ID, ObjectType } from 'type-graphql';
import { Money } from '../common/money.type';

@ObjectType({ description: 'What paying one installment plan off early would collect now' })
export class PlanPayoffDue {
  @Field(() => ID, { description: "The plan's id (`InstallmentPlan.id`), as `repay` takes it in `planId`" })
  planId!: string;

  @Field(() => Money, {
    description:
      "Repay kind PLAN_PAYOFF with this plan: everything billed plus the plan's unbilled principal (its unbilled fees are waived)",
  })
  amount!: Money;

  static of(planId: string, amountMinor: number): PlanPayoffDue {
    return Object.assign(new PlanPayoffDue(), { planId, amount: Money.of(amountMinor) });
  }
}
