import type { Models } from '../database';
import type { ProductDoc, Store } from '../models/product.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';

export class ProductRepository {
  constructor(private readonly models: Pick<Models, 'products'>) {}

  listByStore(store: Store, limit: number): Promise<ProductDoc[]> {
    return this.models.products.find({ store }).sort({ _id: 1 }).limit(limit).lean<ProductDoc[]>().exec();
  }

  findByIds(ids: readonly string[]): Promise<ProductDoc[]> {
    return findByIds<ProductDoc>(this.models.products, ids);
  }

  insertOnce(product: ProductDoc): Promise<boolean> {
    return insertOnce(this.models.products, product);
  }
}
