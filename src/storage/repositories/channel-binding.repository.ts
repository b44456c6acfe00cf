import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { ChannelBindingDoc } from '../models/channel-binding.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';
import { keysetPageAscending } from './page';

export class ChannelBindingRepository {
  constructor(private readonly models: Pick<Models, 'channelBindings'>) {}

  findByUserIds(userIds: readonly string[]): Promise<ChannelBindingDoc[]> {
    return this.models.channelBindings
      .find({ userId: trusted({ $in: userIds }) })
      .sort({ _id: 1 })
      .lean<ChannelBindingDoc[]>()
      .exec();
  }

  findByIds(ids: readonly string[]): Promise<ChannelBindingDoc[]> {
    return findByIds<ChannelBindingDoc>(this.models.channelBindings, ids);
  }

  /** Every binding, active or ended, of these partner accounts (a partner's users named in its cursor). */
  ofPartnerUsers(partnerId: string, partnerUserIds: readonly string[]): Promise<ChannelBindingDoc[]> {
    return this.models.channelBindings
      .find({ partnerId, partnerUserId: trusted({ $in: partnerUserIds }) })
      .lean<ChannelBindingDoc[]>()
      .exec();
  }

  /** The partner account's active binding: read by its unique active key (one document at most). */
  async activeOf(partnerId: string, partnerUserId: string): Promise<ChannelBindingDoc | null> {
    return this.models.channelBindings
      .findOne({ activePartnerUserKey: activePartnerUserKey(partnerId, partnerUserId) })
      .lean<ChannelBindingDoc>()
      .exec();
  }

  /** The user's active binding with a partner, by its unique active key. */
  async activeOfUser(partnerId: string, userId: string): Promise<ChannelBindingDoc | null> {
    return this.models.channelBindings
      .findOne({ activeUserKey: activeUserKey(partnerId, userId) })
      .lean<ChannelBindingDoc>()
      .exec();
  }

  /**
   * A page of a partner's ACTIVE bindings (their consent may still have run out: `bindingRefusal`),
   * in `_id` order after `afterId`.
   */
  activePageOfPartner(
    partnerId: string,
    afterId: string | undefined,
    first: number,
  ): Promise<ChannelBindingDoc[]> {
    return keysetPageAscending<ChannelBindingDoc>(
      (filter) => this.models.channelBindings.find(filter),
      { partnerId, status: 'ACTIVE' },
      afterId,
      first,
    );
  }

  /** False when another active binding holds one of its unique keys (or the id is taken). */
  insertOnce(binding: ChannelBindingDoc): Promise<boolean> {
    return insertOnce(this.models.channelBindings, binding);
  }

  /** Ends an active binding: frees its unique keys so the account can be bound again. */
  async end(bindingId: string, status: 'WITHDRAWN' | 'EXPIRED', at: Date): Promise<boolean> {
    const result = await this.models.channelBindings
      .updateOne(
        { _id: bindingId, status: 'ACTIVE' },
        {
          $set: {
            status,
            endedAt: at,
            activePartnerUserKey: endedBindingKey(bindingId),
            activeUserKey: endedBindingKey(bindingId),
          },
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }
}

export function activePartnerUserKey(partnerId: string, partnerUserId: string): string {
  return `${partnerId}:${partnerUserId}`;
}

export function activeUserKey(partnerId: string, userId: string): string {
  return `${partnerId}:${userId}`;
}

/** Both unique keys of a binding once it has ended (withdrawn or refused): its own, so they never clash. */
export function endedBindingKey(bindingId: string): string {
  return `ended:${bindingId}`;
}
