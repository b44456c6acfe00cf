// GraphQL Code Generator plugin: the trusted (persisted) documents of the first-party operations.
// Each operation is printed with the fragments it uses; its id is "sha256:" + the SHA-256 of that
// text, so anyone can check an id against its document. `format: json` writes the manifest the
// gateway loads (id -> document); `format: ts` writes the ids the client SDK sends (name -> id).
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

function fragmentsUsedBy(node, fragmentsByName, found = new Map()) {
  visit(node, {
    FragmentSpread(spread) {
      const name = spread.name.value;
      const fragment = fragmentsByName.get(name);
      if (!fragment || found.has(name)) return;
      found.set(name, fragment);
      fragmentsUsedBy(fragment, fragmentsByName, found);
    },
  });
  return found;
}

function trustedDocuments(documents) {
  const definitions = documents.flatMap((file) => file.document.definitions);
  const fragmentsByName = new Map(
    definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const byName = new Map();
  for (const operation of definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)) {
    if (!operation.name) throw new Error('trusted documents need named operations');
    const name = operation.name.value;
    if (byName.has(name)) throw new Error(`two operations are named ${name}`);
    const fragments = [...fragmentsUsedBy(operation, fragmentsByName).values()];
    const text = print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] });
    byName.set(name, { id: `sha256:${createHash('sha256').update(text).digest('hex')}`, text });
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b));
}

module.exports = {
  plugin(_schema, documents, config) {
    const entries = trustedDocuments(documents);
    if (config.format === 'json') {
      return `${JSON.stringify(Object.fromEntries(entries.map(([, { id, text }]) => [id, text])), null, 2)}\n`;
    }
    const lines = entries.map(([name, { id }]) => `  ${name}: '${id}',`);
    return [
      '/** Trusted document ids by operation name (generated: npm run schema). */',
      'export const trustedDocumentIds = {',
      ...lines,
      '} as const;',
      '',
    ].join('\n');
  },
};
