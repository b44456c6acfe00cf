import { trusted } from 'mongoose';
import { isDuplicateKey } from '../database';

interface Versioned {
  _id: string;
  sequence: number;
}

/**
 * Upserts a projection as of a ledger sequence; a document already at that sequence or newer wins (the
 * upsert then collides on `_id`, which means exactly that). Projections can be rebuilt from the ledger.
 */
export async function projectVersioned<T extends Versioned>(
  model: {
    updateOne(
      filter: Record<string, unknown>,
      update: Record<string, unknown>,
      options: { upsert: boolean },
    ): { exec(): Promise<unknown> };
  },
  doc: T,
): Promise<void> {
  const { _id, ...fields } = doc;
  try {
    await model
      .updateOne({ _id, sequence: trusted({ $lt: doc.sequence }) }, { $set: fields }, { upsert: true })
      .exec();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}
