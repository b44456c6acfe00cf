import type { Models } from '../database';
import type { PayoutDoc, PayoutStatus } from '../models/payout.model';
import { insertOnce } from './insert-once';

export class PayoutRepository {
  constructor(private readonly models: Pick<Models, 'payouts'>) {}

  async byId(id: string): Promise<PayoutDoc | undefined> {
    return (await this.models.payouts.findById(id).lean<PayoutDoc>().exec()) ?? undefined;
  }

  /** False when a payout with this id (user and key) was recorded before. */
  insertOnce(payout: PayoutDoc): Promise<boolean> {
    return insertOnce(this.models.payouts, payout);
  }

  /**
   * A refused payout (nothing moved) asked again under its key with another input: the new request
   * takes the record over. False when it is no longer refused (another request took it first).
   */
  async askAgain(payout: PayoutDoc): Promise<boolean> {
    const { _id, ...asked } = payout;
    const result = await this.models.payouts
      .updateOne({ _id, status: 'REFUSED' }, { $set: asked, $unset: { amountMinor: 1, reason: 1 } })
      .exec();
    return result.modifiedCount === 1;
  }

  /** Payouts not finished yet, oldest first. */
  initiated(limit: number): Promise<PayoutDoc[]> {
    return this.models.payouts
      .find({ status: 'INITIATED' })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<PayoutDoc[]>()
      .exec();
  }

  async finish(
    id: string,
    outcome: { status: PayoutStatus; amountMinor?: number; reason?: string },
  ): Promise<void> {
    await this.models.payouts.updateOne({ _id: id }, { $set: outcome }).exec();
  }
}
