import { CheckoutService } from '../../src/services/checkout.service';
import { ClockService } from '../../src/services/clock.service';
import { OrderPaymentService } from '../../src/services/order-payment.service';
import { RebuildService } from '../../src/services/rebuild.service';
import { seedDemoData } from '../../src/seed/seed';
import { testDatabase } from '../support/test-database';

describe('rebuilding projections from the ledger', () => {
  test('a clean database rebuilds to itself; a corrupted projection is reported, then repaired', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const clock = new ClockService(t.repos.clock, 'local');
    const alice = { userId: 'u_alice', scopes: ['user'] };
    const operator = { userId: 'op', scopes: ['operator'] };
    const checkout = new CheckoutService('MALL', t.repos, t.repos.mallOrders, clock, alice);
    const placed = await checkout.checkout({
      items: [{ productId: 'mall-earbuds', quantity: 1 }],
      plan: 'FULL',
      idempotencyKey: 'rebuild-001',
    });
    const kept = await checkout.checkout({
      items: [{ productId: 'mall-tea-set', quantity: 1 }],
      plan: 'FULL',
      idempotencyKey: 'rebuild-002',
    });
    const payments = new OrderPaymentService(t.repos, t.repos.mallOrders, clock, operator);
    await payments.ship(placed.order!._id);
    await payments.refund(placed.order!._id, 10_000, 'rebuild-refund-1');

    const rebuild = new RebuildService(t.repos);
    expect(await rebuild.run(false)).toMatchObject({ linesChecked: 3, ordersChecked: 2, differences: [] });

    await t.db.models.creditLines.updateOne({ _id: 'cl_alice' }, { $set: { usedMinor: 1 } });
    await t.db.models.mallOrders.updateOne({ _id: kept.order!._id }, { $set: { status: 'SHIPPED' } });
    const broken = await rebuild.run(false);
    expect(broken.differences).toEqual([
      'cl_alice: usedMinor 1 != ledger 39900',
      `${kept.order!._id}: status SHIPPED != ledger PLACED`,
    ]);
    expect((await rebuild.run(true)).fixed).toBe(true);
    expect((await rebuild.run(false)).differences).toEqual([]);
    const [line] = await t.repos.creditLines.findByIds(['cl_alice']);
    expect(line).toMatchObject({ usedMinor: 39_900, heldMinor: 29_900 });
  });
});
