import type { LedgerNotices } from '../../ledger/ledger-notices';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { log } from '../../observability/log';

/** Entries kept per line for followers that read them a moment apart. */
const recentEntriesPerLine = 64;
/** Lines per head read on the timer. */
const headsPerRead = 500;

interface Watched {
  followers: Set<() => void>;
  /** The newest sequence seen here (notices, reads, the timer's head reads). */
  head: number;
  recent: Map<number, LedgerEntryDoc>;
  unlisten: () => void;
}

/**
 * What every bill-update stream of a process shares: one watch per followed line. Whenever the
 * newest known sequence of a line rises (a notice, an entry one follower read, the timer's head
 * read), the line's followers are woken; an entry is read from the database once and handed to every
 * follower of its line. The timer also wakes every stream (`onTick`), for what streams check over
 * time (token expiry, partner bindings). Followers keep their own positions: the watch only says when
 * to look and saves them the reads.
 */
export class LineWatch {
  private readonly lines = new Map<string, Watched>();
  private readonly tickers = new Set<() => void>();
  private readonly reading = new Map<string, Promise<LedgerEntryDoc | undefined>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repos: Pick<Repositories, 'creditLines' | 'ledger'>,
    private readonly notices: LedgerNotices,
    private readonly pollMs: number,
  ) {}

  /** Calls `wake` when the line may have news, until the returned function is called. */
  follow(lineId: string, wake: () => void): () => void {
    let line = this.lines.get(lineId);
    if (!line) {
      const created: Watched = {
        followers: new Set(),
        head: 0,
        recent: new Map(),
        unlisten: () => undefined,
      };
      created.unlisten = this.notices.listen(lineId, (sequence) => this.raise(created, sequence));
      this.lines.set(lineId, created);
      line = created;
    }
    line.followers.add(wake);
    this.startTimer();
    const watched = line;
    return () => {
      watched.followers.delete(wake);
      if (watched.followers.size > 0) return;
      watched.unlisten();
      this.lines.delete(lineId);
      this.stopTimerIfIdle();
    };
  }

  /** Calls `wake` on every tick of the timer, until the returned function is called. */
  onTick(wake: () => void): () => void {
    this.tickers.add(wake);
    this.startTimer();
    return () => {
      this.tickers.delete(wake);
      this.stopTimerIfIdle();
    };
  }

  /** The newest sequence of the line known here. */
  head(lineId: string): number {
    return this.lines.get(lineId)?.head ?? 0;
  }

  /** One ledger entry, read once for all followers (a missing one is not remembered: it may come). */
  async entry(lineId: string, sequence: number): Promise<LedgerEntryDoc | undefined> {
    const kept = this.lines.get(lineId)?.recent.get(sequence);
    if (kept) return kept;
    const key = `${lineId}:${sequence}`;
    let read = this.reading.get(key);
    if (!read) {
      read = this.repos.ledger.entry(lineId, sequence).finally(() => this.reading.delete(key));
      this.reading.set(key, read);
    }
    const entry = await read;
    const line = this.lines.get(lineId);
    if (entry && line) {
      line.recent.set(sequence, entry);
      if (line.recent.size > recentEntriesPerLine) line.recent.delete(line.recent.keys().next().value!);
      this.raise(line, sequence);
    }
    return entry;
  }

  /** A newer sequence is known: every follower of the line looks (the one that read it finds it kept). */
  private raise(line: Watched, sequence: number): void {
    if (sequence <= line.head) return;
    line.head = sequence;
    for (const wake of line.followers) wake();
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => void this.tick(), this.pollMs).unref();
  }

  private stopTimerIfIdle(): void {
    if (this.lines.size > 0 || this.tickers.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Heads of every watched line in a few reads (a notice may have been lost), then wake every stream. */
  private async tick(): Promise<void> {
    const ids = [...this.lines.keys()];
    try {
      for (let start = 0; start < ids.length; start += headsPerRead) {
        const docs = await this.repos.creditLines.findByIds(ids.slice(start, start + headsPerRead));
        for (const doc of docs) {
          const line = this.lines.get(doc._id);
          if (line) this.raise(line, doc.headSequence);
        }
      }
    } catch (error) {
      log().error('bill updates: reading line heads failed', { error });
    }
    for (const wake of this.tickers) wake();
  }
}
