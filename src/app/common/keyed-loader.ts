import DataLoader from 'dataloader';

/**
 * A per-request DataLoader for documents fetched by one key field: one database round trip per batch,
 * results returned in key order (undefined where absent).
 */
export function keyedLoader<T>(
  fetch: (keys: readonly string[]) => Promise<T[]>,
  keyOf: (doc: T) => string,
): DataLoader<string, T | undefined> {
  return new DataLoader(async (keys) => {
    const byKey = new Map((await fetch(keys)).map((doc) => [keyOf(doc), doc]));
    return keys.map((key) => byKey.get(key));
  });
}

/** Same, for a key that many documents share (e.g. all bindings of a user). */
export function groupedLoader<T>(
  fetch: (keys: readonly string[]) => Promise<T[]>,
  keyOf: (doc: T) => string,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const byKey = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const doc of await fetch(keys)) byKey.get(keyOf(doc))?.push(doc);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
