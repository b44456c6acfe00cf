import { autoDebitAttemptAt, autoDebitRetryAtMs } from '../../../src/core/repayment/auto-debit-attempts';

/** Business (Beijing) time on 2030-04-14, as epoch ms: 'HH:MM' is UTC+8. */
const at = (hhmm: string) => Date.parse(`2030-04-14T${hhmm}:00+08:00`);
const due = '2030-04-14';

describe('due-day auto-debit attempts', () => {
  test('a decline is asked again 4 hours on, the same day, up to 3 attempts in all', () => {
    // 12:00 + 4 h = 16:00.
    expect(autoDebitRetryAtMs({ attempt: 1, declined: true, askedAtMs: at('12:00') }, due)).toBe(at('16:00'));
    expect(autoDebitRetryAtMs({ attempt: 2, declined: true, askedAtMs: at('12:00') }, due)).toBe(at('16:00'));
    // The third was the last.
    expect(autoDebitRetryAtMs({ attempt: 3, declined: true, askedAtMs: at('12:00') }, due)).toBeNull();
    // A retry needs an hour of the due day left (the schedule runs hourly): 19:00 + 4 h = 23:00, too
    // late; 18:59 + 4 h = 22:59, in time.
    expect(autoDebitRetryAtMs({ attempt: 1, declined: true, askedAtMs: at('19:00') }, due)).toBeNull();
    expect(autoDebitRetryAtMs({ attempt: 1, declined: true, askedAtMs: at('18:59') }, due)).toBe(at('22:59'));
    // Not declined (collected, or still waiting on the bank): no retry.
    expect(autoDebitRetryAtMs({ attempt: 1, declined: false, askedAtMs: at('08:00') }, due)).toBeNull();
  });

  test('which attempt a run asks: the first, the last again, or the next once its time came', () => {
    expect(autoDebitAttemptAt(undefined, due, at('08:00'))).toBe(1);
    const declinedAt8 = { attempt: 1, declined: true, askedAtMs: at('08:00') };
    expect(autoDebitAttemptAt(declinedAt8, due, at('11:59'))).toBe(1);
    expect(autoDebitAttemptAt(declinedAt8, due, at('12:00'))).toBe(2);
    expect(autoDebitAttemptAt({ ...declinedAt8, attempt: 3 }, due, at('20:00'))).toBe(3);
    expect(autoDebitAttemptAt({ ...declinedAt8, declined: false }, due, at('20:00'))).toBe(1);
    // A run after the due day asks nothing new.
    expect(autoDebitAttemptAt(declinedAt8, due, Date.parse('2030-04-15T09:00:00+08:00'))).toBe(1);
  });
});
