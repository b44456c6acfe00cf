import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { decimalInput } from '../common/decimal-input';
import { AppError } from '../../errors';
import { Channel } from './channel.enum';
import type { CreditContext } from './credit.context';
import { InstallmentOffer } from '../common/installment-offer.type';
import { PaymentOption } from '../common/payment-option.type';

/** Queries have no payload for user errors: a bad amount is a BAD_USER_INPUT error. */
function amountMinor(amount: string): number {
  const minor = decimalInput(amount);
  if (typeof minor !== 'number') throw new AppError('BAD_USER_INPUT', minor.message);
  return minor;
}

@Resolver()
export class OffersResolver {
  @Query(() => [InstallmentOffer], {
    description:
      "Installment offers at the signed-in user's fee tier: the counts the channel (and product) offers; none for a blocked category. Errors: LINE_NOT_ACTIVE (a frozen, closed or unapproved line), BINDING_NOT_ACTIVE or CONSENT_MISSING (a partner channel without a binding that covers payments)",
  })
  async installmentOffers(
    @Ctx() ctx: CreditContext,
    @Arg('amount', { description: 'Decimal CNY, e.g. "1200.00"' }) amount: string,
    @Arg('channel', () => Channel, {
      defaultValue: Channel.MALL,
      description: "Where the purchase would be made: the channel's rules decide the counts offered",
    })
    channel: Channel,
    @Arg('category', {
      defaultValue: 'GENERAL',
      description: 'Category code of what is bought, e.g. ELECTRONICS: a blocked category gets no offers',
    })
    category: string,
    @Arg('productId', () => ID, {
      nullable: true,
      description: 'A catalog product: its category counts too, and only the counts it is offered in',
    })
    productId?: string | null,
  ): Promise<InstallmentOffer[]> {
    return (
      await ctx.services.offers.installmentOffers(ctx.viewer, {
        amountMinor: amountMinor(amount),
        channel,
        category,
        productId,
      })
    ).map(InstallmentOffer.from);
  }

  @Query(() => [PaymentOption], {
    description: 'Every plan, available or not, with the reason and what to tell the shopper',
  })
  async paymentOptions(
    @Ctx() ctx: CreditContext,
    @Arg('channel', () => Channel, {
      description:
        'Where the payment would be made: a wallet or telecom channel is decided through your binding with a partner of that channel, OFFLINE_QR through a one-time code of your own',
    })
    channel: Channel,
    @Arg('category', {
      description:
        'Category code of what is bought, e.g. ELECTRONICS: a blocked category makes every plan unavailable',
    })
    category: string,
    @Arg('amount', { description: 'Decimal CNY, e.g. "299.00"' }) amount: string,
    @Arg('productId', () => ID, {
      nullable: true,
      description: 'A catalog product: its category counts too, and only the counts it is offered in',
    })
    productId?: string | null,
  ): Promise<PaymentOption[]> {
    return (
      await ctx.services.offers.paymentOptions(ctx.viewer, {
        amountMinor: amountMinor(amount),
        channel,
        category,
        productId,
      })
    ).map(PaymentOption.from);
  }
}
