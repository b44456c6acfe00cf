import { CreditLine } from './credit-line.type';
import type { CreditContext } from './credit.context';

export async function resolveCreditLineReference(
  ref: { id: string },
  ctx: CreditContext,
): Promise<CreditLine> {
  return CreditLine.from(await ctx.services.credit.creditLine(ctx.viewer, ref.id));
}
