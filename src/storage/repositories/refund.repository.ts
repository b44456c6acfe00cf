import type { Models } from '../database';
import type { RefundDoc } from '../models/refund.model';
import { insertOnce } from './insert-once';

export class RefundRepository {
  constructor(private readonly models: Pick<Models, 'refunds'>) {}

  async byIdempotencyKey(idempotencyKey: string): Promise<RefundDoc | undefined> {
    return (await this.models.refunds.findOne({ idempotencyKey }).lean<RefundDoc>().exec()) ?? undefined;
  }

  async last(orderId: string): Promise<RefundDoc | undefined> {
    const [last] = await this.models.refunds
      .find({ orderId })
      .sort({ number: -1 })
      .limit(1)
      .lean<RefundDoc[]>()
      .exec();
    return last;
  }

  ofOrder(orderId: string): Promise<RefundDoc[]> {
    return this.models.refunds.find({ orderId }).sort({ number: 1 }).lean<RefundDoc[]>().exec();
  }

  async setFeeWrittenOff(id: string, feeWrittenOffMinor: number): Promise<void> {
    await this.models.refunds.updateOne({ _id: id }, { $set: { feeWrittenOffMinor } }).exec();
  }

  /** False when refund number n (or the key) is already taken. */
  insertOnce(refund: RefundDoc): Promise<boolean> {
    return insertOnce(this.models.refunds, refund);
  }
}
