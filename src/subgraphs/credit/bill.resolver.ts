import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { mapConnection } from '../common/map-connection';
import { afterDescription, firstDescription } from '../common/page-args';
import { Bill, BillConnection } from './bill.type';
import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';
import { User } from './user.type';

@Resolver(() => User)
export class UserBillsResolver {
  @FieldResolver(() => BillConnection, { description: 'Statements, newest first' })
  async bills(
    @Root() user: User,
    @Ctx() ctx: CreditContext,
    @Arg('first', () => Int, { nullable: true, description: firstDescription }) first?: number,
    @Arg('after', () => String, { nullable: true, description: afterDescription }) after?: string,
  ): Promise<BillConnection> {
    return mapConnection(await ctx.services.credit.billsOfUser(ctx.viewer, user.id, first, after), Bill.from);
  }
}

@Resolver(() => CreditLine)
export class CurrentBillResolver {
  @FieldResolver(() => Bill, {
    nullable: true,
    description:
      'The bill to pay: the oldest overdue one still owing, else the oldest one still owing, else the newest statement',
  })
  async currentBill(@Root() line: CreditLine, @Ctx() ctx: CreditContext): Promise<Bill | null> {
    const bill = await ctx.services.credit.currentBill(ctx.viewer, line);
    return bill ? Bill.from(bill) : null;
  }
}
