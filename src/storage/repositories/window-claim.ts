import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';

/** A claim document: `_id` is `<subject>@<window>`, the window a number of real-time windows. */
interface ClaimDoc {
  _id: string;
  claimedAt: Date;
}

/** The model calls a claim makes (any mongoose model of claim documents, the memory one too). */
type ClaimModel<T> = Parameters<typeof findByIds>[0] & {
  create(doc: T): Promise<unknown>;
  deleteMany(filter: object): { exec(): Promise<unknown> };
};

/**
 * A lease on a subject for one window of real time, across processes. A unique insert is the atomic
 * step FerretDB has (its updates do not re-check their filter), so the claim is an insert of
 * `<subject>@<window>`, then a look at the windows either side: a claim found there means another
 * holder may be at work, and this one gives its own back. Of two claims in adjacent windows at least
 * one sees the other (each looks after its own insert), so they never both go on. A holder that
 * stopped without releasing blocks its subject until the window after next.
 */
export class WindowClaims<T extends ClaimDoc> {
  constructor(
    private readonly model: ClaimModel<T>,
    /** The rest of a claim document (the subject's own field, for an operator reading the collection). */
    private readonly describe: (subject: string) => Omit<T, '_id' | 'claimedAt'>,
  ) {}

  async claim(subject: string, window: number, at: Date): Promise<boolean> {
    const doc = { ...this.describe(subject), _id: `${subject}@${window}`, claimedAt: at } as T;
    if (!(await insertOnce(this.model, doc))) return false;
    const neighbours = [window - 1, window + 1].map((neighbour) => `${subject}@${neighbour}`);
    let clear = false;
    try {
      clear = (await findByIds(this.model, neighbours)).length === 0;
    } finally {
      // Not clear, or not known (the read failed): given back, not left to block the subject.
      if (!clear) await this.release(subject, window);
    }
    return clear;
  }

  /** Gives a claim back: the next claimer may take the subject at once. */
  async release(subject: string, window: number): Promise<void> {
    await this.model.deleteMany({ _id: `${subject}@${window}` }).exec();
  }
}
