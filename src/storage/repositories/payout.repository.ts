import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { PayoutDoc, PayoutStatus } from '../models/payout.model';
import { insertOnce } from './insert-once';

/** A write that names the attempt it saw: it lands only while that attempt is still the one recorded. */
type Attempt = Pick<PayoutDoc, '_id' | 'attempt'>;

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
   * A refused payout (nothing moved) asked again under its key: the new request takes the record
   * over as its next attempt. False when it is no longer refused (another request took it first).
   */
  async askAgain(payout: Pick<PayoutDoc, '_id' | 'askedMinor' | 'createdAt'>): Promise<boolean> {
    const result = await this.models.payouts
      .updateOne(
        { _id: payout._id, status: 'REFUSED' },
        {
          $set: {
            askedMinor: payout.askedMinor,
            status: 'INITIATED',
            createdAt: payout.createdAt,
            triedAt: payout.createdAt,
          },
          $unset: { amountMinor: 1, reason: 1 },
          $inc: { attempt: 1 },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** A line's unfinished payouts, oldest asked first (at most `limit`). */
  inFlightOfLine(lineId: string, limit: number): Promise<PayoutDoc[]> {
    return this.models.payouts
      .find({ lineId, status: 'INITIATED' })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<PayoutDoc[]>()
      .exec();
  }

  /** INITIATED payouts whose steps nobody tried since `triedBefore`, longest untried first. */
  untriedSince(triedBefore: Date, limit: number): Promise<PayoutDoc[]> {
    return this.models.payouts
      .find({ status: 'INITIATED', triedAt: trusted({ $lte: triedBefore }) })
      .sort({ triedAt: 1 })
      .limit(limit)
      .lean<PayoutDoc[]>()
      .exec();
  }

  /** Records a try that left it INITIATED (the rail answering later): the jobs come back to it last. */
  async tried(payout: Attempt, at: Date): Promise<void> {
    await this.models.payouts
      .updateOne({ _id: payout._id, attempt: payout.attempt, status: 'INITIATED' }, { $set: { triedAt: at } })
      .exec();
  }

  /** How the attempt ended; false when it had ended already or another attempt took the record over. */
  async finish(
    payout: Attempt,
    outcome: { status: Exclude<PayoutStatus, 'INITIATED'>; amountMinor?: number; reason?: string },
  ): Promise<boolean> {
    const result = await this.models.payouts
      .updateOne({ _id: payout._id, attempt: payout.attempt, status: 'INITIATED' }, { $set: outcome })
      .exec();
    return result.modifiedCount === 1;
  }

  /**
   * The ledger debited the attempt: it shows what left the balance while the bank has not answered,
   * and one a concurrent try had judged refused is under way after all. An ended one is left alone.
   */
  async debited(payout: Attempt, amountMinor: number): Promise<void> {
    await this.models.payouts
      .updateOne(
        { _id: payout._id, attempt: payout.attempt, status: trusted({ $in: ['INITIATED', 'REFUSED'] }) },
        { $set: { status: 'INITIATED', amountMinor }, $unset: { reason: 1 } },
      )
      .exec();
  }
}
