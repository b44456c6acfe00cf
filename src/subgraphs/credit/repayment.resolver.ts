import {
  Arg,
  Ctx,
  Field,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
  registerEnumType,
} from 'type-graphql';
import type { RepayKind as Kind } from '../../services/repayment.service';
import type { PaymentSource as Source } from '../../storage/models/repayment.model';
import { decimalInput } from '../common/decimal-input';
import { Money } from '../common/money.type';
import { UserError } from '../common/user-error.type';
import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';

export enum RepayKind {
  STATEMENT = 'STATEMENT',
  MINIMUM = 'MINIMUM',
  AMOUNT = 'AMOUNT',
  PAYOFF = 'PAYOFF',
  PLAN_PAYOFF = 'PLAN_PAYOFF',
}
registerEnumType(RepayKind, {
  name: 'RepayKind',
  valuesConfig: {
    STATEMENT: { description: 'Everything billed: overdue and current principal, fees, penalties' },
    MINIMUM: { description: 'What keeps every bill out of overdue' },
    AMOUNT: { description: 'Any amount (give `amount`)' },
    PAYOFF: { description: 'Everything owed, unbilled principal too (prepay)' },
    PLAN_PAYOFF: {
      description:
        "Pay one installment plan off early (give `planId`): everything billed plus the plan's unbilled principal; its unbilled fees are waived",
    },
  },
});

export enum PaymentSource {
  BANK_CARD = 'BANK_CARD',
  WALLET_BALANCE = 'WALLET_BALANCE',
  PARTNER_WALLET = 'PARTNER_WALLET',
}
registerEnumType(PaymentSource, { name: 'PaymentSource' });

@InputType()
export class RepayInput {
  @Field(() => RepayKind)
  kind!: RepayKind;

  @Field({ nullable: true, description: 'Decimal CNY for AMOUNT, e.g. "150.00"' })
  amount?: string;

  @Field(() => PaymentSource)
  source!: PaymentSource;

  @Field(() => ID, { nullable: true, description: 'For PLAN_PAYOFF: the installment plan id' })
  planId?: string;

  @Field()
  idempotencyKey!: string;
}

@ObjectType()
export class Repayment {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'INITIATED, SUCCEEDED or FAILED' })
  status!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => PaymentSource)
  source!: PaymentSource;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;
}

@ObjectType()
export class RepayPayload {
  @Field(() => Repayment, { nullable: true })
  repayment!: Repayment | null;

  @Field(() => CreditLine, { nullable: true, description: 'The line after the repayment' })
  creditLine!: CreditLine | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class RepaymentResolver {
  @Mutation(() => RepayPayload, {
    description: 'Repay from a bound source; allocated penalties -> fees -> principal',
  })
  async repay(
    @Arg('input', () => RepayInput) input: RepayInput,
    @Ctx() ctx: CreditContext,
  ): Promise<RepayPayload> {
    const amountMinor =
      input.amount === undefined || input.amount === null ? undefined : decimalInput(input.amount);
    if (amountMinor instanceof UserError) {
      return Object.assign(new RepayPayload(), {
        repayment: null,
        creditLine: null,
        userErrors: [amountMinor],
      });
    }
    const result = await ctx.services.repayments.repay({
      kind: input.kind as Kind,
      amountMinor,
      source: input.source as Source,
      planId: input.planId ?? undefined,
      idempotencyKey: input.idempotencyKey,
    });
    const line = result.repayment
      ? await ctx.services.credit.creditLine(result.repayment.lineId, true)
      : null;
    return Object.assign(new RepayPayload(), {
      repayment: result.repayment
        ? Object.assign(new Repayment(), {
            id: result.repayment._id,
            status: result.repayment.status,
            amount: Money.of(result.repayment.amountMinor),
            source: result.repayment.source as PaymentSource,
            failureReason: result.repayment.failureReason,
          })
        : null,
      creditLine: line ? CreditLine.from(line) : null,
      userErrors: result.userErrors.map(UserError.from),
    });
  }
}
