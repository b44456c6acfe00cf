import type { NotificationDoc, NotificationKind } from '../../storage/models/notification.model';
import type { NotificationRepository } from '../../storage/repositories/notification.repository';
import { log } from '../../observability/log';

/** Where reminders go: SMS, push, the partner's channel... Each sender is one adapter. */
export interface NotificationSender {
  send(notification: NotificationDoc): Promise<void>;
}

/** Local sender: writes reminders to the log (the sandbox has no SMS gateway). */
export class LogSender implements NotificationSender {
  async send(notification: NotificationDoc): Promise<void> {
    log().info('notify', {
      userId: notification.userId,
      kind: notification.kind,
      notification: notification.message,
    });
  }
}

export class OutboxService {
  constructor(private readonly notifications: NotificationRepository) {}

  /** Records a notification once per key (re-running a job never repeats a reminder). */
  record(
    key: string,
    userId: string,
    kind: NotificationKind,
    message: string,
    ref: string,
    now: Date,
  ): Promise<boolean> {
    return this.notifications.record({ _id: key, userId, kind, message, ref, createdAt: now, sentAt: null });
  }

  /** Sends what is unsent; a failed send stays in the outbox for the next run. */
  async dispatch(sender: NotificationSender, now: Date): Promise<number> {
    let sent = 0;
    for (const notification of await this.notifications.unsent(500)) {
      try {
        await sender.send(notification);
        await this.notifications.markSent(notification._id, now);
        sent += 1;
      } catch {
        // Left unsent: retried by the next dispatch.
      }
    }
    return sent;
  }
}
