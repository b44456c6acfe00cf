import { createHash } from 'node:crypto';
import type { Viewer } from '../auth/token';
import { creditLineIdOf } from '../storage/ids';
import type { PaymentSource, RepaymentDoc } from '../storage/models/repayment.model';
import type { Repositories } from '../storage/repositories/repositories';
import { requireViewer } from './access';
import { BillingService } from './billing.service';
import type { ClockService } from './clock.service';
import { LedgerService } from './ledger.service';
import type { PaymentRail } from './payment-rail';
import { requestHash } from './request-hash';
import { type UserError, userError } from './user-error';

/** STATEMENT: everything billed (incl. overdue, fees, penalties); MINIMUM: what keeps bills current;
 *  AMOUNT: any amount; PAYOFF: everything, unbilled principal too (prepay, plans paid off early). */
export type RepayKind = 'STATEMENT' | 'MINIMUM' | 'AMOUNT' | 'PAYOFF';

export interface RepayInput {
  kind: RepayKind;
  amountMinor?: number | undefined;
  source: PaymentSource;
  idempotencyKey: string;
}

export interface RepayResult {
  repayment: RepaymentDoc | null;
  userErrors: UserError[];
}

export class RepaymentService {
  private readonly ledger;

  constructor(
    private readonly repos: Repositories,
    private readonly clock: ClockService,
    private readonly rail: PaymentRail,
    private readonly viewer: Viewer | undefined,
  ) {
    this.ledger = new LedgerService(repos);
  }

  async repay(input: RepayInput): Promise<RepayResult> {
    const { userId } = requireViewer(this.viewer);
    if (!/^[\w.:-]{8,100}$/.test(input.idempotencyKey)) {
      return fail(
        userError(
          'INVALID_IDEMPOTENCY_KEY',
          'Use 8-100 letters, digits, "-", "_", ".", ":"',
          'idempotencyKey',
        ),
      );
    }
    if (input.kind === 'AMOUNT' && !(Number.isSafeInteger(input.amountMinor) && input.amountMinor! > 0)) {
      return fail(userError('INVALID_AMOUNT', 'AMOUNT repayments need a positive amount', 'amount'));
    }
    if (input.kind !== 'AMOUNT' && input.amountMinor !== undefined) {
      return fail(
        userError('INVALID_AMOUNT', `${input.kind} computes the amount; leave amount empty`, 'amount'),
      );
    }
    const line = await this.repos.creditLines.byId(creditLineIdOf(userId));
    if (!line) return fail(userError('NO_CREDIT_LINE', 'You have no credit line'));

    const key = `${userId}:${input.idempotencyKey}`;
    const id = `rp_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    const hash = requestHash({ kind: input.kind, amountMinor: input.amountMinor, source: input.source });
    const earlier = await this.repos.repayments.byId(id);
    if (earlier) {
      if (earlier.requestHash !== hash) {
        return fail(
          userError('IDEMPOTENCY_KEY_REUSED', 'This key was used for another repayment', 'idempotencyKey'),
        );
      }
      return earlier.status === 'INITIATED' ? this.settle(earlier) : { repayment: earlier, userErrors: [] };
    }

    const amountMinor =
      input.kind === 'AMOUNT' ? input.amountMinor! : await this.amountFor(input.kind, line._id);
    if (amountMinor <= 0)
      return fail(userError('NOTHING_TO_REPAY', 'Nothing is owed for this kind of repayment', 'kind'));
    const repayment: RepaymentDoc = {
      _id: id,
      lineId: line._id,
      userId,
      idempotencyKey: key,
      requestHash: hash,
      kind: input.kind,
      source: input.source,
      amountMinor,
      status: 'INITIATED',
      failureReason: null,
      createdAt: await this.clock.now(),
    };
    if (!(await this.repos.repayments.insertOnce(repayment))) return this.repay(input); // raced: replay
    return this.settle(repayment);
  }

  /** Collects through the rail; only money actually collected reaches the ledger. */
  private async settle(repayment: RepaymentDoc): Promise<RepayResult> {
    const result = await this.rail.collect(repayment);
    if (result.status === 'FAILED') {
      await this.repos.repayments.setStatus(repayment._id, 'FAILED', result.reason);
      return {
        repayment: { ...repayment, status: 'FAILED', failureReason: result.reason },
        userErrors: [userError('PAYMENT_FAILED', `The payment source declined: ${result.reason}`, 'source')],
      };
    }
    const outcome = await this.ledger.append({
      lineId: repayment.lineId,
      command: { type: 'REPAY', repaymentId: repayment._id, amountMinor: repayment.amountMinor },
      key: `repay:${repayment._id}`,
      requestHash: requestHash({ repay: repayment._id, amountMinor: repayment.amountMinor }),
      now: repayment.createdAt,
    });
    if (outcome.status === 'APPLIED')
      await new BillingService(this.repos).applyToBills(repayment.lineId, repayment.amountMinor);
    await this.repos.repayments.setStatus(repayment._id, 'SUCCEEDED', null);
    return { repayment: { ...repayment, status: 'SUCCEEDED' }, userErrors: [] };
  }

  private async amountFor(kind: Exclude<RepayKind, 'AMOUNT'>, lineId: string): Promise<number> {
    const head = (await this.ledger.head(lineId))?.balancesAfter;
    if (!head) return 0;
    const billed =
      head.billedPrincipalMinor + head.overduePrincipalMinor + head.feesOwedMinor + head.penaltiesOwedMinor;
    if (kind === 'PAYOFF') return head.principalMinor + head.feesOwedMinor + head.penaltiesOwedMinor;
    if (kind === 'STATEMENT') return billed;
    // MINIMUM: what is left of each unpaid bill's minimum, plus all of an overdue bill.
    let minimum = 0;
    for (const bill of await this.repos.bills.ofLine(lineId)) {
      if (bill.status === 'OVERDUE') minimum += bill.totalMinor - bill.paidMinor;
      else if (bill.status === 'ISSUED' || bill.status === 'PARTIALLY_PAID')
        minimum += Math.max(0, bill.minimumDueMinor - bill.paidMinor);
    }
    return Math.min(minimum, billed);
  }
}

function fail(error: UserError): RepayResult {
  return { repayment: null, userErrors: [error] };
}
