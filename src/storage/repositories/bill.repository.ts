import type { Models } from '../database';
import type { BillDoc, BillStatus } from '../models/bill.model';
import { insertOnce } from './insert-once';
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

  /** False when this cycle's bill already exists. */
  insertOnce(bill: BillDoc): Promise<boolean> {
    return insertOnce(this.models.bills, bill);
  }

  async setPayment(billId: string, paidMinor: number, status: BillStatus): Promise<void> {
    await this.models.bills.updateOne({ _id: billId }, { $set: { paidMinor, status } }).exec();
  }

  async setStatus(billId: string, status: BillStatus): Promise<void> {
    await this.models.bills.updateOne({ _id: billId }, { $set: { status } }).exec();
  }

  async setAccruedDays(
    billId: string,
    field: 'penaltyDaysAccrued' | 'interestDaysAccrued',
    days: number,
  ): Promise<void> {
    await this.models.bills.updateOne({ _id: billId }, { $set: { [field]: days } }).exec();
  }
}
