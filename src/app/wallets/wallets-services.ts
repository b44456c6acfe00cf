import type { AppMode } from '../../config';
import { LedgerWriter } from '../../ledger/ledger-writer';
import { limitReviewsOver } from '../billing/limit-review.service';
import type { Repositories } from '../../storage/repositories/repositories';
import { ClockService } from '../common/clock.service';
import { partnerCursorSeal } from '../credit/bill-update-cursor';
import { OffersService } from '../credit/offers.service';
import { OrderPaymentService } from '../orders/order-payment.service';
import { BindingService } from './binding.service';
import { PartnerPaymentService, partnerOrderAccess } from './partner-payment.service';
import { PartnerViewService } from './partner-view.service';
import { WalletService } from './wallet.service';

/** Everything the wallets subgraph calls, for one request, over one clock instant and ledger writer. */
export interface WalletsServices {
  wallets: WalletService;
  bindings: BindingService;
  partnerViews: PartnerViewService;
  partnerPayments: PartnerPaymentService;
  offers: OffersService;
}

export function createWalletsServices(repos: Repositories, mode: AppMode): WalletsServices {
  const clock = new ClockService(repos.clock, mode);
  const ledger = new LedgerWriter(repos);
  const payments = new OrderPaymentService(
    repos,
    repos.partnerPayments,
    clock,
    ledger,
    limitReviewsOver(repos, ledger),
    partnerOrderAccess,
  );
  return {
    wallets: new WalletService(repos, clock),
    bindings: new BindingService(repos, clock),
    partnerViews: new PartnerViewService(repos, clock, partnerCursorSeal()),
    partnerPayments: new PartnerPaymentService(repos, clock, ledger, payments),
    offers: new OffersService(repos, clock),
  };
}
