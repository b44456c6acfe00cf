import { lineStatuses } from '../../core/ledger/line-state';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import { keysetWalk } from '../../storage/repositories/page';
import type { Repositories } from '../../storage/repositories/repositories';
import { log } from '../../observability/log';

/** Lines read per database message on a walk: memory stays bounded however many lines there are. */
export const defaultLinesPerRead = 200;

/**
 * Every credit line, a bounded read at a time: a status at a time, each in `_id` order. A line the
 * walk's own work moves to a later status is met again (the due jobs are idempotent); to an earlier
 * one, not. Only the due jobs' limit reviews change a status after opening, on the line they hold.
 */
export async function* everyLine(
  repos: Pick<Repositories, 'creditLines'>,
  pageSize = defaultLinesPerRead,
): AsyncGenerator<CreditLineDoc> {
  for (const status of lineStatuses) {
    yield* keysetWalk((afterId, first) => repos.creditLines.pageOfStatus(status, afterId, first), pageSize);
  }
}

/**
 * Visits every line; a line whose visit throws is logged with `failure` and counted, and the walk
 * goes on: one line that cannot be brought up to date must not keep every other line waiting.
 * Returns how many lines failed (the next run tries them again).
 */
export async function visitEveryLine(
  repos: Pick<Repositories, 'creditLines'>,
  pageSize: number,
  failure: string,
  visit: (line: CreditLineDoc) => Promise<void>,
): Promise<number> {
  let linesFailed = 0;
  for await (const line of everyLine(repos, pageSize)) {
    try {
      await visit(line);
    } catch (error) {
      linesFailed += 1;
      log().error(failure, { lineId: line._id, error });
    }
  }
  return linesFailed;
}
