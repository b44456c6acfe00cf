import { trusted } from 'mongoose';
/**
 * Documents by `_id`. A single id is read with an `_id` equality, which FerretDB 1.x answers without
 * scanning (its SQLite backend scans for `$in`); several ids use one `$in` round trip, as on MongoDB.
 */
export async function findByIds<T>(
  model: {
    findById(id: string): { lean<R>(): { exec(): Promise<R | null> } };
    find(filter: object): { lean<R>(): { exec(): Promise<R> } };
  },
  ids: readonly string[],
): Promise<T[]> {
  if (ids.length === 0) return [];
  if (ids.length === 1) {
    const doc = await model.findById(ids[0]!).lean<T>().exec();
    return doc ? [doc] : [];
  }
  return model
    .find({ _id: trusted({ $in: ids }) })
    .lean<T[]>()
    .exec();
}
