import type { Models } from '../database';
import type { RiskDecisionDoc } from '../models/risk-decision.model';
import { insertOnce } from './insert-once';

export class RiskDecisionRepository {
  constructor(private readonly models: Pick<Models, 'riskDecisions'>) {}

  async byId(id: string): Promise<RiskDecisionDoc | undefined> {
    return (await this.models.riskDecisions.findById(id).lean<RiskDecisionDoc>().exec()) ?? undefined;
  }

  insertOnce(decision: RiskDecisionDoc): Promise<boolean> {
    return insertOnce(this.models.riskDecisions, decision);
  }
}
