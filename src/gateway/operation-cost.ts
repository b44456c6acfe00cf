import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * What an operation is estimated to cost before it runs (README "Limits"): every object, interface
 * or union value costs 1 and scalars nothing; a list counts as many items as its slicing argument
 * asks for (`first`, `last`), else as `listSize`; a connection's `first` sizes the lists right
 * under it (`edges`, `nodes`); a mutation adds `mutationCost`. Every selection counts, whichever
 * branch of an abstract type or `@skip` applies (an upper bound). Introspection and `__typename`
 * are free, so tools can read the schema.
 */
export interface CostModel {
  /** Items a list is taken to hold when no slicing argument says. */
  listSize: number;
}

export const mutationCost = 10;
const slicingArguments = new Set(['first', 'last']);

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
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (
      definition.kind === Kind.OPERATION_DEFINITION &&
      (operationName ? definition.name?.value === operationName : operation === undefined)
    )
      operation = definition;
  }
  if (!operation) return { cost: 0, dependsOnVariables: false };
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return { cost: 0, dependsOnVariables: false };

  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? [])
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  let dependsOnVariables = false;

  /** A slicing argument's value, if the field has one that is a positive integer. */
  const slicing = (field: FieldNode): number | undefined => {
    for (const argument of field.arguments ?? []) {
      if (!slicingArguments.has(argument.name.value)) continue;
      let value: unknown;
      if (argument.value.kind === Kind.VARIABLE) {
        dependsOnVariables = true;
        const name = argument.value.name.value;
        const fallback = defaults.get(name);
        value = variables?.[name] ?? (fallback?.kind === Kind.INT ? Number(fallback.value) : undefined);
      } else if (argument.value.kind === Kind.INT) value = Number(argument.value.value);
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    }
    return undefined;
  };

  // A fragment's cost does not depend on where it is spread unless a connection sizes it: those
  // are cached per fragment, so a chain of fragments spread twice each is walked once per link.
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
        const slice = slicing(selection);
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
