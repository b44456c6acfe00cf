import type { LedgerCommand } from '../../src/core/ledger/commands';
import { assertLineState, lineFigures } from '../../src/core/ledger/line-state';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import { requestHash } from '../../src/ledger/request-hash';
import { testDatabase } from '../support/test-database';

const now = new Date('2026-03-10T04:00:00Z');
const authorize = (authorizationId: string, amountMinor: number): LedgerCommand => ({
  type: 'AUTHORIZE',
  authorizationId,
  amountMinor,
  request: {
    channel: 'MALL',
    categories: ['HOME'],
    plan: 'FULL',
  },
});

async function openLine(
  ledger: LedgerWriter,
  t: Awaited<ReturnType<typeof testDatabase>>,
  limitMinor: number,
) {
  await t.repos.creditLines.insertOnce({
    _id: 'cl_hot',
    userId: 'u_hot',
    status: 'PENDING_REVIEW',
    limitMinor: 0,
    usedMinor: 0,
    heldMinor: 0,
    availableMinor: 0,
    installmentFeesOwedMinor: 0,
    interestOwedMinor: 0,
    penaltiesOwedMinor: 0,
    creditBalanceMinor: 0,
    statementDay: 5,
    riskTier: 'B',
    riskScore: 650,
    riskReasons: [],
    headSequence: 0,
    state: null,
    createdAt: now,
  });
  const command: LedgerCommand = { type: 'OPEN', limitMinor, statementDay: 5 };
  await ledger.append({ lineId: 'cl_hot', command, key: 'open', requestHash: requestHash(command), now });
}

describe('ledger appends on the real engine', () => {
  test('64 simultaneous holds on one line never exceed its limit; each accepted one is in the ledger once', async () => {
    await using t = await testDatabase();
    const ledger = new LedgerWriter(t.repos);
    await openLine(ledger, t, 100_000); // room for exactly 10 holds of 10,000
    const outcomes = await Promise.all(
      Array.from({ length: 64 }, (_, i) => {
        const command = authorize(`a${i}`, 10_000);
        return ledger.append({
          lineId: 'cl_hot',
          command,
          key: `k${i}`,
          requestHash: requestHash(command),
          now,
        });
      }),
    );
    const applied = outcomes.filter((o) => o.status === 'APPLIED');
    const rejected = outcomes.filter((o) => o.status === 'REJECTED');
    expect(applied).toHaveLength(10);
    expect(rejected).toHaveLength(54);
    expect(new Set(rejected.map((o) => (o.status === 'REJECTED' ? o.rejection : '')))).toEqual(
      new Set(['INSUFFICIENT_AVAILABLE_CREDIT']),
    );

    // Every command is one entry: 10 holds and 54 recorded refusals after the opening.
    const entries = await t.repos.ledger.all('cl_hot');
    expect(entries.map((e) => e.sequence)).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
    const keys = entries.slice(1).map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(64);
    expect(entries.filter((e) => e.type === 'AUTHORIZE' && !e.rejection)).toHaveLength(10);
    for (const entry of entries) assertLineState(entry.stateAfter);
    expect(lineFigures(entries.at(-1)!.stateAfter)).toMatchObject({
      limitMinor: 100_000,
      heldMinor: 100_000,
    });
    const [line] = await t.repos.creditLines.findByIds(['cl_hot']);
    expect(line).toMatchObject({ headSequence: 65, heldMinor: 100_000 });
  });

  test('the same key with the same input replays; with other input it is refused', async () => {
    await using t = await testDatabase();
    const ledger = new LedgerWriter(t.repos);
    await openLine(ledger, t, 100_000);
    const command = authorize('a1', 10_000);
    const request = {
      lineId: 'cl_hot',
      command,
      key: 'pay-1',
      requestHash: requestHash({ amount: 100 }),
      now,
    };
    const retries = await Promise.all(Array.from({ length: 8 }, () => ledger.append(request)));
    expect(retries.filter((o) => o.status === 'APPLIED')).toHaveLength(1);
    expect(retries.filter((o) => o.status === 'REPLAYED')).toHaveLength(7);
    expect(await ledger.append({ ...request, requestHash: requestHash({ amount: 200 }) })).toMatchObject({
      status: 'KEY_REUSED',
    });
    expect(await t.repos.ledger.all('cl_hot')).toHaveLength(2);
  });

  test("a command on a day that changes a bill goes after that day's accrual; its retry a day later writes nothing", async () => {
    await using t = await testDatabase();
    const ledger = new LedgerWriter(t.repos);
    await openLine(ledger, t, 100_000);
    const at = (iso: string) => new Date(iso);
    const append = (command: LedgerCommand, key: string, when: Date) =>
      ledger.append({ lineId: 'cl_hot', command, key, requestHash: requestHash({ key }), now: when });
    // 100.00 captured on 03-10; the 04-05 statement (minimum 10.00) is due 04-14; nothing paid.
    await append(authorize('a1', 10_000), 'a1', now);
    const capture: LedgerCommand = {
      type: 'CAPTURE',
      authorizationId: 'a1',
      authorizedMinor: 10_000,
      captureMinor: 10_000,
      plan: 'FULL',
      orderId: 'o1',
    };
    await append(capture, 'c1', now);
    const statement: LedgerCommand = { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2026-04-05' };
    await append(statement, 'bill:b1', at('2026-04-05T04:00:00Z'));
    // 04-16 (noon, China): 1.00 repaid; days 1-2 past due on 100.00 accrue 0.05 a day = 0.10 first.
    const repay: LedgerCommand = { type: 'REPAY', repaymentId: 'r1', amountMinor: 100, payOffPlanIds: [] };
    const repaid = await append(repay, 'r1', at('2026-04-16T04:00:00Z'));
    expect(repaid.status).toBe('APPLIED');
    expect(repaid.accrual).toMatchObject({
      type: 'ACCRUE',
      idempotencyKey: 'cl_hot:accrue:2026-04-16',
      effects: { accruedPenaltyMinor: 10, penaltyDays: 2, billsGoneOverdue: ['b1'] },
    });
    expect(repaid.entry!.effects).toMatchObject({ accruedPenaltyMinor: 0, penaltyDays: 0 });
    expect(repaid.entry!.sequence).toBe(repaid.accrual!.sequence + 1);
    // The retry on 04-17 replays: no accrual for the 17th is written before it.
    const entries = (await t.repos.ledger.all('cl_hot')).length;
    const retried = await append(repay, 'r1', at('2026-04-17T04:00:00Z'));
    expect([retried.status, retried.accrual]).toEqual(['REPLAYED', undefined]);
    expect(await t.repos.ledger.all('cl_hot')).toHaveLength(entries);
  });
});
