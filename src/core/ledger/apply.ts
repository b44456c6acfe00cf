import { isPositiveMinor } from '../money';
import { isDueSoonReminderDue } from '../billing/bill-status';
import { composeStatement, firstStatementForPlan, isStatementDue } from '../billing/statement';
import { isInstallmentPeriodCount } from '../installments/fee-rates';
import { refundInstallments } from '../installments/refund';
import { priceInstallments } from '../installments/schedule';
import { type Accrued, accrueDueDays } from '../overdue/penalty';
import {
  type AuthorizationDecision,
  type AuthorizationInput,
  decideAuthorization,
  velocityWindowMinutes,
} from '../policy/decide-authorization';
import type { RefusalReason } from '../policy/refusal-reasons';
import { belowChannelMinimum } from '../policy/channel-policies';
import { releaseQuotaHold, rememberQuotaHold } from './quota-holds';
import { scenarioMonth, scenarioOf } from '../policy/scenario';
import { allocateRepayment } from '../repayment/waterfall';
import { landRepayment, takeReserved } from '../repayment/landing';
import { quoteHoldsDays } from '../repayment/as-asked';
import { countLandedForHeldBills, forgetStaleAwaits } from '../overdue/awaited-repayments';
import { type BusinessDate, businessDate, daysBetween } from '../time/business-date';
import type { AuthorizationRequest, LedgerCommand } from './commands';
import {
  assertLineState,
  dropDone,
  billOwedMinor,
  type BillComponent,
  type BillState,
  InvariantViolation,
  lineFigures,
  type LineState,
  overdueBillsOf,
  owedOn,
  type PlanState,
  unbilledFullMinor,
  upgradeLineState,
} from './line-state';

/** Named outcomes of a refused command, one per rule. */
export const ledgerRejections = [
  'LINE_ALREADY_OPEN',
  'LINE_NOT_OPEN',
  'INVALID_AMOUNT',
  'CAPTURE_EXCEEDS_AUTHORIZATION',
  // Not the authorization's AMOUNT_BELOW_MINIMUM: risk refusals are recorded, a capture's are not.
  'CAPTURE_BELOW_MINIMUM',
  'HOLD_NOT_FOUND',
  'PLAN_NOT_PRICED',
  'STATEMENT_NOT_DUE',
  'NOTHING_TO_BILL',
  'CREDIT_BALANCE_TOO_LOW',
  'CUT_BELOW_USED',
  'LINE_NOT_FROZEN',
  'LINE_STILL_OVERDUE',
  'BILL_NOT_FOUND',
  'REMINDER_NOT_DUE',
  'ASKED_IN_THE_FUTURE',
  'AWAITED_TOO_LATE',
  'REPAYMENT_ALREADY_AWAITED',
  'REPAYMENT_ALREADY_ANSWERED',
] as const;
export type LedgerRejection = (typeof ledgerRejections)[number] | RefusalReason;

/** What an applied command changed besides the line itself: the bills and plans, after. */
export interface Effects {
  bills: BillState[];
  /**
   * Those of `bills` that changed besides their accrual day count (`accruedDays`, `accrualRemainder`,
   * which move on any day a bill owes nothing to accrue on). Absent on entries written before: all.
   */
  billIdsChangedBesidesDayCount?: string[];
  plans: PlanState[];
  accruedPenaltyMinor: number;
  accruedInterestMinor: number;
  penaltyDays: number;
  interestDays: number;
  billsGoneOverdue: string[];
  creditAppliedMinor: number;
  /** Unbilled installment fees a refund wrote off. */
  feeWrittenOffMinor: number;
  /** What a landed repayment left on the credit balance, more than was owed (REPAY; absent: none). */
  creditBalanceAddedMinor?: number;
  /** What a landed repayment prepaid of FULL charges not billed yet (REPAY; absent: none). */
  unbilledPrepaidMinor?: number;
}

/** An authorization decision with the inputs it was made from (automated decisions are explainable). */
export type RecordedDecision = AuthorizationDecision & { inputs: AuthorizationInput };

export type ApplyResult =
  | { ok: true; state: LineState; amountMinor: number; effects: Effects; decision?: RecordedDecision }
  | { ok: false; rejection: LedgerRejection; decision?: RecordedDecision };

/** More than any channel's velocity limit, so the rule always sees the whole window. */
const maxRecentAuthorizations = 50;

/** The anomaly rule's "typical purchase": median of the last 20 approved amounts, once there are 5. */
const typicalAmountSample = 20;
function typicalAmount(amounts: readonly number[]): number | undefined {
  if (amounts.length < 5) return undefined;
  return [...amounts].sort((a, b) => a - b)[Math.floor(amounts.length / 2)];
}

/** The risk inputs a line's own history supplies (status, credit, velocity, typical amount, quota). */
export type LineRiskInputs = Pick<
  AuthorizationInput,
  | 'lineStatus'
  | 'availableMinor'
  | 'authorizationsInVelocityWindow'
  | 'typicalAmountMinor'
  | 'scenarioUsedThisMonthMinor'
>;

/** What the head says about the line for an authorization at `now`; one source for real and what-if decisions. */
export function lineRiskInputs(head: LineState, request: AuthorizationRequest, now: Date): LineRiskInputs {
  const scenario = scenarioOf(request.channel, request.categories);
  return {
    lineStatus: head.status,
    availableMinor: lineFigures(head).availableMinor,
    authorizationsInVelocityWindow: authorizationsInWindow(head, now).length,
    typicalAmountMinor: typicalAmount(head.recentAmountsMinor),
    scenarioUsedThisMonthMinor:
      head.scenarioUsage.find((usage) => usage.scenario === scenario && usage.month === scenarioMonth(now))
        ?.usedMinor ?? 0,
  };
}

function authorizationsInWindow(head: LineState, now: Date): number[] {
  const windowStart = now.getTime() - velocityWindowMinutes * 60_000;
  return head.recentAuthorizationsAt.filter((at) => at > windowStart);
}

const reject = (rejection: LedgerRejection, decision?: RecordedDecision): ApplyResult => ({
  ok: false,
  rejection,
  ...(decision ? { decision } : {}),
});

/** Money on account pays what bills owe, by the waterfall (billed amounts only); returns what is left. */
function payBillsFrom(state: LineState, amountMinor: number): number {
  if (amountMinor <= 0 || !state.bills.some((bill) => billOwedMinor(bill) > 0)) return amountMinor;
  return allocateRepayment(state, amountMinor, { prepayUnbilled: false }).unallocatedMinor;
}

/**
 * The settlement state machine: head state + command + now -> new state or one named rejection.
 * Pure: no I/O, no clock. Time never goes back. Every command first brings bills up to `now`
 * (overdue status, penalties, interest); afterwards a credit balance pays what bills owe, and bills
 * and plans that are done leave the head (their final state is in the effects).
 */
export function applyCommand(head: LineState | null, command: LedgerCommand, now: Date): ApplyResult {
  const today = businessDate(now);
  if (command.type === 'OPEN') {
    if (head) return reject('LINE_ALREADY_OPEN');
    if (!isPositiveMinor(command.limitMinor)) return reject('INVALID_AMOUNT');
    const opened: LineState = {
      status: 'ACTIVE',
      limitMinor: command.limitMinor,
      statementDay: command.statementDay,
      openedOn: today,
      lastStatementDate: null,
      lastAt: now.getTime(),
      heldMinor: 0,
      creditBalanceMinor: 0,
      unbilledCharges: [],
      plans: [],
      bills: [],
      onTimeStreak: 0,
      onTimeBillsTotal: 0,
      raisesInStreak: 0,
      recentAuthorizationsAt: [],
      recentAmountsMinor: [],
      scenarioUsage: [],
      settledOverdueBillsUncut: [],
    };
    return finish(null, opened, command.limitMinor, noAccrual());
  }
  if (!head) return reject('LINE_NOT_OPEN');
  assertLineState(head);
  if (now.getTime() < head.lastAt) {
    throw new InvariantViolation(
      `time went back: ${now.toISOString()} before ${new Date(head.lastAt).toISOString()}`,
    );
  }
  const state = upgradeLineState(structuredClone(head));
  state.lastAt = now.getTime();
  forgetStaleAwaits(state, today);
  const accrued = accrueDueDays(state, today);

  switch (command.type) {
    case 'AUTHORIZE': {
      if (!isPositiveMinor(command.amountMinor)) return reject('INVALID_AMOUNT');
      const inputs: AuthorizationInput = {
        ...command.request,
        ...lineRiskInputs(state, command.request, now),
        amountMinor: command.amountMinor,
      };
      const decision: RecordedDecision = { ...decideAuthorization(inputs, now), inputs };
      if (!decision.approved) return reject(decision.reason!, decision);
      state.heldMinor += command.amountMinor;
      state.recentAuthorizationsAt = [...authorizationsInWindow(state, now), now.getTime()].slice(
        -maxRecentAuthorizations,
      );
      state.recentAmountsMinor = [...state.recentAmountsMinor, command.amountMinor].slice(
        -typicalAmountSample,
      );
      const scenario = scenarioOf(command.request.channel, command.request.categories);
      if (scenario) {
        const month = scenarioMonth(now);
        const usage = state.scenarioUsage.find((u) => u.scenario === scenario && u.month === month);
        // Only this month's usage matters; older months drop off.
        state.scenarioUsage = [
          ...state.scenarioUsage.filter((u) => u.month === month && u.scenario !== scenario),
          { scenario, month, usedMinor: (usage?.usedMinor ?? 0) + command.amountMinor },
        ];
        rememberQuotaHold(state, {
          authorizationId: command.authorizationId,
          scenario,
          month,
          amountMinor: command.amountMinor,
        });
      }
      return finish(head, state, command.amountMinor, accrued, decision);
    }
    case 'CAPTURE': {
      if (!isPositiveMinor(command.captureMinor)) return reject('INVALID_AMOUNT');
      if (command.captureMinor > command.authorizedMinor) return reject('CAPTURE_EXCEEDS_AUTHORIZATION');
      // A whole capture met the minimum when authorized; the part of one must meet it too.
      if (
        command.captureMinor < command.authorizedMinor &&
        belowChannelMinimum(command.channel, command.captureMinor)
      )
        return reject('CAPTURE_BELOW_MINIMUM');
      if (state.heldMinor < command.authorizedMinor) return reject('HOLD_NOT_FOUND');
      // Partial capture releases the rest of the hold, and gives its part of a scenario quota back.
      state.heldMinor -= command.authorizedMinor;
      releaseQuotaHold(state, command.authorizationId, command.authorizedMinor - command.captureMinor);
      if (command.plan === 'INSTALLMENTS') {
        if (command.periods === undefined || !isInstallmentPeriodCount(command.periods) || !command.tier) {
          return reject('PLAN_NOT_PRICED');
        }
        const offer = priceInstallments(command.captureMinor, command.periods, command.tier);
        state.plans.push({
          planId: planIdOf(command.orderId),
          chargeId: command.authorizationId,
          orderId: command.orderId,
          periods: command.periods,
          tier: command.tier,
          feeRateBpsPerPeriod: offer.feeRateBpsPerPeriod,
          totalFeeMinor: offer.totalFeeMinor,
          annualizedRateBps: offer.annualizedRateBps,
          firstStatementDate: firstStatementForPlan(state, today),
          schedule: offer.schedule,
          remaining: offer.schedule,
          billedPeriods: 0,
          feeWrittenOffMinor: 0,
          status: 'ACTIVE',
        });
      } else {
        state.unbilledCharges.push({
          chargeId: command.authorizationId,
          ref: command.orderId,
          amountMinor: command.captureMinor,
          capturedOn: today,
        });
      }
      return finish(head, state, command.captureMinor, accrued);
    }
    case 'VOID': {
      if (state.heldMinor < command.authorizedMinor) return reject('HOLD_NOT_FOUND');
      state.heldMinor -= command.authorizedMinor;
      // A voided top-up never happened: its scenario quota is given back.
      releaseQuotaHold(state, command.authorizationId, command.authorizedMinor);
      return finish(head, state, command.authorizedMinor, accrued);
    }
    case 'REFUND': {
      if (!isPositiveMinor(command.amountMinor)) return reject('INVALID_AMOUNT');
      let left = command.amountMinor;
      let feeWrittenOffMinor = 0;
      if (command.plan === 'INSTALLMENTS') {
        const plan = state.plans.find((candidate) => candidate.chargeId === command.chargeId);
        if (plan) {
          const planRefund = refundPlan(plan, left);
          left = planRefund.excessMinor;
          feeWrittenOffMinor = planRefund.feeWrittenOffMinor;
        }
      } else {
        const charge = state.unbilledCharges.find((candidate) => candidate.chargeId === command.chargeId);
        if (charge) {
          const take = Math.min(left, charge.amountMinor);
          charge.amountMinor -= take;
          left -= take;
        }
      }
      left = creditBillItems(state, command.chargeId, left);
      // Already paid: the money goes back to the customer's credit balance.
      state.creditBalanceMinor += left;
      return finish(head, state, command.amountMinor, { ...accrued, feeWrittenOffMinor });
    }
    case 'ISSUE_BILL': {
      if (!isStatementDue(state, command.statementDate, today)) return reject('STATEMENT_NOT_DUE');
      const bill = composeStatement(state, command.billId, command.statementDate, today);
      if (!bill) return reject('NOTHING_TO_BILL');
      state.bills.push(bill);
      const billedMinor =
        bill.billed.FULL_PAY_PRINCIPAL + bill.billed.INSTALLMENT_PRINCIPAL + bill.billed.INSTALLMENT_FEES;
      return finish(head, state, billedMinor, accrued);
    }
    case 'RESERVE_CREDIT': {
      if (!isPositiveMinor(command.amountMinor)) return reject('INVALID_AMOUNT');
      if (command.amountMinor > state.creditBalanceMinor) return reject('CREDIT_BALANCE_TOO_LOW');
      state.creditBalanceMinor -= command.amountMinor;
      state.reservedCreditMinor = (state.reservedCreditMinor ?? 0) + command.amountMinor;
      return finish(head, state, command.amountMinor, accrued);
    }
    case 'AWAIT_REPAYMENT': {
      const refusal = awaitRefusal(state, command, today);
      if (refusal) return reject(refusal);
      const { askedOn, repayment } = command;
      state.awaitedRepayments = [...(state.awaitedRepayments ?? []), { askedOn, repayment }];
      return finish(head, state, repayment.amountMinor, accrued);
    }
    case 'REPAY': {
      const balanceBeforeMinor = state.creditBalanceMinor;
      const unbilledBeforeMinor = unbilledFullMinor(state);
      const leftMinor = landRepayment(state, command, today);
      if (leftMinor === null) return reject('INVALID_AMOUNT');
      countLandedForHeldBills(state, command.repaymentId);
      state.creditBalanceMinor += leftMinor;
      const landed = finish(
        head,
        state,
        command.amountMinor,
        stopAwaiting(state, command.repaymentId, today, accrued),
      );
      if (!landed.ok) return landed;
      // Money beyond what the bills owed (paid twice, a refund): the shopper is told where it went.
      const addedMinor = landed.state.creditBalanceMinor - balanceBeforeMinor;
      if (addedMinor > 0) landed.effects.creditBalanceAddedMinor = addedMinor;
      const prepaidMinor = unbilledBeforeMinor - unbilledFullMinor(landed.state);
      if (prepaidMinor > 0) landed.effects.unbilledPrepaidMinor = prepaidMinor;
      return landed;
    }
    case 'DECLINE_REPAYMENT': {
      if (!isPositiveMinor(command.amountMinor)) return reject('INVALID_AMOUNT');
      // No money moves (the entry shows the amount attempted); what was set aside is balance again.
      const reservedMinor = takeReserved(state, command.reservedCreditMinor ?? 0);
      if (reservedMinor === null) return reject('INVALID_AMOUNT');
      state.creditBalanceMinor += reservedMinor;
      return finish(
        head,
        state,
        command.amountMinor,
        stopAwaiting(state, command.repaymentId, today, accrued),
      );
    }
    case 'REMIND_DUE_SOON': {
      const bill = state.bills.find((candidate) => candidate.billId === command.billId);
      if (!bill) return reject('BILL_NOT_FOUND');
      if (!isDueSoonReminderDue(bill, today)) return reject('REMINDER_NOT_DUE');
      bill.dueSoonRemindedOn = today;
      return finish(head, state, 0, accrued);
    }
    case 'ACCRUE':
      return finish(head, state, accrued.penaltyMinor + accrued.interestMinor, accrued);
    case 'PAY_OUT_CREDIT': {
      if (!isPositiveMinor(command.amountMinor)) return reject('INVALID_AMOUNT');
      if (command.amountMinor > state.creditBalanceMinor) return reject('CREDIT_BALANCE_TOO_LOW');
      state.creditBalanceMinor -= command.amountMinor;
      return finish(head, state, command.amountMinor, accrued);
    }
    case 'REVERSE_PAYOUT': {
      if (!isPositiveMinor(command.amountMinor)) return reject('INVALID_AMOUNT');
      state.creditBalanceMinor += command.amountMinor;
      return finish(head, state, command.amountMinor, accrued);
    }
    case 'REVIEW_LIMIT': {
      if (command.action === 'FREEZE') {
        state.status = 'FROZEN';
        return finish(head, state, 0, accrued);
      }
      const cuts =
        command.action === 'CUT' || (command.action === 'UNFREEZE' && command.billId !== undefined);
      if (command.action === 'UNFREEZE') {
        if (state.status !== 'FROZEN') return reject('LINE_NOT_FROZEN');
        // Decided on a state read before this head (a payment's, a review's): the head decides.
        if (overdueBillsOf(state).length > 0) return reject('LINE_STILL_OVERDUE');
        if (!cuts) {
          state.status = 'ACTIVE';
          return finish(head, state, 0, accrued);
        }
      }
      if (!isPositiveMinor(command.newLimitMinor)) return reject('INVALID_AMOUNT');
      // A cut never goes below what is already used (principal and open holds).
      if (command.newLimitMinor < lineFigures(state).principalMinor + state.heldMinor)
        return reject('CUT_BELOW_USED');
      state.limitMinor = command.newLimitMinor;
      if (command.action === 'UNFREEZE') state.status = 'ACTIVE';
      if (command.action === 'RAISE') state.raisesInStreak += 1;
      if (cuts) {
        const bill = state.bills.find((b) => b.billId === command.billId);
        if (bill) bill.limitCutDone = true;
        state.settledOverdueBillsUncut = state.settledOverdueBillsUncut.filter(
          (settled) => settled.billId !== command.billId,
        );
      }
      return finish(head, state, command.newLimitMinor, accrued);
    }
  }
}

export function planIdOf(orderId: string): string {
  return `plan_${orderId}`;
}

/**
 * Refund against a plan: re-amortizes (or cancels) its unbilled periods, unbilled fees written off
 * pro rata. Returns what exceeds the unbilled principal (for its billed periods).
 */
function refundPlan(
  plan: PlanState,
  amountMinor: number,
): { excessMinor: number; feeWrittenOffMinor: number } {
  const unbilledCount = plan.remaining.filter((period) => period.index > plan.billedPeriods).length;
  if (unbilledCount === 0) return { excessMinor: amountMinor, feeWrittenOffMinor: 0 };
  const result = refundInstallments(plan.remaining, plan.billedPeriods, amountMinor);
  plan.remaining = [...plan.remaining.slice(0, plan.billedPeriods), ...result.remainingSchedule];
  plan.feeWrittenOffMinor += result.feeWrittenOffMinor;
  if (result.cancelled) plan.status = 'CANCELLED';
  return { excessMinor: result.excessMinor, feeWrittenOffMinor: result.feeWrittenOffMinor };
}

/** Credits a refund against the charge's principal items on bills, oldest first, up to what each owes. */
function creditBillItems(state: LineState, chargeId: string, amountMinor: number): number {
  let left = amountMinor;
  for (const bill of state.bills) {
    for (const item of bill.items) {
      if (left === 0) return 0;
      if (item.chargeId !== chargeId || item.kind === 'INSTALLMENT_FEE') continue;
      const component: BillComponent =
        item.kind === 'PURCHASE' ? 'FULL_PAY_PRINCIPAL' : 'INSTALLMENT_PRINCIPAL';
      const take = Math.min(left, item.amountMinor - item.creditedMinor, owedOn(bill, component));
      item.creditedMinor += take;
      bill.credited[component] += take;
      left -= take;
    }
  }
  return left;
}

function awaitRefusal(
  state: LineState,
  { askedOn, repayment }: Extract<LedgerCommand, { type: 'AWAIT_REPAYMENT' }>,
  today: BusinessDate,
): LedgerRejection | null {
  if (!isPositiveMinor(repayment.amountMinor)) return 'INVALID_AMOUNT';
  if (daysBetween(askedOn, today) < 0) return 'ASKED_IN_THE_FUTURE';
  // Its 7 days are over: it would hold nothing.
  if (daysBetween(askedOn, today) > quoteHoldsDays) return 'AWAITED_TOO_LATE';
  if (awaitedIndex(state, repayment.repaymentId) >= 0) return 'REPAYMENT_ALREADY_AWAITED';
  // A "later" that lost a race with the source's answer (a retry and a due-jobs run at once).
  if (state.repaymentsAnswered?.some((answered) => answered.repaymentId === repayment.repaymentId))
    return 'REPAYMENT_ALREADY_ANSWERED';
  return null;
}

function awaitedIndex(state: LineState, repaymentId: string): number {
  return (state.awaitedRepayments ?? []).findIndex(
    (awaited) => awaited.repayment.repaymentId === repaymentId,
  );
}

/**
 * A repayment answered (landed or declined): the bills it or its money no longer holds (one it
 * brought to its minimum; one declined) are judged at once, in its own entry, as if it had never
 * been asked (the day's `ACCRUE` may be written already). Returns the entry's accruals.
 */
function stopAwaiting(state: LineState, repaymentId: string, today: BusinessDate, accrued: Accrued): Accrued {
  const index = awaitedIndex(state, repaymentId);
  if (index >= 0) {
    state.awaitedRepayments = state.awaitedRepayments!.filter((_, at) => at !== index);
    if (state.awaitedRepayments.length === 0) delete state.awaitedRepayments;
  }
  // Its "later" may still come (two asks of the source racing): it is refused then.
  state.repaymentsAnswered = [...(state.repaymentsAnswered ?? []), { repaymentId, on: today }];
  const judged = accrueDueDays(state, today);
  return {
    penaltyMinor: accrued.penaltyMinor + judged.penaltyMinor,
    interestMinor: accrued.interestMinor + judged.interestMinor,
    penaltyDays: accrued.penaltyDays + judged.penaltyDays,
    interestDays: accrued.interestDays + judged.interestDays,
    billsGoneOverdue: [...accrued.billsGoneOverdue, ...judged.billsGoneOverdue],
  };
}

function noAccrual(): Accrued & { feeWrittenOffMinor?: number } {
  return { penaltyMinor: 0, interestMinor: 0, penaltyDays: 0, interestDays: 0, billsGoneOverdue: [] };
}

/**
 * Common end of every applied command: a credit balance pays what bills owe, finished bills and
 * plans leave the head, and the effects list what changed.
 */
function finish(
  head: LineState | null,
  state: LineState,
  amountMinor: number,
  accrued: Accrued & { feeWrittenOffMinor?: number },
  decision?: RecordedDecision,
): ApplyResult {
  const balanceMinor = state.creditBalanceMinor;
  state.creditBalanceMinor = payBillsFrom(state, balanceMinor);
  let creditAppliedMinor = balanceMinor - state.creditBalanceMinor;
  // Balance set aside for a pending repayment still pays bills (that repayment would pay them
  // first too): a bill cut while the source has not answered does not go overdue for want of it.
  const reservedMinor = state.reservedCreditMinor ?? 0;
  if (reservedMinor > 0) {
    state.reservedCreditMinor = payBillsFrom(state, reservedMinor);
    creditAppliedMinor += reservedMinor - state.reservedCreditMinor;
  }
  const before = new Map((head?.bills ?? []).map((bill) => [bill.billId, bill]));
  const bills = state.bills.filter((bill) => !same(bill, before.get(bill.billId)));
  const billIdsChangedBesidesDayCount = bills
    .filter((bill) => !same(withoutDayCount(bill), withoutDayCount(before.get(bill.billId))))
    .map((bill) => bill.billId);
  const plansBefore = new Map((head?.plans ?? []).map((plan) => [plan.planId, plan]));
  const plans = state.plans.filter((plan) => !same(plan, plansBefore.get(plan.planId)));
  for (const bill of state.bills) {
    // A held bill paid off by other money is not judged yet: it stays until it is.
    if (billOwedMinor(bill) > 0 || bill.held) continue;
    if (!bill.overdue) {
      state.onTimeStreak += 1;
      state.onTimeBillsTotal += 1;
    } else if (!bill.limitCutDone) {
      const { billId, statementDate, dueDate } = bill;
      state.settledOverdueBillsUncut.push({ billId, statementDate, dueDate });
    }
  }
  dropDone(state);
  assertLineState(state);
  return {
    ok: true,
    state,
    amountMinor,
    effects: {
      bills,
      billIdsChangedBesidesDayCount,
      plans,
      creditAppliedMinor,
      accruedPenaltyMinor: accrued.penaltyMinor,
      accruedInterestMinor: accrued.interestMinor,
      penaltyDays: accrued.penaltyDays,
      interestDays: accrued.interestDays,
      billsGoneOverdue: accrued.billsGoneOverdue,
      feeWrittenOffMinor: accrued.feeWrittenOffMinor ?? 0,
    },
    ...(decision ? { decision } : {}),
  };
}

/** A bill without the accrual day count a day moves even when nothing accrues. */
function withoutDayCount(
  bill: BillState | undefined,
): Omit<BillState, 'accruedDays' | 'accrualRemainder'> | undefined {
  if (!bill) return undefined;
  const { accruedDays: _days, accrualRemainder: _remainder, ...rest } = bill;
  return rest;
}

/** Structural equality of plain state (what JSON would store). */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
