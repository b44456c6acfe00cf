import { trusted } from 'mongoose';
/** A keyset page request: up to `first` documents whose _id sorts before `afterId` (newest first). */
export interface PageQuery {
  first: number;
  afterId?: string | undefined;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

type Find = (filter: Record<string, unknown>) => {
  sort(order: { _id: -1 }): { limit(n: number): { lean<R>(): { exec(): Promise<R> } } };
};

/** Newest-first keyset page over `_id` (ids sort by creation time) within `filter`: one query. */
export async function keysetPage<T>(
  find: Find,
  filter: Record<string, unknown>,
  page: PageQuery,
): Promise<Page<T>> {
  const bounded = page.afterId === undefined ? filter : { ...filter, _id: trusted({ $lt: page.afterId }) };
  const docs = await find(bounded)
    .sort({ _id: -1 })
    .limit(page.first + 1)
    .lean<T[]>()
    .exec();
  return { items: docs.slice(0, page.first), hasNextPage: docs.length > page.first };
}
