import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { parseDecimal } from '../../core/money';
import { AppError } from '../../services/errors';
import { Channel } from './channel.enum';
import type { CreditContext } from './credit.context';
import { InstallmentOffer } from './installment-offer.type';
import { PaymentOption } from './payment-option.type';

function amountMinor(amount: string): number {
  try {
    return parseDecimal(amount);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'amount must be a decimal like "1200.00"');
  }
}

@Resolver()
export class OffersResolver {
  @Query(() => [InstallmentOffer], { description: "Installment offers at the signed-in user's fee tier" })
  async installmentOffers(
    @Ctx() ctx: CreditContext,
    @Arg('amount', { description: 'Decimal CNY, e.g. "1200.00"' }) amount: string,
    @Arg('channel', () => Channel, { defaultValue: Channel.MALL }) channel: Channel,
    @Arg('category', { defaultValue: 'GENERAL' }) _category: string,
  ): Promise<InstallmentOffer[]> {
    return (await ctx.services.offers.installmentOffers(amountMinor(amount), channel)).map(
      InstallmentOffer.from,
    );
  }

  @Query(() => [PaymentOption], {
    description: 'Every plan, available or not, with the reason and what to tell the shopper',
  })
  async paymentOptions(
    @Ctx() ctx: CreditContext,
    @Arg('channel', () => Channel) channel: Channel,
    @Arg('category') category: string,
    @Arg('amount', { description: 'Decimal CNY, e.g. "299.00"' }) amount: string,
  ): Promise<PaymentOption[]> {
    return (await ctx.services.offers.paymentOptions(channel, category, amountMinor(amount))).map(
      PaymentOption.from,
    );
  }
}
