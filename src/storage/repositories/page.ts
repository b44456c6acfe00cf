/** A keyset page request: up to `first` documents whose _id sorts before `beforeId` (newest first). */
export interface PageQuery {
  first: number;
  afterId?: string | undefined;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}
