import { ledgerRulesVersion } from '../../src/core/ledger/rules-version';
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

  test('entries written under earlier money rules are history: taken as stored, later ones replayed on them', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-04-01T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'rebuild-rules-1'); // 299.00
    await w.ship('MALL', tea._id);
    const entries = t.db.models.ledgerEntries;
    const written = await entries.find({ lineId: 'cl_alice' }).sort({ sequence: 1 }).lean();
    expect(written.map((entry) => entry.rulesVersion)).toEqual(written.map(() => ledgerRulesVersion));
    // As an earlier version stored them: no rules version, no field added since, and the capture
    // computed otherwise than today's rules would (a limit of 29,001.00 on the head).
    const capture = written.at(-1)!;
    expect(capture.type).toBe('CAPTURE');
    await entries.updateMany(
      { lineId: 'cl_alice' },
      { $unset: { rulesVersion: '', 'stateAfter.settledOverdueBillsUncut': '' } },
    );
    await entries.updateOne({ _id: capture._id }, { $set: { 'stateAfter.limitMinor': 2_900_100 } });
    await t.db.models.creditLines.updateOne(
      { _id: 'cl_alice' },
      { $set: { 'state.limitMinor': 2_900_100, limitMinor: 2_900_100, availableMinor: 2_870_200 } },
      { strict: false },
    );
    await t.db.models.creditLines.updateOne(
      { _id: 'cl_alice' },
      { $unset: { 'state.settledOverdueBillsUncut': '' } },
    );
    const report = await w.rebuild.run(false);
    expect(report.differences).toEqual([]);
    expect(report.entriesUnderEarlierRules).toBe(written.length);
    // A new entry is computed under today's rules on that head (its limit kept) and replayed.
    await w.at('2030-04-02T02:00:00Z');
    await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 10_000,
      source: 'BANK_CARD',
      idempotencyKey: 'rebuild-rules-pay',
    });
    expect(await w.line('u_alice')).toMatchObject({ limitMinor: 2_900_100, usedMinor: 19_900 });
    expect((await w.rebuild.run(false)).differences).toEqual([]);
    // A tampered entry of today's rules is still found.
    const last = (await entries.find({ lineId: 'cl_alice' }).sort({ sequence: -1 }).limit(1).lean())[0]!;
    expect(last.rulesVersion).toBe(ledgerRulesVersion);
    await entries.updateOne({ _id: last._id }, { $set: { 'stateAfter.limitMinor': 2_900_200 } });
    expect((await w.rebuild.run(false)).differences).toContain(
      `cl_alice#${last.sequence}: stored state differs from the replay`,
    );
  });
});
