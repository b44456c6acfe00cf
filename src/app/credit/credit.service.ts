import { currentBillOf } from '../../core/ledger/line-state';
import type { Viewer } from '../../auth/token';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { UserDoc } from '../../storage/models/user.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { ownedOrNotFound, requireOwner, requireViewer } from '../common/access';
import { AppError } from '../../errors';
import { keyedLoader } from '../common/keyed-loader';
import { type Connection, pageQuery, toConnection } from '../common/pagination';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import type { BillDoc } from '../../storage/models/bill.model';
import { businessDate } from '../../core/time/business-date';
import type { ClockService } from '../common/clock.service';
import { billAsOf, lineAsOf, mayHaveMoved } from './line-as-of';

/** Users and their credit lines, for one request (its loaders cache per request only). */
export class CreditService {
  private readonly usersById;
  private readonly linesById;
  private readonly linesByUserId;

  private readonly ledger;
  private readonly bills;

  /** Each line document's view as of today, once per request. */
  private readonly asOfToday = new WeakMap<CreditLineDoc, Promise<CreditLineDoc>>();

  constructor(
    repos: Pick<Repositories, 'users' | 'creditLines' | 'ledger' | 'bills'>,
    private readonly clock: ClockService,
  ) {
    this.ledger = repos.ledger;
    this.bills = repos.bills;
    this.usersById = keyedLoader(
      (ids) => repos.users.findByIds(ids),
      (user) => user._id,
    );
    this.linesById = keyedLoader(
      (ids) => repos.creditLines.findByIds(ids),
      (line) => line._id,
    );
    this.linesByUserId = keyedLoader(
      (ids) => repos.creditLines.findByUserIds(ids),
      (line) => line.userId,
    );
  }

  async me(viewer: Viewer | undefined): Promise<UserDoc | undefined> {
    return this.usersById.load(requireViewer(viewer).userId);
  }

  async user(viewer: Viewer | undefined, userId: string): Promise<UserDoc> {
    requireOwner(viewer, userId);
    const user = await this.usersById.load(userId);
    if (!user) throw new AppError('NOT_FOUND', `No user ${userId}`);
    return user;
  }

  async creditLineOfUser(viewer: Viewer | undefined, userId: string): Promise<CreditLineDoc | undefined> {
    requireOwner(viewer, userId);
    return this.today(await this.linesByUserId.load(userId));
  }

  /**
   * The line as of today (`lineAsOf`): reads show what a payment now would find, not the line as of
   * its last entry. A line without bills reads the same any day (no clock read then).
   */
  private async today(line: CreditLineDoc | undefined): Promise<CreditLineDoc | undefined> {
    if (!line?.state?.bills.length) return line;
    let view = this.asOfToday.get(line);
    if (!view) {
      view = this.clock.now().then((now) => lineAsOf(line, businessDate(now)));
      this.asOfToday.set(line, view);
    }
    return view;
  }

  async ledgerPage(
    viewer: Viewer | undefined,
    line: { id: string; userId: string },
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<LedgerEntryDoc>> {
    requireOwner(viewer, line.userId);
    return toConnection(await this.ledger.page(line.id, pageQuery(first, after)));
  }

  async billsOfUser(
    viewer: Viewer | undefined,
    userId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<BillDoc>> {
    requireOwner(viewer, userId);
    const page = await this.bills.pageOfUser(userId, pageQuery(first, after));
    if (!page.items.some(mayHaveMoved)) return toConnection(page);
    const line = await this.today(await this.linesByUserId.load(userId));
    return toConnection({ ...page, items: page.items.map((bill) => billAsOf(bill, line)) });
  }

  async currentBill(
    viewer: Viewer | undefined,
    line: { id: string; userId: string },
  ): Promise<BillDoc | undefined> {
    requireOwner(viewer, line.userId);
    // The line's current bill (the oldest overdue, else the oldest owing), else the newest statement.
    const summary = await this.today(await this.linesById.load(line.id));
    const owing = currentBillOf(summary?.state);
    const bill = owing
      ? await this.bills.byId(owing.billId)
      : (await this.bills.pageOfUser(line.userId, { first: 1 })).items[0];
    return bill ? billAsOf(bill, summary) : undefined;
  }

  async bill(viewer: Viewer | undefined, billId: string): Promise<BillDoc> {
    const signedIn = requireViewer(viewer);
    const bill = ownedOrNotFound(signedIn, await this.bills.byId(billId), `No bill ${billId}`);
    if (!mayHaveMoved(bill)) return bill;
    return billAsOf(bill, await this.today(await this.linesById.load(bill.lineId)));
  }

  /** `fresh`: skip this request's cache (after a mutation changed the line). */
  async creditLine(viewer: Viewer | undefined, lineId: string, fresh = false): Promise<CreditLineDoc> {
    const signedIn = requireViewer(viewer);
    if (fresh) this.linesById.clear(lineId);
    const line = ownedOrNotFound(signedIn, await this.linesById.load(lineId), `No credit line ${lineId}`);
    return (await this.today(line))!;
  }
}
