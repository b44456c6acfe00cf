import type { Models } from '../database';
import type { UserDoc } from '../models/user.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';

export class UserRepository {
  constructor(private readonly models: Pick<Models, 'users'>) {}

  findByIds(ids: readonly string[]): Promise<UserDoc[]> {
    return findByIds<UserDoc>(this.models.users, ids);
  }

  insertOnce(user: UserDoc): Promise<boolean> {
    return insertOnce(this.models.users, user);
  }
}
