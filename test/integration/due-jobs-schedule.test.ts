import { lineStatuses } from '../../src/core/ledger/line-state';
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
  test("the day's run over every line at start and each new business day; between, a run that reads no line", async () => {
    const t = await testDatabase();
    await using _db = t;
    const w = await world(t.repos);
    await w.at('2030-04-01T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'schedule-tea-1'); // 299.00
    await w.ship('MALL', tea._id);
    // Counts the reads of the lines' walk (the day's work on every line).
    const { creditLines } = t.repos;
    let lineReads = 0;
    const repos = {
      ...t.repos,
      creditLines: Object.assign(Object.create(creditLines) as typeof creditLines, {
        pageOfStatus: async (...args: Parameters<typeof creditLines.pageOfStatus>) => {
          lineReads += 1;
          return creditLines.pageOfStatus(...args);
        },
      }),
    };
    const schedule = new DueJobsSchedule({
      run: (options) => createDueJobs(repos, w.clock(), w.rail, quiet).run(schedulerViewer, options),
      now: () => w.clock().now(),
      everyMs: 60 * 60_000,
    });
    const readsOf = async (tick: Promise<unknown>) => {
      const before = lineReads;
      const report = await tick;
      return { report, lineReads: lineReads - before };
    };

    // 04-04 23:00 China Standard Time (15:00Z): the first tick is the day's run over every line;
    // nothing is due yet.
    await w.at('2030-04-04T15:00:00Z');
    const first = await readsOf(schedule.tick());
    expect(first.report).toMatchObject({ billsIssued: 0 });
    // Two walks (billing, then auto-debit), one read per status each (a few demo lines).
    expect(first.lineReads).toBe(2 * lineStatuses.length);
    // 30 minutes later, the same day: nothing.
    await w.at('2030-04-04T15:30:00Z');
    expect(await schedule.tick()).toBeNull();
    // 04-05 00:01 CST, statement day: the new day's run comes at once, 31 minutes after the last
    // one, and cuts Alice's statement.
    await w.at('2030-04-04T16:01:00Z');
    expect(await schedule.tick()).toMatchObject({ billsIssued: 1 });
    expect((await t.repos.bills.ofLine('cl_alice')).map((bill) => bill.statementDate)).toEqual([
      '2030-04-05',
    ]);
    await w.at('2030-04-04T16:59:00Z');
    expect(await schedule.tick()).toBeNull();
    // Over an hour after the last run: a run for rail confirmations, holds and notices, which reads
    // no line.
    await w.at('2030-04-04T17:05:00Z');
    expect(await readsOf(schedule.tick())).toEqual({
      report: expect.objectContaining({ billsIssued: 0, repaymentsConfirmed: 0 }),
      lineReads: 0,
    });
    // The next day's run walks the lines again.
    await w.at('2030-04-05T16:01:00Z');
    expect((await readsOf(schedule.tick())).lineReads).toBeGreaterThan(0);
  });

  test('a run that fails is tried again a minute later; one run at a time', async () => {
    const t = await testDatabase();
    await using _db = t;
    const w = await world(t.repos);
    await w.at('2030-04-01T02:00:00Z');
    let failures = 1;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const schedule = new DueJobsSchedule({
      run: async (options) => {
        runs += 1;
        if (failures-- > 0) throw new Error('database unreachable');
        await held;
        return createDueJobs(t.repos, w.clock(), w.rail, quiet).run(schedulerViewer, options);
      },
      now: () => w.clock().now(),
      everyMs: 60 * 60_000,
    });
    expect(await schedule.tick()).toBeNull();
    // Not counted as run, and tried again a minute later (then 2, 4... minutes): not sooner.
    await w.at('2030-04-01T02:00:30Z');
    expect(await schedule.tick()).toBeNull();
    expect(runs).toBe(1);
    // The next try; while it waits, another tick starts nothing.
    await w.at('2030-04-01T02:01:30Z');
    const second = schedule.tick();
    expect(await schedule.tick()).toBeNull();
    release();
    expect(await second).toMatchObject({ billsIssued: 0 });
    expect(runs).toBe(2);
    await schedule.stop();
  });
});
