import DataLoader from 'dataloader';
import type { OrderDoc } from '../../storage/models/order.model';
import type { OrderRepository } from '../../storage/repositories/order.repository';
import type { Page, PageQuery } from '../../storage/repositories/page';

interface OrdersKey {
  userId: string;
  page: PageQuery;
}

/** Batches order pages of many users: one repository call per distinct (first, after), a bounded query per user. */
export function ordersPageLoader(orders: OrderRepository): DataLoader<OrdersKey, Page<OrderDoc>, string> {
  const signature = (page: PageQuery) => `${page.first}:${page.afterId ?? ''}`;
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { page: PageQuery; userIds: string[] }>();
      for (const key of keys) {
        const group = groups.get(signature(key.page)) ?? { page: key.page, userIds: [] };
        group.userIds.push(key.userId);
        groups.set(signature(key.page), group);
      }
      const results = new Map<string, Map<string, Page<OrderDoc>>>();
      for (const [sig, group] of groups)
        results.set(sig, await orders.pageByUsers(group.userIds, group.page));
      return keys.map(
        (key) => results.get(signature(key.page))?.get(key.userId) ?? { items: [], hasNextPage: false },
      );
    },
    { cacheKeyFn: (key) => `${key.userId}|${signature(key.page)}` },
  );
}
