import type { Viewer } from '../../auth/token';
import { businessDate } from '../../core/time/business-date';
import { log } from '../../observability/log';
import { dueJobsRunsTotal } from '../../observability/metrics';
import type { DueJobsReport } from './due-jobs.service';

/** The scheduler acts as staff: the jobs are operator work. */
export const schedulerViewer: Viewer = { userId: 'op_scheduler', scopes: ['operator'] };

/**
 * Whether the jobs are due at `now`: never run yet, a new business day (statements, accruals,
 * auto-debit and limit reviews are daily), or `everyMs` since the last run began (late rail
 * confirmations, expired holds, unsent notices).
 */
export function dueJobsWanted(lastStartedAt: Date | null, now: Date, everyMs: number): boolean {
  if (!lastStartedAt) return true;
  return (
    businessDate(now) !== businessDate(lastStartedAt) || now.getTime() - lastStartedAt.getTime() >= everyMs
  );
}

export interface DueJobsScheduleOptions {
  /** One run of the jobs at the business time it reads itself (a fresh clock instant per run). */
  run: () => Promise<DueJobsReport>;
  /** The business time now, as the jobs will read it. */
  now: () => Promise<Date>;
  everyMs: number;
  /** How often the schedule looks at the time: a new day is noticed within this. */
  tickMs?: number;
}

/**
 * Runs the due jobs by itself where no operator does (production: the business clock is the wall
 * clock): at start, at the first tick of each business day, and every `everyMs`. One run at a
 * time; a failed run is logged and tried again at the next tick. Each job is idempotent, so a run
 * that overlaps another process's does nothing twice.
 */
export class DueJobsSchedule {
  private lastStartedAt: Date | null = null;
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
    try {
      const now = await this.options.now();
      if (!dueJobsWanted(this.lastStartedAt, now, this.options.everyMs)) return null;
      const report = await this.options.run();
      // Only a run that finished counts: a failed one is tried again at the next tick.
      this.lastStartedAt = now;
      dueJobsRunsTotal.inc({ outcome: 'ok' });
      log().info('due jobs ran', { ...report });
      return report;
    } catch (error) {
      dueJobsRunsTotal.inc({ outcome: 'failed' });
      log().error('due jobs failed; trying again at the next tick', { error });
      return null;
    }
  }

  /** Stops ticking and waits for a run in progress (shutdown closes the database after). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
