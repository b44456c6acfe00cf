import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

/** How big an operation is once its fragments are spread out. */
export interface OperationShape {
  /** Deepest field nesting (a root field is depth 1), introspection left out. */
  depth: number;
  /** Fields selected, each fragment counted as often as it is spread (of the largest operation). */
  fields: number;
  /** Aliased fields, counted the same way. */
  aliases: number;
  /** Directives written anywhere in the document. */
  directives: number;
}

interface SetShape {
  depth: number;
  fields: number;
  aliases: number;
}

const introspectionRoots = new Set(['__schema', '__type']);

const empty: SetShape = { depth: 0, fields: 0, aliases: 0 };

/**
 * The expanded shape of a document's largest operation, in time linear in the document: each
 * fragment is measured once and multiplied where it is spread, so a chain of fragments that each
 * spread the next twice is counted (2^n fields) without being walked 2^n times. Every operation
 * counts, whichever one a request names: validation walks them all. A fragment cycle counts as
 * empty here; validation refuses it afterwards.
 */
export function operationShape(document: DocumentNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const measured = new Map<string, SetShape>();
  const measuring = new Set<string>();

  const fragmentShape = (name: string): SetShape => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || measuring.has(name)) return empty;
    measuring.add(name);
    const shape = setShape(fragment.selectionSet);
    measuring.delete(name);
    measured.set(name, shape);
    return shape;
  };

  const setShape = (selectionSet: SelectionSetNode): SetShape => {
    let depth = 0;
    let fields = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      const inner =
        selection.kind === Kind.FIELD
          ? selection.selectionSet
            ? setShape(selection.selectionSet)
            : empty
          : selection.kind === Kind.INLINE_FRAGMENT
            ? setShape(selection.selectionSet)
            : fragmentShape(selection.name.value);
      if (selection.kind === Kind.FIELD) {
        // Introspection nests `ofType` deeply but reads only the gateway's own schema: its depth is
        // not counted (its fields and aliases are), so tools' standard introspection query runs.
        if (!introspectionRoots.has(selection.name.value)) depth = Math.max(depth, inner.depth + 1);
        fields += inner.fields + 1;
        aliases += inner.aliases + (selection.alias ? 1 : 0);
      } else {
        depth = Math.max(depth, inner.depth);
        fields += inner.fields;
        aliases += inner.aliases;
      }
    }
    return { depth, fields, aliases };
  };

  const shapes = operations.map((operation) => setShape(operation.selectionSet));
  let directives = 0;
  visit(document, { Directive: () => void (directives += 1) });
  return {
    depth: Math.max(0, ...shapes.map((shape) => shape.depth)),
    fields: Math.max(0, ...shapes.map((shape) => shape.fields)),
    aliases: Math.max(0, ...shapes.map((shape) => shape.aliases)),
    directives,
  };
}
