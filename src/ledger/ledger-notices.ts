import { EventEmitter } from 'node:events';

/** "Line X has an entry at sequence N": a wake-up call, never the data (readers read the ledger). */
export interface LedgerNotice {
  lineId: string;
  sequence: number;
}

/**
 * The process's notices of ledger appends. The ledger writer announces each append; subscriptions
 * listen for the lines they follow. Notices from other processes arrive through `deliver` (from the
 * launcher's relay, or Redis when REDIS_URL is set). A lost notice delays an update, never loses it:
 * readers also look at the ledger on a timer, and always read from their own cursor.
 */
export class LedgerNotices {
  private readonly byLine = new EventEmitter().setMaxListeners(0);
  private relay: ((notice: LedgerNotice) => void) | undefined;

  /** An append in this process: wake local readers, and tell the other processes. */
  announce(notice: LedgerNotice): void {
    this.deliver(notice);
    this.relay?.(notice);
  }

  /** An append anywhere (this process or another). */
  deliver(notice: LedgerNotice): void {
    this.byLine.emit(notice.lineId, notice.sequence);
  }

  /** Calls `listener` for each notice about `lineId` until the returned function is called. */
  listen(lineId: string, listener: (sequence: number) => void): () => void {
    this.byLine.on(lineId, listener);
    return () => this.byLine.off(lineId, listener);
  }

  relayTo(send: ((notice: LedgerNotice) => void) | undefined): void {
    this.relay = send;
  }
}

export const ledgerNotices = new LedgerNotices();

export function isLedgerNotice(message: unknown): message is { type: 'ledger-notice' } & LedgerNotice {
  const candidate = message as { type?: unknown; lineId?: unknown; sequence?: unknown } | null;
  return (
    candidate?.type === 'ledger-notice' &&
    typeof candidate.lineId === 'string' &&
    typeof candidate.sequence === 'number'
  );
}
