/**
 * The typed client SDK for first-party frontends: every operation in client/operations as a typed
 * document (`AccountHomeDocument`...), and its trusted-document id. In production the gateway runs
 * only these documents for user tokens and anonymous callers: send `trustedRequest(document, variables)`
 * as the JSON body instead of the query text.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST } from 'graphql';
import { trustedDocumentIds } from './generated/trusted-document-ids';

export * from './generated/graphql';
export { trustedDocumentIds };

export type TrustedOperationName = keyof typeof trustedDocumentIds;

/** The id the gateway knows this document by; throws for a document that is not in the manifest. */
export function documentIdOf<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>): string {
  const name = getOperationAST(document)?.name?.value;
  const id = name === undefined ? undefined : trustedDocumentIds[name as TrustedOperationName];
  if (!id)
    throw new Error(`${name ?? 'an anonymous operation'} is not a trusted document: run npm run schema`);
  return id;
}

/** A GraphQL-over-HTTP body that names the document by id (the persisted documents convention). */
export function trustedRequest<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): { documentId: string; variables?: TVariables } {
  return { documentId: documentIdOf(document), ...(variables === undefined ? {} : { variables }) };
}
