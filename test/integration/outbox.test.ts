import { noticeClaimMs, type NotificationSender, OutboxService } from '../../src/app/billing/outbox.service';
import type { NotificationDoc } from '../../src/storage/models/notification.model';
import { testDatabase } from '../support/test-database';

/** A sender that records what it was handed, and can be made slow or failing. */
function recordingSender(options: { delayMs?: number; failing?: () => boolean } = {}) {
  const sent: string[] = [];
  const sender: NotificationSender = {
    send: async (notification: NotificationDoc) => {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      if (options.failing?.()) throw new Error('SMS gateway down');
      sent.push(notification._id);
    },
  };
  return { sent, sender };
}

const sorted = (ids: string[]) => [...ids].sort();
const noticeIds = (n: number) => sorted(Array.from({ length: n }, (_, i) => `statement:b_${i}`));

/** The notice outbox over a real database, as several credit processes share it. */
describe('outbox', () => {
  const now = new Date('2030-04-05T04:00:00Z');
  /** A wall-clock instant at the start of a claim window. */
  const windowStart = Math.ceil(Date.now() / noticeClaimMs) * noticeClaimMs;
  const record = (outbox: OutboxService, n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        outbox.record(`statement:b_${i}`, 'u_alice', 'STATEMENT_ISSUED', `bill ${i}`, `b_${i}`, now),
      ),
    );

  test('two dispatchers at once send each notice exactly once, whatever business time each runs at', async () => {
    await using t = await testDatabase();
    const first = new OutboxService(t.repos.notifications);
    const second = new OutboxService(t.repos.notifications);
    await record(first, 6);
    // Slow sends, so both dispatchers read the same six unsent notices before either marks one sent;
    // the second's run started 20 minutes of business time earlier (a long day's run).
    const a = recordingSender({ delayMs: 30 });
    const b = recordingSender({ delayMs: 30 });
    const [sentByA, sentByB] = await Promise.all([
      first.dispatch(a.sender, now),
      second.dispatch(b.sender, new Date(now.getTime() - 20 * 60_000)),
    ]);
    expect(sentByA + sentByB).toBe(6);
    expect(sorted([...a.sent, ...b.sent])).toEqual(noticeIds(6));
    // Nothing is left to send, and no claim is left behind.
    expect(await first.dispatch(recordingSender().sender, now)).toBe(0);
    expect(await t.db.models.noticeClaims.countDocuments({}).exec()).toBe(0);
  });

  test('two dispatchers on either side of a claim window boundary never both send a notice', async () => {
    await using t = await testDatabase();
    // One's clock reads 1 ms before the boundary, the other's 1 ms after: adjacent claim windows.
    const early = new OutboxService(t.repos.notifications, () => windowStart - 1);
    const late = new OutboxService(t.repos.notifications, () => windowStart + 1);
    await record(early, 6);
    const a = recordingSender({ delayMs: 30 });
    const b = recordingSender({ delayMs: 30 });
    await Promise.all([early.dispatch(a.sender, now), late.dispatch(b.sender, now)]);
    const both = [...a.sent, ...b.sent];
    expect(new Set(both).size).toBe(both.length);
    // Both may have stood back from one: a later run sends what is left, each notice once in all.
    const later = new OutboxService(t.repos.notifications, () => windowStart + 3 * noticeClaimMs);
    const c = recordingSender();
    await later.dispatch(c.sender, now);
    expect(sorted([...both, ...c.sent])).toEqual(noticeIds(6));
  });

  test('a failed send is given back and goes out on the next dispatch', async () => {
    await using t = await testDatabase();
    const outbox = new OutboxService(t.repos.notifications);
    await record(outbox, 2);
    let calls = 0;
    const flaky = recordingSender({ failing: () => ++calls === 1 });
    expect(await outbox.dispatch(flaky.sender, now)).toBe(1);
    const again = recordingSender();
    expect(await outbox.dispatch(again.sender, now)).toBe(1);
    expect(sorted([...flaky.sent, ...again.sent])).toEqual(noticeIds(2));
  });

  test('a claim left by a dispatcher that stopped mid-send is taken again after the window that follows it', async () => {
    await using t = await testDatabase();
    await record(new OutboxService(t.repos.notifications), 1);
    // A dispatcher took it at the start of a claim window and died before marking it sent.
    const window = windowStart / noticeClaimMs;
    expect(await t.repos.notifications.claim('statement:b_0', window, new Date(windowStart))).toBe(true);
    // Not in its window, nor in the next (it may still be sending near its window's end).
    for (const at of [windowStart + noticeClaimMs - 1, windowStart + 2 * noticeClaimMs - 1]) {
      const outbox = new OutboxService(t.repos.notifications, () => at);
      expect(await outbox.dispatch(recordingSender().sender, now)).toBe(0);
    }
    const after = recordingSender();
    const outbox = new OutboxService(t.repos.notifications, () => windowStart + 2 * noticeClaimMs);
    expect(await outbox.dispatch(after.sender, now)).toBe(1);
    expect(after.sent).toEqual(['statement:b_0']);
    // Once sent, its claims go, the dead dispatcher's too.
    expect(await t.db.models.noticeClaims.countDocuments({}).exec()).toBe(0);
  });
});
