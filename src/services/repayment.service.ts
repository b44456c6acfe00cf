import { createHash } from 'node:crypto';
import { isOpenBill } from '../core/billing/bill-payments';
import type { Viewer } from '../auth/token';
import { creditLineIdOf } from '../storage/ids';
import type { InstallmentPlanDoc } from '../storage/models/installment-plan.model';
import type { PaymentSource, RepaymentDoc } from '../storage/models/repayment.model';
import type { Repositories } from '../storage/repositories/repositories';
import { requireViewer } from './access';
import { BillingService } from './billing.service';
import type { ClockService } from './clock.service';
import { LedgerService } from './ledger.service';
import type { PaymentRail } from './payment-rail';
import { requestHash } from './request-hash';
import { idempotencyKeyError, type UserError, userError } from './user-error';

/** STATEMENT: everything billed (incl. overdue, fees, penalties); MINIMUM: what keeps bills current;
 *  AMOUNT: any amount; PAYOFF: everything, unbilled principal too (prepay);
 *  PLAN_PAYOFF: everything billed plus one plan's unbilled principal (its unbilled fees are waived). */
export type RepayKind = 'STATEMENT' | 'MINIMUM' | 'AMOUNT' | 'PAYOFF' | 'PLAN_PAYOFF';

export interface RepayInput {
  kind: RepayKind;
  amountMinor?: number | undefined;
  /** For PLAN_PAYOFF: the installment plan to pay off. */
  planId?: string | undefined;
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
    const keyError = idempotencyKeyError(input.idempotencyKey);
    if (keyError) return fail(keyError);
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
    let plan: InstallmentPlanDoc | undefined;
    if (input.kind === 'PLAN_PAYOFF') {
      plan = input.planId ? await this.repos.installmentPlans.byId(input.planId) : undefined;
      if (!plan || plan.lineId !== line._id || plan.status !== 'ACTIVE') {
        return fail(
          userError('PLAN_NOT_FOUND', 'Give the id of one of your active installment plans', 'planId'),
        );
      }
    }

    const key = `${userId}:${input.idempotencyKey}`;
    const id = `rp_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
    const hash = requestHash({
      kind: input.kind,
      amountMinor: input.amountMinor,
      source: input.source,
      planId: input.planId,
    });
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
      input.kind === 'AMOUNT' ? input.amountMinor! : await this.amountFor(input.kind, line._id, plan);
    if (amountMinor <= 0)
      return fail(userError('NOTHING_TO_REPAY', 'Nothing is owed for this kind of repayment', 'kind'));
    const repayment: RepaymentDoc = {
      _id: id,
      lineId: line._id,
      userId,
      idempotencyKey: key,
      requestHash: hash,
      kind: input.kind,
      planId: plan?._id ?? null,
      source: input.source,
      amountMinor,
      status: 'INITIATED',
      failureReason: null,
      createdAt: await this.clock.now(),
    };
    if (!(await this.repos.repayments.insertOnce(repayment))) return this.repay(input); // raced: replay
    return this.settle(repayment);
  }

  /** Asks the rail again about repayments it had not confirmed (a due job). Returns how many settled. */
  async confirmPending(): Promise<number> {
    let settled = 0;
    for (const repayment of await this.repos.repayments.initiated(500)) {
      if ((await this.settle(repayment)).repayment?.status !== 'INITIATED') settled += 1;
    }
    return settled;
  }

  /** Collects through the rail; only money actually collected reaches the ledger. */
  private async settle(repayment: RepaymentDoc): Promise<RepayResult> {
    const result = await this.rail.collect(repayment);
    if (result.status === 'PENDING') return { repayment, userErrors: [] };
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
    if (outcome.status === 'APPLIED') {
      await new BillingService(this.repos).applyToBills(repayment.lineId, repayment.amountMinor);
    }
    // Idempotent (it checks the plan's status), so a replay after a crash completes it too.
    if (outcome.status !== 'REJECTED' && repayment.planId) await this.payOffPlan(repayment.planId);
    await this.repos.repayments.setStatus(repayment._id, 'SUCCEEDED', null);
    return { repayment: { ...repayment, status: 'SUCCEEDED' }, userErrors: [] };
  }

  /** The plan's unbilled periods are gone: their principal was repaid, their fees are waived. */
  private async payOffPlan(planId: string): Promise<void> {
    const plan = await this.repos.installmentPlans.byId(planId);
    if (!plan || plan.status !== 'ACTIVE') return;
    const unbilled = plan.remaining.filter((period) => period.index > plan.billedPeriods);
    await this.repos.installmentPlans.applyRefund(plan._id, {
      remaining: plan.remaining.filter((period) => period.index <= plan.billedPeriods),
      feeWrittenOffMinor:
        plan.feeWrittenOffMinor + unbilled.reduce((sum, period) => sum + period.feeMinor, 0),
      status: 'PAID_OFF',
      refundsApplied: plan.refundsApplied,
    });
  }

  private async amountFor(
    kind: Exclude<RepayKind, 'AMOUNT'>,
    lineId: string,
    plan?: InstallmentPlanDoc,
  ): Promise<number> {
    const head = (await this.ledger.head(lineId))?.balancesAfter;
    if (!head) return 0;
    const billed =
      head.billedPrincipalMinor + head.overduePrincipalMinor + head.feesOwedMinor + head.penaltiesOwedMinor;
    if (kind === 'PAYOFF') return head.principalMinor + head.feesOwedMinor + head.penaltiesOwedMinor;
    if (kind === 'STATEMENT') return billed;
    if (kind === 'PLAN_PAYOFF') {
      // The waterfall pays everything billed first, so the payoff covers that and then the plan.
      const planUnbilled = plan!.remaining
        .filter((period) => period.index > plan!.billedPeriods)
        .reduce((sum, period) => sum + period.principalMinor, 0);
      return billed + planUnbilled;
    }
    // MINIMUM: what is left of each unpaid bill's minimum, plus all of an overdue bill.
    let minimum = 0;
    for (const bill of await this.repos.bills.ofLine(lineId)) {
      if (bill.status === 'OVERDUE') minimum += bill.totalMinor - bill.paidMinor;
      else if (isOpenBill(bill.status)) minimum += Math.max(0, bill.minimumDueMinor - bill.paidMinor);
    }
    return Math.min(minimum, billed);
  }
}

function fail(error: UserError): RepayResult {
  return { repayment: null, userErrors: [error] };
}
