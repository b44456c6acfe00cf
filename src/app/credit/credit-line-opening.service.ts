import { assertStatementDay } from '../../core/billing/calendar';
import { type ApplicantInputs, assessApplicant } from '../../core/risk/scorecard';
import { creditLineIdOf } from '../../storage/ids';
import type { CreditLineDoc } from '../../storage/models/credit-line.model';
import type { Repositories } from '../../storage/repositories/repositories';
import { LedgerWriter } from '../../ledger/ledger-writer';
import { requestHash } from '../../ledger/request-hash';

/** Opens a credit line: the scorecard sets limit and tier, the ledger's first entry opens it. */
export class CreditLineOpeningService {
  private readonly ledger;

  constructor(private readonly repos: Repositories) {
    this.ledger = new LedgerWriter(repos);
  }

  /** Idempotent per user: the line id and the OPEN entry's key are fixed. */
  async open(
    userId: string,
    inputs: ApplicantInputs,
    statementDay: number,
    now: Date,
  ): Promise<{ line: CreditLineDoc; opened: boolean }> {
    assertStatementDay(statementDay);
    const assessment = assessApplicant(inputs);
    const lineId = creditLineIdOf(userId);
    await this.repos.creditLines.insertOnce({
      _id: lineId,
      userId,
      status: 'PENDING_REVIEW',
      limitMinor: 0,
      usedMinor: 0,
      heldMinor: 0,
      availableMinor: 0,
      installmentFeesOwedMinor: 0,
      interestOwedMinor: 0,
      penaltiesOwedMinor: 0,
      creditBalanceMinor: 0,
      statementDay,
      riskTier: assessment.tier,
      riskScore: assessment.score,
      riskReasons: assessment.topReasons,
      headSequence: 0,
      state: null,
      createdAt: now,
    });
    const command = { type: 'OPEN' as const, limitMinor: assessment.limitMinor, statementDay };
    const outcome = await this.ledger.append({
      lineId,
      command,
      key: 'open',
      requestHash: requestHash(command),
      now,
    });
    const [line] = await this.repos.creditLines.findByIds([lineId]);
    return { line: line!, opened: outcome.status === 'APPLIED' };
  }
}
