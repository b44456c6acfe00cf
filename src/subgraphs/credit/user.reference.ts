import type { CreditContext } from './credit.context';
import { User } from './user.type';

export async function resolveUserReference(ref: { id: string }, ctx: CreditContext): Promise<User> {
  return User.from(await ctx.services.credit.user(ctx.viewer, ref.id));
}
