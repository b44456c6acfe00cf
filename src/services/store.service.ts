import type { Viewer } from '../auth/token';
import type { OrderDoc } from '../storage/models/order.model';
import type { ProductDoc, Store } from '../storage/models/product.model';
import type { OrderRepository } from '../storage/repositories/order.repository';
import type { ProductRepository } from '../storage/repositories/product.repository';
import { requireOwner } from './access';
import { AppError } from './errors';
import { keyedLoader } from './keyed-loader';
import { ordersPageLoader } from './orders-loader';
import { type Connection, maxPageSize, pageQuery, toConnection } from './pagination';

/** Catalog and orders of one store (the mall or the installment store), for one request. */
export class StoreService {
  private readonly productsById;
  private readonly ordersById;
  private readonly orderPages;

  constructor(
    private readonly store: Store,
    private readonly products: ProductRepository,
    orders: OrderRepository,
    private readonly viewer: Viewer | undefined,
  ) {
    this.productsById = keyedLoader(
      (ids) => products.findByIds(ids),
      (product) => product._id,
    );
    this.ordersById = keyedLoader(
      (ids) => orders.findByIds(ids),
      (order) => order._id,
    );
    this.orderPages = ordersPageLoader(orders);
  }

  /** The public catalog: no sign-in needed. */
  listProducts(first: number | null | undefined): Promise<ProductDoc[]> {
    const limit = first ?? maxPageSize;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
      throw new AppError('BAD_USER_INPUT', `"first" must be between 1 and ${maxPageSize}`);
    }
    return this.products.listByStore(this.store, limit);
  }

  async product(productId: string): Promise<ProductDoc> {
    const product = await this.productsById.load(productId);
    if (!product || product.store !== this.store) throw new AppError('NOT_FOUND', `No product ${productId}`);
    return product;
  }

  async ordersOfUser(
    userId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<OrderDoc>> {
    requireOwner(this.viewer, userId);
    return toConnection(await this.orderPages.load({ userId, page: pageQuery(first, after) }));
  }

  async order(orderId: string): Promise<OrderDoc> {
    const order = await this.ordersById.load(orderId);
    if (!order) throw new AppError('NOT_FOUND', `No order ${orderId}`);
    requireOwner(this.viewer, order.userId);
    return order;
  }
}
