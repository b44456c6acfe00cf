import type { Models } from '../database';
import type { NotificationDoc } from '../models/notification.model';
import { insertOnce } from './insert-once';

export class NotificationRepository {
  constructor(private readonly models: Pick<Models, 'notifications'>) {}

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

  async markSent(id: string, at: Date): Promise<void> {
    await this.models.notifications.updateOne({ _id: id }, { $set: { sentAt: at } }).exec();
  }
}
