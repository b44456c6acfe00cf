import { installmentPeriodCounts } from '../../core/installments/fee-rates';
import { type InstallmentOffer, priceInstallments } from '../../core/installments/schedule';
import { lineRiskInputs } from '../../core/ledger/apply';
import type { Channel, Plan } from '../../core/policy/channel-policies';
import {
  cartInstallmentPeriods,
  decideAuthorization,
  type OfferRequest,
  offeredInstallmentPeriods,
} from '../../core/policy/decide-authorization';
import { refusalMessages, type RefusalReason } from '../../core/policy/refusal-reasons';
import type { Viewer } from '../../auth/token';
import { storeChannel } from '../../storage/models/product.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { requireViewer } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { AppError } from '../../errors';

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

/** What the signed-in user could pay with, and why not where they can't. Reads only; holds nothing. */
export class OffersService {
  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'products'>,
    private readonly clock: ClockService,
  ) {}

  /**
   * Installment offers at the user's fee tier, each with its annualized rate: the counts the channel
   * and product offer for this category and amount (the core's offer rules; none for a blocked
   * category). Whether this shopper can take one now is `paymentOptions`.
   */
  async installmentOffers(viewer: Viewer | undefined, query: OfferQuery): Promise<InstallmentOffer[]> {
    const line = await this.line(viewer);
    const request = await this.offerRequest(query);
    return offeredInstallmentPeriods(request).map((periods) =>
      priceInstallments(query.amountMinor, periods, line.riskTier),
    );
  }

  /** Every plan the channel could take, decided by the same rules as a real authorization. */
  async paymentOptions(viewer: Viewer | undefined, query: OfferQuery): Promise<PaymentOption[]> {
    const line = await this.line(viewer);
    const sold = await this.offerRequest(query);
    const head = line.state;
    const now = await this.clock.now();
    const options: { plan: Plan; periods: number }[] = [
      { plan: 'FULL', periods: 1 },
      ...installmentPeriodCounts.map((periods) => ({ plan: 'INSTALLMENTS' as const, periods })),
    ];
    return options.map(({ plan, periods }) => {
      const request = {
        ...sold,
        plan,
        periods: plan === 'FULL' ? undefined : periods,
        // Partner bindings are checked when a partner pays (wallets subgraph, a later issue).
        binding: undefined,
      };
      const decision = decideAuthorization(
        {
          ...request,
          ...(head
            ? lineRiskInputs(head, request, now)
            : {
                lineStatus: line.status,
                availableMinor: 0,
                authorizationsInVelocityWindow: 0,
                scenarioUsedThisMonthMinor: 0,
              }),
        },
        now,
      );
      const offer =
        plan === 'INSTALLMENTS' && decision.approved
          ? priceInstallments(query.amountMinor, periods as 3, line.riskTier)
          : null;
      return {
        plan,
        periods,
        available: decision.approved,
        reason: decision.reason,
        message: decision.reason ? refusalMessages[decision.reason] : 'Available',
        offer,
      };
    });
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
    const [line] = await this.repos.creditLines.findByUserIds([userId]);
    if (!line) throw new AppError('NOT_FOUND', 'You have no credit line yet');
    return line;
  }
}
