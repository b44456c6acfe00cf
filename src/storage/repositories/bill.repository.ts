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

  /** Writes the bill as of a ledger sequence, unless a newer one is there. */
  project(bill: BillDoc): Promise<void> {
    return projectVersioned(this.models.bills, bill);
  }
}
