import { MemoryServerError, UnsupportedOperationError } from './errors';
import { compareValues, type Doc, isPlainObject, pathValues, typeRank, valuesEqual } from './values';

/** Query operators the engine implements; anything else is refused rather than guessed. */
const operators = new Set(['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists']);

/** An object whose keys are operators (`{ $lt: 5 }`), as opposed to an embedded-document literal. */
export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

/** Throws on anything `matches` would not answer faithfully, once per query rather than per document. */
export function checkFilter(filter: Doc): void {
  for (const [path, condition] of Object.entries(filter)) {
    if (path.startsWith('$')) throw new UnsupportedOperationError(`the top-level query operator ${path}`);
    if (condition instanceof RegExp) throw new UnsupportedOperationError('a regular expression match');
    if (!isOperatorObject(condition)) continue;
    for (const [operator, operand] of Object.entries(condition)) {
      if (!operators.has(operator)) throw new UnsupportedOperationError(`the query operator ${operator}`);
      const operands: unknown[] = Array.isArray(operand) ? operand : [operand];
      if (operands.some((item) => item instanceof RegExp)) {
        throw new UnsupportedOperationError('a regular expression match');
      }
      if ((operator === '$in' || operator === '$nin') && !Array.isArray(operand)) {
        throw new MemoryServerError(2, 'BadValue', `${operator} needs an array`);
      }
    }
  }
}

/** MongoDB's match of one document against a filter already passed through `checkFilter`. */
export function matches(doc: Doc, filter: Doc): boolean {
  for (const [path, condition] of Object.entries(filter)) {
    const values = pathValues(doc, path);
    if (values.length === 0) values.push(undefined);
    if (isOperatorObject(condition)) {
      for (const [operator, operand] of Object.entries(condition)) {
        if (!matchesOperator(values, operator, operand)) return false;
      }
    } else if (!equalsAny(values, condition)) {
      return false;
    }
  }
  return true;
}

function matchesOperator(values: unknown[], operator: string, operand: unknown): boolean {
  switch (operator) {
    case '$eq':
      return equalsAny(values, operand);
    case '$ne':
      return !equalsAny(values, operand);
    case '$in':
      return (operand as unknown[]).some((candidate) => equalsAny(values, candidate));
    case '$nin':
      return !(operand as unknown[]).some((candidate) => equalsAny(values, candidate));
    case '$lt':
      return values.some((value) => comparable(value, operand) && compareValues(value, operand) < 0);
    case '$lte':
      return values.some((value) => comparable(value, operand) && compareValues(value, operand) <= 0);
    case '$gt':
      return values.some((value) => comparable(value, operand) && compareValues(value, operand) > 0);
    case '$gte':
      return values.some((value) => comparable(value, operand) && compareValues(value, operand) >= 0);
    case '$exists':
      return values.some((value) => value !== undefined) === Boolean(operand);
    default:
      throw new UnsupportedOperationError(`the query operator ${operator}`);
  }
}

/** Equality to null also matches a missing field; otherwise any reached value must equal. */
function equalsAny(values: unknown[], operand: unknown): boolean {
  if (operand === null || operand === undefined) {
    return values.some((value) => value === undefined || value === null);
  }
  return values.some((value) => value !== undefined && valuesEqual(value, operand));
}

/** Range operators only compare within one type (MongoDB's type bracketing). */
function comparable(value: unknown, operand: unknown): boolean {
  return typeRank(value) === typeRank(operand);
}
