import { demoUsers } from '../../src/seed/demo-data';
import { seedDemoData } from '../../src/seed/seed';
import { ensureIndexes } from '../../src/storage/database';
import { testDatabase } from '../support/test-database';

describe('demo data and index setup', () => {
  test('seeding twice adds nothing the second time', async () => {
    await using t = await testDatabase();
    const added = await seedDemoData(t.repos);
    expect(added).toBeGreaterThan(demoUsers.length);
    expect(await seedDemoData(t.repos)).toBe(0);
    expect(await t.db.models.users.countDocuments()).toBe(demoUsers.length);
    // Limits come from the scorecard (hand-computed in src/seed/demo-data.ts) through each line's OPEN entry.
    const lines = await t.repos.creditLines.findByUserIds(demoUsers.map((u) => u._id));
    expect(
      Object.fromEntries(lines.map((l) => [l.userId, [l.limitMinor, l.riskTier, l.status, l.headSequence]])),
    ).toEqual({
      u_alice: [2_900_000, 'A', 'ACTIVE', 1],
      u_bob: [2_115_000, 'B', 'ACTIVE', 1],
      u_carol: [5_000, 'C', 'ACTIVE', 1],
    });
    const [open] = await t.repos.ledger.all('cl_alice');
    expect(open).toMatchObject({ sequence: 1, type: 'OPEN', amountMinor: 2_900_000 });
  });

  test('the index setup step can run again, and builds the unique indexes', async () => {
    await using t = await testDatabase();
    await ensureIndexes(t.db);
    const indexes = await t.db.models.creditLines.listIndexes();
    expect(indexes).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: { userId: 1 }, unique: true })]),
    );
  });
});
