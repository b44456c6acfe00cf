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

/** Users and their credit lines, for one request (its loaders cache per request only). */
export class CreditService {
  private readonly usersById;
  private readonly linesById;
  private readonly linesByUserId;

  private readonly ledger;
  private readonly bills;

  constructor(repos: Pick<Repositories, 'users' | 'creditLines' | 'ledger' | 'bills'>) {
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
    return this.linesByUserId.load(userId);
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
    return toConnection(await this.bills.pageOfUser(userId, pageQuery(first, after)));
  }

  async currentBill(
    viewer: Viewer | undefined,
    line: { id: string; userId: string },
  ): Promise<BillDoc | undefined> {
    requireOwner(viewer, line.userId);
    // The line's current bill (the oldest overdue, else the oldest owing), else the newest statement.
    const summary = await this.linesById.load(line.id);
    const owing = currentBillOf(summary?.state);
    if (owing) return (await this.bills.byId(owing.billId)) ?? undefined;
    return (await this.bills.pageOfUser(line.userId, { first: 1 })).items[0];
  }

  async bill(viewer: Viewer | undefined, billId: string): Promise<BillDoc> {
    const signedIn = requireViewer(viewer);
    return ownedOrNotFound(signedIn, await this.bills.byId(billId), `No bill ${billId}`);
  }

  /** `fresh`: skip this request's cache (after a mutation changed the line). */
  async creditLine(viewer: Viewer | undefined, lineId: string, fresh = false): Promise<CreditLineDoc> {
    const signedIn = requireViewer(viewer);
    if (fresh) this.linesById.clear(lineId);
    return ownedOrNotFound(signedIn, await this.linesById.load(lineId), `No credit line ${lineId}`);
  }
}
