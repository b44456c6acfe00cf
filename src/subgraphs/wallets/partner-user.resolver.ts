import { Arg, Ctx, Extensions, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../errors';
import { decimalInput } from '../common/decimal-input';
import { PaymentOption } from '../common/payment-option.type';
import { PartnerUserView, rule, viewBindingKey } from './partner-user-view.type';
import type { WalletsContext } from './wallets.context';

@Resolver(() => PartnerUserView)
export class PartnerUserResolver {
  @Query(() => PartnerUserView, {
    nullable: true,
    description:
      'Partner (scope bindings): a bound user, by your own id for them. Consented fields only, masked; ' +
      'every read is logged for the user (me.dataAccessLog). BINDING_NOT_ACTIVE or CONSENT_EXPIRED otherwise.',
  })
  async partnerUser(
    @Arg('partnerUserId', () => ID, {
      description: 'Your own id for the user, as you gave it to requestBinding',
    })
    partnerUserId: string,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerUserView> {
    return PartnerUserView.from(await ctx.services.partnerViews.partnerUser(ctx.viewer, partnerUserId));
  }

  @Extensions(rule('PAYMENTS'))
  @FieldResolver(() => [PaymentOption], {
    nullable: true,
    description:
      "Every plan on your channel for this amount, available or not, with the refusal reason: the user's " +
      'line, binding and consent, monthly scenario quota (top-ups), velocity and available credit, as a ' +
      'payment now would be decided. Needs consent to PAYMENTS.',
  })
  async paymentOptions(
    @Root() view: PartnerUserView,
    @Ctx() ctx: WalletsContext,
    @Arg('amount', { description: 'Decimal CNY, e.g. "299.00"' }) amount: string,
    @Arg('category', { defaultValue: 'GENERAL', description: 'Top-ups are TOP_UP whatever is given' })
    category: string,
  ): Promise<PaymentOption[]> {
    const amountMinor = decimalInput(amount);
    if (typeof amountMinor !== 'number') throw new AppError('BAD_USER_INPUT', amountMinor.message);
    const options = await ctx.services.offers.partnerPaymentOptions(ctx.viewer, view[viewBindingKey], {
      amountMinor,
      category,
    });
    return options.map(PaymentOption.from);
  }
}
