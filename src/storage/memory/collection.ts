import type { IndexDefinition, IndexOptions } from 'mongoose';
import { DuplicateKeyError } from './errors';
import { isOperatorObject, matches } from './filter';
import { compareValues, type Doc, getPath, isPlainObject, valueKey } from './values';

/** One stored document; `order` is its place in natural (insertion) order. */
export interface StoredRecord {
  id: string;
  order: number;
  doc: Doc;
}

interface IndexSpec {
  name: string;
  pattern: Record<string, unknown>;
  paths: string[][];
  sparse: boolean;
  partial: Doc | undefined;
}

const emptyArrayKey = '[]';

/**
 * Documents of one collection with the schema's indexes: unique ones enforce E11000 like the server;
 * every index's leading top-level field also answers equality and `$in` lookups, so queries that an
 * index serves in production do not scan here either.
 */
export class MemoryCollection {
  private readonly records = new Map<string, StoredRecord>();
  private nextOrder = 0;
  private readonly unique: { spec: IndexSpec; owners: Map<string, string> }[] = [];
  private readonly lookups = new Map<string, Map<string, Set<string>>>();

  constructor(
    readonly name: string,
    indexes: readonly [IndexDefinition, IndexOptions][],
  ) {
    for (const [definition, options] of indexes) {
      const fields = Object.keys(definition);
      const spec: IndexSpec = {
        name:
          options.name ??
          Object.entries(definition)
            .map(([field, kind]) => `${field}_${String(kind)}`)
            .join('_'),
        pattern: definition,
        paths: fields.map((field) => field.split('.')),
        sparse: options.sparse === true,
        partial: options.partialFilterExpression as Doc | undefined,
      };
      if (options.unique) this.unique.push({ spec, owners: new Map() });
      const leading = fields[0];
      if (leading !== undefined && !leading.includes('.') && leading !== '_id') {
        this.lookups.set(leading, new Map());
      }
    }
  }

  get size(): number {
    return this.records.size;
  }

  /** Matching documents in natural order (stored objects: callers copy before handing them out). */
  find(filter: Doc): StoredRecord[] {
    const candidates = this.candidates(filter) ?? this.records.values();
    const found: StoredRecord[] = [];
    for (const record of candidates) if (matches(record.doc, filter)) found.push(record);
    return found;
  }

  insert(doc: Doc): StoredRecord {
    const id = valueKey(doc._id);
    if (this.records.has(id)) {
      throw new DuplicateKeyError(this.name, '_id_', { _id: 1 }, { _id: doc._id });
    }
    const keys = this.uniqueKeys(doc, undefined);
    const record: StoredRecord = { id, order: this.nextOrder++, doc };
    this.records.set(id, record);
    this.index(record, keys);
    return record;
  }

  /** Swaps a record's document for a new version (same `_id`), keeping its place. */
  replace(record: StoredRecord, doc: Doc): void {
    const keys = this.uniqueKeys(doc, record.id);
    this.unindex(record);
    record.doc = doc;
    this.index(record, keys);
  }

  remove(record: StoredRecord): void {
    this.unindex(record);
    this.records.delete(record.id);
  }

  clear(): void {
    this.records.clear();
    for (const { owners } of this.unique) owners.clear();
    for (const entries of this.lookups.values()) entries.clear();
  }

  /** The unique keys a document would take, or E11000 if another document holds one. */
  private uniqueKeys(doc: Doc, self: string | undefined): string[][] {
    return this.unique.map(({ spec, owners }) => {
      const keys = indexKeys(spec, doc);
      for (const key of keys) {
        const owner = owners.get(key);
        if (owner !== undefined && owner !== self) {
          const keyValue = Object.fromEntries(
            Object.keys(spec.pattern).map((field, i) => [field, getPath(doc, spec.paths[i]!) ?? null]),
          );
          throw new DuplicateKeyError(this.name, spec.name, spec.pattern, keyValue);
        }
      }
      return keys;
    });
  }

  private index(record: StoredRecord, uniqueKeys: string[][]): void {
    this.unique.forEach(({ owners }, i) => {
      for (const key of uniqueKeys[i]!) owners.set(key, record.id);
    });
    for (const [field, entries] of this.lookups) {
      for (const key of lookupKeys(record.doc[field])) {
        let ids = entries.get(key);
        if (!ids) entries.set(key, (ids = new Set()));
        ids.add(record.id);
      }
    }
  }

  private unindex(record: StoredRecord): void {
    for (const { spec, owners } of this.unique) {
      for (const key of indexKeys(spec, record.doc)) {
        if (owners.get(key) === record.id) owners.delete(key);
      }
    }
    for (const [field, entries] of this.lookups) {
      for (const key of lookupKeys(record.doc[field])) {
        const ids = entries.get(key);
        ids?.delete(record.id);
        if (ids?.size === 0) entries.delete(key);
      }
    }
  }

  /** Records an `_id` or indexed-field equality narrows the filter to (smallest set), else undefined. */
  private candidates(filter: Doc): StoredRecord[] | undefined {
    let best: Iterable<string> | undefined;
    let bestSize = Infinity;
    for (const [path, condition] of Object.entries(filter)) {
      const wanted = lookupValues(condition);
      if (!wanted) continue;
      if (path === '_id') {
        const ids = wanted.map(valueKey).filter((id) => this.records.has(id));
        if (ids.length < bestSize) [best, bestSize] = [ids, ids.length];
        continue;
      }
      const entries = this.lookups.get(path);
      if (!entries) continue;
      const sets = wanted.map((value) => entries.get(valueKey(value))).filter((ids) => ids !== undefined);
      const size = sets.reduce((sum, ids) => sum + ids.size, 0);
      if (size < bestSize)
        [best, bestSize] = [sets.length === 1 ? sets[0]! : sets.flatMap((ids) => [...ids]), size];
    }
    if (!best) return undefined;
    const found = new Map<string, StoredRecord>();
    for (const id of best) {
      const record = this.records.get(id);
      if (record) found.set(id, record);
    }
    return [...found.values()].sort((a, b) => a.order - b.order);
  }
}

/** Values an equality or `$in` condition asks for, when a lookup can answer it (not for arrays). */
function lookupValues(condition: unknown): unknown[] | undefined {
  let wanted: unknown[];
  if (!isOperatorObject(condition)) wanted = [condition];
  else if ('$eq' in condition) wanted = [condition.$eq];
  else if (Array.isArray(condition.$in)) wanted = condition.$in as unknown[];
  else return undefined;
  return wanted.some((value) => Array.isArray(value) || value instanceof RegExp) ? undefined : wanted;
}

/** Keys a top-level field is found under: each element of an array, null for missing or null. */
function lookupKeys(value: unknown): string[] {
  if (!Array.isArray(value)) return [valueKey(value)];
  return value.length === 0 ? [emptyArrayKey] : [...new Set(value.map(valueKey))];
}

/**
 * The keys of one document in a (possibly compound, possibly multikey) index; none when a sparse or
 * partial index leaves the document out. Missing fields index as null, as on the server.
 */
function indexKeys(spec: IndexSpec, doc: Doc): string[] {
  if (spec.sparse && spec.paths.every((path) => getPath(doc, path) === undefined)) return [];
  if (spec.partial && !matches(doc, spec.partial)) return [];
  let keys: string[][] = [[]];
  for (const path of spec.paths) {
    const values = indexValues(doc, path, 0);
    keys = keys.flatMap((prefix) => values.map((value) => [...prefix, value]));
  }
  return [...new Set(keys.map((parts) => JSON.stringify(parts)))];
}

function indexValues(value: unknown, path: readonly string[], depth: number): string[] {
  if (depth === path.length) return lookupKeys(value);
  if (Array.isArray(value)) {
    const found = value.filter(isPlainObject).flatMap((item) => indexValues(item, path, depth));
    return found.length > 0 ? [...new Set(found)] : [valueKey(null)];
  }
  if (isPlainObject(value)) return indexValues(value[path[depth]!], path, depth + 1);
  return [valueKey(null)];
}

/** Sorts records by a `{ field: 1 | -1 }` spec with MongoDB's cross-type order (stable for ties). */
export function sortRecords(records: StoredRecord[], spec: readonly [string, 1 | -1][]): StoredRecord[] {
  if (spec.length === 0) return records;
  const keyed = records.map((record) => ({
    record,
    keys: spec.map(([path, direction]) => sortKey(record.doc, path, direction)),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < spec.length; i += 1) {
      const order = compareSortKeys(a.keys[i]!, b.keys[i]!) * spec[i]![1];
      if (order !== 0) return order;
    }
    return a.record.order - b.record.order;
  });
  return keyed.map(({ record }) => record);
}

const emptyArray = Symbol('empty array');

/** An array sorts by its smallest element ascending and its largest descending; `[]` below null. */
function sortKey(doc: Doc, path: string, direction: 1 | -1): unknown {
  const values = sortValues(doc, path.split('.'), 0);
  if (values.length === 0) return emptyArray;
  let key = values[0];
  for (const value of values.slice(1)) {
    if (compareSortKeys(value, key) * direction < 0) key = value;
  }
  return key;
}

function sortValues(value: unknown, path: readonly string[], depth: number): unknown[] {
  if (depth === path.length) return Array.isArray(value) ? value : [value];
  if (Array.isArray(value))
    return value.filter(isPlainObject).flatMap((item) => sortValues(item, path, depth));
  if (isPlainObject(value)) return sortValues(value[path[depth]!], path, depth + 1);
  return [undefined];
}

function compareSortKeys(a: unknown, b: unknown): number {
  if (a === emptyArray || b === emptyArray) return a === b ? 0 : a === emptyArray ? -1 : 1;
  return compareValues(a, b);
}
