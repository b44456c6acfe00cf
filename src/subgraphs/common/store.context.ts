import type { StoreServices } from '../../services/store-services';
import type { SubgraphContext } from './context';

export type StoreContext = SubgraphContext<{ store: StoreServices }>;
