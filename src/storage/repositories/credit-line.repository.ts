import type { Models } from '../database';
import type { CreditLineDoc } from '../models/credit-line.model';
import { insertOnce } from './insert-once';

export class CreditLineRepository {
  constructor(private readonly models: Pick<Models, 'creditLines'>) {}

  findByIds(ids: readonly string[]): Promise<CreditLineDoc[]> {
    return this.models.creditLines
      .find({ _id: { $in: ids } })
      .lean<CreditLineDoc[]>()
      .exec();
  }

  findByUserIds(userIds: readonly string[]): Promise<CreditLineDoc[]> {
    return this.models.creditLines
      .find({ userId: { $in: userIds } })
      .lean<CreditLineDoc[]>()
      .exec();
  }

  insertOnce(line: CreditLineDoc): Promise<boolean> {
    return insertOnce(this.models.creditLines, line);
  }
}
