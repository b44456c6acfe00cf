import { applyCommand } from '../../../src/core/ledger/apply';
import { InvariantViolation, type LineBalances } from '../../../src/core/ledger/balances';
import type { LedgerCommand } from '../../../src/core/ledger/commands';

const now = new Date('2026-03-10T04:00:00Z');
const mallRequest = {
  channel: 'MALL',
  category: 'HOME',
  plan: 'FULL' as const,
  scenarioUsedThisMonthMinor: 0,
};

function run(commands: LedgerCommand[]): LineBalances {
  let head: LineBalances | null = null;
  for (const command of commands) {
    const result = applyCommand(head, command, now);
    if (!result.ok) throw new Error(`rejected ${command.type}: ${result.rejection}`);
    head = result.balances;
  }
  return head!;
}

const open: LedgerCommand = { type: 'OPEN', limitMinor: 100_000, statementDay: 5 };
const authorize = (authorizationId: string, amountMinor: number): LedgerCommand => ({
  type: 'AUTHORIZE',
  authorizationId,
  amountMinor,
  request: mallRequest,
});

describe('ledger state machine', () => {
  test('authorize holds, capture moves the hold to principal, partial capture releases the rest', () => {
    const held = run([open, authorize('a1', 30_000)]);
    expect(held).toMatchObject({ limitMinor: 100_000, heldMinor: 30_000, principalMinor: 0 });
    const captured = run([
      open,
      authorize('a1', 30_000),
      { type: 'CAPTURE', authorizationId: 'a1', authorizedMinor: 30_000, captureMinor: 25_000 },
    ]);
    expect(captured).toMatchObject({ heldMinor: 0, principalMinor: 25_000 });
  });

  test('void releases the hold for free', () => {
    const voided = run([
      open,
      authorize('a1', 30_000),
      { type: 'VOID', authorizationId: 'a1', authorizedMinor: 30_000 },
    ]);
    expect(voided).toMatchObject({ heldMinor: 0, principalMinor: 0 });
  });

  test('refund reduces principal; beyond principal it becomes a credit balance', () => {
    const base = [
      open,
      authorize('a1', 30_000),
      { type: 'CAPTURE', authorizationId: 'a1', authorizedMinor: 30_000, captureMinor: 30_000 } as const,
    ];
    expect(run([...base, { type: 'REFUND', refundId: 'r1', amountMinor: 10_000 }])).toMatchObject({
      principalMinor: 20_000,
      creditBalanceMinor: 0,
    });
    // 25,000 refunded first, then 8,000 more: only 5,000 principal is left, 3,000 goes to credit.
    const partlyRefunded = [...base, { type: 'REFUND', refundId: 'r1', amountMinor: 25_000 } as const];
    expect(run([...partlyRefunded, { type: 'REFUND', refundId: 'r2', amountMinor: 8_000 }])).toMatchObject({
      principalMinor: 0,
      creditBalanceMinor: 3_000,
    });
  });

  test.each([
    ['authorize beyond available', [open, authorize('a1', 100_001)], 'INSUFFICIENT_AVAILABLE_CREDIT'],
    [
      'capture more than authorized',
      [
        open,
        authorize('a1', 100),
        { type: 'CAPTURE', authorizationId: 'a1', authorizedMinor: 100, captureMinor: 101 },
      ],
      'CAPTURE_EXCEEDS_AUTHORIZATION',
    ],
    [
      'void a hold that is not there',
      [open, { type: 'VOID', authorizationId: 'x', authorizedMinor: 100 }],
      'HOLD_NOT_FOUND',
    ],
    ['refund nothing', [open, { type: 'REFUND', refundId: 'r', amountMinor: 0 }], 'INVALID_AMOUNT'],
    ['open twice', [open, open], 'LINE_ALREADY_OPEN'],
    ['use a line never opened', [authorize('a1', 100)], 'LINE_NOT_OPEN'],
    ['authorize a fractional amount', [open, authorize('a1', 10.5)], 'INVALID_AMOUNT'],
  ] as [string, LedgerCommand[], string][])(
    '%s is rejected with %s and changes nothing',
    (_name, commands, rejection) => {
      const before = commands.length > 1 ? run(commands.slice(0, -1)) : null;
      const result = applyCommand(before, commands.at(-1)!, now);
      expect(result).toMatchObject({ ok: false, rejection });
    },
  );

  test('velocity is counted from the head: the 21st mall hold within 10 minutes is refused', () => {
    let head = run([{ ...open, limitMinor: 1_000_000 } as LedgerCommand]);
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    for (let i = 0; i < 20; i += 1) {
      const result = applyCommand(head, authorize(`a${i}`, 100), at(i * 0.25));
      if (!result.ok) throw new Error(result.rejection);
      head = result.balances;
    }
    expect(applyCommand(head, authorize('a20', 100), at(5))).toMatchObject({
      ok: false,
      rejection: 'VELOCITY_LIMIT',
    });
    // Ten minutes after the first hold, the window has room again.
    expect(applyCommand(head, authorize('a20', 100), at(10.1))).toMatchObject({ ok: true });
  });

  test('bill, repay through the waterfall, overdue and penalties', () => {
    const captured = run([
      open,
      authorize('a1', 50_000),
      { type: 'CAPTURE', authorizationId: 'a1', authorizedMinor: 50_000, captureMinor: 50_000 },
      { type: 'ISSUE_BILL', billId: 'b1', principalMinor: 30_000, feesMinor: 960 },
    ]);
    expect(captured).toMatchObject({
      principalMinor: 50_000,
      billedPrincipalMinor: 30_000,
      feesOwedMinor: 960,
    });
    const overdue = run([
      open,
      authorize('a1', 50_000),
      { type: 'CAPTURE', authorizationId: 'a1', authorizedMinor: 50_000, captureMinor: 50_000 },
      { type: 'ISSUE_BILL', billId: 'b1', principalMinor: 30_000, feesMinor: 960 },
      { type: 'MARK_OVERDUE', billId: 'b1', principalMinor: 30_000 },
      { type: 'ACCRUE_PENALTY', billId: 'b1', overdueDay: 1, amountMinor: 15 },
      // 15 penalty, 960 fees, 30,000 overdue, then 4,025 of unbilled principal.
      { type: 'REPAY', repaymentId: 'p1', amountMinor: 35_000 },
    ]);
    expect(overdue).toMatchObject({
      penaltiesOwedMinor: 0,
      feesOwedMinor: 0,
      overduePrincipalMinor: 0,
      billedPrincipalMinor: 0,
      principalMinor: 50_000 - 30_000 - 4_025,
      creditBalanceMinor: 0,
    });
    // Repaid principal restores available credit.
    expect(overdue.limitMinor - overdue.principalMinor - overdue.heldMinor).toBe(100_000 - 15_975);
  });

  test('limit review: a cut never goes below used; a frozen line refuses new holds until unfrozen', () => {
    const used = run([open, authorize('a1', 60_000)]);
    expect(
      applyCommand(used, { type: 'REVIEW_LIMIT', reviewId: 'r', action: 'CUT', newLimitMinor: 59_999 }, now),
    ).toMatchObject({
      ok: false,
      rejection: 'CUT_BELOW_USED',
    });
    const frozen = run([
      open,
      authorize('a1', 60_000),
      { type: 'REVIEW_LIMIT', reviewId: 'r', action: 'FREEZE', newLimitMinor: 100_000 },
    ]);
    expect(frozen.status).toBe('FROZEN');
    expect(applyCommand(frozen, authorize('a2', 100), now)).toMatchObject({
      ok: false,
      rejection: 'LINE_NOT_ACTIVE',
    });
    const thawed = applyCommand(
      frozen,
      { type: 'REVIEW_LIMIT', reviewId: 'u', action: 'UNFREEZE', newLimitMinor: 100_000 },
      now,
    );
    expect(thawed).toMatchObject({ ok: true, balances: { status: 'ACTIVE' } });
  });

  test('billing more than the unbilled principal is refused', () => {
    expect(
      applyCommand(run([open]), { type: 'ISSUE_BILL', billId: 'b', principalMinor: 1, feesMinor: 0 }, now),
    ).toMatchObject({
      ok: false,
      rejection: 'BILL_EXCEEDS_UNBILLED',
    });
  });

  test('a head that breaks an invariant is never built upon', () => {
    const broken: LineBalances = { ...run([open]), principalMinor: 90_000, heldMinor: 20_000 };
    expect(() => applyCommand(broken, authorize('a1', 100), now)).toThrow(InvariantViolation);
  });
});
