import { Schema } from 'mongoose';
import { ensureIndexes, isDuplicateKey } from '../../src/storage/database';
import { billComponents, type ComponentAmounts } from '../../src/core/ledger/line-state';
import type { BillDoc } from '../../src/storage/models/bill.model';
import { ledgerEntryId, type LedgerEntryDoc } from '../../src/storage/models/ledger-entry.model';
import type { NotificationDoc } from '../../src/storage/models/notification.model';
import type { OrderDoc } from '../../src/storage/models/order.model';
import { createMemoryDatabase } from '../../src/storage/memory/memory-database';
import { createMemoryModel, type MemoryModel } from '../../src/storage/memory/memory-model';
import { findByIds } from '../../src/storage/repositories/find-by-ids';
import { insertOnce } from '../../src/storage/repositories/insert-once';
import { keysetPage } from '../../src/storage/repositories/page';
import { projectVersioned } from '../../src/storage/repositories/project-versioned';
import { createRepositories } from '../../src/storage/repositories/repositories';

interface ThingDoc {
  _id: string;
  group: string;
  n?: number;
  code?: string;
  tags: string[];
  at?: Date;
  note: string | null;
  level: number;
  meta?: Record<string, unknown>;
  parts?: { sku: string; qty: number }[];
}

function thingSchema() {
  const schema = new Schema<ThingDoc>(
    {
      _id: { type: String, required: true },
      group: { type: String, required: true },
      n: Number,
      code: String,
      tags: { type: [String], default: [] },
      at: Date,
      note: { type: String, default: null },
      level: { type: Number, default: 0 },
      meta: Schema.Types.Mixed,
      parts: [new Schema({ sku: String, qty: { type: Number, default: 1 } }, { _id: false })],
    },
    { collection: 'things', versionKey: false },
  );
  schema.index({ group: 1, n: 1 }, { unique: true });
  schema.index({ code: 1 }, { unique: true, sparse: true });
  schema.index({ level: 1 });
  return schema;
}

async function things(...docs: Partial<ThingDoc>[]): Promise<MemoryModel> {
  const model = createMemoryModel(thingSchema());
  for (const doc of docs) await model.create(doc);
  return model;
}

async function ids(query: { lean(): { exec(): Promise<ThingDoc[]> } }): Promise<string[]> {
  return (await query.lean().exec()).map((doc) => doc._id);
}

async function rejection(
  promise: PromiseLike<unknown>,
): Promise<{ code?: number; name?: string; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: number };
  }
  throw new Error('expected a rejection');
}

const day = (n: number) => new Date(Date.UTC(2024, 0, n));

describe('memory model: reads', () => {
  test('findById returns a copy of the document, or null', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1, at: day(1), meta: { deep: { x: 1 } } });
    const found = await model.findById<ThingDoc>('a').lean().exec();
    expect(found).toEqual({
      _id: 'a',
      group: 'g',
      n: 1,
      tags: [],
      at: day(1),
      note: null,
      level: 0,
      meta: { deep: { x: 1 } },
      parts: [],
    });
    expect(found!.at).toBeInstanceOf(Date);
    found!.meta!.deep = 'changed';
    found!.tags.push('x');
    expect(await model.findById<ThingDoc>('a').lean().exec()).toMatchObject({
      tags: [],
      meta: { deep: { x: 1 } },
    });
    expect(await model.findById('missing').lean().exec()).toBeNull();
  });

  test('equality on top-level and dotted paths, arrays matching by element, null matching missing', async () => {
    const model = await things(
      { _id: 'a', group: 'g', n: 1, tags: ['red', 'blue'], meta: { kind: 'x', sub: { k: 1 } } },
      { _id: 'b', group: 'g', n: 2, tags: ['blue'], meta: { kind: 'y' }, note: 'hello' },
      {
        _id: 'c',
        group: 'h',
        n: 1,
        parts: [
          { sku: 's1', qty: 2 },
          { sku: 's2', qty: 5 },
        ],
      },
    );
    expect(await ids(model.find({ group: 'g' }))).toEqual(['a', 'b']);
    expect(await ids(model.find({ 'meta.kind': 'y' }))).toEqual(['b']);
    expect(await ids(model.find({ 'meta.sub.k': 1 }))).toEqual(['a']);
    expect(await ids(model.find({ tags: 'red' }))).toEqual(['a']);
    expect(await ids(model.find({ tags: ['blue'] }))).toEqual(['b']);
    expect(await ids(model.find({ 'parts.sku': 's2' }))).toEqual(['c']);
    expect(await ids(model.find({ note: null }))).toEqual(['a', 'c']);
    expect(await ids(model.find({ meta: null }))).toEqual(['c']);
    expect(await ids(model.find({ group: 'g', n: 2 }))).toEqual(['b']);
    expect(await ids(model.find({}))).toEqual(['a', 'b', 'c']);
  });

  test('$in, $nin, $ne, $lt, $lte, $gt, $gte and $exists', async () => {
    const model = await things(
      { _id: 'a', group: 'g', n: 1, at: day(1) },
      { _id: 'b', group: 'g', n: 2, at: day(2), code: 'B' },
      { _id: 'c', group: 'h', n: 3, at: day(3) },
      { _id: 'd', group: 'h', n: 4, code: 'D', tags: ['t'] },
    );
    expect(await ids(model.find({ _id: { $in: ['d', 'a', 'zz'] } }))).toEqual(['a', 'd']);
    expect(await ids(model.find({ group: { $in: ['h'] } }))).toEqual(['c', 'd']);
    expect(await ids(model.find({ n: { $nin: [1, 4] } }))).toEqual(['b', 'c']);
    expect(await ids(model.find({ group: { $ne: 'g' } }))).toEqual(['c', 'd']);
    expect(await ids(model.find({ code: { $ne: null } }))).toEqual(['b', 'd']);
    expect(await ids(model.find({ n: { $lt: 3 } }))).toEqual(['a', 'b']);
    expect(await ids(model.find({ n: { $lte: 3, $gt: 1 } }))).toEqual(['b', 'c']);
    expect(await ids(model.find({ n: { $gte: 4 } }))).toEqual(['d']);
    expect(await ids(model.find({ at: { $lt: day(3) } }))).toEqual(['a', 'b']);
    expect(await ids(model.find({ at: { $gte: day(2) } }))).toEqual(['b', 'c']);
    // Type bracketing: a string bound never matches numbers.
    expect(await ids(model.find({ n: { $lt: 'z' } }))).toEqual([]);
    expect(await ids(model.find({ _id: { $lt: 'c' } }))).toEqual(['a', 'b']);
    expect(await ids(model.find({ code: { $exists: true } }))).toEqual(['b', 'd']);
    expect(await ids(model.find({ at: { $exists: false } }))).toEqual(['d']);
    expect(await ids(model.find({ tags: { $in: ['t'] } }))).toEqual(['d']);
  });

  test('sort orders strings by code point, numbers, Dates and missing values like MongoDB', async () => {
    const model = await things(
      { _id: 'b', group: 'g', n: 10, at: day(3) },
      { _id: 'B', group: 'g', n: 9, at: day(1) },
      { _id: 'a', group: 'h', n: 2 },
      { _id: 'é', group: 'h', n: 1.5, at: day(2) },
      { _id: '😀', group: 'h', n: -1, at: day(4) },
      { _id: '\uffef', group: 'i', n: 0, at: day(5) },
    );
    expect(await ids(model.find({}).sort({ _id: 1 }))).toEqual(['B', 'a', 'b', 'é', '\uffef', '😀']);
    expect(await ids(model.find({}).sort({ _id: -1 }))).toEqual(['😀', '\uffef', 'é', 'b', 'a', 'B']);
    expect(await ids(model.find({}).sort({ n: 1 }))).toEqual(['😀', '\uffef', 'é', 'a', 'B', 'b']);
    expect(await ids(model.find({}).sort({ at: 1 }))).toEqual(['a', 'B', 'é', 'b', '😀', '\uffef']);
    expect(await ids(model.find({}).sort({ at: -1 }))).toEqual(['\uffef', '😀', 'b', 'é', 'B', 'a']);
    expect(await ids(model.find({}).sort({ group: -1, n: 1 }))).toEqual(['\uffef', '😀', 'é', 'a', 'B', 'b']);
    expect(await ids(model.find({}).sort('group -n'))).toEqual(['b', 'B', 'a', 'é', '😀', '\uffef']);
  });

  test("the repositories' query helpers accept a memory model as it is typed", async () => {
    const model = await things(
      { _id: 'a', group: 'g', n: 1 },
      { _id: 'b', group: 'g', n: 2 },
      { _id: 'c', group: 'h' },
    );
    expect((await findByIds<ThingDoc>(model, ['c'])).map((doc) => doc._id)).toEqual(['c']);
    expect((await findByIds<ThingDoc>(model, ['c', 'a', 'x'])).map((doc) => doc._id)).toEqual(['a', 'c']);
    const page = await keysetPage<ThingDoc>((filter) => model.find(filter), { group: 'g' }, { first: 1 });
    expect([page.items.map((doc) => doc._id), page.hasNextPage]).toEqual([['b'], true]);
    const last = await keysetPage<ThingDoc>(
      (filter) => model.find(filter),
      { group: 'g' },
      { first: 1, afterId: 'b' },
    );
    expect([last.items.map((doc) => doc._id), last.hasNextPage]).toEqual([['a'], false]);
  });

  test('ties keep natural (insertion) order, so runs are deterministic', async () => {
    const model = await things(
      { _id: 'c', group: 'g', n: 1 },
      { _id: 'a', group: 'h', n: 1 },
      { _id: 'b', group: 'g', n: 2 },
    );
    expect(await ids(model.find({}).sort({ group: 1 }))).toEqual(['c', 'b', 'a']);
    expect(await ids(model.find({}).sort({ n: -1 }))).toEqual(['b', 'c', 'a']);
  });

  test('limit after sort, limit(0) means all; findOne takes the first match', async () => {
    const model = await things(
      { _id: 'a', group: 'g', n: 3 },
      { _id: 'b', group: 'g', n: 1 },
      { _id: 'c', group: 'g', n: 2 },
    );
    expect(await ids(model.find({ group: 'g' }).sort({ n: -1 }).limit(2))).toEqual(['a', 'c']);
    expect(await ids(model.find({}).limit(0))).toEqual(['a', 'b', 'c']);
    expect((await model.findOne<ThingDoc>({ group: 'g' }).lean().exec())?._id).toBe('a');
    expect((await model.findOne<ThingDoc>({ group: 'g' }).sort({ n: 1 }).lean().exec())?._id).toBe('b');
    expect(await model.findOne({ group: 'zz' }).lean().exec()).toBeNull();
    expect(await model.countDocuments({ n: { $gte: 2 } }).exec()).toBe(2);
    expect(await model.countDocuments().exec()).toBe(3);
  });

  test('queries are thenable and run once, like mongoose queries', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1 });
    const query = model.find({}).lean();
    expect((await query).length).toBe(1);
    expect((await rejection(query.exec())).message).toBe('Query was already executed');
  });

  test('refuses what it does not implement instead of guessing', async () => {
    const model = await things({ _id: 'a', group: 'g' });
    expect((await rejection(model.find({}).exec())).message).toMatch(/hydrated documents/);
    expect(
      (
        await rejection(
          model
            .find({ $or: [{ group: 'g' }] })
            .lean()
            .exec(),
        )
      ).message,
    ).toMatch(/\$or/);
    expect(
      (
        await rejection(
          model
            .find({ group: { $regex: 'g' } })
            .lean()
            .exec(),
        )
      ).message,
    ).toMatch(/\$regex/);
    expect((await rejection(model.find({ group: /g/ }).lean().exec())).message).toMatch(/regular expression/);
    expect((await rejection(model.updateOne({}, { $pull: { tags: 'x' } }).exec())).message).toMatch(/\$pull/);
    expect(
      (
        await rejection(
          model
            .find({ n: { $in: 1 } })
            .lean()
            .exec(),
        )
      ).code,
    ).toBe(2);
  });
});

describe('memory model: writes', () => {
  test('create copies the document in schema order, with defaults, without unknown fields or undefined', async () => {
    const model = createMemoryModel(thingSchema());
    const input = {
      parts: [{ sku: 's', extra: 1 }],
      note: undefined,
      extra: true,
      group: 'g',
      _id: 'a',
      meta: { u: undefined, list: [undefined, 1] },
    };
    const created = await model.create(input);
    input.parts[0]!.sku = 'mutated';
    const stored = await model.findById<ThingDoc>('a').lean().exec();
    expect(created).toEqual(stored);
    expect(stored).toEqual({
      _id: 'a',
      group: 'g',
      tags: [],
      note: null,
      level: 0,
      meta: { list: [null, 1] },
      parts: [{ sku: 's', qty: 1 }],
    });
    expect(Object.keys(stored!)).toEqual(['_id', 'group', 'tags', 'note', 'level', 'meta', 'parts']);
  });

  test('a duplicate _id or unique key is E11000, which insertOnce turns into false', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1, code: 'X' });
    const sameId = await rejection(model.create({ _id: 'a', group: 'other' }));
    expect(sameId).toMatchObject({ code: 11000, name: 'MongoServerError', keyValue: { _id: 'a' } });
    expect(sameId.message).toContain('index: _id_');
    const compound = await rejection(model.create({ _id: 'b', group: 'g', n: 1 }));
    expect(compound).toMatchObject({
      code: 11000,
      keyPattern: { group: 1, n: 1 },
      keyValue: { group: 'g', n: 1 },
    });
    expect(isDuplicateKey(await rejection(model.create({ _id: 'c', group: 'h', code: 'X' })))).toBe(true);
    // Sparse: documents without `code` do not collide with each other.
    expect(await insertOnce(model, { _id: 'd', group: 'h', n: 1 })).toBe(true);
    expect(await insertOnce(model, { _id: 'e', group: 'h', n: 2 })).toBe(true);
    expect(await insertOnce(model, { _id: 'f', group: 'g', n: 1 })).toBe(false);
    expect(await model.countDocuments().exec()).toBe(3);
  });

  test('create of an array inserts each document and throws the first failure', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1 });
    const error = await rejection(
      model.create([
        { _id: 'b', group: 'g', n: 2 },
        { _id: 'a', group: 'x' },
        { _id: 'c', group: 'g', n: 3 },
      ]),
    );
    expect(error.code).toBe(11000);
    expect(await ids(model.find({}))).toEqual(['a', 'b', 'c']);
  });

  test('updateOne applies $set, $inc and $push and reports counts', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1, tags: ['x'] }, { _id: 'b', group: 'g', n: 2 });
    const update = { $set: { note: 'hi', 'meta.k': 1 }, $inc: { n: 10, level: 2 }, $push: { tags: 'y' } };
    expect(await model.updateOne({ _id: 'a' }, update).exec()).toEqual({
      acknowledged: true,
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await model.findById('a').lean().exec()).toEqual({
      _id: 'a',
      group: 'g',
      n: 11,
      tags: ['x', 'y'],
      note: 'hi',
      level: 2,
      meta: { k: 1 },
      parts: [],
    });
    await model.updateOne({ _id: 'a' }, { $push: { tags: { $each: ['z', 'w'] } } }).exec();
    expect((await model.findById<ThingDoc>('a').lean().exec())?.tags).toEqual(['x', 'y', 'z', 'w']);
    const noop = await model.updateOne({ _id: 'a' }, { $set: { note: 'hi' } }).exec();
    expect([noop.matchedCount, noop.modifiedCount]).toEqual([1, 0]);
    // Existing fields change in place; new ones are appended in field-name order (MongoDB 5+).
    await model.updateOne({ _id: 'b' }, { $set: { code: 'Z', at: day(1), group: 'h' } }).exec();
    expect(Object.keys((await model.findById<ThingDoc>('b').lean().exec())!)).toEqual([
      '_id',
      'group',
      'n',
      'tags',
      'note',
      'level',
      'parts',
      'at',
      'code',
    ]);
    const none = await model.updateOne({ _id: 'zz' }, { $set: { note: 'x' } }).exec();
    expect([none.matchedCount, none.upsertedCount]).toEqual([0, 0]);
    expect(await model.countDocuments().exec()).toBe(2);
  });

  test('updateOne follows mongoose: plain keys are $set, undefined is skipped, unknown paths dropped', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1, note: 'keep' });
    await model
      .updateOne({ _id: 'a' }, { level: 5, note: undefined, bogus: 1, meta: { u: undefined, v: 1 } })
      .exec();
    expect(await model.findById('a').lean().exec()).toEqual({
      _id: 'a',
      group: 'g',
      n: 1,
      tags: [],
      note: 'keep',
      level: 5,
      parts: [],
      // The driver writes a nested undefined as null in an update (unlike a create).
      meta: { u: null, v: 1 },
    });
    // Nothing left to send: mongoose answers without a write, even for an upsert.
    const empty = await model
      .updateOne({ _id: 'new' }, { bogus: 1, note: undefined }, { upsert: true })
      .exec();
    expect([empty.acknowledged, empty.upsertedCount]).toEqual([false, 0]);
    expect(await model.countDocuments().exec()).toBe(1);
  });

  test('update errors: changing _id, $inc on a string, conflicting paths, a unique collision', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 1 }, { _id: 'b', group: 'g', n: 2 });
    expect((await rejection(model.updateOne({ _id: 'a' }, { $set: { _id: 'z' } }).exec())).code).toBe(66);
    expect((await rejection(model.updateOne({ _id: 'a' }, { $inc: { group: 1 } }).exec())).code).toBe(14);
    expect(
      (await rejection(model.updateOne({ _id: 'a' }, { $set: { meta: {}, 'meta.x': 1 } }).exec())).code,
    ).toBe(40);
    expect((await rejection(model.updateOne({ _id: 'a' }, { $set: { n: 2 } }).exec())).code).toBe(11000);
    expect(await model.findById('a').lean().exec()).toMatchObject({ _id: 'a', n: 1 });
    // The failed update left its old index entries in place: the old key is still taken.
    expect((await rejection(model.create({ _id: 'c', group: 'g', n: 1 }))).code).toBe(11000);
  });

  test('an upsert inserts the filter equalities, the update and the defaults', async () => {
    const model = createMemoryModel(thingSchema());
    const result = await model
      .updateOne(
        { _id: 'a', group: 'g', n: { $lt: 5 } },
        { $set: { n: 3 }, $setOnInsert: { code: 'C' } },
        { upsert: true },
      )
      .exec();
    expect(result).toEqual({
      acknowledged: true,
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 1,
      upsertedId: 'a',
    });
    const stored = await model.findById('a').lean().exec();
    expect(stored).toEqual({
      _id: 'a',
      group: 'g',
      n: 3,
      code: 'C',
      tags: [],
      note: null,
      level: 0,
      parts: [],
    });
    // The seed first, then every other field in name order (defaults are mongoose's $setOnInsert).
    expect(Object.keys(stored!)).toEqual(['_id', 'group', 'code', 'level', 'n', 'note', 'parts', 'tags']);
  });

  test('a guarded upsert whose guard fails on an existing _id is a duplicate key (projectVersioned)', async () => {
    const model = await things({ _id: 'a', group: 'g', n: 7 });
    const guarded = (n: number) =>
      model.updateOne({ _id: 'a', n: { $lt: n } }, { $set: { n, group: 'g' } }, { upsert: true });
    const error = await rejection(guarded(5).exec());
    expect(error).toMatchObject({ code: 11000, keyValue: { _id: 'a' } });
    expect((await model.findById<ThingDoc>('a').lean().exec())?.n).toBe(7);
    expect((await guarded(9).exec()).modifiedCount).toBe(1);
    expect((await model.findById<ThingDoc>('a').lean().exec())?.n).toBe(9);
  });

  test('projectVersioned keeps the newest sequence whatever the arrival order', async () => {
    const model = createMemoryModel(
      new Schema({ _id: String, sequence: Number, value: String }, { versionKey: false }),
    );
    await projectVersioned(model, { _id: 'p', sequence: 2, value: 'two' });
    await projectVersioned(model, { _id: 'p', sequence: 1, value: 'one' });
    await projectVersioned(model, { _id: 'p', sequence: 2, value: 'two again' });
    expect(await model.findById('p').lean().exec()).toEqual({ _id: 'p', sequence: 2, value: 'two' });
    await projectVersioned(model, { _id: 'p', sequence: 3, value: 'three' });
    expect(await model.findById('p').lean().exec()).toEqual({ _id: 'p', sequence: 3, value: 'three' });
  });

  test('replaceOne swaps the whole document, keeps _id and place, applies defaults', async () => {
    const model = await things(
      { _id: 'a', group: 'g', n: 1, code: 'A', tags: ['t'] },
      { _id: 'b', group: 'h', n: 1 },
    );
    const result = await model.replaceOne({ _id: 'a' }, { group: 'r', n: 2 }).exec();
    expect([result.matchedCount, result.modifiedCount]).toEqual([1, 1]);
    expect(await model.find({}).lean().exec()).toEqual([
      { _id: 'a', group: 'r', n: 2, tags: [], note: null, level: 0, parts: [] },
      { _id: 'b', group: 'h', n: 1, tags: [], note: null, level: 0, parts: [] },
    ]);
    // The replaced document's unique keys are released.
    expect(await insertOnce(model, { _id: 'c', group: 'x', code: 'A' })).toBe(true);
    expect((await rejection(model.replaceOne({ _id: 'a' }, { _id: 'other', group: 'r' }).exec())).code).toBe(
      66,
    );
  });

  test('deleteMany removes the matches and frees their keys', async () => {
    const model = await things(
      { _id: 'a', group: 'g', n: 1 },
      { _id: 'b', group: 'g', n: 2 },
      { _id: 'c', group: 'h', n: 1 },
    );
    expect(await model.deleteMany({ group: 'g' }).exec()).toEqual({ acknowledged: true, deletedCount: 2 });
    expect(await ids(model.find({}))).toEqual(['c']);
    expect(await insertOnce(model, { _id: 'a', group: 'g', n: 1 })).toBe(true);
  });

  test('indexed lookups stay correct as documents change', async () => {
    const model = await things({ _id: 'a', group: 'g', level: 1 }, { _id: 'b', group: 'h', level: 1 });
    await model.updateOne({ _id: 'a' }, { $set: { level: 2 } }).exec();
    expect(await ids(model.find({ level: 1 }))).toEqual(['b']);
    expect(await ids(model.find({ level: { $in: [2, 1] } }))).toEqual(['a', 'b']);
    expect(await ids(model.find({ level: 2, group: 'h' }))).toEqual([]);
    await model.deleteMany({ _id: 'b' }).exec();
    expect(await ids(model.find({ level: 1 }))).toEqual([]);
  });
});

describe('createMemoryDatabase', () => {
  test('has every model of the real database and passes ensureIndexes', async () => {
    const db = createMemoryDatabase();
    expect(Object.keys(db.models).sort()).toEqual(
      [
        'bills',
        'bindingRequests',
        'channelBindings',
        'clock',
        'creditLines',
        'dataAccessLog',
        'installmentOrders',
        'installmentPlans',
        'ledgerEntries',
        'mallOrders',
        'noticeClaims',
        'notifications',
        'partnerPayments',
        'partners',
        'paymentCodes',
        'payouts',
        'products',
        'refunds',
        'repaymentAskClaims',
        'repayments',
        'users',
      ].sort(),
    );
    await expect(ensureIndexes(db)).resolves.toBeUndefined();
  });

  test('unique indexes come from the schemas (ledger: line+sequence and idempotency key)', async () => {
    const db = createMemoryDatabase();
    const entry = (sequence: number, key: string) => ({
      ...ledgerEntry('cl_1', sequence),
      idempotencyKey: key,
    });
    await db.models.ledgerEntries.create(entry(1, 'k1'));
    const sameKey = await rejection(db.models.ledgerEntries.create(entry(2, 'k1')));
    expect(sameKey).toMatchObject({ code: 11000, keyPattern: { idempotencyKey: 1 } });
    const sameSequence = await rejection(
      db.models.ledgerEntries.create({ ...entry(1, 'k2'), _id: 'other-id' }),
    );
    expect(sameSequence).toMatchObject({ code: 11000, keyPattern: { lineId: 1, sequence: 1 } });
    expect(db.collections.ledgerEntries.size).toBe(1);
  });

  test('validate: runs mongoose validation on create; off by default', async () => {
    const invalid = { _id: 'u1', displayName: 'A', createdAt: new Date() }; // no phone
    const checked = createMemoryDatabase({ validate: true });
    expect((await rejection(checked.models.users.create(invalid))).name).toBe('ValidationError');
    await checked.models.users.create({ ...invalid, phone: '1' });
    expect(checked.collections.users.size).toBe(1);
    const fast = createMemoryDatabase();
    await fast.models.users.create(invalid);
    expect(fast.collections.users.size).toBe(1);
  });

  test('dropDatabase empties every collection; close stops it', async () => {
    const db = createMemoryDatabase();
    const repos = createRepositories(db);
    await repos.users.insertOnce({ _id: 'u1', displayName: 'A', phone: '1', createdAt: day(1) });
    await db.connection.dropDatabase();
    expect(await repos.users.findByIds(['u1'])).toEqual([]);
    await db.close();
    expect((await rejection(repos.users.findByIds(['u1']))).message).toMatch(/closed/);
  });
});

function ledgerEntry(lineId: string, sequence: number): LedgerEntryDoc {
  return {
    _id: ledgerEntryId(lineId, sequence),
    lineId,
    sequence,
    idempotencyKey: `${lineId}:key-${sequence}`,
    requestHash: 'h',
    type: 'OPEN',
    // Opaque (Mixed) to storage: their shape is the core's business.
    command: { type: 'OPEN' } as unknown as LedgerEntryDoc['command'],
    rejection: null,
    decision: null,
    amountMinor: sequence * 100,
    stateAfter: { sequence } as unknown as LedgerEntryDoc['stateAfter'],
    effects: null,
    at: day(sequence),
  };
}

function bill(sequence: number, statementDate: string, owedMinor: number): BillDoc {
  const amounts = Object.fromEntries(billComponents.map((component) => [component, 0])) as ComponentAmounts;
  return {
    _id: `cl_1:${statementDate}`,
    lineId: 'cl_1',
    userId: 'u1',
    statementDate,
    dueDate: statementDate,
    items: [],
    billed: amounts,
    paid: amounts,
    credited: amounts,
    statementTotalMinor: owedMinor,
    minimumDueMinor: 0,
    owedMinor,
    overdue: false,
    status: 'ISSUED',
    sequence,
  };
}

function order(id: string, userId: string, createdAt: Date): OrderDoc {
  return {
    _id: id,
    userId,
    items: [{ sku: 'p1', title: 'Thing', quantity: 1, unitPriceMinor: 500 }],
    totalMinor: 500,
    plan: 'FULL',
    periods: 1,
    status: 'PLACED',
    lineId: 'cl_1',
    authorizationId: `auth-${id}`,
    idempotencyKey: `${userId}:${id}`,
    requestHash: 'h',
    capturedMinor: 0,
    refundedMinor: 0,
    createdAt,
  };
}

describe('real repositories on the memory database', () => {
  test('users, ledger, bills, clock, notifications and orders work end to end', async () => {
    const db = createMemoryDatabase({ validate: true });
    const repos = createRepositories(db);

    const user = { _id: 'u1', displayName: 'Ada', phone: '555', createdAt: day(1) };
    expect(await repos.users.insertOnce(user)).toBe(true);
    expect(await repos.users.insertOnce({ ...user, displayName: 'Again' })).toBe(false);
    expect(await repos.users.findByIds(['u1'])).toEqual([user]);
    expect((await repos.users.findByIds(['u1', 'u2'])).map((found) => found.displayName)).toEqual(['Ada']);

    for (const sequence of [1, 2, 3])
      expect(await repos.ledger.append(ledgerEntry('cl_1', sequence))).toBe(true);
    expect(await repos.ledger.append({ ...ledgerEntry('cl_1', 3), idempotencyKey: 'fresh' })).toBe(false);
    expect(await repos.ledger.append({ ...ledgerEntry('cl_1', 4), idempotencyKey: 'cl_1:key-2' })).toBe(
      false,
    );
    expect((await repos.ledger.entry('cl_1', 2))?.amountMinor).toBe(200);
    expect((await repos.ledger.after('cl_1', 1)).map((entry) => entry.sequence)).toEqual([2, 3]);
    expect((await repos.ledger.byIdempotencyKey('cl_1:key-3'))?.sequence).toBe(3);
    const page = await repos.ledger.page('cl_1', { first: 2 });
    expect([page.items.map((entry) => entry.sequence), page.hasNextPage]).toEqual([[3, 2], true]);
    const next = await repos.ledger.page('cl_1', { first: 2, afterId: page.items[1]!._id });
    expect([next.items.map((entry) => entry.sequence), next.hasNextPage]).toEqual([[1], false]);
    expect((await repos.ledger.all('cl_1')).map((entry) => entry.at)).toEqual([day(1), day(2), day(3)]);

    await repos.bills.project(bill(5, '2024-02-01', 500));
    await repos.bills.project(bill(4, '2024-02-01', 400)); // older: ignored
    await repos.bills.project(bill(6, '2024-01-01', 100));
    expect((await repos.bills.byId('cl_1:2024-02-01'))?.owedMinor).toBe(500);
    await repos.bills.project(bill(7, '2024-02-01', 50));
    expect((await repos.bills.byId('cl_1:2024-02-01'))?.owedMinor).toBe(50);
    expect((await repos.bills.ofLine('cl_1')).map((found) => found.statementDate)).toEqual([
      '2024-01-01',
      '2024-02-01',
    ]);

    expect(await repos.clock.offsetMs()).toBe(0);
    await repos.clock.setOffsetMs(5_000);
    await repos.clock.setOffsetMs(7_000);
    expect(await repos.clock.offsetMs()).toBe(7_000);

    const note = (id: string, createdAt: Date): NotificationDoc => ({
      _id: id,
      userId: 'u1',
      kind: 'DUE_SOON',
      message: id,
      ref: 'r',
      createdAt,
      sentAt: null,
    });
    expect(await repos.notifications.record(note('n2', day(2)))).toBe(true);
    expect(await repos.notifications.record(note('n1', day(1)))).toBe(true);
    expect(await repos.notifications.record(note('n1', day(9)))).toBe(false);
    expect((await repos.notifications.unsent(10)).map((found) => found._id)).toEqual(['n1', 'n2']);
    await repos.notifications.markSent('n1', day(3));
    expect((await repos.notifications.unsent(10)).map((found) => found._id)).toEqual(['n2']);
    expect((await repos.notifications.ofUser('u1'))[0]?.sentAt).toEqual(day(3));

    for (const [id, at] of [
      ['o_1', day(1)],
      ['o_2', day(2)],
      ['o_3', day(3)],
    ] as const) {
      expect(await repos.mallOrders.insertOnce(order(id, 'u1', at))).toBe(true);
    }
    expect(await repos.mallOrders.insertOnce(order('o_9', 'u1', day(9)))).toBe(true);
    expect(
      await repos.mallOrders.insertOnce({ ...order('o_x', 'u1', day(9)), idempotencyKey: 'u1:o_1' }),
    ).toBe(false);
    const pages = await repos.mallOrders.pageByUsers(['u1', 'u2'], { first: 2, afterId: 'o_9' });
    expect(pages.get('u1')?.items.map((found) => found._id)).toEqual(['o_3', 'o_2']);
    expect(pages.get('u1')?.hasNextPage).toBe(true);
    expect(pages.get('u2')).toEqual({ items: [], hasNextPage: false });
    await repos.mallOrders.setPayment('o_1', { status: 'SHIPPED', capturedMinor: 500 });
    expect((await repos.mallOrders.placedBefore(day(3), 10)).map((found) => found._id)).toEqual(['o_2']);
    expect(await repos.installmentOrders.findByIds(['o_1'])).toEqual([]);
  });
});
