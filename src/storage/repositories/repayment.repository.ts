import type { Models } from '../database';
import type { RepaymentDoc, RepaymentStatus } from '../models/repayment.model';
import { insertOnce } from './insert-once';

export class RepaymentRepository {
  constructor(private readonly models: Pick<Models, 'repayments'>) {}

  async byId(id: string): Promise<RepaymentDoc | undefined> {
    return (await this.models.repayments.findById(id).lean<RepaymentDoc>().exec()) ?? undefined;
  }

  /** Repayments the rail has not confirmed yet, oldest first. */
  initiated(limit: number): Promise<RepaymentDoc[]> {
    return this.models.repayments
      .find({ status: 'INITIATED' })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<RepaymentDoc[]>()
      .exec();
  }

  /** A line's repayments its sources have not answered, oldest first (at most `limit`). */
  inFlightOfLine(lineId: string, limit: number): Promise<RepaymentDoc[]> {
    return (
      this.models.repayments
        .find({ lineId, status: 'INITIATED' })
        // The id breaks ties: quotes count them landing in this order.
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean<RepaymentDoc[]>()
        .exec()
    );
  }

  insertOnce(repayment: RepaymentDoc): Promise<boolean> {
    return insertOnce(this.models.repayments, repayment);
  }

  async setStatus(id: string, status: RepaymentStatus, failureReason: string | null): Promise<void> {
    await this.models.repayments.updateOne({ _id: id }, { $set: { status, failureReason } }).exec();
  }
}
