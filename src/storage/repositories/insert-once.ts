import { isDuplicateKey } from '../database';

/**
 * Inserts a document unless one with the same unique key exists. On FerretDB a unique-index insert is
 * the only atomic primitive, so every at-most-once effect goes through here. Returns true if inserted.
 */
export async function insertOnce<T>(model: { create(doc: T): Promise<unknown> }, doc: T): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
