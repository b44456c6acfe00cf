import { type Model, Types, type Schema } from 'mongoose';
import { MemoryCollection, sortRecords, type StoredRecord } from './collection';
import { MemoryServerError, UnsupportedOperationError } from './errors';
import { checkFilter } from './filter';
import { prepareUpdate, schemaInfo, shapeDocument, type SchemaInfo, withInsertDefaults } from './shape';
import { applyUpdate, seedFromFilter } from './update';
import { cloneStored, copyIn, type Doc, isPlainObject, valuesEqual } from './values';

export interface UpdateResult {
  /** False when mongoose sent nothing: the update was empty once prepared. */
  acknowledged: boolean;
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  upsertedId: unknown;
}

export interface DeleteResult {
  acknowledged: true;
  deletedCount: number;
}

interface WriteOptions {
  upsert?: boolean;
}

/** A query as the engine received it: what an index would have to serve. */
export interface ObservedQuery {
  collection: string;
  kind: 'read' | 'count' | 'update' | 'delete';
  filter: Doc;
  order: readonly [string, 1 | -1][];
  /** 0 = no limit (a single-document read counts as 1). */
  limit: number;
}

/** State shared by the models of one memory database. */
export interface MemoryEngine {
  closed: boolean;
  /** Sees every query with a filter (index-coverage tests). */
  observer?: (query: ObservedQuery) => void;
  /** Mongoose's own model for the schema, when creates are validated like `Model.create` does. */
  validator?: (schema: Schema) => Model<unknown>;
}

type SortSpec = Record<string, unknown> | string;

/** Chaining like a mongoose Query, run by `exec()` (or `await`), once, as mongoose allows. */
export abstract class MemoryOperation<R> implements PromiseLike<R> {
  private executed = false;

  constructor(protected readonly engine: MemoryEngine) {}

  protected abstract run(): R;

  /** Runs at call time, so concurrent callers see each other's writes in the order they ran. */
  exec(): Promise<R> {
    try {
      if (this.engine.closed) throw new Error('memory database: the database is closed');
      if (this.executed) throw new Error('Query was already executed');
      this.executed = true;
      return Promise.resolve(this.run());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  then<A = R, B = never>(
    onFulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.exec().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.exec().catch(onRejected);
  }
}

/** `find`/`findOne`/`findById`: `.sort()`, `.limit()` and `.lean()` (required: documents are not hydrated). */
export abstract class ReadQuery<R> extends MemoryOperation<R> {
  private order: [string, 1 | -1][] = [];
  private count = 0;
  private isLean = false;

  constructor(
    engine: MemoryEngine,
    private readonly model: MemoryModel,
    private readonly filter: unknown,
  ) {
    super(engine);
  }

  sort(spec: SortSpec): this {
    this.order = parseSort(spec);
    return this;
  }

  /** As on the server: 0 means no limit, a negative limit counts as its absolute value. */
  limit(count: number): this {
    this.count = Math.abs(count);
    return this;
  }

  protected markLean(): void {
    this.isLean = true;
  }

  protected select(single: boolean): Doc[] {
    if (!this.isLean) throw new UnsupportedOperationError('reading hydrated documents (use .lean())');
    return this.model.select(filterOf(this.filter), this.order, single ? 1 : this.count);
  }
}

/** `lean<R>()` names the whole result, as in mongoose's typings (`find(...).lean<Doc[]>()`). */
export class MemoryFindQuery<R> extends ReadQuery<R> {
  lean<L = R>(): MemoryFindQuery<L> {
    this.markLean();
    return this as unknown as MemoryFindQuery<L>;
  }

  protected run(): R {
    return this.select(false) as R;
  }
}

/** Resolves to the document or null; `lean<R>()` names the document type. */
export class MemoryFindOneQuery<R> extends ReadQuery<R | null> {
  lean<L = R>(): MemoryFindOneQuery<L> {
    this.markLean();
    return this as unknown as MemoryFindOneQuery<L>;
  }

  protected run(): R | null {
    return (this.select(true)[0] as R | undefined) ?? null;
  }
}

export class WriteQuery<R> extends MemoryOperation<R> {
  constructor(
    engine: MemoryEngine,
    private readonly action: () => R,
  ) {
    super(engine);
  }

  protected run(): R {
    return this.action();
  }
}

function parseSort(spec: SortSpec): [string, 1 | -1][] {
  const entries: [string, unknown][] =
    typeof spec === 'string'
      ? spec
          .split(/\s+/)
          .filter(Boolean)
          .map((field) => (field.startsWith('-') ? [field.slice(1), -1] : [field, 1]))
      : Object.entries(spec);
  return entries.map(([field, direction]) => {
    if (direction === 1 || direction === 'asc' || direction === 'ascending') return [field, 1];
    if (direction === -1 || direction === 'desc' || direction === 'descending') return [field, -1];
    throw new UnsupportedOperationError(`the sort direction ${JSON.stringify(direction)}`);
  });
}

function checkOptions(options: unknown): WriteOptions {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw new UnsupportedOperationError('write options that are not an object');
  for (const key of Object.keys(options)) {
    if (key !== 'upsert') throw new UnsupportedOperationError(`the write option ${key}`);
  }
  return { upsert: options.upsert === true };
}

function checkNoProjection(rest: unknown[]): void {
  if (rest.some((argument) => argument !== undefined && argument !== null)) {
    throw new UnsupportedOperationError('projections and query options on reads');
  }
}

function filterOf(filter: unknown): Doc {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter)) throw new UnsupportedOperationError('a filter that is not an object');
  checkFilter(filter);
  return filter;
}

function immutableId(): MemoryServerError {
  return new MemoryServerError(
    66,
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

/**
 * The part of a mongoose Model the repositories use, over an in-memory collection. Documents are
 * copied in and out, so callers never share objects with the store.
 */
export class MemoryModel {
  private readonly info: SchemaInfo;

  constructor(
    readonly schema: Schema,
    readonly collection: MemoryCollection,
    private readonly engine: MemoryEngine,
  ) {
    this.info = schemaInfo(schema);
  }

  find<T = Doc>(filter?: unknown, ...rest: unknown[]): MemoryFindQuery<T[]> {
    checkNoProjection(rest);
    return new MemoryFindQuery<T[]>(this.engine, this, filter);
  }

  findOne<T = Doc>(filter?: unknown, ...rest: unknown[]): MemoryFindOneQuery<T> {
    checkNoProjection(rest);
    return new MemoryFindOneQuery<T>(this.engine, this, filter);
  }

  /** Like mongoose: an undefined id looks for `_id: null`. */
  findById<T = Doc>(id: unknown, ...rest: unknown[]): MemoryFindOneQuery<T> {
    return this.findOne<T>({ _id: id === undefined ? null : id }, ...rest);
  }

  countDocuments(filter?: unknown): WriteQuery<number> {
    return new WriteQuery(this.engine, () => {
      const checked = filterOf(filter);
      this.observe('count', checked);
      return this.collection.find(checked).length;
    });
  }

  /** Mongoose's `create`: one document or an array (all attempted; the first error is thrown). */
  create(docs: unknown[]): Promise<Doc[]>;
  // Last, so generic callers such as `insertOnce` infer their document type from this signature.
  create(doc: unknown): Promise<Doc>;
  async create(docs: unknown): Promise<Doc | Doc[]> {
    if (!Array.isArray(docs)) return this.insertOne(docs);
    const created: Doc[] = [];
    let failure: unknown;
    for (const doc of docs as unknown[]) {
      try {
        created.push(await this.insertOne(doc));
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return created;
  }

  updateOne(filter: unknown, update: unknown, options?: unknown): WriteQuery<UpdateResult> {
    return new WriteQuery(this.engine, () => {
      const checked = filterOf(filter);
      this.observe('update', checked, [], 1);
      const operations = prepareUpdate(this.info, update);
      const { upsert } = checkOptions(options);
      if (Object.keys(operations).length === 0) return { ...result(0, 0), acknowledged: false };
      const [record] = this.collection.find(checked);
      if (record) {
        const next = cloneStored(record.doc);
        applyUpdate(next, operations, false);
        return this.rewrite(record, next);
      }
      if (!upsert) return result(0, 0);
      const inserted = copyIn(seedFromFilter(checked), 'drop') as Doc;
      applyUpdate(inserted, withInsertDefaults(this.info, inserted, operations), true);
      return this.upsertInsert(inserted);
    });
  }

  replaceOne(filter: unknown, replacement: unknown, options?: unknown): WriteQuery<UpdateResult> {
    return new WriteQuery(this.engine, () => {
      const checked = filterOf(filter);
      this.observe('update', checked, [], 1);
      if (isPlainObject(replacement) && Object.keys(replacement).some((key) => key.startsWith('$'))) {
        throw new UnsupportedOperationError('update operators in a replacement document');
      }
      const shaped = shapeDocument(this.info, replacement);
      const { upsert } = checkOptions(options);
      const [record] = this.collection.find(checked);
      if (record) {
        if (shaped._id !== undefined && !valuesEqual(shaped._id, record.doc._id)) throw immutableId();
        return this.rewrite(record, shaped._id === undefined ? { _id: record.doc._id, ...shaped } : shaped);
      }
      if (!upsert) return result(0, 0);
      const seed = copyIn(seedFromFilter(checked), 'drop') as Doc;
      return this.upsertInsert(seed._id === undefined ? shaped : { _id: seed._id, ...shaped });
    });
  }

  deleteMany(filter?: unknown): WriteQuery<DeleteResult> {
    return new WriteQuery(this.engine, () => {
      const checked = filterOf(filter);
      this.observe('delete', checked);
      const found = this.collection.find(checked);
      for (const record of found) this.collection.remove(record);
      return { acknowledged: true, deletedCount: found.length };
    });
  }

  private observe(
    kind: ObservedQuery['kind'],
    filter: Doc,
    order: readonly [string, 1 | -1][] = [],
    limit = 0,
  ) {
    this.engine.observer?.({ collection: this.collection.name, kind, filter, order, limit });
  }

  /** Index and collection setup have nothing to do in memory (unique indexes always hold). */
  async createCollection(): Promise<void> {}

  async createIndexes(): Promise<void> {}

  /** Matching documents, sorted and limited (0 = all), copied out. */
  select(filter: Doc, order: readonly [string, 1 | -1][], limit: number): Doc[] {
    this.observe('read', filter, order, limit);
    const found = sortRecords(this.collection.find(filter), order);
    const kept = limit > 0 ? found.slice(0, limit) : found;
    return kept.map((record) => cloneStored(record.doc));
  }

  private async insertOne(input: unknown): Promise<Doc> {
    if (this.engine.validator) {
      // Mongoose's own casting and validators, exactly as `Model.create` runs them before an insert.
      const ValidationModel = this.engine.validator(this.schema);
      await new ValidationModel(input).validate();
    }
    if (this.engine.closed) throw new Error('memory database: the database is closed');
    const doc = shapeDocument(this.info, input);
    if (doc._id === undefined) {
      const error = new Error('document must have an _id before saving');
      error.name = 'MongooseError';
      throw error;
    }
    const record = this.collection.insert(doc);
    return cloneStored(record.doc);
  }

  private rewrite(record: StoredRecord, next: Doc): UpdateResult {
    if (!valuesEqual(next._id, record.doc._id)) throw immutableId();
    if (valuesEqual(next, record.doc)) return result(1, 0);
    this.collection.replace(record, next);
    return result(1, 1);
  }

  private upsertInsert(doc: Doc): UpdateResult {
    // The server's generated _id; a string because every schema here declares a String _id.
    if (doc._id === undefined) doc = { _id: new Types.ObjectId().toHexString(), ...doc };
    this.collection.insert(doc);
    return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: doc._id };
  }
}

function result(matchedCount: number, modifiedCount: number): UpdateResult {
  return { acknowledged: true, matchedCount, modifiedCount, upsertedCount: 0, upsertedId: null };
}

/** A standalone model over a schema (its own collection), for tests and tools. */
export function createMemoryModel(
  schema: Schema,
  engine: MemoryEngine = { closed: false },
  name = (schema.get('collection') as string | undefined) ?? 'memory',
): MemoryModel {
  return new MemoryModel(schema, new MemoryCollection(name, schema.indexes()), engine);
}
