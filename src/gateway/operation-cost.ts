import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  getOperationAST,
  isListType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { maxPageSize } from '../app/common/pagination';

/**
 * What an operation is estimated to cost before it runs (README "Limits"): every object, interface
 * or union value costs 1 and scalars nothing; a field that takes `first` / `last` counts as many
 * items as it asks for, or a full page (`maxPageSize`) when it gives none, the resolvers' most;
 * a connection's count sizes the lists right under it (`edges`); any other list counts as
 * `listSize`; a mutation adds `mutationCost`. Every selection counts, whichever branch of an
 * abstract type or `@skip` applies (an upper bound). Introspection and `__typename` are free, so
 * tools can read the schema.
 */
export interface CostModel {
  /** Items a list without a `first` / `last` argument is taken to hold. */
  listSize: number;
}

const mutationCost = 10;
const slicingArguments = ['first', 'last'];

/** The cost of the operation a request runs, and whether a variable's value went into it. */
export interface OperationCost {
  cost: number;
  /** A slicing argument took a variable: the figure holds for these variables only. */
  dependsOnVariables: boolean;
}

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  model: CostModel,
): OperationCost {
  // No operation (an unknown or missing name among several): execution refuses it with its own code.
  const operation = getOperationAST(document, operationName);
  if (!operation) return { cost: 0, dependsOnVariables: false };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return { cost: 0, dependsOnVariables: false };

  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? [])
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  let dependsOnVariables = false;

  /**
   * The items a field's `first` / `last` asks for; a full page when it takes one but gives no
   * positive integer (absent or null: the resolver's default, at most a page); undefined when the
   * field takes neither.
   */
  const slicing = (definition: GraphQLField<unknown, unknown>, field: FieldNode): number | undefined => {
    if (!definition.args.some((argument) => slicingArguments.includes(argument.name))) return undefined;
    let asked = 0;
    for (const argument of field.arguments ?? []) {
      if (!slicingArguments.includes(argument.name.value)) continue;
      let value: unknown;
      if (argument.value.kind === Kind.VARIABLE) {
        dependsOnVariables = true;
        const name = argument.value.name.value;
        // A variable sent as null stays null (the resolver then uses its default): only one not
        // sent at all takes the operation's default.
        const fallback = defaults.get(name);
        value =
          variables && name in variables
            ? variables[name]
            : fallback?.kind === Kind.INT
              ? Number(fallback.value)
              : undefined;
      } else if (argument.value.kind === Kind.INT) value = Number(argument.value.value);
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) asked = Math.max(asked, value);
    }
    return asked > 0 ? asked : maxPageSize;
  };

  // A fragment's cost does not depend on where it is spread unless a connection sizes it: the
  // others are kept per fragment, so a chain of fragments spread twice each is walked once per
  // link (one spread right under a connection is walked each time; MAX_FIELDS bounds those).
  const fragmentCosts = new Map<string, number>();
  const walking = new Set<string>();

  const setCost = (
    parent: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    sizedBy: number | undefined,
  ): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        // A union has no fields of its own: only `__typename`, which is free.
        const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
        if (!definition) continue;
        const type = getNamedType(definition.type);
        const slice = slicing(definition, selection);
        const list = isListType(getNullableType(definition.type));
        const items = list ? (slice ?? sizedBy ?? model.listSize) : 1;
        const below =
          selection.selectionSet && isCompositeType(type)
            ? setCost(type, selection.selectionSet, list ? undefined : slice)
            : 0;
        cost += items * ((isCompositeType(type) ? 1 : 0) + below);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        if (condition && isCompositeType(condition))
          cost += setCost(condition, selection.selectionSet, sizedBy);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        // A cycle is refused by validation, which has run before any estimate.
        if (!fragment || !condition || !isCompositeType(condition) || walking.has(name)) continue;
        const cached = sizedBy === undefined ? fragmentCosts.get(name) : undefined;
        if (cached !== undefined) {
          cost += cached;
          continue;
        }
        walking.add(name);
        const fragmentCost = setCost(condition, fragment.selectionSet, sizedBy);
        walking.delete(name);
        if (sizedBy === undefined) fragmentCosts.set(name, fragmentCost);
        cost += fragmentCost;
      }
    }
    return cost;
  };

  const cost =
    (operation.operation === 'mutation' ? mutationCost : 0) +
    setCost(rootType, operation.selectionSet, undefined);
  return { cost, dependsOnVariables };
}
