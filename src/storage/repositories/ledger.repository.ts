import type { Models } from '../database';
import type { LedgerEntryDoc } from '../models/ledger-entry.model';
import { insertOnce } from './insert-once';
import type { Page, PageQuery } from './page';

export class LedgerRepository {
  constructor(private readonly models: Pick<Models, 'ledgerEntries'>) {}

  async head(lineId: string): Promise<LedgerEntryDoc | undefined> {
    const [head] = await this.models.ledgerEntries
      .find({ lineId })
      .sort({ sequence: -1 })
      .limit(1)
      .lean<LedgerEntryDoc[]>()
      .exec();
    return head;
  }

  async byIdempotencyKey(idempotencyKey: string): Promise<LedgerEntryDoc | undefined> {
    const found = await this.models.ledgerEntries.findOne({ idempotencyKey }).lean<LedgerEntryDoc>().exec();
    return found ?? undefined;
  }

  /** False when the (line, sequence) or the idempotency key is taken. */
  append(entry: LedgerEntryDoc): Promise<boolean> {
    return insertOnce(this.models.ledgerEntries, entry);
  }

  /** Newest first; `afterId` is an entry _id (they sort by sequence within a line). */
  async page(lineId: string, page: PageQuery): Promise<Page<LedgerEntryDoc>> {
    const filter: Record<string, unknown> = { lineId };
    if (page.afterId !== undefined) filter._id = { $lt: page.afterId };
    const docs = await this.models.ledgerEntries
      .find(filter)
      .sort({ _id: -1 })
      .limit(page.first + 1)
      .lean<LedgerEntryDoc[]>()
      .exec();
    return { items: docs.slice(0, page.first), hasNextPage: docs.length > page.first };
  }

  /** Every entry of a line, oldest first (rebuilds and audits). */
  all(lineId: string): Promise<LedgerEntryDoc[]> {
    return this.models.ledgerEntries.find({ lineId }).sort({ sequence: 1 }).lean<LedgerEntryDoc[]>().exec();
  }

  authorizationsSince(lineId: string, since: Date): Promise<LedgerEntryDoc[]> {
    return this.models.ledgerEntries
      .find({ lineId, type: 'AUTHORIZE', at: { $gte: since } })
      .lean<LedgerEntryDoc[]>()
      .exec();
  }

  recentAuthorizations(lineId: string, limit: number): Promise<LedgerEntryDoc[]> {
    return this.models.ledgerEntries
      .find({ lineId, type: 'AUTHORIZE' })
      .sort({ sequence: -1 })
      .limit(limit)
      .lean<LedgerEntryDoc[]>()
      .exec();
  }
}
