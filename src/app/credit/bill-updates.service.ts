import type { Viewer } from '../../auth/token';
import { billUpdateOf, type BillUpdateKind } from '../../core/ledger/bill-updates';
import { lineFigures } from '../../core/ledger/line-state';
import { AppError } from '../../errors';
import type { LedgerNotices } from '../../ledger/ledger-notices';
import { creditLineIdOf } from '../../storage/ids';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { requireUser } from '../common/access';

/** One bill update, read from one ledger entry. */
export interface BillUpdateEvent {
  /** Resume point: give it as `after` to get every later update. */
  cursor: string;
  kind: BillUpdateKind;
  occurredAt: Date;
  lineId: string;
  billId: string | null;
  availableAfterMinor: number;
}

export interface BillUpdateStreamOptions {
  /** How often a follower also looks at the ledger without a notice (a lost notice costs this much). */
  pollMs: number;
  /** Entries read per look. */
  batch: number;
}

const defaultOptions: BillUpdateStreamOptions = { pollMs: 2_000, batch: 100 };

/** A cursor is the line and the ledger sequence of the last update seen: opaque to clients. */
export function encodeCursor(lineId: string, sequence: number): string {
  return Buffer.from(`${lineId}:${sequence}`).toString('base64url');
}

export function decodeCursor(cursor: string): { lineId: string; sequence: number } | undefined {
  const match = /^(.+):(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { lineId: match[1]!, sequence: Number(match[2]) } : undefined;
}

/**
 * Bill updates of the signed-in user's line, straight from the ledger: with `after`, every later
 * update first, in ledger order, then live ones; without, live ones only. The ledger is the only
 * source: a notice of an append only says when to look, so a lost notice cannot lose an update and
 * the switch from replay to live can neither skip nor repeat one.
 */
export class BillUpdatesService {
  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'ledger'>,
    private readonly notices: LedgerNotices,
    private readonly options: BillUpdateStreamOptions = defaultOptions,
  ) {}

  async follow(
    viewer: Viewer | undefined,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<BillUpdateEvent>> {
    const { userId, expiresAtMs } = requireUser(viewer);
    const lineId = creditLineIdOf(userId);
    const line = await this.repos.creditLines.byId(lineId);
    if (!line) throw new AppError('NOT_FOUND', 'You have no credit line yet');
    let sequence = line.headSequence;
    if (after != null) {
      const cursor = decodeCursor(after);
      // Another line's cursor is refused like a malformed one: it says nothing about that line.
      if (!cursor || cursor.lineId !== lineId)
        throw new AppError('BAD_USER_INPUT', 'Not a cursor of your bill updates');
      sequence = cursor.sequence;
    }
    return this.tail(lineId, sequence, expiresAtMs);
  }

  private tail(
    lineId: string,
    from: number,
    expiresAtMs: number | undefined,
  ): AsyncIterableIterator<BillUpdateEvent> {
    const { ledger } = this.repos;
    const { pollMs, batch } = this.options;
    let sequence = from;
    let closed = false;
    let look = true;
    let wake: (() => void) | undefined;
    const buffered: BillUpdateEvent[] = [];
    const nudge = () => {
      look = true;
      wake?.();
    };
    const unlisten = this.notices.listen(lineId, (noticed) => {
      if (noticed > sequence) nudge();
    });
    const timer = setInterval(nudge, pollMs);
    timer.unref();
    const close = () => {
      closed = true;
      unlisten();
      clearInterval(timer);
      wake?.();
    };
    const read = async () => {
      for (let n = 0; n < batch; n += 1) {
        const entry = await ledger.entry(lineId, sequence + 1);
        if (!entry) return;
        sequence = entry.sequence;
        const event = eventOf(entry);
        if (event) buffered.push(event);
      }
      look = true; // more to read
    };
    const iterator: AsyncIterableIterator<BillUpdateEvent> = {
      async next() {
        while (!closed) {
          if (buffered.length > 0) return { value: buffered.shift()!, done: false };
          if (expiresAtMs !== undefined && Date.now() >= expiresAtMs) {
            close();
            throw new AppError(
              'UNAUTHENTICATED',
              'Your token expired: subscribe again with a new one and your last cursor',
            );
          }
          if (look) {
            look = false;
            await read();
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        return { value: undefined, done: true };
      },
      async return() {
        close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

function eventOf(entry: LedgerEntryDoc): BillUpdateEvent | undefined {
  const update = billUpdateOf(entry);
  if (!update) return undefined;
  return {
    cursor: encodeCursor(entry.lineId, entry.sequence),
    kind: update.kind,
    occurredAt: entry.at,
    lineId: entry.lineId,
    billId: update.billId,
    availableAfterMinor: lineFigures(entry.stateAfter).availableMinor,
  };
}
