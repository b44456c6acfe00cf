/**
 * Value semantics of the in-memory engine, after MongoDB's: how BSON stores a JS value, how values
 * compare (equality and sort order across types), and how dotted paths reach into documents.
 */

export type Doc = Record<string, unknown>;

/** What a missing object key becomes when stored: dropped (mongoose documents) or null (raw BSON). */
export type UndefinedMode = 'drop' | 'null';

export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Driver values (ObjectId, Decimal128, ...) are immutable: stored and returned as they are. */
function isBsonValue(value: object): boolean {
  return '_bsontype' in value;
}

/**
 * A deep copy as the driver would store it: Dates stay Dates; `undefined` array elements become null
 * (the BSON serializer's rule); functions are not stored; other class instances keep their own fields.
 */
export function copyIn(value: unknown, mode: UndefinedMode): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    return value.map((item: unknown) => {
      const copied = copyIn(item, mode);
      return copied === undefined ? null : copied;
    });
  }
  if (isBsonValue(value)) return value;
  const copy: Doc = {};
  for (const [key, item] of Object.entries(value)) {
    const copied = copyIn(item, mode);
    if (copied !== undefined) copy[key] = copied;
    else if (mode === 'null') copy[key] = null;
  }
  return copy;
}

/** A deep copy of an already stored value (plain objects, arrays, Dates, primitives only). */
export function cloneStored<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => cloneStored(item)) as T;
  if (isBsonValue(value)) return value;
  const copy: Doc = {};
  for (const [key, item] of Object.entries(value)) copy[key] = cloneStored(item);
  return copy as T;
}

/** MongoDB's cross-type order (missing and null together; the types the engine meets). */
export function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    case 'boolean':
      return 8;
    default:
      break;
  }
  if (value instanceof Date) return 9;
  if (value instanceof RegExp) return 11;
  if (Array.isArray(value)) return 5;
  if (typeof value === 'object' && (value as { _bsontype?: unknown })._bsontype === 'ObjectId') return 7;
  return 4;
}

/** UTF-16 code units reordered so that strings compare by code point, i.e. by UTF-8 bytes as MongoDB does. */
function codePointUnit(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointUnit(x) - codePointUnit(y);
  }
  return a.length - b.length;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  // NaN sorts below every number and equals itself, as in MongoDB.
  const aNaN = typeof a === 'number' && Number.isNaN(a);
  const bNaN = typeof b === 'number' && Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order of BSON values: by type rank, then within the type (0 means equal). */
export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case 1:
      return 0;
    case 2:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 3:
      return compareStrings(a as string, b as string);
    case 5:
      return compareArrays(a as unknown[], b as unknown[]);
    case 7:
    case 11:
      return compareStrings(String(a), String(b));
    case 8:
      return Number(a) - Number(b);
    case 9:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    default:
      return compareObjects(a as Doc, b as Doc);
  }
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Embedded documents compare field by field in stored order (key order matters, as in BSON). */
function compareObjects(a: Doc, b: Doc): number {
  const entriesA = Object.entries(a);
  const entriesB = Object.entries(b);
  const length = Math.min(entriesA.length, entriesB.length);
  for (let i = 0; i < length; i += 1) {
    const [keyA, valueA] = entriesA[i]!;
    const [keyB, valueB] = entriesB[i]!;
    const byType = typeRank(valueA) - typeRank(valueB);
    if (byType !== 0) return byType;
    const byKey = compareStrings(keyA, keyB);
    if (byKey !== 0) return byKey;
    const byValue = compareValues(valueA, valueB);
    if (byValue !== 0) return byValue;
  }
  return entriesA.length - entriesB.length;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** A string that is equal for two values exactly when `valuesEqual` is (index and lookup keys). */
export function valueKey(value: unknown): string {
  switch (typeRank(value)) {
    case 1:
      return 'z';
    case 2:
      return Object.is(value, -0) ? 'n0' : `n${String(value)}`;
    case 3:
      return `s${value as string}`;
    case 5:
      return `a${JSON.stringify((value as unknown[]).map(valueKey))}`;
    case 8:
      return value ? 'b1' : 'b0';
    case 9:
      return `d${(value as Date).getTime()}`;
    case 4:
      return `o${JSON.stringify(Object.entries(value as Doc).map(([key, item]) => [key, valueKey(item)]))}`;
    default:
      return `x${String(value)}`;
  }
}

/**
 * The values a query path reaches, as MongoDB matches them: arrays on the way fan out over their
 * elements (a numeric part also indexes into the array), and an array at the end counts both as a
 * whole and element by element. `undefined` stands for a missing field.
 */
export function pathValues(doc: unknown, path: string): unknown[] {
  const found: unknown[] = [];
  collect(doc, path.split('.'), 0, found);
  return found;
}

function collect(value: unknown, parts: readonly string[], index: number, found: unknown[]): void {
  if (index === parts.length) {
    found.push(value);
    if (Array.isArray(value)) found.push(...(value as unknown[]));
    return;
  }
  const part = parts[index]!;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part) && Number(part) < value.length)
      collect(value[Number(part)], parts, index + 1, found);
    for (const item of value as unknown[]) {
      if (isPlainObject(item)) collect(item, parts, index, found);
    }
    return;
  }
  if (isPlainObject(value)) {
    collect(value[part], parts, index + 1, found);
    return;
  }
  found.push(undefined);
}

/** The single value at a path without array fan-out (updates and index keys on plain paths). */
export function getPath(doc: Doc, parts: readonly string[]): unknown {
  let value: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (isPlainObject(value)) value = value[part];
    else return undefined;
  }
  return value;
}
