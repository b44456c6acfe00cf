import {
  type ASTNode,
  BREAK,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type ConstDirectiveNode,
  type DocumentNode,
  getNamedType,
  getOperationAST,
  type GraphQLCompositeType,
  isAbstractType,
  isObjectType,
  type GraphQLField,
  type GraphQLSchema,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

/** Directives that a subgraph applies the same way the gateway would. */
const plainDirectives = new Set(['skip', 'include']);

const argument = (directive: ConstDirectiveNode, name: string) =>
  directive.arguments?.find((arg) => arg.name.value === name)?.value;

const stringArgument = (directive: ConstDirectiveNode, name: string) => {
  const value = argument(directive, name);
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
};

const joined = (
  node: { astNode?: { directives?: readonly ConstDirectiveNode[] } | null | undefined },
  name: string,
) => node.astNode?.directives?.filter((directive) => directive.name.value === name) ?? [];

/** The graphs (join__Graph values) that define a type. */
function graphsOfType(type: GraphQLCompositeType): Set<string> {
  return new Set(joined(type, 'join__type').flatMap((d) => stringArgument(d, 'graph') ?? []));
}

/**
 * The graphs that resolve a field on their own: those named by its @join__field (not as external or
 * overridden, not needing other graphs' fields through `requires`, not typing it otherwise than the
 * supergraph), or, without any, every graph of its type.
 */
function graphsOfField(parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): Set<string> {
  const fields = joined(field, 'join__field');
  if (fields.length === 0) return graphsOfType(parent);
  // Progressive override: which graph answers is decided per request.
  if (fields.some((directive) => argument(directive, 'overrideLabel'))) return new Set();
  const graphs = new Set<string>();
  for (const directive of fields) {
    const graph = stringArgument(directive, 'graph');
    const flag = (name: string) => {
      const value = argument(directive, name);
      return value?.kind === Kind.BOOLEAN && value.value;
    };
    // External: another graph resolves it; usedOverridden: kept there only for keys.
    // contextArguments: values from ancestors the planner fetches.
    if (!graph || argument(directive, 'requires') || argument(directive, 'contextArguments')) continue;
    if (flag('external') || flag('usedOverridden')) continue;
    // A graph that types the field otherwise (`type:`, e.g. non-null where the supergraph is
    // nullable) would null its answer otherwise than the gateway does.
    const graphFieldType = stringArgument(directive, 'type');
    if (graphFieldType !== undefined && graphFieldType !== String(field.type)) continue;
    graphs.add(graph);
  }
  return graphs;
}

/** The join__Graph value's subgraph name (`CREDIT @join__graph(name: "credit")` gives "credit"). */
function subgraphNameOf(supergraph: GraphQLSchema, graph: string): string | undefined {
  const value = supergraph.getType('join__Graph')?.astNode;
  if (value?.kind !== Kind.ENUM_TYPE_DEFINITION) return undefined;
  const definition = value.values?.find((v) => v.name.value === graph);
  const directive = definition?.directives?.find((d) => d.name.value === 'join__graph');
  return directive ? stringArgument(directive, 'name') : undefined;
}

/**
 * The chosen operation and the fragments it uses: what a subgraph answering it alone is sent (the
 * rest of a client's document is not the subgraph's).
 */
export function operationAlone(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  return { kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsed(document, operation)] };
}

/**
 * `decide`, made once per document and operation name: the runtime hands out one parsed document
 * per query text, so a cache keyed by it lives as long as that document is in use.
 */
export function perOperation<T>(
  decide: (document: DocumentNode, operationName: string | null | undefined) => T | null,
): (document: DocumentNode, operationName: string | null | undefined) => T | null {
  const decided = new WeakMap<DocumentNode, Map<string, T | null>>();
  return (document, operationName) => {
    let byOperation = decided.get(document);
    if (!byOperation) decided.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let choice = byOperation.get(key);
    if (choice === undefined) {
      choice = decide(document, operationName);
      byOperation.set(key, choice);
    }
    return choice;
  };
}

/** The fragment definitions an operation spreads, directly or through other fragments. */
export function fragmentsUsed(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FragmentDefinitionNode[] {
  const byName = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (!fragment || used.has(spread.name.value)) return;
        used.set(spread.name.value, fragment);
        collect(fragment);
      },
    });
  collect(operation);
  return [...used.values()];
}

/**
 * The subgraph that can answer this operation alone, exactly as the gateway would: every field it
 * selects (through fragments too) is resolved by the graph of its root field, none returns an
 * interface or a union, and it uses no directive the gateway itself would act on. Undefined when
 * the query planner is needed. Works on
 * the supergraph SDL (with its join__ directives) against which the document was validated.
 */
export function subgraphServingAlone(
  supergraph: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): string | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const root = supergraph.getRootType(operation.operation);
  const first = operation.selectionSet.selections[0];
  if (!root || operation.selectionSet.selections.length !== 1 || first?.kind !== Kind.FIELD) return undefined;
  const rootField = root.getFields()[first.name.value];
  if (!rootField) return undefined;
  const candidates = graphsOfField(root, rootField);
  if (candidates.size !== 1) return undefined;
  const [graph] = candidates as unknown as [string];
  const typeInfo = new TypeInfo(supergraph);
  let alone = true;
  const fail = () => {
    alone = false;
    return BREAK;
  };
  visit(
    { kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsed(document, operation)] },
    visitWithTypeInfo(typeInfo, {
      Directive(node) {
        if (!plainDirectives.has(node.name.value)) return fail();
        return undefined;
      },
      InlineFragment() {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : undefined;
        if (!isObjectType(named) || !graphsOfType(named).has(graph)) return fail();
        return undefined;
      },
      FragmentDefinition() {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : undefined;
        if (!isObjectType(named) || !graphsOfType(named).has(graph)) return fail();
        return undefined;
      },
      Field(node) {
        if (node.name.value === '__typename') return undefined;
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || !graphsOfField(parent, field).has(graph)) return fail();
        // Interfaces and unions: which graph's objects (and which __typename, for an interface
        // object) fill them is the planner's question.
        if (isAbstractType(getNamedType(field.type))) return fail();
        return undefined;
      },
    }),
  );
  return alone ? subgraphNameOf(supergraph, graph) : undefined;
}
