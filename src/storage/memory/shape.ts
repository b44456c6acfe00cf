import type { Schema, SchemaType } from 'mongoose';
import { MemoryServerError, UnsupportedOperationError } from './errors';
import { checkConflicts, isUpdateOperator, type UpdateOperations } from './update';
import { copyIn, type Doc, isPlainObject } from './values';

/** One schema field, in schema order. */
interface Field {
  name: string;
  /** A value or mongoose's default function (array paths get one that returns `[]`). */
  defaultValue?: unknown;
  /** A single nested subdocument or an array of them. */
  subdocument?: { info: SchemaInfo; array: boolean };
  /** A plain nested object (`{ a: { b: Number } }` declares paths `a.b`). */
  nested?: Field[];
}

export interface SchemaInfo {
  fields: Field[];
  names: Set<string>;
  strict: boolean | 'throw';
}

type SchemaTypeInternals = SchemaType & {
  defaultValue?: unknown;
  $isSingleNested?: boolean;
  $isMongooseDocumentArray?: boolean;
};

const infos = new WeakMap<Schema, SchemaInfo>();

/**
 * What mongoose does to a document on its way to the server, read generically from the schema: fields
 * in schema order, defaults for missing fields, unknown fields dropped (strict mode), the same inside
 * subdocuments. Casting and validation stay mongoose's job (the memory database's `validate` option).
 */
export function schemaInfo(schema: Schema): SchemaInfo {
  let info = infos.get(schema);
  if (!info) {
    info = buildInfo(schema);
    infos.set(schema, info);
  }
  return info;
}

function buildInfo(schema: Schema): SchemaInfo {
  const fields: Field[] = [];
  for (const [path, type] of Object.entries(schema.paths) as [string, SchemaTypeInternals][]) {
    const parts = path.split('.');
    let level = fields;
    for (const part of parts.slice(0, -1)) {
      let parent = level.find((field) => field.name === part);
      if (!parent) {
        parent = { name: part, nested: [] };
        level.push(parent);
      }
      level = parent.nested ??= [];
    }
    const field: Field = { name: parts[parts.length - 1]! };
    if (type.defaultValue !== undefined) field.defaultValue = type.defaultValue;
    if (type.schema && (type.$isSingleNested || type.$isMongooseDocumentArray)) {
      field.subdocument = { info: schemaInfo(type.schema), array: type.$isMongooseDocumentArray === true };
    }
    level.push(field);
  }
  const strict = schema.get('strict') as boolean | 'throw' | undefined;
  return { fields, names: new Set(fields.map((field) => field.name)), strict: strict ?? true };
}

function defaultOf(field: Field, doc: Doc): unknown {
  const value =
    typeof field.defaultValue === 'function'
      ? (field.defaultValue as (this: Doc, doc: Doc) => unknown).call(doc, doc)
      : field.defaultValue;
  return copyIn(value, 'drop');
}

function strictModeError(name: string): Error {
  const error = new Error(`Field \`${name}\` is not in schema and strict mode is set to throw.`);
  error.name = 'StrictModeError';
  return error;
}

/** A document as mongoose sends it for an insert or a replacement (input not mutated). */
export function shapeDocument(info: SchemaInfo, input: unknown): Doc {
  if (!isPlainObject(input)) {
    throw new UnsupportedOperationError('storing something other than a plain object');
  }
  return shape(info.fields, info, copyIn(input, 'drop') as Doc);
}

function shape(fields: Field[], info: SchemaInfo, doc: Doc): Doc {
  const out: Doc = {};
  for (const field of fields) {
    let value = doc[field.name];
    if (field.nested && (isPlainObject(value) || (value === undefined && hasDefaults(field.nested)))) {
      value = shape(field.nested, info, (value as Doc | undefined) ?? {});
    } else if (field.subdocument && value !== undefined && value !== null) {
      value = shapeSubdocument(field.subdocument, value);
    }
    if (value === undefined && 'defaultValue' in field) value = defaultOf(field, doc);
    if (value !== undefined) out[field.name] = value;
  }
  const names = fields === info.fields ? info.names : new Set(fields.map((field) => field.name));
  for (const [name, value] of Object.entries(doc)) {
    if (names.has(name)) continue;
    if (info.strict === 'throw') throw strictModeError(name);
    if (info.strict === false) out[name] = value;
  }
  return out;
}

function hasDefaults(fields: Field[]): boolean {
  return fields.some((field) => 'defaultValue' in field || (field.nested && hasDefaults(field.nested)));
}

function shapeSubdocument(subdocument: NonNullable<Field['subdocument']>, value: unknown): unknown {
  const { info, array } = subdocument;
  if (!array) return isPlainObject(value) ? shape(info.fields, info, value) : value;
  if (!Array.isArray(value)) return value;
  return value.map((item: unknown) => (isPlainObject(item) ? shape(info.fields, info, item) : item));
}

/**
 * Mongoose's `setDefaultsOnInsert` for an upsert: `$setOnInsert` of the defaults of top-level fields
 * that neither the filter's equalities (the seed) nor the update touch.
 */
export function withInsertDefaults(
  info: SchemaInfo,
  seed: Doc,
  operations: UpdateOperations,
): UpdateOperations {
  const touched = Object.values(operations).flatMap((fields) =>
    Object.keys(fields).map((path) => path.split('.')[0]),
  );
  const defaults: Doc = {};
  for (const field of info.fields) {
    if (!('defaultValue' in field) || field.name in seed || touched.includes(field.name)) continue;
    const value = defaultOf(field, seed);
    if (value !== undefined) defaults[field.name] = value;
  }
  if (Object.keys(defaults).length === 0) return operations;
  return { ...operations, $setOnInsert: { ...defaults, ...operations.$setOnInsert } };
}

/**
 * An update as mongoose sends it: plain keys go under `$set`, `undefined` values are left out, paths
 * outside the schema are dropped (strict mode), subdocument values are shaped like documents, and
 * other values are copied the way BSON stores them (a nested `undefined` becomes null).
 */
export function prepareUpdate(info: SchemaInfo, update: unknown): UpdateOperations {
  if (!isPlainObject(update)) throw new UnsupportedOperationError('an update that is not an object');
  const operations: UpdateOperations = {};
  for (const [key, value] of Object.entries(update)) {
    if (!key.startsWith('$')) {
      addField(info, operations, '$set', key, value);
      continue;
    }
    if (!isUpdateOperator(key)) throw new UnsupportedOperationError(`the update operator ${key}`);
    if (!isPlainObject(value)) {
      throw new MemoryServerError(9, 'FailedToParse', `Modifiers operate on fields: ${key} is not an object`);
    }
    for (const [path, operand] of Object.entries(value)) addField(info, operations, key, path, operand);
  }
  checkConflicts(operations);
  return operations;
}

function addField(
  info: SchemaInfo,
  operations: UpdateOperations,
  operator: keyof UpdateOperations,
  path: string,
  value: unknown,
): void {
  if (value === undefined) return;
  const root = path.split('.')[0]!;
  if (!info.names.has(root)) {
    if (info.strict === 'throw') throw strictModeError(path);
    if (info.strict !== false) return;
  }
  const fields = (operations[operator] ??= {});
  if (operator === '$inc' || operator === '$unset') {
    fields[path] = value;
    return;
  }
  const subdocument =
    root === path ? info.fields.find((field) => field.name === root)?.subdocument : undefined;
  fields[path] =
    subdocument && value !== null
      ? shapeSubdocument(subdocument, copyIn(value, 'drop'))
      : copyIn(value, 'null');
}
