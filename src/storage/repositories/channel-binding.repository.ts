import type { Models } from '../database';
import type { ChannelBindingDoc } from '../models/channel-binding.model';
import { insertOnce } from './insert-once';

export class ChannelBindingRepository {
  constructor(private readonly models: Pick<Models, 'channelBindings'>) {}

  findByUserIds(userIds: readonly string[]): Promise<ChannelBindingDoc[]> {
    return this.models.channelBindings
      .find({ userId: { $in: userIds } })
      .sort({ _id: 1 })
      .lean<ChannelBindingDoc[]>()
      .exec();
  }

  insertOnce(binding: ChannelBindingDoc): Promise<boolean> {
    return insertOnce(this.models.channelBindings, binding);
  }
}
