import fs from 'node:fs';
import { Kind, parse } from 'graphql';
import path from 'node:path';
import { isOperator, type Viewer } from '../auth/token';
import { type AppMode, projectRoot } from '../config';

/** The manifest codegen writes for the client SDK (README "Trusted documents"). */
export const defaultManifestPath = path.join(projectRoot, 'client', 'generated', 'persisted-documents.json');

/**
 * The refusals about documents, over HTTP (the runtime's plugin) and graphql-ws alike, with the
 * HTTP status each answers: request errors, nothing ran (GraphQL over HTTP: no `data`, so not 200).
 */
export const trustedDocumentRefusals = {
  ownDocument: {
    code: 'TRUSTED_DOCUMENT_REQUIRED',
    message: 'Only trusted documents run here: send a documentId from the client SDK',
    status: 403,
  },
  noDocument: {
    code: 'BAD_REQUEST',
    message: 'Send a query, or a documentId from the client SDK',
    status: 400,
  },
  notFound: { code: 'PERSISTED_QUERY_NOT_FOUND', message: 'No trusted document has this id', status: 400 },
} as const;

/** One of those refusals as an HTTP error (message, code and status in its extensions). */
export function trustedDocumentError({
  code,
  message,
  status,
}: (typeof trustedDocumentRefusals)[keyof typeof trustedDocumentRefusals]) {
  return { message, extensions: { code, http: { status } } };
}

/** The first-party documents the gateway runs by id: `sha256:<hex>` -> document text. */
export class TrustedDocuments {
  private constructor(private readonly byId: ReadonlyMap<string, string>) {}

  static load(manifestPath: string = defaultManifestPath): TrustedDocuments {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    const entries = Object.entries(manifest).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    return new TrustedDocuments(new Map(entries));
  }

  get size(): number {
    return this.byId.size;
  }

  /** The names of the operations these documents hold (a document that does not parse names none). */
  operationNames(): string[] {
    const names: string[] = [];
    for (const text of this.byId.values()) {
      try {
        for (const definition of parse(text).definitions)
          if (definition.kind === Kind.OPERATION_DEFINITION && definition.name)
            names.push(definition.name.value);
      } catch {
        // The runtime refuses it when it is asked for; it names nothing here.
      }
    }
    return names;
  }

  /** Ids are accepted with or without the `sha256:` prefix (Apollo's APQ hash is the bare hex). */
  document(id: string): string | undefined {
    return this.byId.get(id.startsWith('sha256:') ? id : `sha256:${id}`);
  }
}

/**
 * The id a request names its document by: `documentId` (GraphQL over HTTP persisted documents), or
 * Apollo's `extensions.persistedQuery.sha256Hash`.
 */
export function documentIdOf(params: { documentId?: unknown; extensions?: unknown }): string | undefined {
  if (typeof params.documentId === 'string') return params.documentId;
  const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

/**
 * Who may send a document of their own. Locally everyone; in production partner apps (the open
 * partner API, within the cost limits) and operators, while first-party callers (user tokens,
 * anonymous) send trusted documents only.
 */
export function mayRunOwnDocuments(mode: AppMode, viewer: Viewer | undefined): boolean {
  return mode === 'local' || viewer?.partnerId !== undefined || isOperator(viewer);
}

/**
 * The document text to run for a request that did not go through the runtime's HTTP handling (a
 * graphql-ws subscribe): by id, or its own text where the caller may send one; else a refusal with
 * the code the HTTP path gives.
 */
export function documentToRun(
  trusted: TrustedDocuments,
  mode: AppMode,
  viewer: Viewer | undefined,
  params: { query?: unknown; documentId?: unknown; extensions?: unknown },
): { query: string } | { code: string; message: string; status: number } {
  if (typeof params.query === 'string' && params.query !== '')
    return mayRunOwnDocuments(mode, viewer) ? { query: params.query } : trustedDocumentRefusals.ownDocument;
  const id = documentIdOf(params);
  if (id === undefined) return trustedDocumentRefusals.noDocument;
  const query = trusted.document(id);
  return query === undefined ? trustedDocumentRefusals.notFound : { query };
}
