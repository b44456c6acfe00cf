import { MemoryServerError, UnsupportedOperationError } from './errors';
import { isOperatorObject } from './filter';
import { compareStrings, type Doc, getPath, isPlainObject } from './values';

/** An update after mongoose's preparation (see `prepareUpdate` in shape.ts): operator -> path -> value. */
export type UpdateOperations = Partial<Record<UpdateOperator, Doc>>;

export const updateOperators = ['$set', '$setOnInsert', '$inc', '$push', '$unset'] as const;
export type UpdateOperator = (typeof updateOperators)[number];

export function isUpdateOperator(key: string): key is UpdateOperator {
  return (updateOperators as readonly string[]).includes(key);
}

/** Two operators on the same path (or a path and its parent) is a server error, code 40. */
export function checkConflicts(operations: UpdateOperations): void {
  const paths = Object.values(operations).flatMap((fields) => Object.keys(fields));
  for (let i = 0; i < paths.length; i += 1) {
    for (let j = i + 1; j < paths.length; j += 1) {
      const [a, b] = [paths[i]!, paths[j]!];
      if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) {
        throw new MemoryServerError(
          40,
          'ConflictingUpdateOperators',
          `Updating the path '${a}' would create a conflict at '${b}'`,
        );
      }
    }
  }
}

/**
 * Applies the operators to a working copy of a document (values are already copied in). Paths go in
 * field-name order across operators, as MongoDB 5+ does: new fields are appended in that order.
 */
export function applyUpdate(doc: Doc, operations: UpdateOperations, inserting: boolean): void {
  const changes = (Object.entries(operations) as [UpdateOperator, Doc][]).flatMap(([operator, fields]) =>
    Object.entries(fields).map(([path, value]) => ({ operator, path, parts: path.split('.'), value })),
  );
  changes.sort((a, b) => comparePaths(a.parts, b.parts));
  for (const { operator, path, parts, value } of changes) {
    switch (operator) {
      case '$setOnInsert':
        if (inserting) setPath(doc, parts, value);
        break;
      case '$set':
        setPath(doc, parts, value);
        break;
      case '$unset':
        unsetPath(doc, parts);
        break;
      case '$inc':
        setPath(doc, parts, increment(getPath(doc, parts), value, path));
        break;
      case '$push':
        push(doc, parts, value, path);
        break;
    }
  }
}

/** Field names in byte order, numeric names in numeric order, level by level. */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const [x, y] = [a[i]!, b[i]!];
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Number(x) - Number(y) : compareStrings(x, y);
  }
  return a.length - b.length;
}

/** The document an upsert starts from: the filter's equality conditions, `_id` first (MongoDB's rule). */
export function seedFromFilter(filter: Doc): Doc {
  const seed: Doc = '_id' in filter ? { _id: undefined } : {};
  for (const [path, condition] of Object.entries(filter)) {
    if (!isOperatorObject(condition)) setPath(seed, path.split('.'), condition);
    else if ('$eq' in condition) setPath(seed, path.split('.'), condition.$eq);
  }
  if (seed._id === undefined) delete seed._id;
  return seed;
}

function cannotCreate(part: string, container: unknown): MemoryServerError {
  return new MemoryServerError(
    28,
    'PathNotViable',
    `Cannot create field '${part}' in element ${JSON.stringify(container) ?? 'undefined'}`,
  );
}

/** Sets a dotted path, creating embedded documents on the way; numeric parts index into arrays. */
function setPath(doc: Doc, parts: readonly string[], value: unknown): void {
  let container: Doc | unknown[] = doc;
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    if (Array.isArray(container)) {
      if (!/^\d+$/.test(part)) throw cannotCreate(part, container);
      const index = Number(part);
      while (container.length < index) container.push(null);
      if (last) {
        container[index] = value;
        return;
      }
      if (container[index] === undefined || container[index] === null) container[index] = {};
      const next: unknown = container[index];
      if (!isPlainObject(next) && !Array.isArray(next)) throw cannotCreate(parts[i + 1]!, next);
      container = next;
    } else {
      if (last) {
        container[part] = value;
        return;
      }
      if (container[part] === undefined) container[part] = {};
      const next: unknown = container[part];
      if (!isPlainObject(next) && !Array.isArray(next)) throw cannotCreate(parts[i + 1]!, next);
      container = next;
    }
  }
}

function unsetPath(doc: Doc, parts: readonly string[]): void {
  const parent = getPath(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1]!;
  // Unsetting an array element leaves a null in its place, as on the server.
  if (Array.isArray(parent) && /^\d+$/.test(last) && Number(last) < parent.length)
    parent[Number(last)] = null;
  else if (isPlainObject(parent)) delete parent[last];
}

function increment(current: unknown, amount: unknown, path: string): number {
  if (typeof amount !== 'number') {
    throw new MemoryServerError(14, 'TypeMismatch', `Cannot increment with non-numeric argument: {${path}}`);
  }
  if (current === undefined) return amount;
  if (typeof current !== 'number') {
    throw new MemoryServerError(
      14,
      'TypeMismatch',
      `Cannot apply $inc to a value of non-numeric type. {_id: ...} has the field '${path}' of non-numeric type ${typeof current}`,
    );
  }
  return current + amount;
}

function push(doc: Doc, parts: readonly string[], value: unknown, path: string): void {
  let items: unknown[] = [value];
  if (isOperatorObject(value)) {
    const { $each, ...modifiers } = value;
    if (Object.keys(modifiers).length > 0) {
      throw new UnsupportedOperationError(`the $push modifier ${Object.keys(modifiers)[0]!}`);
    }
    if (!Array.isArray($each))
      throw new MemoryServerError(2, 'BadValue', 'The argument to $each must be an array');
    items = $each as unknown[];
  }
  const current = getPath(doc, parts);
  if (current === undefined) setPath(doc, parts, items);
  else if (Array.isArray(current)) current.push(...items);
  else {
    throw new MemoryServerError(
      2,
      'BadValue',
      `The field '${path}' must be an array but is of type ${typeof current} in document`,
    );
  }
}
