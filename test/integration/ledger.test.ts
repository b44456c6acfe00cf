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
});
