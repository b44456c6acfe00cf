import type { StoreServices } from '../../app/orders/store-services';
import type { SubgraphContext } from './context';

export type StoreContext = SubgraphContext<{ store: StoreServices }>;
