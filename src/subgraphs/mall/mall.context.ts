import type { StoreService } from '../../services/store.service';
import type { SubgraphContext } from '../common/context';

export type MallContext = SubgraphContext<{ mall: StoreService }>;
