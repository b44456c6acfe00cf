import type { InstallmentPeriodCount } from '../../core/installments/fee-rates';
import { type InstallmentOffer, priceInstallments } from '../../core/installments/schedule';
import {
  bindingForPayments,
  partnerChannels,
  paymentBindingInput,
  type PaymentBindingInput,
  paymentCodeChannel,
  paymentCodeConsent,
  paymentCodeTtlSeconds,
} from '../../core/partners/consent';
import { fixedCategoryOf } from '../../core/partners/partner-payment';
import { type Channel, type Plan, policyOf } from '../../core/policy/channel-policies';
import {
  cartInstallmentPeriods,
  type OfferRequest,
  offeredInstallmentPeriods,
  standingRefusal,
} from '../../core/policy/decide-authorization';
import type { LineStatus } from '../../core/ledger/line-state';
import { refusalMessage, type RefusalReason } from '../../core/policy/refusal-reasons';
import { decidePaymentOptions } from '../../core/risk/payment-options';
import type { Viewer } from '../../auth/token';
import { creditLineIdOf } from '../../storage/ids';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import { storeChannel } from '../../storage/models/product.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { requirePartner, requireViewer } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { AppError } from '../../errors';
import { groupedLoader, keyedLoader } from '../common/keyed-loader';

/** What an offer is asked for: the amount in a channel, for a category and optionally one product. */
export interface OfferQuery {
  amountMinor: number;
  channel: Channel;
  category: string;
  productId?: string | null | undefined;
}

export interface PaymentOption {
  plan: Plan;
  periods: number;
  available: boolean;
  reason: RefusalReason | null;
  message: string;
  offer: InstallmentOffer | null;
}

/**
 * What the signed-in user could pay with, and why not where they can't. Reads only; holds nothing.
 * One per request: its loaders read a line or a user's bindings once however many fields ask.
 */
export class OffersService {
  private readonly linesByUserId;
  private readonly bindingsByUserId;

  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'products' | 'channelBindings' | 'partners'>,
    private readonly clock: ClockService,
  ) {
    this.linesByUserId = keyedLoader(
      (ids) => repos.creditLines.findByUserIds(ids),
      (line) => line.userId,
    );
    this.bindingsByUserId = groupedLoader(
      (ids) => repos.channelBindings.findByUserIds(ids),
      (binding) => binding.userId,
    );
  }

  /**
   * Installment offers at the user's fee tier, each with its annualized rate: the counts the channel
   * and product offer for this category and amount (the core's offer rules; none for a blocked
   * category). A line that cannot spend (frozen, under review, closed) offers nothing
   * (LINE_NOT_ACTIVE); nor does a partner channel until the user has a binding there whose consent
   * covers payments (BINDING_NOT_ACTIVE, CONSENT_MISSING). Whether this shopper can take one now (credit,
   * quotas, velocity) is `paymentOptions`.
   */
  async installmentOffers(viewer: Viewer | undefined, query: OfferQuery): Promise<InstallmentOffer[]> {
    const line = await this.line(viewer);
    const request = await this.offerRequest(query);
    const now = await this.clock.now();
    const binding = await this.userBindingInput(line.userId, query.channel, now);
    const refusal = standingRefusal({ lineStatus: line.status, channel: request.channel, binding }, now);
    // The shopper's own line: the refusal may name its state.
    if (refusal) throw new AppError(refusal, refusalMessage(refusal, line.status));
    return offeredInstallmentPeriods(request).map((periods) =>
      priceInstallments(query.amountMinor, periods, line.riskTier),
    );
  }

  /**
   * Every plan the signed-in user could take here, decided by the same rules as a real authorization.
   * A partner channel is decided through the user's binding with a partner of that channel (the best
   * one, `bindingForPayments`); the offline channel through the user's own one-time code.
   */
  async paymentOptions(viewer: Viewer | undefined, query: OfferQuery): Promise<PaymentOption[]> {
    const line = await this.line(viewer);
    const sold = await this.offerRequest(query);
    const now = await this.clock.now();
    const binding = await this.userBindingInput(line.userId, query.channel, now);
    // The shopper's own line: a refusal may name its state.
    return this.options(line, sold, binding, now, line.status);
  }

  /**
   * A partner's view of what its bound user could pay on the partner's channel (the consent guard has
   * checked the binding covers PAYMENTS before this is called).
   */
  async partnerPaymentOptions(
    viewer: Viewer | undefined,
    binding: ChannelBindingDoc,
    query: Omit<OfferQuery, 'channel' | 'productId'>,
  ): Promise<PaymentOption[]> {
    const { partnerId } = requirePartner(viewer);
    if (binding.partnerId !== partnerId) throw new AppError('BINDING_NOT_ACTIVE', 'Not your binding');
    const [[partner], line] = await Promise.all([
      this.repos.partners.findByIds([partnerId]),
      this.repos.creditLines.byId(creditLineIdOf(binding.userId)),
    ]);
    if (!partner || !line) throw new AppError('NOT_FOUND', 'The user has no credit line');
    const channel = partnerChannels[partner.kind];
    const category = fixedCategoryOf(channel) ?? query.category;
    const sold = await this.offerRequest({ amountMinor: query.amountMinor, category, channel });
    // No line status for a partner: that is CREDIT_STATUS, a consent of its own (and an audited read).
    return this.options(line, sold, paymentBindingInput(binding), await this.clock.now(), undefined);
  }

  private options(
    line: CreditLineDoc,
    sold: Omit<OfferRequest, 'plan' | 'periods'>,
    binding: PaymentBindingInput | undefined,
    now: Date,
    shownLineStatus: LineStatus | undefined,
  ): PaymentOption[] {
    return decidePaymentOptions(sold, line, binding, now).map(({ plan, periods, decision }) => ({
      plan,
      periods,
      available: decision.approved,
      reason: decision.reason,
      message: decision.reason ? refusalMessage(decision.reason, shownLineStatus) : 'Available',
      offer:
        plan === 'INSTALLMENTS' && decision.approved
          ? priceInstallments(sold.amountMinor, periods as InstallmentPeriodCount, line.riskTier)
          : null,
    }));
  }

  /** What a user's own payment on a partner channel would go through: a binding, or their own code. */
  private async userBindingInput(
    userId: string,
    channel: Channel,
    now: Date,
  ): Promise<PaymentBindingInput | undefined> {
    if (!policyOf(channel)?.requiresBinding) return undefined;
    // The user makes the code themselves, so the code is the consent: valid from now.
    if (channel === paymentCodeChannel) {
      return paymentCodeConsent(new Date(now.getTime() + paymentCodeTtlSeconds * 1000));
    }
    const bindings = await this.bindingsByUserId.load(userId);
    const partners = await this.repos.partners.findByIds([...new Set(bindings.map((b) => b.partnerId))]);
    const ofChannel = new Set(partners.filter((p) => partnerChannels[p.kind] === channel).map((p) => p._id));
    const binding = bindingForPayments(
      bindings.filter((candidate) => ofChannel.has(candidate.partnerId)),
      now,
    );
    return binding ? paymentBindingInput(binding) : undefined;
  }

  /** The offer part of a request; a product adds its category and the counts it is offered in. */
  private async offerRequest(query: OfferQuery): Promise<Omit<OfferRequest, 'plan' | 'periods'>> {
    if (query.amountMinor <= 0) throw new AppError('BAD_USER_INPUT', 'amount must be positive');
    const base = { channel: query.channel, categories: [query.category], amountMinor: query.amountMinor };
    if (query.productId == null) return base;
    const [product] = await this.repos.products.findByIds([query.productId]);
    if (!product || storeChannel[product.store] !== query.channel) {
      throw new AppError('NOT_FOUND', `No product ${query.productId} in channel ${query.channel}`);
    }
    const productPeriods = cartInstallmentPeriods([product]);
    return {
      ...base,
      categories: [...new Set([query.category, product.category])],
      ...(productPeriods ? { productPeriods } : {}),
    };
  }

  private async line(viewer: Viewer | undefined) {
    const { userId } = requireViewer(viewer);
    const line = await this.linesByUserId.load(userId);
    if (!line) throw new AppError('NOT_FOUND', 'You have no credit line yet');
    return line;
  }
}
