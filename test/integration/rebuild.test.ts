import { testDatabase } from '../support/test-database';
import { world } from '../support/world';

describe('rebuilding projections from the ledger', () => {
  test('a clean database rebuilds to itself; a corrupted projection is reported, then repaired', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    const placed = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'rebuild-001');
    const kept = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'rebuild-002');
    await w.ship('MALL', placed._id);
    await w.refund('MALL', placed._id, 10_000, 'rebuild-refund-1');

    expect(await w.rebuild.run(false)).toMatchObject({ linesChecked: 3, ordersChecked: 2, differences: [] });

    await t.db.models.creditLines.updateOne({ _id: 'cl_alice' }, { $set: { usedMinor: 1 } });
    await t.db.models.mallOrders.updateOne({ _id: kept._id }, { $set: { status: 'SHIPPED' } });
    const broken = await w.rebuild.run(false);
    expect(broken.differences).toEqual([
      'cl_alice: usedMinor 1 != ledger 39900',
      `${kept._id}: status SHIPPED != ledger PLACED`,
    ]);
    expect((await w.rebuild.run(true)).fixed).toBe(true);
    expect((await w.rebuild.run(false)).differences).toEqual([]);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 39_900, heldMinor: 29_900 });
  });
});
