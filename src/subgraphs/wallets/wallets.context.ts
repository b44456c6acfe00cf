import type { BindingService } from '../../app/wallets/binding.service';
import type { PartnerPaymentService } from '../../app/wallets/partner-payment.service';
import type { PartnerViewService } from '../../app/wallets/partner-view.service';
import type { WalletService } from '../../app/wallets/wallet.service';
import type { SubgraphContext } from '../common/context';

export type WalletsContext = SubgraphContext<{
  wallets: WalletService;
  bindings: BindingService;
  partnerViews: PartnerViewService;
  partnerPayments: PartnerPaymentService;
}>;
