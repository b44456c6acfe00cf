import { applyCommand, type ApplyResult } from '../../../src/core/ledger/apply';
import type { LedgerCommand } from '../../../src/core/ledger/commands';
import {
  billOwedMinor,
  type BillState,
  currentBillOf,
  InvariantViolation,
  lineFigures,
  type LineState,
  owedOn,
} from '../../../src/core/ledger/line-state';
import { billStatus, remainingMinimumMinor } from '../../../src/core/billing/bill-status';
import {
  type AmountDue,
  amountDue,
  amountDueOn,
  amountRepayableOn,
  amountsDueOn,
} from '../../../src/core/repayment/amount-due';
import { accrualDue, stateAt } from '../../../src/core/overdue/penalty';
import { canHoldBillDueOn, confirmedInTimeBy } from '../../../src/core/overdue/awaited-repayments';
import { accrualBefore } from '../../../src/core/ledger/accrual-before';
import { limitReviewFor } from '../../../src/core/risk/limit-review';

/** Every bill component at 0.00 (amounts per component). */
const noComponents = {
  PENALTIES: 0,
  INTEREST: 0,
  INSTALLMENT_FEES: 0,
  FULL_PAY_PRINCIPAL: 0,
  INSTALLMENT_PRINCIPAL: 0,
};

/** Business time at noon China Standard Time on a date. */
const at = (date: string) => new Date(`${date}T04:00:00Z`);

/** A line driven through dated commands; every command must apply. */
class Line {
  state: LineState | null = null;
  /** Final states of bills that left the head (paid, settled). */
  readonly closedBills = new Map<string, BillState>();
  last!: Extract<ApplyResult, { ok: true }>;

  do(date: string, command: LedgerCommand): this {
    const result = applyCommand(this.state, command, at(date));
    if (!result.ok) throw new Error(`rejected ${command.type} on ${date}: ${result.rejection}`);
    for (const bill of result.effects.bills) this.closedBills.set(bill.billId, bill);
    this.state = result.state;
    this.last = result;
    return this;
  }

  try(date: string, command: LedgerCommand): ApplyResult {
    return applyCommand(this.state, command, at(date));
  }

  /** The bill as it stands (open in the head, or its final state). */
  bill(billId: string): BillState {
    return this.state!.bills.find((bill) => bill.billId === billId) ?? this.closedBills.get(billId)!;
  }

  get figures() {
    return lineFigures(this.state!);
  }

  buy(
    date: string,
    id: string,
    amountMinor: number,
    plan: 'FULL' | 'INSTALLMENTS' = 'FULL',
    periods?: number,
  ): this {
    this.do(date, {
      type: 'AUTHORIZE',
      authorizationId: id,
      amountMinor,
      request: { channel: 'MALL', categories: ['HOME'], plan, ...(periods ? { periods } : {}) },
    });
    return this.do(date, {
      type: 'CAPTURE',
      authorizationId: id,
      authorizedMinor: amountMinor,
      captureMinor: amountMinor,
      plan,
      orderId: `o_${id}`,
      ...(plan === 'INSTALLMENTS' ? { periods, tier: 'B' as const } : {}),
    });
  }

  /** Cuts the statement of `date`, on `cutOn` (a scheduler may run late). */
  statement(date: string, cutOn = date): this {
    return this.do(cutOn, { type: 'ISSUE_BILL', billId: `b:${date}`, statementDate: date });
  }

  repay(date: string, amountMinor: number, payOffPlanIds: string[] = []): this {
    return this.do(date, {
      type: 'REPAY',
      repaymentId: `r:${date}:${amountMinor}`,
      amountMinor,
      payOffPlanIds,
    });
  }

  refund(date: string, chargeId: string, amountMinor: number, plan: 'FULL' | 'INSTALLMENTS' = 'FULL'): this {
    return this.do(date, {
      type: 'REFUND',
      refundId: `${chargeId}:${date}:${amountMinor}`,
      chargeId,
      plan,
      amountMinor,
    });
  }

  accrue(date: string): this {
    return this.do(date, { type: 'ACCRUE', day: date });
  }
}

/** Opened 2030-01-10, statement day 5 (due the 14th), limit 10,000.00 CNY. */
const opened = () => new Line().do('2030-01-10', { type: 'OPEN', limitMinor: 1_000_000, statementDay: 5 });

/** Opened as above: a1 50.00 FULL and a2 1,200.00 over 12 (tier B) billed 02-05; a3 20.00 FULL bought 02-08. */
const billedWithPlan = () =>
  opened()
    .buy('2030-01-20', 'a1', 5_000)
    .buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12)
    .statement('2030-02-05')
    .buy('2030-02-08', 'a3', 2_000);

describe('ledger state machine: holds', () => {
  test('authorize holds, capture moves the hold to principal, partial capture releases the rest', () => {
    const line = opened().do('2030-01-20', {
      type: 'AUTHORIZE',
      authorizationId: 'a1',
      amountMinor: 30_000,
      request: { channel: 'MALL', categories: ['HOME'], plan: 'FULL' },
    });
    expect(line.figures).toMatchObject({ heldMinor: 30_000, principalMinor: 0, availableMinor: 970_000 });
    line.do('2030-01-21', {
      type: 'CAPTURE',
      authorizationId: 'a1',
      authorizedMinor: 30_000,
      captureMinor: 25_000,
      plan: 'FULL',
      orderId: 'o1',
      channel: 'MALL',
    });
    // 10,000.00 - 250.00 captured; the other 50.00 of the hold is released.
    expect(line.figures).toMatchObject({ heldMinor: 0, principalMinor: 25_000, availableMinor: 975_000 });
  });

  test('capture above the hold and a second capture of a resolved hold are refused by name', () => {
    const line = opened().do('2030-01-20', {
      type: 'AUTHORIZE',
      authorizationId: 'a1',
      amountMinor: 30_000,
      request: { channel: 'MALL', categories: ['HOME'], plan: 'FULL' },
    });
    const capture = (captureMinor: number): LedgerCommand => ({
      type: 'CAPTURE',
      authorizationId: 'a1',
      authorizedMinor: 30_000,
      captureMinor,
      plan: 'FULL',
      orderId: 'o1',
    });
    expect(line.try('2030-01-20', capture(30_001))).toMatchObject({
      ok: false,
      rejection: 'CAPTURE_EXCEEDS_AUTHORIZATION',
    });
    line.do('2030-01-20', { type: 'VOID', authorizationId: 'a1', authorizedMinor: 30_000 });
    expect(line.try('2030-01-20', capture(30_000))).toMatchObject({ ok: false, rejection: 'HOLD_NOT_FOUND' });
  });

  test("a partial capture must meet the hold's channel minimum; a whole one was checked when authorized", () => {
    // The installment store takes at least 300.00 (channel policy): a plan priced on a few fen would
    // carry a rate far from its offer.
    const held = () =>
      opened().do('2030-01-20', {
        type: 'AUTHORIZE',
        authorizationId: 'a1',
        amountMinor: 100_000,
        request: {
          channel: 'INSTALLMENT_STORE',
          categories: ['ELECTRONICS'],
          plan: 'INSTALLMENTS',
          periods: 12,
        },
      });
    const line = held();
    const capture = (captureMinor: number, channel?: string): LedgerCommand => ({
      type: 'CAPTURE',
      authorizationId: 'a1',
      authorizedMinor: 100_000,
      captureMinor,
      plan: 'INSTALLMENTS',
      orderId: 'o1',
      periods: 12,
      tier: 'A',
      ...(channel ? { channel } : {}),
    });
    for (const refused of [
      capture(29_999, 'INSTALLMENT_STORE'),
      capture(30_000),
      capture(30_000, 'NO_SUCH'),
    ]) {
      expect(line.try('2030-01-21', refused)).toEqual({ ok: false, rejection: 'CAPTURE_BELOW_MINIMUM' });
    }
    // 300.00 of the 1,000.00 held: the plan is priced on 300.00 and the other 700.00 released.
    line.do('2030-01-21', capture(30_000, 'INSTALLMENT_STORE'));
    expect(line.figures).toMatchObject({ heldMinor: 0, principalMinor: 30_000 });
    // A whole capture carries no channel (entries written before did not): it is not judged again.
    const whole = held();
    whole.do('2030-01-21', capture(100_000));
    expect(whole.figures).toMatchObject({ heldMinor: 0, principalMinor: 100_000 });
  });

  test('a voided top-up gives its quota back, and so does the part of one a partial capture releases', () => {
    const topUp = (authorizationId: string, amountMinor: number): LedgerCommand => ({
      type: 'AUTHORIZE',
      authorizationId,
      amountMinor,
      request: { channel: 'MALL', categories: ['TOP_UP'], plan: 'FULL' },
    });
    // The mall's top-up products count in the month's PHONE_TOPUP quota is 500.00: one top-up of 500.00 uses it all.
    const line = opened().do('2030-01-20', topUp('t1', 50_000));
    expect(line.try('2030-01-20', topUp('t2', 1_000))).toMatchObject({
      ok: false,
      rejection: 'SCENARIO_QUOTA_EXCEEDED',
    });
    // Voided (the phone was never topped up): the 500.00 is free again.
    line.do('2030-01-20', { type: 'VOID', authorizationId: 't1', authorizedMinor: 50_000 });
    line.do('2030-01-20', topUp('t3', 50_000));
    // Only 300.00 of it delivered: captured, 200.00 released and back in the quota; 200.00 fits,
    // 1.00 more does not (300.00 + 200.00 = 500.00).
    line.do('2030-01-21', {
      type: 'CAPTURE',
      authorizationId: 't3',
      authorizedMinor: 50_000,
      captureMinor: 30_000,
      plan: 'FULL',
      orderId: 'o3',
      channel: 'MALL',
    });
    line.do('2030-01-21', topUp('t4', 20_000));
    expect(line.try('2030-01-21', topUp('t5', 100))).toMatchObject({
      ok: false,
      rejection: 'SCENARIO_QUOTA_EXCEEDED',
    });
    // A whole capture gives nothing back, and the holds resolved are forgotten.
    line.do('2030-01-22', {
      type: 'CAPTURE',
      authorizationId: 't4',
      authorizedMinor: 20_000,
      captureMinor: 20_000,
      plan: 'FULL',
      orderId: 'o4',
    });
    expect(line.try('2030-01-22', topUp('t6', 100))).toMatchObject({
      ok: false,
      rejection: 'SCENARIO_QUOTA_EXCEEDED',
    });
    expect(line.state!.quotaHolds).toBeUndefined();
  });

  test('a refused authorization names its reason and changes nothing', () => {
    const line = opened();
    const result = line.try('2030-01-20', {
      type: 'AUTHORIZE',
      authorizationId: 'a1',
      amountMinor: 1_000_001,
      request: { channel: 'MALL', categories: ['HOME'], plan: 'FULL' },
    });
    expect(result).toMatchObject({ ok: false, rejection: 'INSUFFICIENT_AVAILABLE_CREDIT' });
    expect(result.decision?.inputs.availableMinor).toBe(1_000_000);
  });

  test('time never goes back', () => {
    const line = opened();
    expect(() => line.try('2030-01-09', { type: 'ACCRUE', day: '2030-01-09' })).toThrow(InvariantViolation);
  });
});

describe('statements', () => {
  test('a statement bills the cycle: FULL charges up to the statement date, installment period 1', () => {
    // 12 x 1,200.00 at tier B (0.80%/period): fee 1,200.00 x 0.8% = 9.60 a period.
    const line = opened()
      .buy('2030-01-20', 'a1', 29_900)
      .buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12)
      .buy('2030-02-06', 'a3', 5_000) // after the statement date: next cycle
      .statement('2030-02-05', '2030-02-06');
    const bill = line.bill('b:2030-02-05');
    expect(bill.billed).toEqual({
      PENALTIES: 0,
      INTEREST: 0,
      INSTALLMENT_FEES: 960,
      FULL_PAY_PRINCIPAL: 29_900,
      INSTALLMENT_PRINCIPAL: 10_000,
    });
    // Minimum: 10% of 299.00 = 29.90 + installment 100.00 + fee 9.60 = 139.50.
    expect(bill.minimumDueMinor).toBe(13_950);
    expect(bill.dueDate).toBe('2030-02-14');
    expect(billStatus(bill)).toBe('ISSUED');
    // Principal 299.00 + 1,200.00 + 50.00; fees are outside the limit.
    expect(line.figures).toMatchObject({
      principalMinor: 154_900,
      billedPrincipalMinor: 39_900,
      unbilledPrincipalMinor: 115_000,
      installmentFeesOwedMinor: 960,
      availableMinor: 1_000_000 - 154_900,
    });
  });

  test('a statement cut after its own due day (scheduler down) still gives 9 days to pay, no back penalties', () => {
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05', '2030-02-18');
    const bill = line.bill('b:2030-02-05');
    expect(bill.dueDate).toBe('2030-02-27');
    line.accrue('2030-02-27');
    expect(line.bill('b:2030-02-05')).toMatchObject({ overdue: false, billed: { PENALTIES: 0 } });
  });

  test('a statement is cut once, in order, and not before its date', () => {
    const line = opened().buy('2030-01-20', 'a1', 10_000);
    expect(
      line.try('2030-02-04', { type: 'ISSUE_BILL', billId: 'x', statementDate: '2030-02-05' }),
    ).toMatchObject({
      ok: false,
      rejection: 'STATEMENT_NOT_DUE',
    });
    line.statement('2030-02-05');
    expect(
      line.try('2030-02-06', { type: 'ISSUE_BILL', billId: 'x', statementDate: '2030-02-05' }),
    ).toMatchObject({
      ok: false,
      rejection: 'STATEMENT_NOT_DUE',
    });
  });
});

describe('overdue: the penalty base is what is actually overdue on the bill', () => {
  // 1,000.00 in full on 01-20; statement 02-05 (minimum 100.00), due 02-14, nothing paid.
  const overdue = () => opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');

  test('after a partial repayment the daily penalty falls with the principal still owed', () => {
    const line = overdue().accrue('2030-02-17');
    const bill = () => line.bill('b:2030-02-05');
    // Days 1-3 after the due day: 1,000.00 x 0.05% = 0.50 a day -> 1.50.
    expect(bill().overdue).toBe(true);
    expect(bill().billed.PENALTIES).toBe(150);
    // Repay 501.50: penalties 1.50 first, then 500.00 of overdue principal.
    line.repay('2030-02-17', 50_150);
    expect(owedOn(bill(), 'PENALTIES')).toBe(0);
    expect(owedOn(bill(), 'FULL_PAY_PRINCIPAL')).toBe(50_000);
    // Days 4-6 on 500.00: 0.25 a day -> 0.75 (not on total - paid = 498.50).
    line.accrue('2030-02-20');
    expect(bill().billed.PENALTIES).toBe(225);
    expect(owedOn(bill(), 'PENALTIES')).toBe(75);
    expect(billStatus(bill())).toBe('OVERDUE');
    expect(line.figures).toMatchObject({ overduePrincipalMinor: 50_000, penaltiesOwedMinor: 75 });
  });

  test('a bill is SETTLED only when nothing is owed; until then it keeps accruing', () => {
    const line = overdue().accrue('2030-02-17').repay('2030-02-17', 50_150).accrue('2030-02-20');
    // 500.00 pays penalties 0.75 first, so 0.75 of principal is still owed.
    line.repay('2030-02-20', 50_000);
    const bill = () => line.bill('b:2030-02-05');
    expect(billStatus(bill())).toBe('OVERDUE');
    expect(owedOn(bill(), 'FULL_PAY_PRINCIPAL')).toBe(75);
    // 75 fen x 0.05% a day is 0.0375 fen: the remainder carries, nothing is invented.
    line.accrue('2030-02-22');
    expect(bill().billed.PENALTIES).toBe(225);
    line.repay('2030-02-22', 75);
    expect(billStatus(bill())).toBe('SETTLED');
    expect(billOwedMinor(bill())).toBe(0);
    line.accrue('2030-03-01');
    expect(line.figures).toMatchObject({ principalMinor: 0, penaltiesOwedMinor: 0, interestOwedMinor: 0 });
  });

  test('minimum paid: revolving interest on the principal left, no penalty, no overdue', () => {
    const line = opened()
      .buy('2030-01-20', 'a1', 100_000)
      .statement('2030-02-05')
      .repay('2030-02-10', 10_000);
    expect(remainingMinimumMinor(line.bill('b:2030-02-05'))).toBe(0);
    line.accrue('2030-02-24');
    const bill = line.bill('b:2030-02-05');
    // 10 days on 900.00 x 0.05% = 0.45 a day -> 4.50 interest.
    expect(bill.overdue).toBe(false);
    expect(bill.billed.INTEREST).toBe(450);
    expect(bill.billed.PENALTIES).toBe(0);
    expect(billStatus(bill)).toBe('PARTIALLY_PAID');
    expect(line.figures).toMatchObject({ interestOwedMinor: 450, installmentFeesOwedMinor: 0 });
  });

  test('a bill owing only penalties accrues nothing more and calls for no daily entry', () => {
    const line = overdue().accrue('2030-02-17');
    const bill = () => line.bill('b:2030-02-05');
    // Days 1-3 on 1,000.00 -> 1.50; principal is still owed, so the next day calls for an entry.
    expect(bill().billed.PENALTIES).toBe(150);
    expect(accrualDue(line.state!, '2030-02-18')).toBe(true);
    // The whole charge refunded (nothing was paid, so all of it credits the principal): 1.50 is left.
    line.refund('2030-02-17', 'a1', 100_000);
    expect(owedOn(bill(), 'FULL_PAY_PRINCIPAL')).toBe(0);
    expect(owedOn(bill(), 'PENALTIES')).toBe(150);
    // A base of 0.00 adds 0.00 a day: no day after calls for an entry.
    for (const day of ['2030-02-18', '2030-03-01', '2030-06-30']) {
      expect(accrualDue(line.state!, day)).toBe(false);
    }
    // The next entry, months on, brings the days up to date: nothing accrued, no penalty day counted.
    line.repay('2030-06-30', 150);
    expect(line.last.effects).toMatchObject({ accruedPenaltyMinor: 0, penaltyDays: 0 });
    expect(bill().billed.PENALTIES).toBe(150);
    expect(billStatus(bill())).toBe('SETTLED');
  });

  test('a bill owing only revolving interest accrues nothing more and calls for no daily entry', () => {
    const line = opened()
      .buy('2030-01-20', 'a1', 100_000)
      .statement('2030-02-05')
      .repay('2030-02-10', 10_000)
      .accrue('2030-02-17');
    const bill = () => line.bill('b:2030-02-05');
    // Minimum 100.00 paid; days 1-3 on the 900.00 left: 0.45 a day -> 1.35 interest.
    expect(bill().billed.INTEREST).toBe(135);
    expect(accrualDue(line.state!, '2030-02-18')).toBe(true);
    // 900.00 refunded: all still owed on the charge, so all credits the principal; 1.35 is left.
    line.refund('2030-02-17', 'a1', 90_000);
    expect(owedOn(bill(), 'FULL_PAY_PRINCIPAL')).toBe(0);
    expect(owedOn(bill(), 'INTEREST')).toBe(135);
    expect(bill().overdue).toBe(false);
    expect(accrualDue(line.state!, '2030-04-01')).toBe(false);
    line.repay('2030-04-01', 135);
    expect(line.last.effects).toMatchObject({ accruedInterestMinor: 0, interestDays: 0 });
    expect(bill().billed.INTEREST).toBe(135);
  });

  test("a command on a day that changes a bill is preceded by that day's ACCRUE, unless it writes nothing", () => {
    const line = overdue();
    const repay = (amountMinor: number): LedgerCommand => ({
      type: 'REPAY',
      repaymentId: `r${amountMinor}`,
      amountMinor,
      payOffPlanIds: [],
    });
    // The due day (02-14) changes nothing yet; the 15th judges the bill overdue.
    expect(accrualBefore(line.state, repay(100), at('2030-02-14'))).toBeNull();
    expect(accrualBefore(line.state, repay(100), at('2030-02-15'))).toEqual({
      type: 'ACCRUE',
      day: '2030-02-15',
    });
    // A refused purchase is recorded as it found the line (not brought up to date): no accrual first.
    // (10,000.00 - 1,000.00 left.)
    const tooBig: LedgerCommand = {
      type: 'AUTHORIZE',
      authorizationId: 'a-big',
      amountMinor: 900_001,
      request: { channel: 'MALL', categories: ['HOME'], plan: 'FULL' },
    };
    expect(line.try('2030-02-15', tooBig)).toMatchObject({
      ok: false,
      rejection: 'INSUFFICIENT_AVAILABLE_CREDIT',
    });
    expect(accrualBefore(line.state, tooBig, at('2030-02-15'))).toBeNull();
    // Invalid input writes nothing, so no accrual for it either; nor before an accrual.
    expect(accrualBefore(line.state, repay(0), at('2030-02-15'))).toBeNull();
    expect(accrualBefore(line.state, { type: 'ACCRUE', day: '2030-02-15' }, at('2030-02-15'))).toBeNull();
    // Once the day is accrued, nothing more that day.
    line.accrue('2030-02-15');
    expect(accrualBefore(line.state, repay(100), at('2030-02-15'))).toBeNull();
  });

  test('fractions of a fen carry: 30 days on 299.00 total floor(299.00 x 0.05% x 30) = 4.48', () => {
    const line = opened().buy('2030-01-20', 'a1', 29_900).statement('2030-02-05').accrue('2030-03-16');
    // 29900 x 5 / 10000 = 14.95 fen a day; 30 days = 448.5 -> 448 fen.
    expect(line.bill('b:2030-02-05').billed.PENALTIES).toBe(448);
  });
});

describe('a frozen line', () => {
  test('shows nothing available, and its refusal says why first: not active, then no credit to spend', () => {
    // 10,000.00 limit, 300.00 used: 9,700.00 unused, which a frozen line cannot spend.
    const line = opened().buy('2030-01-20', 'a1', 30_000);
    expect(line.figures.availableMinor).toBe(970_000);
    line.do('2030-01-25', {
      type: 'REVIEW_LIMIT',
      reviewId: 'freeze:1',
      action: 'FREEZE',
      newLimitMinor: 1_000_000,
    });
    expect(line.figures).toMatchObject({ status: 'FROZEN', principalMinor: 30_000, availableMinor: 0 });
    const refused = line.try('2030-01-26', {
      type: 'AUTHORIZE',
      authorizationId: 'a2',
      amountMinor: 100,
      request: { channel: 'MALL', categories: ['HOME'], plan: 'FULL' },
    });
    expect(refused).toMatchObject({
      ok: false,
      rejection: 'LINE_NOT_ACTIVE',
      decision: {
        failedRules: ['LINE_NOT_ACTIVE', 'INSUFFICIENT_AVAILABLE_CREDIT'],
        inputs: { lineStatus: 'FROZEN', availableMinor: 0 },
      },
    });
    line.do('2030-01-27', {
      type: 'REVIEW_LIMIT',
      reviewId: 'unfreeze:1',
      action: 'UNFREEZE',
      newLimitMinor: 1_000_000,
    });
    expect(line.figures).toMatchObject({ status: 'ACTIVE', availableMinor: 970_000 });
  });
});

describe('refunds of billed charges are credits on the bill', () => {
  test('a refund of a billed, unpaid charge credits the bill and stops interest on it', () => {
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');
    line.refund('2030-02-08', 'a1', 40_000);
    const bill = () => line.bill('b:2030-02-05');
    // The statement line stays 1,000.00; 400.00 is credited; 600.00 owed; the limit is restored.
    expect(bill().items[0]).toMatchObject({ amountMinor: 100_000, creditedMinor: 40_000 });
    expect(bill().credited.FULL_PAY_PRINCIPAL).toBe(40_000);
    expect(billOwedMinor(bill())).toBe(60_000);
    expect(line.figures.availableMinor).toBe(1_000_000 - 60_000);
    // Minimum 100.00 is met by paying 100.00 (the credit does not cover it twice: 100.00 - 400.00 < 0).
    expect(remainingMinimumMinor(bill())).toBe(0);
    line.repay('2030-02-12', 10_000).accrue('2030-02-17');
    // Interest days 1-3 on 500.00 still owed: 0.25 a day -> 0.75.
    expect(bill().billed.INTEREST).toBe(75);
    // Refund the other 600.00: 500.00 is still owed on the charge and is credited; the 100.00 that was
    // paid comes back as credit balance, which at once pays the 0.75 interest.
    line.refund('2030-02-17', 'a1', 60_000);
    expect(billStatus(bill())).toBe('PAID');
    expect(line.figures).toMatchObject({
      principalMinor: 0,
      interestOwedMinor: 0,
      creditBalanceMinor: 9_925,
    });
    line.accrue('2030-03-01');
    expect(line.figures.interestOwedMinor).toBe(0);
  });

  test('a credit balance pays the next statement, and what is left can be paid back', () => {
    const line = opened().buy('2030-01-20', 'a1', 10_000).statement('2030-02-05').repay('2030-02-10', 10_000);
    line.refund('2030-02-11', 'a1', 10_000); // paid already: all of it to the credit balance
    expect(line.figures.creditBalanceMinor).toBe(10_000);
    line.buy('2030-02-20', 'a2', 4_000).statement('2030-03-05');
    const bill = line.bill('b:2030-03-05');
    expect(billStatus(bill)).toBe('PAID');
    expect(bill.paid.FULL_PAY_PRINCIPAL).toBe(4_000);
    expect(line.figures.creditBalanceMinor).toBe(6_000);
    expect(
      line.try('2030-03-06', { type: 'PAY_OUT_CREDIT', payoutId: 'p1', amountMinor: 6_001 }),
    ).toMatchObject({
      ok: false,
      rejection: 'CREDIT_BALANCE_TOO_LOW',
    });
    line.do('2030-03-06', { type: 'PAY_OUT_CREDIT', payoutId: 'p1', amountMinor: 6_000 });
    expect(line.figures.creditBalanceMinor).toBe(0);
  });
});

describe('installment plans', () => {
  test('a refund in period 2 re-amortizes the unbilled periods and writes fees off pro rata', () => {
    const line = opened().buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12).statement('2030-02-05');
    line.refund('2030-02-10', 'a2', 30_000, 'INSTALLMENTS');
    // Unbilled: 11 x 100.00 = 1,100.00 principal, 11 x 9.60 = 105.60 fees. Left 800.00 principal;
    // fees 105.60 x 800/1100 = 76.80 (20.16 written off). 800.00 / 11 = 72.72 r 0.08 -> 72.80 then 72.72;
    // 76.80 / 11 = 6.98 r 0.02 -> 7.00 then 6.98.
    const plan = line.state!.plans[0]!;
    expect(line.last.effects.feeWrittenOffMinor).toBe(2_880);
    expect(plan.remaining[1]).toEqual({ index: 2, principalMinor: 7_280, feeMinor: 700 });
    expect(plan.remaining[2]).toEqual({ index: 3, principalMinor: 7_272, feeMinor: 698 });
    expect(line.figures.unbilledPrincipalMinor).toBe(80_000);
    // Pay it off early: period 1 billed (100.00 + 9.60) plus the 800.00 unbilled principal.
    const due = amountDue(line.state!, 'PLAN_PAYOFF', plan.planId);
    expect(due).toEqual({
      amountMinor: 90_960,
      payOffPlanIds: [plan.planId],
      billedPeriodsWhenAsked: { [plan.planId]: 1 },
      // The quote pays period 1's bill in full (not due yet: nothing accrued on it).
      billsAsAsked: {
        'b:2030-02-05': {
          quotedMinor: { ...noComponents, INSTALLMENT_FEES: 960, INSTALLMENT_PRINCIPAL: 10_000 },
          billedWhenPaidInFull: { penaltiesMinor: 0, interestMinor: 0 },
        },
      },
      fromCreditBalanceMinor: 0,
    });
    line.repay('2030-02-12', due.amountMinor, due.payOffPlanIds);
    expect(line.state!.plans).toEqual([]);
    expect(line.last.effects.plans[0]).toMatchObject({
      status: 'PAID_OFF',
      feeWrittenOffMinor: 2_880 + 7_680,
    });
    expect(line.figures).toMatchObject({ principalMinor: 0, installmentFeesOwedMinor: 0 });
  });

  test("each plan's PLAN_PAYOFF is quoted beside the other kinds, and is what paying it off collects", () => {
    // 02-05 bill: a1 50.00 FULL + period 1 of a2 (100.00 + 9.60) = 159.60. Unbilled: a2's 11 x 100.00
    // = 1,100.00 principal (fees 11 x 9.60 waived by a payoff) and a3's 20.00 FULL bought after the cut.
    // On 02-10 (before the due day: no interest or penalty): STATEMENT 159.60; PAYOFF 159.60 + 1,100.00
    // + 20.00 = 1,279.60; PLAN_PAYOFF of a2 159.60 + 1,100.00 = 1,259.60 (not a3's FULL charge).
    const line = billedWithPlan();
    const planId = line.state!.plans[0]!.planId;
    expect(amountsDueOn(line.state!, '2030-02-10')).toMatchObject({
      STATEMENT: 15_960,
      PAYOFF: 127_960,
      PLAN_PAYOFF: [{ planId, amountMinor: 125_960 }],
    });
    line.repay('2030-02-10', 125_960, [planId]);
    // Paid off: only a3's 20.00 is left, unbilled; nothing over.
    expect(line.state!.plans).toEqual([]);
    expect(line.figures).toMatchObject({
      principalMinor: 2_000,
      unbilledPrincipalMinor: 2_000,
      creditBalanceMinor: 0,
    });
    expect(amountsDueOn(line.state!, '2030-02-10')).toMatchObject({ PAYOFF: 2_000, PLAN_PAYOFF: [] });
  });
});

describe('amounts due are what the ledger will count at that moment', () => {
  test("STATEMENT asked before the day's jobs ran includes today's penalty, and settles the bill", () => {
    // Overdue from 02-15 (1,000.00): accrued through 02-15 only; on 02-17 days 2-3 are due too.
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05').accrue('2030-02-15');
    expect(amountDue(line.state!, 'STATEMENT').amountMinor).toBe(100_050);
    const due = amountDue(stateAt(line.state!, '2030-02-17'), 'STATEMENT');
    expect(due.amountMinor).toBe(100_150); // 1,000.00 + 3 days x 0.50
    line.repay('2030-02-17', due.amountMinor);
    expect(billStatus(line.bill('b:2030-02-05'))).toBe('SETTLED');
  });
});

describe('MINIMUM: the least the waterfall needs to leave every bill current', () => {
  /**
   * Bill A (02-05): 1,000.00, minimum 100.00 paid on 02-10, so it revolves: 0.05% of 900.00 = 0.45 a
   * day from 02-15 (due 02-14). Bill B (03-05): 300.00, minimum 30.00 unpaid, due 03-14: overdue on
   * 03-15 with a penalty of 0.05% of 300.00 = 0.15. On 03-15 A owes 29 days of interest (02-15..03-15:
   * 14 + 15) = 13.05 and B owes 300.15.
   */
  const twoBills = () =>
    opened()
      .buy('2030-01-20', 'a1', 100_000)
      .statement('2030-02-05')
      .repay('2030-02-10', 10_000)
      .buy('2030-02-20', 'a2', 30_000)
      .statement('2030-03-05');

  test("an older bill's interest is paid before an overdue bill's principal, so MINIMUM covers both", () => {
    const line = twoBills();
    const today = stateAt(line.state!, '2030-03-15');
    expect(today.bills.map((bill) => [billOwedMinor(bill), bill.overdue])).toEqual([
      [91_305, false], // 900.00 + 13.05
      [30_015, true],
    ]);
    // The sum of needs, 0 + 300.15, would pay B's 0.15 penalty, then A's 13.05 interest (fees come
    // before principal), and leave B owing 13.05, overdue. 300.15 + 13.05 = 313.20 settles B.
    // The bill to show first is the overdue one, not the older one that only revolves.
    expect(currentBillOf(today)?.billId).toBe('b:2030-03-05');
    const due = amountDue(today, 'MINIMUM');
    expect(due.amountMinor).toBe(31_320);
    line.repay('2030-03-15', due.amountMinor);
    expect(billStatus(line.bill('b:2030-03-05'))).toBe('SETTLED');
    expect(billStatus(line.bill('b:2030-02-05'))).toBe('PARTIALLY_PAID');
    expect(billOwedMinor(line.bill('b:2030-02-05'))).toBe(90_000);
    // One fen less leaves B overdue and owing: 313.20 is the least that works.
    const short = twoBills();
    short.repay('2030-03-15', due.amountMinor - 1);
    expect(billOwedMinor(short.bill('b:2030-03-05'))).toBe(1);
  });

  test('what each kind would collect on a later day counts the days no entry has written yet', () => {
    // Last entry 03-08 (a 50.00 purchase, not billed). On 03-15, as above: A owes 900.00 + 13.05 of
    // interest, B 300.00 + 0.15 of penalty (overdue from 03-15). STATEMENT 913.05 + 300.15 = 1213.20;
    // MINIMUM 313.20; PAYOFF 1213.20 + 50.00 unbilled = 1263.20. As of the head (03-08) A's interest
    // was 22 days' (02-15..03-08: 14 + 8) x 0.45 = 9.90 and B was not overdue: not the day's figures.
    const line = twoBills().buy('2030-03-08', 'a3', 5_000);
    expect(amountsDueOn(line.state!, '2030-03-15')).toEqual({
      STATEMENT: 121_320,
      MINIMUM: 31_320,
      PAYOFF: 126_320,
      PLAN_PAYOFF: [],
    });
    expect(amountDue(line.state!, 'STATEMENT').amountMinor).toBe(120_990); // 900.00 + 9.90 + 300.00
    // Paid on that day, PAYOFF leaves nothing owed and nothing over.
    line.repay('2030-03-15', 126_320);
    expect(line.figures).toMatchObject({ principalMinor: 0, creditBalanceMinor: 0 });
    expect(line.state!.bills.map(billOwedMinor)).toEqual([]);
  });

  test('the most an AMOUNT can be counts the days no entry has written yet, and leaves nothing over', () => {
    // As above on 03-15: STATEMENT 1213.20 (today's interest and penalty counted) + the 50.00 bought
    // in full and not billed = 1263.20; as of the head (03-08) it would be 1209.90 + 50.00 = 1259.90.
    const line = twoBills().buy('2030-03-08', 'a3', 5_000);
    expect(amountRepayableOn(line.state!, '2030-03-15')).toBe(126_320);
    expect(amountRepayableOn(line.state!, '2030-03-08')).toBe(125_990);
    // Paid that day as an AMOUNT, it pays everything, nothing left over for the credit balance.
    line.repay('2030-03-15', 126_320);
    expect(line.figures).toMatchObject({ principalMinor: 0, creditBalanceMinor: 0 });
    expect(amountRepayableOn(line.state!, '2030-03-15')).toBe(0);
  });

  test('the most an AMOUNT can be leaves out installments not billed yet, which it does not prepay', () => {
    // billedWithPlan on 02-10: billed 159.60 (a1 50.00 + a2's first period 100.00 + its fee 9.60),
    // a3's 20.00 bought in full after the cut; a2's 11 unbilled periods (1,100.00) are PAYOFF's only.
    const line = billedWithPlan();
    expect(amountRepayableOn(line.state!, '2030-02-10')).toBe(15_960 + 2_000);
    line.repay('2030-02-10', 17_960);
    expect(line.figures).toMatchObject({ principalMinor: 110_000, creditBalanceMinor: 0 });
  });

  test('a current bill under its minimum behind an older revolving one is brought to its minimum', () => {
    // On 03-10 B is not due yet: its remaining minimum is 30.00; A owes 24 days of interest
    // (02-15..03-10: 14 + 10) x 0.45 = 10.80, paid first. 30.00 + 10.80 = 40.80.
    const line = twoBills();
    const due = amountDue(stateAt(line.state!, '2030-03-10'), 'MINIMUM');
    expect(due.amountMinor).toBe(4_080);
    line.repay('2030-03-10', due.amountMinor);
    expect(line.state!.bills.map((bill) => [bill.billId, remainingMinimumMinor(bill)])).toEqual([
      ['b:2030-02-05', 0],
      ['b:2030-03-05', 0],
    ]);
    // Nothing behind: MINIMUM asks for nothing.
    expect(amountDue(line.state!, 'MINIMUM').amountMinor).toBe(0);
  });
});

describe('limit review', () => {
  test('three on-time bills raise the limit once, whatever statements are cut after', () => {
    const line = opened();
    for (const [month, key] of [
      ['02', 'a'],
      ['03', 'b'],
      ['04', 'c'],
    ] as const) {
      line
        .buy(`2030-${month}-01`, key, 10_000)
        .statement(`2030-${month}-05`)
        .repay(`2030-${month}-06`, 10_000);
    }
    const review = limitReviewFor(line.state!, '2030-04-07');
    expect(review).toMatchObject({ action: 'RAISE', newLimitMinor: 1_100_000, reviewId: 'raise:ontime0:1' });
    line.do('2030-04-07', { type: 'REVIEW_LIMIT', ...review! });
    // Another statement while the streak is still 3: that raise was given.
    line.buy('2030-04-10', 'd', 10_000).statement('2030-05-05');
    expect(limitReviewFor(line.state!, '2030-05-06')).toBeNull();
  });
  test('each bill that goes overdue cuts once, also a late-cut bill falling due after a newer one', () => {
    // The 02-05 statement is cut late on 03-10, so it falls due 03-19 (cut + 9), after the 03-05
    // statement (due 03-14): the newer bill goes overdue first.
    const line = opened()
      .buy('2030-01-20', 'a', 100_000)
      .buy('2030-02-20', 'b', 50_000)
      .statement('2030-02-05', '2030-03-10')
      .statement('2030-03-05', '2030-03-10')
      .accrue('2030-03-15');
    expect(line.bill('b:2030-02-05').dueDate).toBe('2030-03-19');
    // Used = 150,000 principal; 70% of 1,000,000 = 700,000.
    const first = limitReviewFor(line.state!, '2030-03-15');
    expect(first).toMatchObject({ action: 'CUT', newLimitMinor: 700_000, reviewId: 'cut:b:2030-03-05' });
    line.do('2030-03-15', { type: 'REVIEW_LIMIT', ...first! });
    expect(limitReviewFor(line.state!, '2030-03-16')).toBeNull();
    line.accrue('2030-03-20');
    // 70% of 700,000 = 490,000, still above the 150,000 used.
    const second = limitReviewFor(line.state!, '2030-03-20');
    expect(second).toMatchObject({ action: 'CUT', newLimitMinor: 490_000, reviewId: 'cut:b:2030-02-05' });
    line.do('2030-03-20', { type: 'REVIEW_LIMIT', ...second! });
    expect(limitReviewFor(line.state!, '2030-03-21')).toBeNull();
  });

  test('a bill settled after it went overdue, before the review ran that day, still cuts once', () => {
    // 1,000.00 billed 02-05, due 02-14, nothing paid: on 02-15 the user pays everything (1,000.00 +
    // day 1's penalty 0.50) before the day's review. The bill leaves the line, its cut does not.
    const line = opened()
      .buy('2030-01-20', 'a', 100_000)
      .statement('2030-02-05')
      .repay('2030-02-15', 100_050);
    expect(line.state!.bills).toEqual([]);
    expect(billStatus(line.bill('b:2030-02-05'))).toBe('SETTLED');
    // Nothing is used: 70% of 10,000.00 = 7,000.00.
    const cut = limitReviewFor(line.state!, '2030-02-15');
    expect(cut).toMatchObject({ action: 'CUT', newLimitMinor: 700_000, reviewId: 'cut:b:2030-02-05' });
    line.do('2030-02-15', { type: 'REVIEW_LIMIT', ...cut! });
    expect(line.state!.limitMinor).toBe(700_000);
    expect(limitReviewFor(line.state!, '2030-02-16')).toBeNull();
  });

  test('a settled bill whose cut cannot go below what is used waits until it can', () => {
    // The 02-05 bill (1,000.00) is settled on 02-15 (1,000.50 with day 1's penalty); 9,000.00 bought
    // 02-06 and 1,000.00 on 02-15 use all 10,000.00: no cut can leave room, so the review waits.
    const line = opened()
      .buy('2030-01-20', 'a', 100_000)
      .statement('2030-02-05')
      .buy('2030-02-06', 'b', 900_000)
      .repay('2030-02-15', 100_050)
      .buy('2030-02-15', 'c', 100_000);
    expect(line.figures.availableMinor).toBe(0);
    expect(limitReviewFor(line.state!, '2030-02-15')).toBeNull();
    // 3,000.00 prepays unbilled purchases: 7,000.00 used, and 70% of 10,000.00 = 7,000.00 is not below it.
    line.repay('2030-02-20', 300_000);
    expect(limitReviewFor(line.state!, '2030-02-20')).toMatchObject({
      action: 'CUT',
      newLimitMinor: 700_000,
      reviewId: 'cut:b:2030-02-05',
    });
  });
});

describe('declined repayments and due-soon reminders: entries that move no money', () => {
  /** 1,000.00 bought 01-20, billed 02-05, due 02-14; minimum 10% = 100.00. */
  const billed = () => opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');

  test('a declined repayment changes no figure and no bill, and shows the amount attempted', () => {
    const line = billed();
    const before = structuredClone(line.state!);
    line.do('2030-02-08', {
      type: 'DECLINE_REPAYMENT',
      repaymentId: 'r1',
      amountMinor: 100_000,
      reason: 'card expired',
    });
    expect(line.last.amountMinor).toBe(100_000);
    expect(line.last.effects.bills).toEqual([]);
    // Only remembered as answered (a source's "later" after it is refused).
    const { repaymentsAnswered, ...after } = line.state!;
    expect(repaymentsAnswered).toEqual([{ repaymentId: 'r1', on: '2030-02-08' }]);
    expect({ ...after, lastAt: before.lastAt }).toEqual(before);
    expect(
      line.try('2030-02-08', { type: 'DECLINE_REPAYMENT', repaymentId: 'r2', amountMinor: 0, reason: 'x' }),
    ).toEqual({ ok: false, rejection: 'INVALID_AMOUNT' });
  });

  test('a reminder goes out once per bill, only within 3 days of the due day while the minimum is unpaid', () => {
    const remind = { type: 'REMIND_DUE_SOON', billId: 'b:2030-02-05' } as const;
    const line = billed();
    // 02-10 is 4 days before 02-14: too early.
    expect(line.try('2030-02-10', remind)).toEqual({ ok: false, rejection: 'REMINDER_NOT_DUE' });
    expect(line.try('2030-02-11', { ...remind, billId: 'b:nope' })).toEqual({
      ok: false,
      rejection: 'BILL_NOT_FOUND',
    });
    line.do('2030-02-11', remind);
    expect(line.last.amountMinor).toBe(0);
    expect(line.last.effects.bills.map((bill) => bill.dueSoonRemindedOn)).toEqual(['2030-02-11']);
    expect(line.figures.principalMinor).toBe(100_000);
    // Once is enough: the next day's run finds it done.
    expect(line.try('2030-02-12', remind)).toEqual({ ok: false, rejection: 'REMINDER_NOT_DUE' });

    // Minimum 100.00 paid before the window: no reminder is due.
    const paid = billed().repay('2030-02-09', 10_000);
    expect(paid.try('2030-02-12', remind)).toEqual({ ok: false, rejection: 'REMINDER_NOT_DUE' });
    // Past the due day the bill is overdue: an overdue notice, not a reminder.
    expect(billed().try('2030-02-15', remind)).toEqual({ ok: false, rejection: 'REMINDER_NOT_DUE' });
  });
});

describe('invariants', () => {
  test('a head that breaks an invariant is never built upon', () => {
    const line = opened();
    const broken = { ...line.state!, heldMinor: -1 };
    expect(() => applyCommand(broken, { type: 'ACCRUE', day: '2030-01-11' }, at('2030-01-11'))).toThrow(
      InvariantViolation,
    );
  });
});

describe('a payoff that lands after a statement billed one of its periods', () => {
  /** The REPAY of a payoff as quoted (`due`) on `askedOn`, with `amountMinor` from the source. */
  const payoff = (due: AmountDue, amountMinor = due.amountMinor, askedOn = '2030-03-01'): LedgerCommand => ({
    type: 'REPAY',
    repaymentId: 'r:payoff',
    amountMinor,
    payOffPlanIds: due.payOffPlanIds,
    billedPeriodsWhenAsked: due.billedPeriodsWhenAsked,
    billsAsAsked: due.billsAsAsked,
    askedOn,
  });

  /**
   * 1,200.00 over 12 at tier B: 100.00 + 9.60 a period. Period 1 billed 02-05 and paid; on 03-01 a
   * PLAN_PAYOFF is asked: 11 x 100.00 = 1,100.00 (the 11 fees waived). The 03-05 statement bills
   * period 2 (100.00 + 9.60) before the money lands on 03-06.
   */
  const askedThenBilled = () => {
    const line = opened().buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12).statement('2030-02-05');
    line.repay('2030-02-10', 10_960);
    const planId = line.state!.plans[0]!.planId;
    const due = amountDue(line.state!, 'PLAN_PAYOFF', planId);
    expect(due).toMatchObject({ amountMinor: 110_000, billedPeriodsWhenAsked: { [planId]: 1 } });
    line.statement('2030-03-05');
    return { line, planId, due };
  };

  test('pays the plan off as quoted: the fee billed since is waived, credited on its bill', () => {
    const { line, due } = askedThenBilled();
    line.do('2030-03-06', payoff(due));
    // 1,100.00 = period 2's principal on the bill (100.00; its 9.60 credited) + 10 x 100.00 unbilled.
    expect(line.bill('b:2030-03-05')).toMatchObject({
      credited: { INSTALLMENT_FEES: 960 },
      paid: { INSTALLMENT_PRINCIPAL: 10_000, INSTALLMENT_FEES: 0 },
    });
    expect(billOwedMinor(line.bill('b:2030-03-05'))).toBe(0);
    // Written off: the 10 unbilled fees and period 2's, 11 x 9.60 = 105.60, as had it landed on 03-01.
    expect(line.last.effects.plans[0]).toMatchObject({ status: 'PAID_OFF', feeWrittenOffMinor: 10_560 });
    expect(line.figures).toMatchObject({
      principalMinor: 0,
      installmentFeesOwedMinor: 0,
      creditBalanceMinor: 0,
    });
  });

  test('the plan is paid off first: money short of the quote leaves the bills owing the difference', () => {
    // One fen short of 1,100.00: 1,000.00 pays the plan's 10 unbilled periods off; 99.99 goes to the
    // bill, whose 9.60 fee is waived: 0.01 of period 2's principal is still owed.
    const short = askedThenBilled();
    short.line.do('2030-03-06', payoff(short.due, short.due.amountMinor - 1));
    expect(short.line.state!.plans).toEqual([]);
    expect(short.line.bill('b:2030-03-05').credited.INSTALLMENT_FEES).toBe(960);
    expect(billOwedMinor(short.line.bill('b:2030-03-05'))).toBe(1);
    expect(short.line.figures.creditBalanceMinor).toBe(0);
  });

  test('waives nothing when the money cannot pay the plan off, nor for an entry written before', () => {
    // 999.99 is under the plan's 1,000.00 unbilled principal: the waterfall as for any repayment,
    // the bill first (109.60, fee charged), then 890.39 is left, a credit balance; the plan stays.
    const little = askedThenBilled();
    little.line.do('2030-03-06', payoff(little.due, 99_999));
    expect(little.line.bill('b:2030-03-05').credited.INSTALLMENT_FEES).toBe(0);
    expect(little.line.state!.plans).toHaveLength(1);
    expect(little.line.figures.creditBalanceMinor).toBe(99_999 - 10_960);
    // An entry with no periods when asked (written before this rule) replays as it did: the bill's
    // 109.60, then 990.40 is under the plan's 1,000.00, a credit balance.
    const before = askedThenBilled();
    const { billedPeriodsWhenAsked: _asked, ...writtenBefore } = payoff(before.due) as Extract<
      LedgerCommand,
      { type: 'REPAY' }
    >;
    before.line.do('2030-03-06', writtenBefore);
    expect(before.line.state!.plans).toHaveLength(1);
    expect(before.line.figures.creditBalanceMinor).toBe(110_000 - 10_960);
  });

  test('other charges billed meanwhile take only what the quote left for the bills', () => {
    // As above, plus a 50.00 FULL purchase on 02-20, billed on 03-05 beside period 2 (159.60 in all).
    // The 1,100.00 pays the plan off (1,000.00) and 100.00 to the bill: its fee waived, it owes
    // 150.00 - 100.00 = 50.00, the purchase the quote did not count.
    const line = opened().buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12).statement('2030-02-05');
    line.repay('2030-02-10', 10_960);
    const planId = line.state!.plans[0]!.planId;
    const due = amountDue(line.state!, 'PLAN_PAYOFF', planId);
    line.buy('2030-02-20', 'a3', 5_000).statement('2030-03-05');
    line.do('2030-03-06', payoff(due));
    expect(line.state!.plans).toEqual([]);
    expect(line.last.effects.plans[0]).toMatchObject({ status: 'PAID_OFF', feeWrittenOffMinor: 10_560 });
    expect(billOwedMinor(line.bill('b:2030-03-05'))).toBe(5_000);
    expect(line.figures).toMatchObject({ principalMinor: 5_000, creditBalanceMinor: 0 });
  });

  test('penalties accrued while it waited are waived: the payoff lands as quoted', () => {
    // Period 1 (100.00 + 9.60) billed 02-05, unpaid, overdue from 02-15; penalty 0.05% a day on
    // 109.60 = 5.48 fen. Asked 02-20 (6 days: floor(32.88) = 0.32): 109.92 + 11 x 100.00 = 1,209.92.
    const line = opened().buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12).statement('2030-02-05');
    const planId = line.state!.plans[0]!.planId;
    const due = amountDueOn(line.state!, '2030-02-20', 'PLAN_PAYOFF', planId);
    expect(due.amountMinor).toBe(120_992);
    expect(due.billsAsAsked).toEqual({
      'b:2030-02-05': {
        quotedMinor: { ...noComponents, PENALTIES: 32, INSTALLMENT_FEES: 960, INSTALLMENT_PRINCIPAL: 10_000 },
        billedWhenPaidInFull: { penaltiesMinor: 32, interestMinor: 0 },
      },
    });
    // It lands 02-25: 11 days, floor(60.28) = 0.60 of penalty; the 0.28 accrued since 02-20 is
    // waived, so the bill owes 109.92 again, what the quote counted: the plan's 1,100.00 pays it off
    // and 109.92 pays the bill; nothing is left.
    line.do('2030-02-25', payoff(due, due.amountMinor, '2030-02-20'));
    expect(line.bill('b:2030-02-05')).toMatchObject({
      overdue: true,
      billed: { PENALTIES: 60 },
      credited: { PENALTIES: 28, INSTALLMENT_FEES: 0 },
      paid: { PENALTIES: 32 },
    });
    expect(billOwedMinor(line.bill('b:2030-02-05'))).toBe(0);
    expect(line.state!.plans).toEqual([]);
    expect(line.figures).toMatchObject({ principalMinor: 0, creditBalanceMinor: 0 });
  });

  test('no plan is paid off ahead of an overdue bill: a quote written before the waiver falls back to the waterfall', () => {
    // As above, from an entry with no accruals when asked: the bill owes 110.20, more than the 109.92
    // the quote left after the plan's 1,100.00. The waterfall as for any repayment: the bill is paid
    // in full, 1,209.92 - 110.20 = 1,099.72 is under the plan's 1,100.00, so the plan stays and the
    // money is a credit balance.
    const line = opened().buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12).statement('2030-02-05');
    const planId = line.state!.plans[0]!.planId;
    const due = amountDueOn(line.state!, '2030-02-20', 'PLAN_PAYOFF', planId);
    line.do('2030-02-25', payoff({ ...due, billsAsAsked: {} }, due.amountMinor, '2030-02-20'));
    expect(line.bill('b:2030-02-05')).toMatchObject({ credited: { PENALTIES: 0, INSTALLMENT_FEES: 0 } });
    expect(billOwedMinor(line.bill('b:2030-02-05'))).toBe(0);
    expect(line.state!.plans).toHaveLength(1);
    expect(line.figures.creditBalanceMinor).toBe(109_972);
  });

  test('a fee a credit balance already paid is money again', () => {
    // a1 50.00 FULL on the 02-05 bill too, all paid 02-10; refunded 20.00 on 03-02: a credit balance.
    const line = opened()
      .buy('2030-01-20', 'a1', 5_000)
      .buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12)
      .statement('2030-02-05')
      .repay('2030-02-10', 15_960);
    const planId = line.state!.plans[0]!.planId;
    const due = amountDue(line.state!, 'PLAN_PAYOFF', planId);
    line.refund('2030-03-02', 'a1', 2_000).statement('2030-03-05');
    // The 20.00 paid period 2's 9.60 fee first, then 10.40 of its principal: 89.60 owed.
    expect(billOwedMinor(line.bill('b:2030-03-05'))).toBe(8_960);
    line.do('2030-03-06', payoff(due));
    // The waived 9.60 is money again: 1,100.00 + 9.60 pays the 89.60 left of period 2's principal,
    // then the plan's 10 x 100.00; 20.00 is left, the refund's balance, as had the payoff landed on
    // 03-01 (the 03-05 statement would then have billed nothing of the plan).
    expect(line.bill('b:2030-03-05')).toMatchObject({
      credited: { INSTALLMENT_FEES: 960 },
      paid: { INSTALLMENT_FEES: 0, INSTALLMENT_PRINCIPAL: 10_000 },
    });
    expect(line.state!.plans).toEqual([]);
    expect(line.figures.creditBalanceMinor).toBe(2_000);
  });
});

describe('a quoted repayment counts from the day it was asked', () => {
  /**
   * 1,000.00 bought 01-20, billed 02-05, due 02-14, unpaid: overdue from 02-15, penalty 0.05% a day
   * on 1,000.00 = 0.50. STATEMENT asked 02-20 (6 days, 3.00): 1,003.00.
   */
  const askedOverdue = () => {
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');
    const due = amountDueOn(line.state!, '2030-02-20', 'STATEMENT');
    expect(due.amountMinor).toBe(100_300);
    return { line, due };
  };
  const landed = (
    due: AmountDue,
    askedOn = '2030-02-20',
    repaymentId = 'r:statement',
  ): Extract<LedgerCommand, { type: 'REPAY' }> => ({
    type: 'REPAY',
    repaymentId,
    amountMinor: due.amountMinor,
    payOffPlanIds: due.payOffPlanIds,
    billsAsAsked: due.billsAsAsked,
    askedOn,
  });

  test('penalties accrued before the source answered are waived: the bill is settled by the quote', () => {
    // Lands 02-25: 11 days charged, 5.50; the 2.50 since 02-20 is credited and 1,003.00 settles it.
    const { line, due } = askedOverdue();
    line.do('2030-02-25', landed(due));
    expect(line.bill('b:2030-02-05')).toMatchObject({
      billed: { PENALTIES: 550 },
      paid: { PENALTIES: 300, FULL_PAY_PRINCIPAL: 100_000 },
      credited: { PENALTIES: 250 },
    });
    expect(billStatus(line.bill('b:2030-02-05'))).toBe('SETTLED');
    expect(line.figures).toMatchObject({ principalMinor: 0, penaltiesOwedMinor: 0, creditBalanceMinor: 0 });
    // The same entry without what its quote found (written before the rule): 2.50 left owing.
    const before = askedOverdue();
    before.line.do('2030-02-25', landed({ ...before.due, billsAsAsked: {} }));
    expect(billOwedMinor(before.line.bill('b:2030-02-05'))).toBe(250);
  });

  test('a quote holds 7 days: confirmed later, it pays what is owed when it lands', () => {
    // Asked 02-20, landing 02-28 (8 days): 14 days charged, 7.00; nothing waived, 4.00 left owing.
    const { line, due } = askedOverdue();
    line.do('2030-02-28', landed(due));
    expect(line.bill('b:2030-02-05')).toMatchObject({ credited: { PENALTIES: 0 }, overdue: true });
    expect(billOwedMinor(line.bill('b:2030-02-05'))).toBe(400);
    // Landing 02-27, the 7th day, it is waived: 13 days charged, 6.50, of which 3.50 since the ask.
    const held = askedOverdue();
    held.line.do('2030-02-27', landed(held.due));
    expect(held.line.bill('b:2030-02-05').credited.PENALTIES).toBe(350);
    expect(billOwedMinor(held.line.bill('b:2030-02-05'))).toBe(0);
  });

  test('what another payment paid of them meanwhile is money again', () => {
    // 4.00 AMOUNT on 02-23 pays 4.00 of the 4.50 of penalties charged by then. On 02-25 5.50 is
    // charged: the 2.50 since 02-20 is credited, 1.50 against what is owed, 1.00 against what the
    // 4.00 paid, so 1,003.00 + 1.00 pays 3.00 of penalties and 1,000.00 and leaves 4.00: the AMOUNT's,
    // a credit balance, as had the STATEMENT landed on 02-20.
    const { line, due } = askedOverdue();
    line.repay('2030-02-23', 400);
    line.do('2030-02-25', landed(due));
    expect(line.bill('b:2030-02-05')).toMatchObject({
      paid: { PENALTIES: 300, FULL_PAY_PRINCIPAL: 100_000 },
      credited: { PENALTIES: 250 },
    });
    expect(line.figures).toMatchObject({ principalMinor: 0, creditBalanceMinor: 400 });
  });

  test('two quotes waiting on one bill, landing in the order asked: each day is waived once, none left out', () => {
    // R1 asked 02-20 (1,003.00) lands 02-25 with 500.00 only: 5.50 charged, the 2.50 since 02-20
    // waived; the quote pays 3.00 of penalties then 497.00: 503.00 owed, 25.15 fen a day.
    // R2 asked 02-22 (8 days: 4.00, so 1,004.00) lands 02-28: 3 more days, floor(75.45) = 0.75,
    // charged after R1's waiver, all since R2's ask: waived. R2's 1,004.00 pays the 503.00; 501.00
    // is left, a credit balance. (Counting R1's waived days against R2 would waive nothing.)
    const { line, due } = askedOverdue();
    const r2 = amountDueOn(line.state!, '2030-02-22', 'STATEMENT');
    expect(r2.amountMinor).toBe(100_400);
    line.do('2030-02-25', { ...landed(due), amountMinor: 50_000 });
    expect(billOwedMinor(line.bill('b:2030-02-05'))).toBe(50_300);
    line.do('2030-02-28', landed(r2, '2030-02-22', 'r:second'));
    expect(line.bill('b:2030-02-05')).toMatchObject({
      billed: { PENALTIES: 625 },
      credited: { PENALTIES: 325 },
      paid: { PENALTIES: 300, FULL_PAY_PRINCIPAL: 100_000 },
    });
    expect(line.figures.creditBalanceMinor).toBe(50_100);
  });

  test('a bill the quote settled, overdue as the money lands, is paid first: charges billed since do not leave it overdue', () => {
    // A: 1,000.00 billed 02-05, its 100.00 minimum paid 02-10, so 900.00 revolves at 0.45 a day from
    // 02-15. B: 500.00 billed 03-05, unpaid, overdue from 03-15 at 0.25 a day. MINIMUM asked 03-20:
    // B's 6 days, 1.50; A's 34 days of interest (02-15..03-20), 15.30; B's 500.00: 516.80.
    const line = opened()
      .buy('2030-01-20', 'a1', 100_000)
      .statement('2030-02-05')
      .repay('2030-02-10', 10_000);
    line.buy('2030-02-20', 'a2', 50_000).statement('2030-03-05');
    const due = amountDueOn(line.state!, '2030-03-20', 'MINIMUM');
    expect(due.amountMinor).toBe(51_680);
    // Only B is paid in full by the quote: A's interest after the ask is its own.
    expect(due.billsAsAsked['b:2030-02-05']).toEqual({ quotedMinor: { ...noComponents, INTEREST: 1_530 } });
    // Lands 03-25: B's 1.25 of penalties since is waived and B is paid 501.50 first; the 15.30 left
    // pays A's interest, which has grown to 17.55 (39 days): A owes 900.00 + 2.25, current.
    line.do('2030-03-25', landed(due, '2030-03-20'));
    expect(billStatus(line.bill('b:2030-03-05'))).toBe('SETTLED');
    expect(line.bill('b:2030-03-05').credited.PENALTIES).toBe(125);
    expect(line.bill('b:2030-02-05')).toMatchObject({ overdue: false, paid: { INTEREST: 1_530 } });
    expect(billOwedMinor(line.bill('b:2030-02-05'))).toBe(90_225);
  });

  test('a statement cut while the quote waited: its fee does not leave the quoted bill overdue', () => {
    // 1,200.00 over 12 bought 02-26. STATEMENT asked 03-01: 15 days (02-15..03-01), 7.50: 1,007.50.
    // The 03-05 statement bills period 1 (100.00 + 9.60, due 03-14). Lands 03-06: 20 days charged,
    // 10.00, the 2.50 since the ask waived; the quote pays the overdue bill its 1,007.50 first, so it
    // is settled (the waterfall alone would pay the new 9.60 fee first and leave it overdue).
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');
    line.buy('2030-02-26', 'a2', 120_000, 'INSTALLMENTS', 12);
    const due = amountDueOn(line.state!, '2030-03-01', 'STATEMENT');
    expect(due.amountMinor).toBe(100_750);
    line.statement('2030-03-05');
    line.do('2030-03-06', landed(due, '2030-03-01'));
    expect(billStatus(line.bill('b:2030-02-05'))).toBe('SETTLED');
    expect(line.bill('b:2030-02-05').credited.PENALTIES).toBe(250);
    expect(billOwedMinor(line.bill('b:2030-03-05'))).toBe(10_960);
    expect(line.figures.creditBalanceMinor).toBe(0);
  });
});

describe('a new quote counts the repayments still waiting on their source as landed', () => {
  const waitingFor = (
    due: AmountDue,
    askedOn: string,
    repaymentId: string,
  ): Extract<LedgerCommand, { type: 'REPAY' }> => ({
    type: 'REPAY',
    repaymentId,
    amountMinor: due.amountMinor,
    payOffPlanIds: due.payOffPlanIds,
    billedPeriodsWhenAsked: due.billedPeriodsWhenAsked,
    billsAsAsked: due.billsAsAsked,
    askedOn,
  });
  const amountWaiting = (amountMinor: number): Extract<LedgerCommand, { type: 'REPAY' }> => ({
    type: 'REPAY',
    repaymentId: `r:amount:${amountMinor}`,
    amountMinor,
    payOffPlanIds: [],
  });

  test('a waiting statement repayment leaves nothing to ask, its penalties since the ask waived as it will land', () => {
    // 1,000.00 billed 02-05, due 02-14, overdue from 02-15 at 0.50 a day. STATEMENT asked 02-20: 6
    // days, 1,003.00. On 02-25 the bill owes 1,005.50 (11 days); the waiting quote settles it (the
    // 2.50 since 02-20 waived), so nothing is left for any kind.
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');
    const asked = amountDueOn(line.state!, '2030-02-20', 'STATEMENT');
    expect(asked.amountMinor).toBe(100_300);
    expect(amountDueOn(line.state!, '2030-02-25', 'STATEMENT').amountMinor).toBe(100_550);
    const waiting = [waitingFor(asked, '2030-02-20', 'r:statement')];
    expect(amountsDueOn(line.state!, '2030-02-25', waiting)).toEqual({
      STATEMENT: 0,
      MINIMUM: 0,
      PAYOFF: 0,
      PLAN_PAYOFF: [],
    });
    // The line itself is untouched: the quote is a forecast.
    expect(billOwedMinor(line.state!.bills[0]!)).toBe(100_000);
  });

  test('a waiting AMOUNT pays through the waterfall; what it would leave over is not spent by the new quote', () => {
    // 1,000.00 billed 02-05 (due 02-14), 200.00 bought 02-08 and not billed. On 02-10, before the due
    // day: 300.00 on its way leaves 700.00 of the statement and 900.00 of a payoff.
    const line = opened()
      .buy('2030-01-20', 'a1', 100_000)
      .statement('2030-02-05')
      .buy('2030-02-08', 'a3', 20_000);
    expect(amountsDueOn(line.state!, '2030-02-10', [amountWaiting(30_000)])).toMatchObject({
      STATEMENT: 70_000,
      PAYOFF: 90_000,
    });
    // 1,500.00 on its way pays the bill and the 200.00 unbilled, 300.00 over (an AMOUNT prepays no
    // installment plan): a payoff then asks the plan bought 02-09, 1,200.00, all from the source; the
    // 300.00 is not a credit balance yet (leaked into it, the quote would ask 900.00 + 300.00).
    line.buy('2030-02-09', 'a4', 120_000, 'INSTALLMENTS', 12);
    const payoff = amountDueOn(line.state!, '2030-02-10', 'PAYOFF', undefined, [amountWaiting(150_000)]);
    expect(payoff).toMatchObject({ amountMinor: 120_000, fromCreditBalanceMinor: 0 });
  });

  test('a bill the new quote settles only with the ones waiting is not paid in full by it: no waiver if they fail', () => {
    // 1,000.00 billed 02-05, overdue from 02-15 at 0.50 a day. 500.00 (AMOUNT) waiting since 02-20; a
    // STATEMENT asked 02-21 (7 days, 3.50): 1,003.50 - 500.00 = 503.50. It settles the bill only with
    // the 500.00, so it records no billed-when-paid-in-full: declined, the 500.00 would leave the
    // bill owing, and its penalties since 02-21 must stay.
    const line = opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');
    const due = amountDueOn(line.state!, '2030-02-21', 'STATEMENT', undefined, [amountWaiting(50_000)]);
    expect(due.amountMinor).toBe(50_350);
    expect(due.billsAsAsked['b:2030-02-05']).toEqual({
      // The 500.00 pays the 3.50 of penalties first (the waterfall), so the quote pays principal.
      quotedMinor: { ...noComponents, FULL_PAY_PRINCIPAL: 50_350 },
    });
  });

  test('a plan a waiting payoff pays off is not asked again: PAYOFF then asks only what it leaves', () => {
    // 02-05 bill 159.60 (a1's 50.00 and a2's period 1, 100.00 + 9.60); a2's 1,100.00 unbilled; a3's
    // 20.00 bought 02-08. PLAN_PAYOFF of a2 asked 02-10: 159.60 + 1,100.00 = 1,259.60, waiting.
    // PAYOFF then asks 1,279.60 - 1,259.60 = 20.00 (a3), paying off no plan; a2's own PLAN_PAYOFF 0.
    const line = billedWithPlan();
    const planId = line.state!.plans[0]!.planId;
    const asked = amountDueOn(line.state!, '2030-02-10', 'PLAN_PAYOFF', planId);
    expect(asked.amountMinor).toBe(125_960);
    const waiting = [waitingFor(asked, '2030-02-10', 'r:plan')];
    expect(amountDueOn(line.state!, '2030-02-10', 'PAYOFF', undefined, waiting)).toMatchObject({
      amountMinor: 2_000,
      payOffPlanIds: [],
    });
    expect(amountsDueOn(line.state!, '2030-02-10', waiting)).toEqual({
      STATEMENT: 0,
      MINIMUM: 0,
      PAYOFF: 2_000,
      PLAN_PAYOFF: [],
    });
    // Asked for anyway, the plan is not named: money of a later quote never goes to it first.
    expect(amountDueOn(line.state!, '2030-02-10', 'PLAN_PAYOFF', planId, waiting)).toMatchObject({
      amountMinor: 0,
      payOffPlanIds: [],
    });
  });
});

describe('a frozen line opens only when nothing is overdue', () => {
  test('UNFREEZE is refused while a bill is overdue, and applies once it is paid', () => {
    const line = opened().buy('2030-01-20', 'a1', 30_000).statement('2030-02-05');
    // Due 02-14, unpaid: overdue on 02-15; frozen on 03-18 (32 days).
    line.do('2030-03-18', {
      type: 'REVIEW_LIMIT',
      reviewId: 'freeze:1',
      action: 'FREEZE',
      newLimitMinor: 1_000_000,
    });
    const unfreeze: LedgerCommand = {
      type: 'REVIEW_LIMIT',
      reviewId: 'unfreeze:2030-03-18',
      action: 'UNFREEZE',
      newLimitMinor: 1_000_000,
    };
    expect(line.try('2030-03-18', unfreeze)).toEqual({ ok: false, rejection: 'LINE_STILL_OVERDUE' });
    line.repay('2030-03-18', 40_000);
    expect(limitReviewFor(line.state!, '2030-03-18')).toMatchObject({ action: 'UNFREEZE' });
    line.do('2030-03-18', unfreeze);
    expect(line.figures).toMatchObject({ status: 'ACTIVE' });
  });
});

describe('a repayment asked by the due day and awaited from its source keeps the bill current until answered', () => {
  /**
   * 1,000.00 bought 01-20, billed 02-05, due 02-14: minimum 10% = 100.00. Overdue from 02-15 at
   * 0.50 a day (0.05% of 1,000.00) unless the minimum is met.
   */
  const billed = () => opened().buy('2030-01-20', 'a1', 100_000).statement('2030-02-05');
  const quoted = (
    line: Line,
    askedOn: string,
    kind: 'STATEMENT' | 'MINIMUM',
  ): Extract<LedgerCommand, { type: 'REPAY' }> => {
    const due = amountDueOn(line.state!, askedOn, kind);
    return {
      type: 'REPAY',
      repaymentId: `r:${kind}`,
      amountMinor: due.amountMinor,
      payOffPlanIds: due.payOffPlanIds,
      billsAsAsked: due.billsAsAsked,
      askedOn,
    };
  };
  const amount = (amountMinor: number): Extract<LedgerCommand, { type: 'REPAY' }> => ({
    type: 'REPAY',
    repaymentId: `r:amount:${amountMinor}`,
    amountMinor,
    payOffPlanIds: [],
  });
  const awaited = (line: Line, askedOn: string, repayment: Extract<LedgerCommand, { type: 'REPAY' }>) =>
    line.do(askedOn, { type: 'AWAIT_REPAYMENT', askedOn, repayment });
  const bill = 'b:2030-02-05';

  test('which asks can hold a bill due 02-14, and until when a confirmation keeps it on time', () => {
    // The hold is judged 02-15 and lasts 7 days from the ask: asked 02-08 (6 days before) reaches
    // 02-15; asked 02-07 ends 02-14, so only a confirmation by the due day counts.
    expect(canHoldBillDueOn('2030-02-14', '2030-02-14')).toBe(true);
    expect(confirmedInTimeBy('2030-02-14', '2030-02-14')).toBe('2030-02-21');
    expect(canHoldBillDueOn('2030-02-08', '2030-02-14')).toBe(true);
    expect(confirmedInTimeBy('2030-02-08', '2030-02-14')).toBe('2030-02-15');
    expect(canHoldBillDueOn('2030-02-07', '2030-02-14')).toBe(false);
    expect(confirmedInTimeBy('2030-02-07', '2030-02-14')).toBe('2030-02-14');
    expect(canHoldBillDueOn('2030-02-15', '2030-02-14')).toBe(false);
  });

  test('a landing that finds less owed than it brings says how much went to the credit balance', () => {
    // STATEMENT of 1,000.00 asked 02-13 and awaited; 600.00 paid by hand 02-16 lands first. The
    // 1,000.00 then pays the 400.00 left: 600.00 is credit balance.
    const line = billed();
    const statement = quoted(line, '2030-02-13', 'STATEMENT');
    awaited(line, '2030-02-13', statement);
    line.do('2030-02-16', amount(60_000));
    expect(line.last.effects.creditBalanceAddedMinor).toBeUndefined();
    line.do('2030-02-18', statement);
    expect(line.last.effects.creditBalanceAddedMinor).toBe(60_000);
    expect(line.figures).toMatchObject({ creditBalanceMinor: 60_000, principalMinor: 0 });
  });

  test('confirmed days after the due day, the bill was never overdue: PAID, nothing accrued', () => {
    // STATEMENT asked 02-13: 1,000.00; the bank answers "later". 02-16: still current (its days
    // accrue aside, in case the bank declines); it lands 02-18 and pays the bill in full.
    const line = billed();
    const statement = quoted(line, '2030-02-13', 'STATEMENT');
    expect(statement.amountMinor).toBe(100_000);
    awaited(line, '2030-02-13', statement);
    line.accrue('2030-02-16');
    expect(line.bill(bill)).toMatchObject({ overdue: false, billed: { PENALTIES: 0, INTEREST: 0 } });
    expect(line.last.effects.billsGoneOverdue).toEqual([]);
    line.do('2030-02-18', statement);
    expect(billStatus(line.bill(bill))).toBe('PAID');
    expect(line.state!.awaitedRepayments).toBeUndefined();
    expect(line.state!.onTimeStreak).toBe(1);
    expect(line.figures).toMatchObject({ principalMinor: 0, penaltiesOwedMinor: 0, creditBalanceMinor: 0 });
    // Without the entry (a rail that never said "later" to the ledger): overdue on 02-15, 4 days of
    // 0.50 = 2.00 waived on landing, the bill SETTLED.
    const unawaited = billed();
    unawaited.accrue('2030-02-16').do('2030-02-18', statement);
    expect(billStatus(unawaited.bill(bill))).toBe('SETTLED');
    expect(unawaited.bill(bill).credited.PENALTIES).toBe(200);
  });

  test('declined, the bill is judged in the same entry as if never asked: penalties from the day after the due day', () => {
    // Declined 02-17, after the day's ACCRUE (which held it): overdue, 02-15, 16, 17 at 0.50 = 1.50.
    const line = billed();
    const statement = quoted(line, '2030-02-14', 'STATEMENT');
    awaited(line, '2030-02-14', statement);
    line.accrue('2030-02-17');
    expect(line.bill(bill).overdue).toBe(false);
    line.do('2030-02-17', {
      type: 'DECLINE_REPAYMENT',
      repaymentId: statement.repaymentId,
      amountMinor: statement.amountMinor,
      reason: 'insufficient funds',
    });
    expect(line.last.effects).toMatchObject({
      billsGoneOverdue: [bill],
      accruedPenaltyMinor: 150,
      penaltyDays: 3,
    });
    expect(line.bill(bill)).toMatchObject({ overdue: true, billed: { PENALTIES: 150 } });
    expect(line.state!.awaitedRepayments).toBeUndefined();
  });

  test('a source silent for more than 7 days from the ask holds the bill no longer', () => {
    // Asked 02-13: 02-20 (7 days) still current; 02-21 overdue, 02-15..02-21 = 7 days at 0.50 = 3.50.
    const line = billed();
    awaited(line, '2030-02-13', quoted(line, '2030-02-13', 'STATEMENT'));
    line.accrue('2030-02-20');
    expect(line.bill(bill).overdue).toBe(false);
    line.accrue('2030-02-21');
    expect(line.last.effects.billsGoneOverdue).toEqual([bill]);
    expect(line.bill(bill)).toMatchObject({ overdue: true, billed: { PENALTIES: 350 } });
  });

  test('a MINIMUM awaited keeps the bill current; landed, the rest revolves from the day after the due day', () => {
    // MINIMUM 100.00 asked 02-14, lands 02-18: 900.00 left, interest 0.05% = 0.45 a day for
    // 02-15..02-18 = 1.80, charged by the landing's own entry, no penalty.
    const line = billed();
    const minimum = quoted(line, '2030-02-14', 'MINIMUM');
    expect(minimum.amountMinor).toBe(10_000);
    awaited(line, '2030-02-14', minimum);
    line.accrue('2030-02-16').do('2030-02-18', minimum);
    expect(line.last.effects).toMatchObject({
      billsGoneOverdue: [],
      accruedInterestMinor: 180,
      interestDays: 4,
    });
    expect(line.bill(bill)).toMatchObject({ overdue: false, billed: { PENALTIES: 0, INTEREST: 180 } });
    expect(billStatus(line.bill(bill))).toBe('PARTIALLY_PAID');
  });

  test('an AMOUNT counts for what it would pay: under the minimum, the bill goes overdue on time', () => {
    // 99.99 awaited leaves 0.01 of the minimum: overdue 02-15. 100.00 would meet it.
    const short = billed();
    awaited(short, '2030-02-12', amount(9_999));
    short.accrue('2030-02-15');
    expect(short.last.effects.billsGoneOverdue).toEqual([bill]);
    const enough = billed();
    awaited(enough, '2030-02-12', amount(10_000));
    enough.accrue('2030-02-15');
    expect(enough.bill(bill).overdue).toBe(false);
  });

  test('asked after the due day, or its source\'s "later" written after the bill was judged, it holds nothing', () => {
    // Asked 02-15 (the day after the due day): its own entry judges the bill first.
    const line = billed();
    awaited(line, '2030-02-15', quoted(line, '2030-02-15', 'STATEMENT'));
    expect(line.last.effects.billsGoneOverdue).toEqual([bill]);
    // Asked 02-14 but written 02-15 (a failed write retried): the day is judged before it joins.
    const late = billed();
    late.do('2030-02-15', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-14',
      repayment: quoted(late, '2030-02-14', 'STATEMENT'),
    });
    expect(late.last.effects.billsGoneOverdue).toEqual([bill]);
  });

  test('money from anything else during the hold came after the due day: declined, the bill is overdue all the same', () => {
    // STATEMENT asked 02-14 waits. 02-17 she pays 100.00 by hand (the minimum, late); 02-18 the
    // bank declines. Overdue since 02-15, each day on what was owed that day: 02-15, 16, 17 on
    // 1,000.00 (0.50 each), 02-18 on 900.00 (0.45): 1.95.
    const line = billed();
    const statement = quoted(line, '2030-02-14', 'STATEMENT');
    awaited(line, '2030-02-14', statement);
    line.do('2030-02-17', amount(10_000));
    expect(line.bill(bill)).toMatchObject({ overdue: false, billed: { PENALTIES: 0, INTEREST: 0 } });
    line.do('2030-02-18', {
      type: 'DECLINE_REPAYMENT',
      repaymentId: statement.repaymentId,
      amountMinor: statement.amountMinor,
      reason: 'insufficient funds',
    });
    expect(line.last.effects.billsGoneOverdue).toEqual([bill]);
    expect(line.bill(bill)).toMatchObject({ overdue: true, billed: { PENALTIES: 195 } });
  });

  test('a held bill paid off by other money stays open until judged: declined, it is overdue and owes its penalties', () => {
    // STATEMENT asked 02-14 waits; 02-20 she pays 1,000.00 by hand; 02-21 the bank declines.
    // Penalties 02-15..02-20 on 1,000.00: 6 x 0.50 = 3.00 (02-21 on nothing: 0).
    const line = billed();
    const statement = quoted(line, '2030-02-14', 'STATEMENT');
    awaited(line, '2030-02-14', statement);
    line.do('2030-02-20', amount(100_000));
    expect(billOwedMinor(line.bill(bill))).toBe(0);
    expect(line.state!.bills.map((open) => open.billId)).toEqual([bill]);
    expect(line.state!.onTimeStreak).toBe(0);
    line.do('2030-02-21', {
      type: 'DECLINE_REPAYMENT',
      repaymentId: statement.repaymentId,
      amountMinor: statement.amountMinor,
      reason: 'insufficient funds',
    });
    expect(line.bill(bill)).toMatchObject({ overdue: true, billed: { PENALTIES: 300 } });
    expect(billStatus(line.bill(bill))).toBe('OVERDUE');
    expect(line.state!.onTimeStreak).toBe(0);
  });

  test('an awaited repayment landing in time counts for what it was to pay, wherever its money goes', () => {
    // MINIMUM 100.00 asked 02-14 waits. 02-16 she pays the 1,000.00 by hand: the bill owes nothing
    // but stays open, held. 02-17 the 100.00 lands: in time, so PAID on time; with no bill left to
    // pay, the 100.00 is a credit balance.
    const line = billed();
    const minimum = quoted(line, '2030-02-14', 'MINIMUM');
    awaited(line, '2030-02-14', minimum);
    line.do('2030-02-16', amount(100_000));
    expect(billStatus(line.bill(bill))).toBe('PAID');
    expect(line.state!.bills.map((open) => open.billId)).toEqual([bill]);
    line.do('2030-02-17', minimum);
    expect(line.state!.bills).toEqual([]);
    expect(line.bill(bill)).toMatchObject({ overdue: false, billed: { PENALTIES: 0, INTEREST: 0 } });
    expect(line.state!.onTimeStreak).toBe(1);
    expect(line.figures).toMatchObject({ principalMinor: 0, creditBalanceMinor: 10_000 });
    // A refund of 950.00 credited meanwhile: the 100.00 pays the 50.00 left, 50.00 is balance.
    const refunded = billed();
    awaited(refunded, '2030-02-14', minimum);
    refunded.refund('2030-02-16', 'a1', 95_000).do('2030-02-17', minimum);
    expect(refunded.bill(bill)).toMatchObject({ overdue: false, billed: { PENALTIES: 0 } });
    expect(billStatus(refunded.bill(bill))).toBe('PAID');
    expect(refunded.figures).toMatchObject({ creditBalanceMinor: 5_000 });
  });

  test('a statement cut during the hold takes nothing its quote paid the held bill', () => {
    // 1,200.00 over 12 (tier B, 9.60 fee a period); February's statement cut late on 02-20, due
    // 03-01: period 1, 100.00 + 9.60 = 109.60, all of it its minimum. MINIMUM asked 03-01 waits;
    // March's statement (period 2, its 9.60 fee first in the waterfall) is cut 03-05; the 109.60
    // lands 03-06 and pays the held February bill what its quote paid it, before March's fee.
    const line = opened()
      .buy('2030-01-21', 'a2', 120_000, 'INSTALLMENTS', 12)
      .statement('2030-02-05', '2030-02-20');
    const minimum = quoted(line, '2030-03-01', 'MINIMUM');
    expect(minimum.amountMinor).toBe(10_960);
    awaited(line, '2030-03-01', minimum);
    line.accrue('2030-03-02').statement('2030-03-05').do('2030-03-06', minimum);
    expect(line.bill('b:2030-02-05')).toMatchObject({ overdue: false, billed: { PENALTIES: 0 } });
    expect(billStatus(line.bill('b:2030-02-05'))).toBe('PAID');
    expect(billOwedMinor(line.bill('b:2030-03-05'))).toBe(10_960);
  });

  test('its minimum met by the due day, a bill the awaited repayment would pay off accrues no interest unless declined', () => {
    // 100.00 paid 02-10 meets the minimum; STATEMENT asked 02-13 for the 900.00 left waits.
    // Landed 02-18: PAID, no interest. Declined 02-18 instead: interest on 900.00, 0.45 a day for
    // 02-15..02-18 = 1.80.
    const paidMinimum = () => billed().do('2030-02-10', amount(10_000));
    const line = paidMinimum();
    const statement = quoted(line, '2030-02-13', 'STATEMENT');
    expect(statement.amountMinor).toBe(90_000);
    awaited(line, '2030-02-13', statement);
    line.accrue('2030-02-16');
    expect(line.bill(bill).billed.INTEREST).toBe(0);
    line.do('2030-02-18', statement);
    expect(billStatus(line.bill(bill))).toBe('PAID');
    expect(line.bill(bill).billed.INTEREST).toBe(0);
    const declined = paidMinimum();
    awaited(declined, '2030-02-13', statement);
    declined.do('2030-02-18', {
      type: 'DECLINE_REPAYMENT',
      repaymentId: statement.repaymentId,
      amountMinor: statement.amountMinor,
      reason: 'insufficient funds',
    });
    expect(declined.bill(bill)).toMatchObject({ overdue: false, billed: { INTEREST: 180 } });
  });

  test('refusals by name: awaited twice, asked in the future, nothing asked of the source', () => {
    const line = billed();
    const statement = quoted(line, '2030-02-13', 'STATEMENT');
    awaited(line, '2030-02-13', statement);
    const again = line.try('2030-02-13', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-13',
      repayment: statement,
    });
    expect(again).toMatchObject({ ok: false, rejection: 'REPAYMENT_ALREADY_AWAITED' });
    const future = line.try('2030-02-13', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-14',
      repayment: { ...statement, repaymentId: 'r:other' },
    });
    expect(future).toMatchObject({ ok: false, rejection: 'ASKED_IN_THE_FUTURE' });
    const balanceOnly = line.try('2030-02-13', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-13',
      repayment: { ...statement, repaymentId: 'r:balance', amountMinor: 0 },
    });
    expect(balanceOnly).toMatchObject({ ok: false, rejection: 'INVALID_AMOUNT' });
    // Its 7 days over: it would hold nothing.
    const tooLate = line.try('2030-02-21', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-13',
      repayment: { ...statement, repaymentId: 'r:late' },
    });
    expect(tooLate).toMatchObject({ ok: false, rejection: 'AWAITED_TOO_LATE' });
    // A "later" that lost a race with the source's decline (both asked while it waited) holds nothing.
    line.do('2030-02-14', {
      type: 'DECLINE_REPAYMENT',
      repaymentId: statement.repaymentId,
      amountMinor: statement.amountMinor,
      reason: 'insufficient funds',
    });
    const afterAnswer = line.try('2030-02-14', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-13',
      repayment: statement,
    });
    expect(afterAnswer).toMatchObject({ ok: false, rejection: 'REPAYMENT_ALREADY_ANSWERED' });
    // Also when its landing came before its "later" was ever written.
    const landedFirst = amount(6_000);
    line.do('2030-02-14', landedFirst);
    const laterAfterLanding = line.try('2030-02-14', {
      type: 'AWAIT_REPAYMENT',
      askedOn: '2030-02-14',
      repayment: landedFirst,
    });
    expect(laterAfterLanding).toMatchObject({ ok: false, rejection: 'REPAYMENT_ALREADY_ANSWERED' });
  });
});
