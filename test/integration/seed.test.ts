import { demoCreditLines, demoUsers } from '../../src/seed/demo-data';
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
    const lines = await t.repos.creditLines.findByUserIds(demoUsers.map((u) => u._id));
    expect(lines.map((l) => l.limitMinor).sort((a, b) => a - b)).toEqual(
      demoCreditLines.map((l) => l.limitMinor).sort((a, b) => a - b),
    );
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
