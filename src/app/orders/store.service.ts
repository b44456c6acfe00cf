import type { Viewer } from '../../auth/token';
import type { OrderDoc } from '../../storage/models/order.model';
import type { ProductDoc, Store } from '../../storage/models/product.model';
import type { OrderRepository } from '../../storage/repositories/order.repository';
import type { ProductRepository } from '../../storage/repositories/product.repository';
import type { Repositories } from '../../storage/repositories/repositories';
import type { InstallmentPlanDoc } from '../../storage/models/installment-plan.model';
import { ownedOrNotFound, requireOwner, requireOwnerOrOperator, requireViewer } from '../common/access';
import { AppError } from '../../errors';
import { keyedLoader } from '../common/keyed-loader';
import { ordersPageLoader } from './orders-loader';
import { type Connection, maxPageSize, pageQuery, pageSize, toConnection } from '../common/pagination';

/** Catalog and orders of one store (the mall or the installment store), for one request. */
export class StoreService {
  private readonly productsById;
  private readonly ordersById;
  private readonly orderPages;
  private readonly plansByOrderId;
  private readonly products: ProductRepository;

  constructor(
    private readonly store: Store,
    repos: Pick<Repositories, 'products' | 'installmentPlans'>,
    orders: OrderRepository,
  ) {
    this.products = repos.products;
    this.productsById = keyedLoader(
      (ids) => repos.products.findByIds(ids),
      (product) => product._id,
    );
    this.ordersById = keyedLoader(
      (ids) => orders.findByIds(ids),
      (order) => order._id,
    );
    this.plansByOrderId = keyedLoader(
      (ids) => repos.installmentPlans.findByOrderIds(ids),
      (plan) => plan.orderId,
    );
    this.orderPages = ordersPageLoader(orders);
  }

  /** The installment plan of an order the viewer may see (none for FULL or before shipping). */
  async planOfOrder(viewer: Viewer | undefined, order: OrderDoc): Promise<InstallmentPlanDoc | undefined> {
    requireOwnerOrOperator(viewer, order.userId);
    return this.plansByOrderId.load(order._id);
  }

  /** The public catalog: no sign-in needed. */
  listProducts(first: number | null | undefined): Promise<ProductDoc[]> {
    return this.products.listByStore(this.store, pageSize(first, maxPageSize));
  }

  async product(productId: string): Promise<ProductDoc> {
    const product = await this.productsById.load(productId);
    if (!product || product.store !== this.store) throw new AppError('NOT_FOUND', `No product ${productId}`);
    return product;
  }

  async ordersOfUser(
    viewer: Viewer | undefined,
    userId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<OrderDoc>> {
    requireOwner(viewer, userId);
    return toConnection(await this.orderPages.load({ userId, page: pageQuery(first, after) }));
  }

  async order(viewer: Viewer | undefined, orderId: string): Promise<OrderDoc> {
    const signedIn = requireViewer(viewer);
    return ownedOrNotFound(signedIn, await this.ordersById.load(orderId), `No order ${orderId}`, {
      operators: true,
    });
  }
}
