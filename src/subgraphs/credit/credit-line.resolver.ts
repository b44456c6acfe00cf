import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { mapConnection } from '../common/map-connection';
import { afterDescription, firstDescription } from '../common/page-args';
import { AmountsDue } from './amounts-due.type';
import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';
import { LedgerEntry, LedgerEntryConnection } from './ledger-entry.type';
import { RiskAssessment } from './risk-assessment.type';

@Resolver(() => CreditLine)
export class CreditLineResolver {
  @FieldResolver(() => LedgerEntryConnection, { description: 'Every change to the line, newest first' })
  async ledger(
    @Root() line: CreditLine,
    @Ctx() ctx: CreditContext,
    @Arg('first', () => Int, { nullable: true, description: firstDescription }) first?: number,
    @Arg('after', () => String, { nullable: true, description: afterDescription }) after?: string,
  ): Promise<LedgerEntryConnection> {
    return mapConnection(
      await ctx.services.credit.ledgerPage(ctx.viewer, line, first, after),
      LedgerEntry.from,
    );
  }

  @FieldResolver(() => AmountsDue, {
    description: 'What repaying the statement, the minimum, everything or one plan would collect now',
  })
  async amountsDue(@Root() line: CreditLine, @Ctx() ctx: CreditContext): Promise<AmountsDue> {
    const { asOfDate, amountsMinor, amountAtMostMinor } = await ctx.services.repayments.amountsDue(
      ctx.viewer,
      line.doc,
    );
    return AmountsDue.from(asOfDate, amountsMinor, amountAtMostMinor);
  }

  @FieldResolver(() => RiskAssessment, {
    description:
      'The scorecard result from when the line was opened: the score behind its first limit, and the fee tier that prices its installments',
  })
  riskAssessment(@Root() line: CreditLine): RiskAssessment {
    return Object.assign(new RiskAssessment(), line.risk);
  }
}
