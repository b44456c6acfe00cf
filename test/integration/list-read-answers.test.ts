import { ObjectId } from 'mongodb';
import { testDatabase } from '../support/test-database';

interface ProbeDoc {
  _id: string | number | ObjectId | Date;
  userId: string | string[];
  ref?: string | ObjectId;
}

interface PathProbeDoc {
  _id: string;
  partner?: { partnerId: string | string[] } | { partnerId: string }[] | string | null;
  sentAt?: Date | null | (Date | null)[];
  createdAt: number;
}

const ids = (docs: { _id: unknown }[]) => docs.map((doc) => String(doc._id));

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

  test('a dotted field and equality to null: arrays on the way, a missing or null value, MongoDB order kept', async () => {
    await using t = await testDatabase();
    const probe = t.db.connection.collection<PathProbeDoc>('pathProbe');
    await probe.createIndex({ 'partner.partnerId': 1, _id: -1 });
    await probe.createIndex({ sentAt: 1, createdAt: 1 });
    const sent = new Date(Date.UTC(2026, 0, 1));
    await probe.insertMany([
      { _id: 'p1', partner: { partnerId: 'pa' }, sentAt: null, createdAt: 1 },
      { _id: 'p2', partner: { partnerId: 'pb' }, sentAt: sent, createdAt: 2 },
      { _id: 'p3', partner: { partnerId: 'pa' }, createdAt: 3 },
      { _id: 'p4', sentAt: null, createdAt: 4 },
      { _id: 'p5', partner: null, sentAt: sent, createdAt: 5 },
    ]);
    const newestFirst = (filter: object, limit: number) =>
      probe.find(filter).sort({ _id: -1 }).limit(limit).toArray();
    const oldestFirst = (filter: object, limit: number) =>
      probe.find(filter).sort({ createdAt: 1 }).limit(limit).toArray();

    // partner.partnerId 'pa': p1 and p3, newest first; after p3 comes p1.
    expect(ids(await newestFirst({ 'partner.partnerId': 'pa' }, 5))).toEqual(['p3', 'p1']);
    expect(ids(await newestFirst({ 'partner.partnerId': 'pa', _id: { $lt: 'p3' } }, 5))).toEqual(['p1']);
    // An array of documents on the way: MongoDB looks into each, so p9 (the newest) matches.
    await probe.insertOne({ _id: 'p9', partner: [{ partnerId: 'pb' }, { partnerId: 'pa' }], createdAt: 9 });
    expect(ids(await newestFirst({ 'partner.partnerId': 'pa' }, 2))).toEqual(['p9', 'p3']);
    await probe.deleteOne({ _id: 'p9' });
    // An array at the end of the path holding 'pa' matches too.
    await probe.insertOne({ _id: 'p8', partner: { partnerId: ['px', 'pa'] }, createdAt: 8 });
    expect(ids(await newestFirst({ 'partner.partnerId': 'pa' }, 2))).toEqual(['p8', 'p3']);
    await probe.deleteOne({ _id: 'p8' });
    // A string at `partner` has no partnerId: p7 does not match 'pa'.
    await probe.insertOne({ _id: 'p7', partner: 'pa', createdAt: 7 });
    expect(ids(await newestFirst({ 'partner.partnerId': 'pa' }, 5))).toEqual(['p3', 'p1']);
    await probe.deleteOne({ _id: 'p7' });

    // sentAt null matches null (p1, p4) and missing (p3), not a date (p2, p5); oldest first 1, 3, 4.
    expect(ids(await oldestFirst({ sentAt: null }, 5))).toEqual(['p1', 'p3', 'p4']);
    expect(ids(await oldestFirst({ sentAt: null }, 2))).toEqual(['p1', 'p3']);
    // An array holding null matches too: p0, created first, comes first.
    await probe.insertOne({ _id: 'p0', sentAt: [null, sent], createdAt: 0 });
    expect(ids(await oldestFirst({ sentAt: null }, 2))).toEqual(['p0', 'p1']);
    await probe.deleteOne({ _id: 'p0' });
    // Once sent, a reminder leaves the outbox: p1 sent, the rest is p3, p4.
    await probe.updateOne({ _id: 'p1' }, { $set: { sentAt: sent } });
    expect(ids(await oldestFirst({ sentAt: null }, 5))).toEqual(['p3', 'p4']);
  });

  test("fields named like SQLite's rowid are fields", async () => {
    await using t = await testDatabase();
    const probe = t.db.connection.collection<{
      _id: string;
      meta?: { oid?: string };
      rowid?: string;
      n?: number;
    }>('rowidProbe');
    await probe.createIndex({ 'meta.oid': 1 });
    await probe.createIndex({ rowid: 1 });
    await probe.insertMany([
      { _id: 'r1', meta: { oid: 'X' }, rowid: 'R' },
      { _id: 'r2', meta: { oid: 'Y' } },
    ]);
    // Each filter names one document: r1.
    expect(ids(await probe.find({ 'meta.oid': 'X' }).toArray())).toEqual(['r1']);
    expect(ids(await probe.find({ rowid: 'R' }).toArray())).toEqual(['r1']);
    expect(await probe.countDocuments({ 'meta.oid': 'X' })).toBe(1);
    // An upsert that matches r1 updates it, and adds no document.
    await probe.updateOne({ 'meta.oid': 'X' }, { $set: { n: 1 } }, { upsert: true });
    expect(await probe.countDocuments({})).toBe(2);
    expect((await probe.findOne({ _id: 'r1' }))?.n).toBe(1);
    expect((await probe.deleteMany({ 'meta.oid': 'Y' })).deletedCount).toBe(1);
  });

  test('a unique index on a dotted path takes documents with arrays on the way', async () => {
    await using t = await testDatabase();
    // MongoDB's keys for `a.b` here are 1, 2 and null (an empty array): no two alike, all three taken.
    const unique = t.db.connection.collection<{ _id: string; a: { b: number }[] }>('uniquePathProbe');
    await unique.createIndex({ 'a.b': 1 }, { unique: true });
    await unique.insertOne({ _id: 'u1', a: [{ b: 1 }] });
    await unique.insertOne({ _id: 'u2', a: [{ b: 2 }] });
    await unique.insertOne({ _id: 'u3', a: [] });
    expect(await unique.countDocuments({})).toBe(3);
  });
});
