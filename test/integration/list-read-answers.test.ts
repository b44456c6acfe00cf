import { ObjectId } from 'mongodb';
import { testDatabase } from '../support/test-database';

interface ProbeDoc {
  _id: string | number | ObjectId | Date;
  userId: string | string[];
  ref?: string | ObjectId;
}

/**
 * Filtered, sorted and limited reads answer as MongoDB does, whatever the engine. On the embedded
 * FerretDB's SQLite they are pushed down to an index (ferretdb-pushdown-plan.test.ts), which must never
 * lose or misorder a document: these are the cases where a pushed-down read could. Expected answers are
 * MongoDB's rules, worked out by hand in the comments.
 */
describe('list reads on the real engine', () => {
  test('pages by user: newest first, keyset, ascending; an array holding the user, other _id types and escaped strings keep MongoDB order', async () => {
    await using t = await testDatabase();
    const probe = t.db.connection.collection<ProbeDoc>('listProbe');
    await probe.createIndex({ userId: 1, _id: -1 });
    await probe.createIndex({ ref: 1 });
    // o_000 .. o_029; user u0 gets n % 3 == 0, u1 n % 3 == 1, u2 n % 3 == 2.
    await probe.insertMany(
      Array.from({ length: 30 }, (_, n) => ({ _id: `o_${String(n).padStart(3, '0')}`, userId: `u${n % 3}` })),
    );
    const ids = (docs: { _id: unknown }[]) => docs.map((doc) => String(doc._id));
    const page = (filter: object, direction: 1 | -1, limit: number) =>
      probe.find(filter).sort({ _id: direction }).limit(limit).toArray();

    // u1 holds 1, 4, ..., 28: newest first 28, 25, 22; the next page after 22: 19, 16, 13.
    expect(ids(await page({ userId: 'u1' }, -1, 3))).toEqual(['o_028', 'o_025', 'o_022']);
    expect(ids(await page({ userId: 'u1', _id: { $lt: 'o_022' } }, -1, 3))).toEqual([
      'o_019',
      'o_016',
      'o_013',
    ]);
    // $gte is inclusive: u2 from 20 up: 20, 23.
    expect(ids(await page({ userId: 'u2', _id: { $gte: 'o_020' } }, 1, 2))).toEqual(['o_020', 'o_023']);
    // $in of users: u0 and u2 ascending: 0, 2, 3.
    expect(ids(await page({ userId: { $in: ['u0', 'u2'] } }, 1, 3))).toEqual(['o_000', 'o_002', 'o_003']);

    // An array holding u1 matches `userId: 'u1'` in MongoDB; its _id o_999 is the newest.
    await probe.insertOne({ _id: 'o_999', userId: ['x', 'u1'] });
    expect(ids(await page({ userId: 'u1' }, -1, 2))).toEqual(['o_999', 'o_028']);
    await probe.deleteOne({ _id: 'o_999' });

    // MongoDB sorts numbers before strings and ObjectIds after them, dates after ObjectIds.
    const objectId = new ObjectId('0123456789abcdef01234567');
    await probe.insertMany([
      { _id: 7, userId: 'u0' },
      { _id: objectId, userId: 'u0' },
    ]);
    expect(ids(await page({ userId: 'u0' }, 1, 2))).toEqual(['7', 'o_000']);
    expect(ids(await page({ userId: 'u0' }, -1, 2))).toEqual([String(objectId), 'o_027']);
    await probe.insertOne({ _id: new Date(Date.UTC(2026, 0, 1)), userId: 'u0' });
    expect(ids(await page({ userId: 'u0' }, -1, 2))).toEqual([
      String(new Date(Date.UTC(2026, 0, 1))),
      String(objectId),
    ]);
    // A range on a string matches strings only: below o_003 for u0 is o_000, not 7 nor the ObjectId.
    expect(ids(await page({ userId: 'u0', _id: { $lt: 'o_003' } }, -1, 5))).toEqual(['o_000']);

    // Strings compare by their UTF-8 bytes: '<' (0x3c) < 'Z' (0x5a) < '\' (0x5c) < 'é' (0xc3 0xa9),
    // whatever their JSON escapes ('<' is written \u003c by Go, '\' as \\). (A NUL would come first
    // on SQLite too, checked by hand; FerretDB on PostgreSQL cannot store one.)
    await probe.insertMany(['s\\', 'sZ', 'sé', 's<'].map((id) => ({ _id: id, userId: 'u3' })));
    expect(ids(await page({ userId: 'u3' }, 1, 4))).toEqual(['s<', 'sZ', 's\\', 'sé']);
    expect(ids(await page({ userId: 'u3' }, -1, 4))).toEqual(['sé', 's\\', 'sZ', 's<']);
    expect(ids(await page({ userId: 'u3', _id: { $gt: 's<', $lt: 'sé' } }, 1, 4))).toEqual(['sZ', 's\\']);

    // An ObjectId is not the string of its hex: only the string matches.
    await probe.insertMany([
      { _id: 'r1', userId: 'u4', ref: objectId },
      { _id: 'r2', userId: 'u4', ref: '0123456789abcdef01234567' },
    ]);
    expect(ids(await probe.find({ ref: '0123456789abcdef01234567' }).toArray())).toEqual(['r2']);
    expect(ids(await probe.find({ ref: objectId }).toArray())).toEqual(['r1']);

    // Counts and deletes use the same filters: u1 holds 10 of o_000..o_029.
    expect(await probe.countDocuments({ userId: 'u1' })).toBe(10);
    expect((await probe.deleteMany({ userId: 'u1', _id: { $lt: 'o_010' } })).deletedCount).toBe(3);
    expect(ids(await page({ userId: 'u1' }, 1, 10))).toEqual([
      'o_010',
      'o_013',
      'o_016',
      'o_019',
      'o_022',
      'o_025',
      'o_028',
    ]);
  });
});
