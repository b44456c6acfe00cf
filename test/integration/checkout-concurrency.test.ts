import { execFile } from 'node:child_process';
import path from 'node:path';
import { assertLineState, lineFigures } from '../../src/core/ledger/line-state';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import { CheckoutService } from '../../src/app/orders/checkout.service';
import { ClockService } from '../../src/app/common/clock.service';
import { seedDemoData } from '../../src/seed/seed';
import { testDatabase } from '../support/test-database';

const bob = { userId: 'u_bob', scopes: ['user'] }; // limit 21,150.00 from the scorecard

/** Runs checkouts in a separate OS process (see checkout-worker.js) and returns their outcomes. */
function checkoutProcess(databaseUri: string, userId: string, keyPrefix: string, count: number) {
  return new Promise<{ orderId: string | null; authorizationId: string | null; codes: string[] }[]>(
    (resolve, reject) => {
      execFile(
        process.execPath,
        [
          path.join(__dirname, '..', 'support', 'checkout-worker.js'),
          databaseUri,
          userId,
          keyPrefix,
          String(count),
        ],
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
      );
    },
  );
}

describe('checkout under concurrency on the real engine', () => {
  test('4 processes x 16 simultaneous checkouts on one line: never over the limit, each hold in the ledger once', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    // Separate processes do not share the in-process queue: only the unique (line, sequence) insert
    // keeps them from overdrawing. 2 x 899.00 per order: 11 fit in 21,150.00.
    const outcomes = (
      await Promise.all([0, 1, 2, 3].map((p) => checkoutProcess(t.uri, 'u_bob', `proc${p}`, 16)))
    ).flat();
    const accepted = outcomes.filter((o) => o.orderId);
    expect(accepted).toHaveLength(11);
    expect(outcomes.filter((o) => !o.orderId).flatMap((o) => o.codes)).toEqual(
      Array.from({ length: 53 }, () => 'INSUFFICIENT_AVAILABLE_CREDIT'),
    );
    const entries = await t.repos.ledger.all('cl_bob');
    for (const entry of entries) assertLineState(entry.stateAfter);
    const held = entries
      .filter((e) => e.type === 'AUTHORIZE' && !e.rejection)
      .map((e) => (e.command.type === 'AUTHORIZE' ? e.command.authorizationId : ''));
    expect(held.sort()).toEqual(accepted.map((o) => o.authorizationId!).sort());
    expect(entries.map((e) => e.sequence)).toEqual(entries.map((_, i) => i + 1));
    expect(lineFigures(entries.at(-1)!.stateAfter)).toMatchObject({
      limitMinor: 2_115_000,
      heldMinor: 1_977_800,
    });
    expect(await t.db.models.mallOrders.countDocuments()).toBe(11);
  });

  test('64 simultaneous checkouts in one process never exceed the line; each accepted one is in the ledger exactly once', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const ledger = new LedgerWriter(t.repos);
    const checkout = () =>
      new CheckoutService(
        'MALL',
        t.repos,
        t.repos.mallOrders,
        new ClockService(t.repos.clock, 'local'),
        ledger,
      );
    // 2 x 899.00 = 1,798.00 per order: 11 fit in 21,150.00 (19,778.00), a 12th would not.
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        checkout().checkout(bob, {
          items: [{ productId: 'mall-rice-cooker', quantity: 2 }],
          plan: 'FULL',
          idempotencyKey: `concurrent-${String(i).padStart(3, '0')}`,
        }),
      ),
    );
    const accepted = results.filter((r) => r.order);
    expect(accepted).toHaveLength(11);
    const refusals = results.flatMap((r) => r.userErrors.map((e) => e.code));
    expect(refusals).toEqual(Array.from({ length: 53 }, () => 'INSUFFICIENT_AVAILABLE_CREDIT'));

    const entries = await t.repos.ledger.all('cl_bob');
    for (const entry of entries) assertLineState(entry.stateAfter);
    // Refusals are recorded too (a retry gets the same answer), with their reason.
    const authorizations = entries.filter((e) => e.type === 'AUTHORIZE' && !e.rejection);
    expect(authorizations).toHaveLength(11);
    expect(entries.filter((e) => e.rejection === 'INSUFFICIENT_AVAILABLE_CREDIT')).toHaveLength(53);
    const authorizedIds = authorizations.map((e) =>
      e.command.type === 'AUTHORIZE' ? e.command.authorizationId : '',
    );
    expect(new Set(authorizedIds)).toEqual(new Set(accepted.map((r) => r.order!.authorizationId)));
    expect(entries.map((e) => e.sequence)).toEqual(entries.map((_, i) => i + 1));
    expect(lineFigures(entries.at(-1)!.stateAfter)).toMatchObject({
      limitMinor: 2_115_000,
      heldMinor: 1_977_800,
    });
    const [line] = await t.repos.creditLines.findByIds(['cl_bob']);
    expect(line).toMatchObject({ heldMinor: 1_977_800, headSequence: entries.length });
  });

  test('eight simultaneous retries of one checkout make one order and one hold', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const input = {
      items: [{ productId: 'mall-earbuds', quantity: 1 }],
      plan: 'FULL' as const,
      idempotencyKey: 'same-key-001',
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        new CheckoutService(
          'MALL',
          t.repos,
          t.repos.mallOrders,
          new ClockService(t.repos.clock, 'local'),
          new LedgerWriter(t.repos),
        ).checkout(bob, input),
      ),
    );
    expect(new Set(results.map((r) => r.order?._id)).size).toBe(1);
    expect((await t.repos.ledger.all('cl_bob')).filter((e) => e.type === 'AUTHORIZE')).toHaveLength(1);
    expect(await t.db.models.mallOrders.countDocuments()).toBe(1);
  });
});
