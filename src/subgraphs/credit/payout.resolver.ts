import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { payoutsInFlightShown } from '../../app/repayment/payout.service';
import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';
import { Payout } from './payout.type';

@Resolver(() => CreditLine)
export class PayoutsInFlightResolver {
  @FieldResolver(() => [Payout], {
    description: `Payouts of the credit balance not finished (INITIATED: the bank has not answered, or a stop left one unfinished), oldest first, at most ${payoutsInFlightShown}. \`amount\` shows what left the credit balance for each; the due jobs carry them on and ask the bank again, and you are told how each ends`,
  })
  async payoutsInFlight(@Root() line: CreditLine, @Ctx() ctx: CreditContext): Promise<Payout[]> {
    return (await ctx.services.payouts.inFlight(ctx.viewer, line)).map(Payout.from);
  }
}
