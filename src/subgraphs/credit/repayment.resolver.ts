import { DateTimeISOResolver } from 'graphql-scalars';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { repaymentsInFlightShown } from '../../app/repayment/repayment.service';
import { type RepayKind as Kind, repayKinds } from '../../core/repayment/amount-due';
import { quoteHoldsDays } from '../../core/repayment/as-asked';
import {
  type PaymentSource as Source,
  paymentSources,
  type RepaymentDoc,
  type RepaymentStatus as RepaymentStatusValue,
  repaymentStatuses,
} from '../../storage/models/repayment.model';
import { enumFrom } from '../common/enum-from';
import { creditLineIdOf } from '../../storage/ids';
import { decimalInput } from '../common/decimal-input';
import { idempotencyKeyDescription } from '../common/idempotency-key';
import { Money } from '../common/money.type';
import { UserError } from '../common/user-error.type';
import { CreditLine } from './credit-line.type';
import { PayoutStatus } from './payout.type';
import type { CreditContext } from './credit.context';

export const RepayKind = enumFrom(
  'RepayKind',
  repayKinds,
  `What a repayment pays. Every kind but AMOUNT spends the credit balance first (set aside until the source answers) and asks the source only for the rest, and lands as quoted: a source that answers within ${quoteHoldsDays} days counts from the day asked (penalties and interest accrued since on the bills the quote paid in full are waived), and a bill the quote paid that is overdue when the money lands is paid first`,
  {
    STATEMENT: 'Everything billed: overdue and current principal, fees, interest, penalties',
    MINIMUM:
      "The least that keeps every bill out of overdue: all an overdue bill owes, the rest of each other bill's minimum, and the penalties, interest and fees the waterfall pays first",
    AMOUNT:
      'An amount of your choosing (give `amount`), at most what it can pay: everything billed, then the purchases not billed yet, which it prepays (installments not billed yet are paid off by PAYOFF or PLAN_PAYOFF); more is refused with AMOUNT_OVER_OWED (NOTHING_TO_REPAY when it can pay nothing)',
    PAYOFF:
      "Everything owed, unbilled principal too (prepay); unbilled installment fees are waived. Quoted when asked: if the source answers after a statement, the plans are still paid off (fees billed meanwhile waived) unless charges billed since that the waterfall pays ahead of current principal (another plan's fee, a new bill gone overdue), or a credit balance set aside for it and spent on bills cut meanwhile, leave too little",
    PLAN_PAYOFF:
      "Pay one installment plan off early (give `planId`): everything billed plus the plan's unbilled principal; its unbilled fees are waived. Quoted when asked: if the source answers after a statement, the plan is still paid off (the fee billed meanwhile waived, charges billed since may stay owing on their bill) unless charges billed since that the waterfall pays ahead of current principal (another plan's fee, a new bill gone overdue), or a credit balance set aside for it and spent on bills cut meanwhile, leave too little",
  },
);

export const PaymentSource = enumFrom(
  'PaymentSource',
  paymentSources,
  'Where a repayment collects the money (payment rails are adapters: the local one answers every source alike)',
  {
    BANK_CARD: "The user's bank card (the due-day auto-debit collects from it)",
    WALLET_BALANCE: "The user's balance on the platform's own wallet",
    PARTNER_WALLET: "The user's account at a wallet partner",
  },
);

export const RepaymentStatus = enumFrom(
  'RepaymentStatus',
  repaymentStatuses,
  'A repayment through a payment rail',
  {
    INITIATED: 'Asked of the payment source; not confirmed yet (the daily jobs ask again)',
    SUCCEEDED: 'Collected and applied to what the line owes',
    FAILED:
      'The payment source declined, or the credit balance it counted on was spent before it was set aside; nothing moved',
  },
);

@InputType()
export class RepayInput {
  @Field(() => RepayKind, { description: 'What to repay' })
  kind!: Kind;

  @Field({ nullable: true, description: 'Decimal CNY for AMOUNT, e.g. "150.00"' })
  amount?: string;

  @Field(() => PaymentSource, {
    description: 'Where to collect the money from (the due-day auto-debit uses BANK_CARD)',
  })
  source!: Source;

  @Field(() => ID, { nullable: true, description: 'For PLAN_PAYOFF: the installment plan id' })
  planId?: string;

  @Field({
    description: idempotencyKeyDescription(
      'Same key + same input returns the same repayment (asking the source again while INITIATED); same key + other input is refused. Keys are per user',
    ),
  })
  idempotencyKey!: string;
}

@ObjectType()
export class Repayment {
  @Field(() => ID, { description: "The repayment's id (one per idempotency key)" })
  id!: string;

  @Field(() => RepaymentStatus, { description: 'Where the payment source stands on it' })
  status!: RepaymentStatusValue;

  @Field(() => Money, {
    description:
      'What was asked of the payment source (for a kind other than AMOUNT, as computed when first asked, after the credit balance; 0.00 when the balance paid it all)',
  })
  amount!: Money;

  @Field(() => Money, {
    description:
      'Credit balance the repayment spends with the amount (every kind but AMOUNT spends it first), set aside when asked and given back if the source declines',
  })
  fromCreditBalance!: Money;

  @Field(() => PaymentSource, { description: 'Where the money comes from' })
  source!: Source;

  @Field(() => String, { nullable: true, description: "FAILED: the payment source's reason, as it gave it" })
  failureReason!: string | null;

  @Field(() => RepayKind, { description: 'What it pays' })
  kind!: Kind;

  @Field(() => DateTimeISOResolver, {
    description: 'When it was asked, on the business clock (a quote counts from that day: RepayKind)',
  })
  askedAt!: Date;

  static from(doc: RepaymentDoc): Repayment {
    return Object.assign(new Repayment(), {
      id: doc._id,
      status: doc.status,
      amount: Money.of(doc.amountMinor),
      fromCreditBalance: Money.of(doc.fromCreditBalanceMinor ?? 0),
      source: doc.source,
      failureReason: doc.failureReason,
      kind: doc.kind,
      askedAt: doc.createdAt,
    });
  }
}

@Resolver(() => CreditLine)
export class RepaymentsInFlightResolver {
  @FieldResolver(() => [Repayment], {
    description: `Repayments asked and not yet answered by their source (INITIATED), oldest first, at most ${repaymentsInFlightShown}: they have moved no money, so the bills do not count them yet, while amountsDue, a new repayment of any kind but AMOUNT and the due-day auto-debit count them as paid`,
  })
  async repaymentsInFlight(@Root() line: CreditLine, @Ctx() ctx: CreditContext): Promise<Repayment[]> {
    return (await ctx.services.repayments.inFlight(ctx.viewer, line)).map(Repayment.from);
  }
}

@ObjectType()
export class RepayPayload {
  @Field(() => Repayment, {
    nullable: true,
    description: 'The repayment asked of the source (FAILED when it declined); null when refused before that',
  })
  repayment!: Repayment | null;

  @Field(() => CreditLine, {
    nullable: true,
    description:
      'The line as it is now (a replay shows the current line, not the one at the first call); null when the repayment was refused before it was recorded',
  })
  creditLine!: CreditLine | null;

  @Field(() => [UserError], {
    description:
      'Why nothing was collected (a decline: PAYMENT_FAILED, with the FAILED repayment); empty otherwise',
  })
  userErrors!: UserError[];
}

@Resolver()
export class RepaymentResolver {
  @Mutation(() => RepayPayload, {
    description:
      'Repay from a source (every kind but AMOUNT spends the credit balance first); the money is allocated penalties -> fees -> principal (docs/money-rules.md)',
  })
  async repay(
    @Arg('input', () => RepayInput, {
      description: 'What to repay, from which source, under which idempotency key',
    })
    input: RepayInput,
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
    const result = await ctx.services.repayments.repay(ctx.viewer, {
      kind: input.kind,
      amountMinor,
      source: input.source,
      planId: input.planId ?? undefined,
      idempotencyKey: input.idempotencyKey,
    });
    const line = result.repayment
      ? await ctx.services.credit.creditLine(ctx.viewer, result.repayment.lineId, true)
      : null;
    return Object.assign(new RepayPayload(), {
      repayment: result.repayment ? Repayment.from(result.repayment) : null,
      creditLine: line ? CreditLine.from(line) : null,
      userErrors: result.userErrors.map(UserError.from),
    });
  }
}

@InputType()
export class PayOutCreditBalanceInput {
  @Field({ nullable: true, description: 'Decimal CNY; leave empty to pay back the whole credit balance' })
  amount?: string;

  @Field({
    description: idempotencyKeyDescription(
      'Same key + same amount (or again the whole balance) returns the same payout; same key + another amount is refused while that payout is on its way or done. A REFUSED payout (nothing moved) holds no key: asked again under it, with any amount, it starts over. Keys are per user',
    ),
  })
  idempotencyKey!: string;
}

@ObjectType()
export class PayOutCreditBalancePayload {
  @Field(() => Money, {
    nullable: true,
    description: 'What was paid back to your bank card, or is on its way (status INITIATED)',
  })
  paidOut!: Money | null;

  @Field(() => PayoutStatus, {
    nullable: true,
    description:
      'The payout after this request (INITIATED: on its way, the bank not answered yet); null when this request recorded no payout (a bad key, or a key another payout holds)',
  })
  status!: keyof typeof PayoutStatus | null;

  @Field(() => CreditLine, {
    nullable: true,
    description: 'The line after the payout (whatever its status); null when no payout was recorded',
  })
  creditLine!: CreditLine | null;

  @Field(() => [UserError], {
    description:
      'Why nothing was paid out (PAYMENT_FAILED: the payment source refused, the money is back on the credit balance); empty otherwise',
  })
  userErrors!: UserError[];
}

@Resolver()
export class CreditBalanceResolver {
  @Mutation(() => PayOutCreditBalancePayload, {
    description: 'Pay (part of) the credit balance back to your bank card; idempotent per key',
  })
  async payOutCreditBalance(
    @Arg('input', () => PayOutCreditBalanceInput, {
      description: 'How much to pay back (empty: the whole credit balance), under which idempotency key',
    })
    input: PayOutCreditBalanceInput,
    @Ctx() ctx: CreditContext,
  ): Promise<PayOutCreditBalancePayload> {
    const amountMinor =
      input.amount === undefined || input.amount === null ? undefined : decimalInput(input.amount);
    if (amountMinor instanceof UserError) {
      return Object.assign(new PayOutCreditBalancePayload(), {
        paidOut: null,
        creditLine: null,
        status: null,
        userErrors: [amountMinor],
      });
    }
    const result = await ctx.services.payouts.payOutCreditBalance(ctx.viewer, {
      amountMinor,
      idempotencyKey: input.idempotencyKey,
    });
    // The line after any payout recorded (paid, on its way, put back or refused).
    const line =
      result.status === null
        ? null
        : await ctx.services.credit.creditLine(ctx.viewer, creditLineIdOf(ctx.viewer!.userId), true);
    return Object.assign(new PayOutCreditBalancePayload(), {
      paidOut: result.amountMinor === null ? null : Money.of(result.amountMinor),
      creditLine: line ? CreditLine.from(line) : null,
      status: result.status,
      userErrors: result.userErrors.map(UserError.from),
    });
  }
}
