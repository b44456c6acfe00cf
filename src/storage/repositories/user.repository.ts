import type { Models } from '../database';
import type { UserDoc } from '../models/user.model';
import { insertOnce } from './insert-once';

export class UserRepository {
  constructor(private readonly models: Pick<Models, 'users'>) {}

  findByIds(ids: readonly string[]): Promise<UserDoc[]> {
    return this.models.users
      .find({ _id: { $in: ids } })
      .lean<UserDoc[]>()
      .exec();
  }

  insertOnce(user: UserDoc): Promise<boolean> {
    return insertOnce(this.models.users, user);
  }
}
