import type { WalletService } from '../../app/wallets/wallet.service';
import type { SubgraphContext } from '../common/context';

export type WalletsContext = SubgraphContext<{ wallets: WalletService }>;
