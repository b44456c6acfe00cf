import type { Models } from '../database';
import { ledgerEntryId, type LedgerEntryDoc } from '../models/ledger-entry.model';
import { insertOnce } from './insert-once';
import { keysetPage, type Page, type PageQuery } from './page';

/**
 * The append-only ledger. The hot path (head, append, replay of a fresh retry) uses `_id` reads only:
 * FerretDB 1.x on SQLite scans the collection for most other filters.
 */
export class LedgerRepository {
  constructor(private readonly models: Pick<Models, 'ledgerEntries'>) {}

  async entry(lineId: string, sequence: number): Promise<LedgerEntryDoc | undefined> {
    if (sequence < 1) return undefined;
    return (
      (await this.models.ledgerEntries
        .findById(ledgerEntryId(lineId, sequence))
        .lean<LedgerEntryDoc>()
        .exec()) ?? undefined
    );
  }

  /** Entries after a known sequence, walking `_id`s forward (usually none or one). */
  async after(lineId: string, sequence: number): Promise<LedgerEntryDoc[]> {
    const found: LedgerEntryDoc[] = [];
    for (let next = sequence + 1; ; next += 1) {
      const entry = await this.entry(lineId, next);
      if (!entry) return found;
      found.push(entry);
    }
  }

  /** Slow path (scans on FerretDB): a retry whose entry is not the newest one. */
  async byIdempotencyKey(idempotencyKey: string): Promise<LedgerEntryDoc | undefined> {
    return (
      (await this.models.ledgerEntries.findOne({ idempotencyKey }).lean<LedgerEntryDoc>().exec()) ?? undefined
    );
  }

  /** False when the (line, sequence) or the idempotency key is taken. */
  append(entry: LedgerEntryDoc): Promise<boolean> {
    return insertOnce(this.models.ledgerEntries, entry);
  }

  /** Newest first; `afterId` is an entry _id (they sort by sequence within a line). */
  async page(lineId: string, page: PageQuery): Promise<Page<LedgerEntryDoc>> {
    return keysetPage<LedgerEntryDoc>((filter) => this.models.ledgerEntries.find(filter), { lineId }, page);
  }

  /** Every entry of a line, oldest first (rebuilds and audits). */
  all(lineId: string): Promise<LedgerEntryDoc[]> {
    return this.models.ledgerEntries.find({ lineId }).sort({ sequence: 1 }).lean<LedgerEntryDoc[]>().exec();
  }
}
