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
  sort(order: { _id: 1 | -1 }): { limit(n: number): { lean<R>(): { exec(): Promise<R> } } };
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

/** Oldest-first keyset page over `_id` within `filter`: up to `first` documents after `afterId`. */
export function keysetPageAscending<T>(
  find: Find,
  filter: Record<string, unknown>,
  afterId: string | undefined,
  first: number,
): Promise<T[]> {
  const bounded = afterId === undefined ? filter : { ...filter, _id: trusted({ $gt: afterId }) };
  return find(bounded).sort({ _id: 1 }).limit(first).lean<T[]>().exec();
}

/** Every document a walk of oldest-first pages reaches, a bounded read of `pageSize` at a time. */
export async function* keysetWalk<T extends { _id: string }>(
  readPage: (afterId: string | undefined, first: number) => Promise<T[]>,
  pageSize: number,
): AsyncGenerator<T> {
  let afterId: string | undefined;
  for (;;) {
    const page = await readPage(afterId, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    afterId = page.at(-1)!._id;
  }
}
