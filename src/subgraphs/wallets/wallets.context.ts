import type { WalletService } from '../../services/wallet.service';
import type { SubgraphContext } from '../common/context';

export type WalletsContext = SubgraphContext<{ wallets: WalletService }>;
