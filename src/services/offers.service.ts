import { installmentPeriodCounts } from '../core/installments/fee-rates';
import { type InstallmentOffer, priceInstallments } from '../core/installments/schedule';
import { lineRiskInputs } from '../core/ledger/apply';
import { type Channel, channelPolicies, type Plan } from '../core/policy/channel-policies';
import { decideAuthorization } from '../core/policy/decide-authorization';
import { refusalMessages, type RefusalReason } from '../core/policy/refusal-reasons';
import type { Viewer } from '../auth/token';
import type { Repositories } from '../storage/repositories/repositories';
import { requireViewer } from './access';
import type { ClockService } from './clock.service';
import { AppError } from './errors';

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
    private readonly repos: Pick<Repositories, 'creditLines' | 'ledger'>,
    private readonly clock: ClockService,
    private readonly viewer: Viewer | undefined,
  ) {}

  /** Installment offers for an amount at the user's fee tier, each with its annualized rate. */
  async installmentOffers(amountMinor: number, channel: Channel): Promise<InstallmentOffer[]> {
    const line = await this.line();
    if (amountMinor <= 0) throw new AppError('BAD_USER_INPUT', 'amount must be positive');
    const allowed = channelPolicies[channel].plans.includes('INSTALLMENTS')
      ? channelPolicies[channel].installmentPeriods
      : [];
    return installmentPeriodCounts
      .filter((periods) => allowed.includes(periods))
      .map((periods) => priceInstallments(amountMinor, periods, line.riskTier));
  }

  /** Every plan the channel could take, decided by the same rules as a real authorization. */
  async paymentOptions(channel: Channel, category: string, amountMinor: number): Promise<PaymentOption[]> {
    const line = await this.line();
    if (amountMinor <= 0) throw new AppError('BAD_USER_INPUT', 'amount must be positive');
    const head = await this.repos.ledger.headFrom(line._id, line.headSequence);
    const now = await this.clock.now();
    const options: { plan: Plan; periods: number }[] = [
      { plan: 'FULL', periods: 1 },
      ...installmentPeriodCounts.map((periods) => ({ plan: 'INSTALLMENTS' as const, periods })),
    ];
    return options.map(({ plan, periods }) => {
      const decision = decideAuthorization(
        {
          ...(head
            ? lineRiskInputs(head.balancesAfter, now)
            : { lineStatus: line.status, availableMinor: 0, authorizationsInVelocityWindow: 0 }),
          channel,
          category,
          amountMinor,
          plan,
          periods: plan === 'FULL' ? undefined : periods,
          // Partner bindings are checked when a partner pays (wallets subgraph, a later issue).
          binding: undefined,
          scenarioUsedThisMonthMinor: 0,
        },
        now,
      );
      const offer =
        plan === 'INSTALLMENTS' && decision.approved
          ? priceInstallments(amountMinor, periods as 3, line.riskTier)
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

  private async line() {
    const { userId } = requireViewer(this.viewer);
    const [line] = await this.repos.creditLines.findByUserIds([userId]);
    if (!line) throw new AppError('NOT_FOUND', 'You have no credit line yet');
    return line;
  }
}
