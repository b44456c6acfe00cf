import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { LineState, LineStatus } from '../../core/ledger/line-state';
import { type CreditLineDoc, lineProjection } from '../models/credit-line.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';
import { keysetPageAscending } from './page';

export class CreditLineRepository {
  constructor(private readonly models: Pick<Models, 'creditLines'>) {}

  findByIds(ids: readonly string[]): Promise<CreditLineDoc[]> {
    return findByIds<CreditLineDoc>(this.models.creditLines, ids);
  }

  /** `_id` read: the fast path on FerretDB (no scan). */
  async byId(lineId: string): Promise<CreditLineDoc | undefined> {
    return (await this.models.creditLines.findById(lineId).lean<CreditLineDoc>().exec()) ?? undefined;
  }

  findByUserIds(userIds: readonly string[]): Promise<CreditLineDoc[]> {
    return this.models.creditLines
      .find({ userId: trusted({ $in: userIds }) })
      .lean<CreditLineDoc[]>()
      .exec();
  }

  /** Writes a newer head's state and figures; an older head never overwrites a newer one it can see. */
  async project(lineId: string, headSequence: number, state: LineState): Promise<void> {
    await this.models.creditLines
      .updateOne(
        { _id: lineId, headSequence: trusted({ $lt: headSequence }) },
        { $set: lineProjection(headSequence, state) },
      )
      .exec();
  }

  /** Unconditional overwrite, for the rebuild command. */
  async overwrite(line: CreditLineDoc): Promise<void> {
    await this.models.creditLines.replaceOne({ _id: line._id }, line).exec();
  }

  /**
   * Up to `first` lines of one status after `afterId`, in `_id` order: the due jobs walk every line
   * this way, a bounded read at a time (index `{status, _id}`).
   */
  pageOfStatus(status: LineStatus, afterId: string | undefined, first: number): Promise<CreditLineDoc[]> {
    return keysetPageAscending<CreditLineDoc>(
      (filter) => this.models.creditLines.find(filter),
      { status },
      afterId,
      first,
    );
  }

  insertOnce(line: CreditLineDoc): Promise<boolean> {
    return insertOnce(this.models.creditLines, line);
  }
}
