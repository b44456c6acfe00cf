import { Arg, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import type { BillUpdateEvent } from '../../app/credit/bill-updates.service';
import { Bill } from './bill.type';
import { BillUpdate } from './bill-update.type';
import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';

@Resolver(() => BillUpdate)
export class BillUpdateResolver {
  @Subscription(() => BillUpdate, {
    description:
      "A user's own bill updates; a partner's: those of every bound user whose consent covers " +
      "BILL_SUMMARY (with partnerUserId; `bill` and `creditLine` are the user's own). With `after` (a " +
      'cursor from an earlier update), every later update first, in order, then live ones: nothing ' +
      'missed, nothing twice. Ends with UNAUTHENTICATED when the token expires: resubscribe with the last ' +
      "cursor. A partner's stream says BINDING_ENDED when a followed user's binding ends, and goes on " +
      'with the others.',
    subscribe: ({ args, context }) =>
      (context as CreditContext).services.billUpdates.follow(
        (context as CreditContext).viewer,
        (args as { after?: string | null }).after,
      ),
  })
  billUpdated(
    @Root() event: BillUpdateEvent,
    @Arg('after', () => String, { nullable: true, description: 'Resume after this cursor' }) _after?: string,
  ): BillUpdate {
    return BillUpdate.from(event);
  }

  @FieldResolver(() => Bill, { nullable: true, description: 'The bill as it is now (its owner only)' })
  async bill(@Root() update: BillUpdate, @Ctx() ctx: CreditContext): Promise<Bill | null> {
    return update.billId ? Bill.from(await ctx.services.credit.bill(ctx.viewer, update.billId)) : null;
  }

  @FieldResolver(() => CreditLine, { nullable: true, description: 'The line as it is now (its owner only)' })
  async creditLine(@Root() update: BillUpdate, @Ctx() ctx: CreditContext): Promise<CreditLine> {
    return CreditLine.from(await ctx.services.credit.creditLine(ctx.viewer, update.lineId, true));
  }
}
