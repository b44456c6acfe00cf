import type { Viewer } from '../../auth/token';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import type { PartnerDoc } from '../../storage/models/partner.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { shownBindingStatus } from '../../core/partners/consent';
import { requireOwner } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { AppError } from '../../errors';
import { groupedLoader, keyedLoader } from '../common/keyed-loader';

/** Partners and the user's channel bindings, for one request. */
export class WalletService {
  private readonly partnersById;
  private readonly bindingsByUserId;

  constructor(
    repos: Pick<Repositories, 'partners' | 'channelBindings'>,
    private readonly clock: ClockService,
  ) {
    this.partnersById = keyedLoader(
      (ids) => repos.partners.findByIds(ids),
      (partner) => partner._id,
    );
    this.bindingsByUserId = groupedLoader(
      (ids) => repos.channelBindings.findByUserIds(ids),
      (binding) => binding.userId,
    );
  }

  async bindingsOfUser(viewer: Viewer | undefined, userId: string): Promise<ChannelBindingDoc[]> {
    requireOwner(viewer, userId);
    const [bindings, now] = await Promise.all([this.bindingsByUserId.load(userId), this.clock.now()]);
    return bindings.map((binding) => ({ ...binding, status: shownBindingStatus(binding, now) }));
  }

  async partner(partnerId: string): Promise<PartnerDoc> {
    const partner = await this.partnersById.load(partnerId);
    if (!partner) throw new AppError('NOT_FOUND', `No partner ${partnerId}`);
    return partner;
  }
}
