import type { Models } from '../database';
import type { NotificationDoc } from '../models/notification.model';
import type { NoticeClaimDoc } from '../models/notice-claim.model';
import { insertOnce } from './insert-once';
import { WindowClaims } from './window-claim';

export class NotificationRepository {
  private readonly claims: WindowClaims<NoticeClaimDoc>;

  constructor(private readonly models: Pick<Models, 'notifications' | 'noticeClaims'>) {
    this.claims = new WindowClaims<NoticeClaimDoc>(models.noticeClaims, (noticeId) => ({ noticeId }));
  }

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

  /** Claims a notice for claim window `window` (`WindowClaims`: at most one dispatcher sends it). */
  claim(id: string, window: number, at: Date): Promise<boolean> {
    return this.claims.claim(id, window, at);
  }

  /** Gives a claim back (a failed send): the next dispatch may take it again. */
  release(id: string, window: number): Promise<void> {
    return this.claims.release(id, window);
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
