import { createDueJobs } from '../../src/app/billing/due-jobs.service';
import { DueJobsSchedule, schedulerViewer } from '../../src/app/billing/due-jobs-schedule';
import type { NotificationSender } from '../../src/app/billing/outbox.service';
import { testDatabase } from '../support/test-database';
import { world } from '../support/world';

const quiet: NotificationSender = { send: async () => undefined };

/**
 * The schedule that runs the due jobs where no operator does, over a real database: the business
 * clock is moved by hand here (local mode) and the schedule is ticked by the test, not by a timer.
 */
describe('due jobs schedule', () => {
  test('runs at start, on each new business day and after its interval; not twice in between', async () => {
    const t = await testDatabase();
    await using _db = t;
    const w = await world(t.repos);
    await w.at('2030-04-01T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'schedule-tea-1'); // 299.00
    await w.ship('MALL', tea._id);
    const schedule = new DueJobsSchedule({
      run: () => createDueJobs(t.repos, w.clock(), w.rail, quiet).run(schedulerViewer),
      now: () => w.clock().now(),
      everyMs: 60 * 60_000,
    });

    // 04-04 23:00 China Standard Time (15:00Z): the first tick runs; nothing is due yet.
    await w.at('2030-04-04T15:00:00Z');
    expect(await schedule.tick()).toMatchObject({ billsIssued: 0 });
    // 30 minutes later, the same day: not again.
    await w.at('2030-04-04T15:30:00Z');
    expect(await schedule.tick()).toBeNull();
    // 04-05 00:01 CST, statement day: a new business day runs at once, 31 minutes after the last
    // run, and cuts Alice's statement.
    await w.at('2030-04-04T16:01:00Z');
    expect(await schedule.tick()).toMatchObject({ billsIssued: 1 });
    expect((await t.repos.bills.ofLine('cl_alice')).map((bill) => bill.statementDate)).toEqual([
      '2030-04-05',
    ]);
    await w.at('2030-04-04T16:59:00Z');
    expect(await schedule.tick()).toBeNull();
    // Over an hour after the last run: again (rail confirmations, holds, notices), with nothing to issue.
    await w.at('2030-04-04T17:05:00Z');
    expect(await schedule.tick()).toMatchObject({ billsIssued: 0 });
  });

  test('a run that fails is tried again at the next tick; one run at a time', async () => {
    const t = await testDatabase();
    await using _db = t;
    const w = await world(t.repos);
    await w.at('2030-04-01T02:00:00Z');
    let failures = 1;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const schedule = new DueJobsSchedule({
      run: async () => {
        runs += 1;
        if (failures-- > 0) throw new Error('database unreachable');
        await held;
        return createDueJobs(t.repos, w.clock(), w.rail, quiet).run(schedulerViewer);
      },
      now: () => w.clock().now(),
      everyMs: 60 * 60_000,
    });
    expect(await schedule.tick()).toBeNull();
    // Not counted as run: the next tick, a minute later, tries again. While it waits, a third tick
    // starts nothing.
    await w.at('2030-04-01T02:01:00Z');
    const second = schedule.tick();
    expect(await schedule.tick()).toBeNull();
    release();
    expect(await second).toMatchObject({ billsIssued: 0 });
    expect(runs).toBe(2);
    await schedule.stop();
  });
});
