import { DateTimeISOResolver } from 'graphql-scalars';
import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { dueSoonReminderDays } from '../../core/billing/bill-status';
import { holdLifetimeDays } from '../../core/orders/order-amounts';
import { businessDate } from '../../core/time/business-date';
import type { CreditContext } from './credit.context';

@ObjectType({ description: 'The business clock (local/test mode can move it forward)' })
export class BusinessClock {
  @Field(() => DateTimeISOResolver, {
    description: 'The business time now: the wall clock, plus how far advanceClock moved it (local mode)',
  })
  now!: Date;

  @Field({ description: 'Calendar date in China Standard Time, YYYY-MM-DD' })
  businessDate!: string;

  static at(now: Date): BusinessClock {
    return Object.assign(new BusinessClock(), { now, businessDate: businessDate(now) });
  }
}

@ObjectType()
export class DueJobsReport {
  @Field(() => DateTimeISOResolver, { description: 'The business time the whole run worked at' })
  ranAt!: Date;

  @Field(() => Int, { description: `Holds older than ${holdLifetimeDays} days that were voided` })
  expiredHolds!: number;

  @Field(() => Int, { description: 'Statements issued (a cycle with nothing to bill issues none)' })
  billsIssued!: number;

  @Field(() => Int, {
    description:
      'Overdue notices this run recorded: bills past their due day without the minimum paid, still owing, that had none (whichever entry judged them overdue)',
  })
  billsOverdue!: number;

  @Field(() => Int, {
    description:
      "Penalty days this run's walk of the lines accrued (one per overdue bill per day it owes principal or installment fees); days an earlier entry accrued (a shopper's command, this run's auto-debits and late confirmations) are not counted",
  })
  penaltiesAccrued!: number;

  @Field(() => Int, {
    description:
      "Revolving-interest days this run's walk of the lines accrued (one per bill per day; minimum paid, some principal unpaid); days an earlier entry accrued are not counted",
  })
  interestAccrued!: number;

  @Field(() => Int, { description: 'Limit reviews applied (cut, freeze, unfreeze, raise)' })
  limitChanges!: number;

  @Field(() => Int, {
    description: `Due-soon reminders only (REMIND_DUE_SOON entries this run): one per bill due in ${dueSoonReminderDays} days or fewer with its minimum unpaid. Other notices are not counted here`,
  })
  remindersSent!: number;

  @Field(() => Int, {
    description:
      'Lines this run could not bring up to date (an error, logged with the line id): the others went on, the next run tries again',
  })
  linesFailed!: number;

  @Field(() => Int, {
    description:
      'Due-day auto-debits this run asked of the default source: new attempts (collected, declined or waiting) and ones still waiting asked again; one answered before is not counted again. A bill that repayments waiting on their source already pay gets none',
  })
  autoDebits!: number;

  @Field(() => Int, { description: 'Repayments the payment rail confirmed since the last run' })
  repaymentsConfirmed!: number;

  @Field(() => Int, {
    description:
      'Payouts of a credit balance that a crash or a rail answering later had left unfinished, finished by this run (paid, reversed or refused; the shopper is told)',
  })
  payoutsFinished!: number;

  @Field(() => Int, {
    description:
      'Repayments and payouts waiting on the bank that this run could not carry on (an error, logged with the id): left as they were, the next run tries again',
  })
  waitingFailed!: number;

  @Field(() => Int, {
    description:
      'Notices of every kind (statements, due-soon reminders, overdue, auto-debits, limit reviews) this run handed to the notification sender, unsent ones from earlier runs included',
  })
  notificationsSent!: number;
}

/** Local/test mode only (absent from the production schema): operators walk users through time. */
@Resolver()
export class ClockResolver {
  @Query(() => BusinessClock, { description: 'Local mode: the business time and date now' })
  async businessClock(@Ctx() ctx: CreditContext): Promise<BusinessClock> {
    return BusinessClock.at(await ctx.services.clock.now());
  }

  @Mutation(() => BusinessClock, { description: 'Operator, local mode: move the business clock forward' })
  async advanceClock(
    @Ctx() ctx: CreditContext,
    @Arg('to', () => DateTimeISOResolver, {
      description:
        'The business time to move to; one before the current business time is refused with BAD_USER_INPUT',
    })
    to: Date,
  ): Promise<BusinessClock> {
    return BusinessClock.at(await ctx.services.clock.advanceTo(to, ctx.viewer));
  }

  @Mutation(() => DueJobsReport, {
    description: 'Operator, local mode: run what is due at the current business time',
  })
  async runDueJobs(@Ctx() ctx: CreditContext): Promise<DueJobsReport> {
    return Object.assign(new DueJobsReport(), await ctx.services.dueJobs.run(ctx.viewer));
  }
}
