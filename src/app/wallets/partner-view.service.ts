import { availableMinor } from '../../core/credit-line';
import type { Viewer } from '../../auth/token';
import { type BillSummary, billSummaryOf } from '../../core/billing/bill-status';
import { currentBillOf } from '../../core/ledger/line-state';
import { bindingRefusal, type PartnerReadAccess } from '../../core/partners/consent';
import { newSortableId, creditLineIdOf } from '../../storage/ids';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import type { DataAccessDoc } from '../../storage/models/data-access.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { AppError } from '../../errors';
import type { PartnerCursorSeal } from '../credit/bill-update-cursor';
import { lineAsOf } from '../credit/line-as-of';
import { businessDate } from '../../core/time/business-date';
import { requireOwner, requirePartner } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { type Connection, pageQuery, toConnection } from '../common/pagination';

const refusalMessage = {
  BINDING_NOT_ACTIVE: 'No active binding for this partner user',
  CONSENT_EXPIRED: "The user's consent has expired: ask for a new binding",
} as const;

/** What a partner-view object is built from; the consent guard decides which of it is shown. */
export interface PartnerUserSource {
  binding: ChannelBindingDoc;
  access: PartnerReadAccess;
  name: string | null;
  phone: string | null;
  creditStatus: string | null;
  availableMinor: number | null;
  /** Where a bill-update subscription for this user starts to miss nothing after this read. */
  billUpdateCursor: string;
  currentBill: BillSummary | null;
}

/**
 * Partner reads of a bound user, and the user's log of them. The binding is read fresh at the start
 * of every request, so a withdrawal stops the next request; each read is audited when the request ends.
 */
export class PartnerViewService {
  private readonly reads: { binding: ChannelBindingDoc; access: PartnerReadAccess }[] = [];

  constructor(
    private readonly repos: Pick<Repositories, 'channelBindings' | 'users' | 'creditLines' | 'partnerAccess'>,
    private readonly clock: ClockService,
    private readonly partnerCursors: PartnerCursorSeal,
  ) {}

  async partnerUser(viewer: Viewer | undefined, partnerUserId: string): Promise<PartnerUserSource> {
    const { partnerId } = requirePartner(viewer, 'bindings');
    const binding = await this.repos.channelBindings.activeOf(partnerId, partnerUserId);
    const now = await this.clock.now();
    // Never bound, withdrawn or another partner's user: the same answer.
    const refusal = binding ? bindingRefusal(binding, now) : 'BINDING_NOT_ACTIVE';
    if (refusal || !binding) {
      const code = refusal ?? 'BINDING_NOT_ACTIVE';
      throw new AppError(code, refusalMessage[code]);
    }
    const access: PartnerReadAccess = { binding, now, fieldsRead: new Set() };
    this.reads.push({ binding, access });
    const [users, stored] = await Promise.all([
      this.repos.users.findByIds([binding.userId]),
      this.repos.creditLines.byId(creditLineIdOf(binding.userId)),
    ]);
    // As the shopper's own reads show it: today's days judged and accrued.
    const line = stored && lineAsOf(stored, businessDate(now));
    const user = users[0];
    const owing = currentBillOf(line?.state);
    return {
      binding,
      access,
      name: user?.displayName ?? null,
      phone: user?.phone ?? null,
      creditStatus: line?.status ?? null,
      availableMinor: line ? availableMinor(line) : null,
      billUpdateCursor: this.partnerCursors.seal(
        partnerId,
        new Map([[binding.partnerUserId, line?.headSequence ?? 0]]),
      ),
      currentBill: owing ? billSummaryOf(owing) : null,
    };
  }

  /** Appends one audit record per user whose consented fields this request answered. */
  async recordReads(operation: string): Promise<void> {
    const records: DataAccessDoc[] = this.reads
      .filter(({ access }) => access.fieldsRead.size > 0)
      .map(({ binding, access }) => ({
        _id: newSortableId('da', access.now),
        userId: binding.userId,
        partnerId: binding.partnerId,
        bindingId: binding._id,
        fields: [...access.fieldsRead].sort(),
        purpose: binding.consent.purpose,
        operation,
        at: access.now,
      }));
    this.reads.length = 0;
    await this.repos.partnerAccess.recordAccess(records);
  }

  /** "Who saw my data": the user's own log, newest first. */
  async dataAccessLog(
    viewer: Viewer | undefined,
    userId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<DataAccessDoc>> {
    requireOwner(viewer, userId);
    return toConnection(await this.repos.partnerAccess.accessPageOfUser(userId, pageQuery(first, after)));
  }
}
