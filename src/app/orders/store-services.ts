import type { Viewer } from '../../auth/token';
import type { AppMode } from '../../config';
import type { Store } from '../../storage/models/product.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { CheckoutService } from './checkout.service';
import { ClockService } from '../common/clock.service';
import { LedgerWriter } from '../../ledger/ledger-writer';
import { limitReviewsOver } from '../billing/limit-review.service';
import { OrderPaymentService } from './order-payment.service';
import { StoreService } from './store.service';

/** Everything a store subgraph (mall or installment store) calls, for one request. */
export interface StoreServices {
  catalog: StoreService;
  checkout: CheckoutService;
  payments: OrderPaymentService;
}

export function createStoreServices(
  store: Store,
  repos: Repositories,
  viewer: Viewer | undefined,
  mode: AppMode,
): StoreServices {
  const orders = store === 'MALL' ? repos.mallOrders : repos.installmentOrders;
  const clock = new ClockService(repos.clock, mode);
  const ledger = new LedgerWriter(repos);
  return {
    catalog: new StoreService(store, repos, orders),
    checkout: new CheckoutService(store, repos, orders, clock, ledger),
    payments: new OrderPaymentService(repos, orders, clock, ledger, limitReviewsOver(repos, ledger)),
  };
}
