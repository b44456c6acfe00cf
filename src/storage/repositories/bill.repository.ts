import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { BillDoc } from '../models/bill.model';
import { projectVersioned } from './project-versioned';
import { keysetPage, type Page, type PageQuery } from './page';

export class BillRepository {
  constructor(private readonly models: Pick<Models, 'bills'>) {}

  async byId(billId: string): Promise<BillDoc | undefined> {
    return (await this.models.bills.findById(billId).lean<BillDoc>().exec()) ?? undefined;
  }

  /** Oldest first. */
  ofLine(lineId: string): Promise<BillDoc[]> {
    return this.models.bills.find({ lineId }).sort({ statementDate: 1 }).lean<BillDoc[]>().exec();
  }

  async pageOfUser(userId: string, page: PageQuery): Promise<Page<BillDoc>> {
    return keysetPage<BillDoc>((filter) => this.models.bills.find(filter), { userId }, page);
  }

  /** Bills due on `dueDate`, by id after `afterId` (the jobs' hourly look at what is still to collect). */
  dueOn(dueDate: string, afterId: string | null, limit: number): Promise<BillDoc[]> {
    return this.models.bills
      .find({ dueDate, ...(afterId === null ? {} : { _id: trusted({ $gt: afterId }) }) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<BillDoc[]>()
      .exec();
  }

  /** Writes the bill as of a ledger sequence, unless a newer one is there. */
  project(bill: BillDoc): Promise<void> {
    return projectVersioned(this.models.bills, bill);
  }
}
