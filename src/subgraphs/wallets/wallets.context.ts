import type { WalletsServices } from '../../app/wallets/wallets-services';
import type { SubgraphContext } from '../common/context';

export type WalletsContext = SubgraphContext<WalletsServices>;
