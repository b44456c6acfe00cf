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

/** A notice's claim window of real time: a dispatcher that stopped mid-send holds it one to two more. */
export const noticeClaimMs = 10 * 60_000;

export class OutboxService {
  /** `wallClockMs`: claims are leases on real elapsed time, not on the business clock (moved by hand locally). */
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly wallClockMs: () => number = Date.now,
  ) {}

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

  /**
   * Sends what is unsent, each notice claimed first (its window read when it is claimed, a run can be
   * long) so two dispatchers (two credit processes) do not both send it; a failed send gives its
   * claim back for the next run. A dispatcher that dies between sending and marking leaves its claim,
   * and the notice goes out again 10-20 minutes later (at least once).
   */
  async dispatch(sender: NotificationSender, now: Date): Promise<number> {
    let sent = 0;
    for (const notification of await this.notifications.unsent(500)) {
      const { _id: id } = notification;
      const claimedAtMs = this.wallClockMs();
      const window = Math.floor(claimedAtMs / noticeClaimMs);
      if (!(await this.notifications.claim(id, window, new Date(claimedAtMs)))) continue;
      // Read again under the claim: another dispatcher may have sent it and let its claim go.
      if ((await this.notifications.byId(id))?.sentAt) {
        await this.notifications.release(id, window);
        continue;
      }
      try {
        await sender.send(notification);
      } catch {
        await this.notifications.release(id, window);
        continue;
      }
      await this.notifications.markSent(id, now);
      await this.notifications.forgetClaims(id);
      sent += 1;
    }
    return sent;
  }
}
