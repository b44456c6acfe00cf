import type { Models } from '../database';
import type { NotificationDoc } from '../models/notification.model';
import { insertOnce } from './insert-once';

export class NotificationRepository {
  constructor(private readonly models: Pick<Models, 'notifications' | 'noticeClaims'>) {}

  record(notification: NotificationDoc): Promise<boolean> {
    return insertOnce(this.models.notifications, notification);
  }

  unsent(limit: number): Promise<NotificationDoc[]> {
    return this.models.notifications
      .find({ sentAt: null })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<NotificationDoc[]>()
      .exec();
  }

  ofUser(userId: string): Promise<NotificationDoc[]> {
    return this.models.notifications.find({ userId }).sort({ createdAt: 1 }).lean<NotificationDoc[]>().exec();
  }

  /**
   * Claims a notice for claim window `window`: a unique insert (two claims of one window cannot both
   * land), then a look at the windows either side; a claim found there means another dispatcher may
   * be sending it, and this one gives its own back. Of two claims in adjacent windows at least one
   * sees the other (each looks after its own insert), so they never both go on.
   */
  async claim(id: string, window: number, at: Date): Promise<boolean> {
    if (
      !(await insertOnce(this.models.noticeClaims, { _id: `${id}@${window}`, noticeId: id, claimedAt: at }))
    )
      return false;
    for (const neighbour of [window - 1, window + 1]) {
      if (await this.models.noticeClaims.findById(`${id}@${neighbour}`).lean().exec()) {
        await this.release(id, window);
        return false;
      }
    }
    return true;
  }

  /** Gives a claim back (a failed send): the next dispatch may take it again. */
  async release(id: string, window: number): Promise<void> {
    await this.models.noticeClaims.deleteMany({ _id: `${id}@${window}` }).exec();
  }

  /** Every claim on a sent notice, a dispatcher's that stopped mid-send too (a claimer re-reads `sentAt`). */
  async forgetClaims(id: string): Promise<void> {
    await this.models.noticeClaims.deleteMany({ noticeId: id }).exec();
  }

  byId(id: string): Promise<NotificationDoc | null> {
    return this.models.notifications.findById(id).lean<NotificationDoc>().exec();
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.models.notifications.updateOne({ _id: id }, { $set: { sentAt: at } }).exec();
  }
}
