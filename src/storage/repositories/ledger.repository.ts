import type { LedgerCommandType } from '../../core/ledger/commands';
import type { Models } from '../database';
import { ledgerEntryId, type LedgerEntryDoc } from '../models/ledger-entry.model';
import type { LedgerKeyDoc } from '../models/ledger-key.model';
import { insertOnce } from './insert-once';
import { keysetPage, type Page, type PageQuery } from './page';

/**
 * The append-only ledger. The hot path (head, replay lookups, append) uses `_id` reads only: FerretDB
 * 1.x on SQLite scans the collection for most other filters.
 */
export class LedgerRepository {
  constructor(private readonly models: Pick<Models, 'ledgerEntries' | 'ledgerKeys'>) {}

  async entry(lineId: string, sequence: number): Promise<LedgerEntryDoc | undefined> {
    if (sequence < 1) return undefined;
    return (
      (await this.models.ledgerEntries
        .findById(ledgerEntryId(lineId, sequence))
        .lean<LedgerEntryDoc>()
        .exec()) ?? undefined
    );
  }

  /**
   * The newest entry, found by walking forward from a known sequence (the line summary's), so it
   * costs one `_id` read per entry the hint is behind, usually one or two in all.
   */
  async headFrom(lineId: string, hintSequence: number): Promise<LedgerEntryDoc | undefined> {
    let head = await this.entry(lineId, hintSequence);
    let sequence = hintSequence;
    if (!head && hintSequence > 0) return this.scanHead(lineId);
    for (;;) {
      const next = await this.entry(lineId, sequence + 1);
      if (!next) return head;
      head = next;
      sequence += 1;
    }
  }

  /** Slow path (sorts the line's entries): used when no hint can be trusted. */
  async scanHead(lineId: string): Promise<LedgerEntryDoc | undefined> {
    const [head] = await this.models.ledgerEntries
      .find({ lineId })
      .sort({ sequence: -1 })
      .limit(1)
      .lean<LedgerEntryDoc[]>()
      .exec();
    return head;
  }

  async keyRecord(idempotencyKey: string): Promise<LedgerKeyDoc | undefined> {
    return (await this.models.ledgerKeys.findById(idempotencyKey).lean<LedgerKeyDoc>().exec()) ?? undefined;
  }

  async entryById(entryId: string): Promise<LedgerEntryDoc | undefined> {
    return (await this.models.ledgerEntries.findById(entryId).lean<LedgerEntryDoc>().exec()) ?? undefined;
  }

  /** Slow path: finds an entry by its unique key field when the key record is missing. */
  async byIdempotencyKey(idempotencyKey: string): Promise<LedgerEntryDoc | undefined> {
    return (
      (await this.models.ledgerEntries.findOne({ idempotencyKey }).lean<LedgerEntryDoc>().exec()) ?? undefined
    );
  }

  /** False when the (line, sequence) or the idempotency key is taken. */
  append(entry: LedgerEntryDoc): Promise<boolean> {
    return insertOnce(this.models.ledgerEntries, entry);
  }

  recordKey(entry: LedgerEntryDoc): Promise<boolean> {
    return insertOnce(this.models.ledgerKeys, {
      _id: entry.idempotencyKey,
      entryId: entry._id,
      requestHash: entry.requestHash,
    });
  }

  /** Newest first; `afterId` is an entry _id (they sort by sequence within a line). */
  async page(lineId: string, page: PageQuery): Promise<Page<LedgerEntryDoc>> {
    return keysetPage<LedgerEntryDoc>((filter) => this.models.ledgerEntries.find(filter), { lineId }, page);
  }

  /** Entries of some types in a time range (billing a cycle; scans on FerretDB, fine once a month). */
  inRange(lineId: string, types: LedgerCommandType[], from: Date, to: Date): Promise<LedgerEntryDoc[]> {
    return this.models.ledgerEntries
      .find({ lineId, type: { $in: types }, at: { $gte: from, $lt: to } })
      .sort({ sequence: 1 })
      .lean<LedgerEntryDoc[]>()
      .exec();
  }

  /** Every entry of a line, oldest first (rebuilds and audits). */
  all(lineId: string): Promise<LedgerEntryDoc[]> {
    return this.models.ledgerEntries.find({ lineId }).sort({ sequence: 1 }).lean<LedgerEntryDoc[]>().exec();
  }
}
