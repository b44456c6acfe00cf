import type { AppMode } from '../../config';
import type { ClockRepository } from '../../storage/repositories/clock.repository';
import { AppError } from '../../errors';
import { requireOperator } from './access';
import type { Viewer } from '../../auth/token';

/**
 * The business clock. Production: the wall clock. Local/test mode: the wall clock plus an offset stored
 * in the database, so every process agrees and operators can walk through statement and due days.
 * One instant per request: the first read is memoized.
 */
export class ClockService {
  private instant: Promise<Date> | undefined;

  constructor(
    private readonly repo: ClockRepository,
    readonly mode: AppMode,
    private readonly wallClock: () => number = Date.now,
  ) {}

  now(): Promise<Date> {
    this.instant ??= this.current();
    return this.instant;
  }

  /** The business time now, read again (long-lived streams outlive the request's one instant). */
  current(): Promise<Date> {
    return this.mode === 'production'
      ? Promise.resolve(new Date(this.wallClock()))
      : this.repo.offsetMs().then((offset) => new Date(this.wallClock() + offset));
  }

  /** Moves the local clock forward to `to`. Never backwards: issued bills and accruals would not replay. */
  async advanceTo(to: Date, viewer: Viewer | undefined): Promise<Date> {
    requireOperator(viewer);
    if (this.mode === 'production')
      throw new AppError('FORBIDDEN', 'The clock cannot be changed in production');
    const current = await this.now();
    if (to.getTime() < current.getTime()) {
      throw new AppError(
        'BAD_USER_INPUT',
        `The clock only moves forward; it is already ${current.toISOString()}`,
      );
    }
    await this.repo.setOffsetMs(to.getTime() - this.wallClock());
    this.instant = Promise.resolve(to);
    return to;
  }
}
