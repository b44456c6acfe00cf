import type { Models } from '../database';
import type { PartnerDoc } from '../models/partner.model';
import { insertOnce } from './insert-once';

export class PartnerRepository {
  constructor(private readonly models: Pick<Models, 'partners'>) {}

  findByIds(ids: readonly string[]): Promise<PartnerDoc[]> {
    return this.models.partners
      .find({ _id: { $in: ids } })
      .lean<PartnerDoc[]>()
      .exec();
  }

  insertOnce(partner: PartnerDoc): Promise<boolean> {
    return insertOnce(this.models.partners, partner);
  }
}
