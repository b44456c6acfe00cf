import type { Models } from '../database';
import type { PartnerDoc } from '../models/partner.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';

export class PartnerRepository {
  constructor(private readonly models: Pick<Models, 'partners'>) {}

  findByIds(ids: readonly string[]): Promise<PartnerDoc[]> {
    return findByIds<PartnerDoc>(this.models.partners, ids);
  }

  insertOnce(partner: PartnerDoc): Promise<boolean> {
    return insertOnce(this.models.partners, partner);
  }
}
