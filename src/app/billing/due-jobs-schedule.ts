import type { Viewer } from '../../auth/token';
import { type BusinessDate, businessDate } from '../../core/time/business-date';
import { log } from '../../observability/log';
import { dueJobsRunsTotal } from '../../observability/metrics';
import type { DueJobsReport } from './due-jobs.service';

/** The scheduler acts as staff: the jobs are operator work. */
export const schedulerViewer: Viewer = { userId: 'op_scheduler', scopes: ['operator'] };

/** The schedule's memory: the business day of its last full run and when it last ran at all. */
export interface DueJobsRuns {
  lastDailyRunDay: BusinessDate | null;
  lastRunAt: Date | null;
}

/**
 * Which run is due at `now`: the day's full run (every line: statements, accruals, overdue, limit
 * reviews, reminders, auto-debit) once per business day, first of all; else, `everyMs` after the
 * last run started, one that reads no line (late rail confirmations, expired holds, unsent notices).
 * `slackMs`: a tick that comes a little early (timers drift) still counts, or a run would be skipped.
 */
export function dueJobsRunWanted(
  runs: DueJobsRuns,
  now: Date,
  everyMs: number,
  slackMs = 0,
): 'DAILY' | 'PENDING' | null {
  if (runs.lastDailyRunDay !== businessDate(now)) return 'DAILY';
  if (!runs.lastRunAt || now.getTime() - runs.lastRunAt.getTime() >= everyMs - slackMs) return 'PENDING';
  return null;
}

export interface DueJobsScheduleOptions {
  /** One run of the jobs at the business time it reads itself (a fresh clock instant per run). */
  run: (options: { walkLines: boolean }) => Promise<DueJobsReport>;
  /** The business time now, as the jobs will read it. */
  now: () => Promise<Date>;
  everyMs: number;
  /** How often the schedule looks at the time: a new day is noticed within this. */
  tickMs?: number;
}

/**
 * Runs the due jobs by itself where no operator does (production: the business clock is the wall
 * clock): the day's full run at start and at the first tick of each business day, a run that reads
 * no line every `everyMs`. One run at a time; a failed run is logged and tried again after 1, 2,
 * 4... minutes (at most `everyMs`). Every ledger entry has its key, so a run that overlaps another
 * process's moves no money twice; the outbox claims each notice before sending it.
 */
export class DueJobsSchedule {
  private readonly runs: DueJobsRuns = { lastDailyRunDay: null, lastRunAt: null };
  /** Failed runs in a row, and when the next try may start: 1, 2, 4... minutes, at most `everyMs`. */
  private failuresInRow = 0;
  private retryNotBefore = 0;
  private ticking: Promise<DueJobsReport | null> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DueJobsScheduleOptions) {}

  start(): this {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 60_000);
    this.timer.unref();
    return this;
  }

  /** Runs the jobs if they are due and none is running; the report, or null when it did not run. */
  async tick(): Promise<DueJobsReport | null> {
    // Taken before anything is awaited, so two ticks can never both start a run.
    if (this.ticking) return null;
    this.ticking = this.runIfDue();
    try {
      return await this.ticking;
    } finally {
      this.ticking = null;
    }
  }

  private async runIfDue(): Promise<DueJobsReport | null> {
    let wanted: ReturnType<typeof dueJobsRunWanted> = null;
    try {
      const now = await this.options.now();
      if (now.getTime() < this.retryNotBefore) return null;
      wanted = dueJobsRunWanted(this.runs, now, this.options.everyMs, (this.options.tickMs ?? 60_000) / 2);
      if (!wanted) return null;
      const report = await this.options.run({ walkLines: wanted === 'DAILY' });
      // Only a run that finished counts: a failed one is tried again after its backoff.
      // The day the run itself read (near midnight it can be a day after `now`).
      if (wanted === 'DAILY') this.runs.lastDailyRunDay = businessDate(report.ranAt);
      // When this tick began, not when the run read its clock: the next tick, one interval on, is due.
      this.runs.lastRunAt = now;
      this.failuresInRow = 0;
      dueJobsRunsTotal.inc({ run: wanted, outcome: 'ok' });
      log().info('due jobs ran', { run: wanted, ...report });
      return report;
    } catch (error) {
      // A database that is down is not asked again every minute for long.
      this.failuresInRow += 1;
      const backoffMs = Math.min(this.options.everyMs, 60_000 * 2 ** Math.min(this.failuresInRow - 1, 20));
      this.retryNotBefore = (await this.options.now().catch(() => new Date())).getTime() + backoffMs;
      dueJobsRunsTotal.inc({ run: wanted ?? 'unknown', outcome: 'failed' });
      log().error('due jobs failed; trying again later', { run: wanted, retryInMs: backoffMs, error });
      return null;
    }
  }

  /** Stops ticking and waits for a run in progress (shutdown closes the database after). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
