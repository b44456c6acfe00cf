import type { Page, PageQuery } from '../../storage/repositories/page';
import { AppError } from '../../errors';

export const defaultPageSize = 10;
export const maxPageSize = 50;

export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('id:') || decoded.length < 4) {
    throw new AppError('BAD_USER_INPUT', `"after" is not a cursor this API returned`);
  }
  return decoded.slice(3);
}

/** A `first` argument: 1 to `maxPageSize`, `fallback` when absent. */
export function pageSize(first: number | null | undefined, fallback = defaultPageSize): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new AppError('BAD_USER_INPUT', `"first" must be between 1 and ${maxPageSize}`);
  }
  return size;
}

/** Validates Relay-style `first`/`after` arguments into a keyset page query. */
export function pageQuery(first: number | null | undefined, after: string | null | undefined): PageQuery {
  return { first: pageSize(first), afterId: after ? decodeCursor(after) : undefined };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function toConnection<T extends { _id: string }>(page: Page<T>): Connection<T> {
  const edges = page.items.map((node) => ({ cursor: encodeCursor(node._id), node }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
