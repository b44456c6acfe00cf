import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { type DocumentNode, GraphQLError, parse } from 'graphql';
import type { GatewayLimits } from '../config';
import { codedGraphQLError } from '../errors';
import { operationShape } from './operation-shape';

export type OperationLimits = Pick<
  GatewayLimits,
  'maxTokens' | 'maxDepth' | 'maxAliases' | 'maxFields' | 'maxDirectives'
>;

/**
 * Refuses an operation that is too big right after it is parsed, before validation, planning or any
 * subgraph call: tokens while parsing, then depth, aliases, expanded fields and directives in one
 * linear pass (fragments measured once each). A fan-out document is refused in milliseconds.
 */
export function useOperationLimits(limits: OperationLimits): GatewayPlugin {
  const refusals = new WeakMap<DocumentNode, GraphQLError | null>();
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /tokens/.test(error.message))
            throw codedGraphQLError(
              `The document has more than ${limits.maxTokens} tokens`,
              'OPERATION_TOO_LARGE',
            );
          throw error;
        }
      });
      return ({ result, replaceParseResult }) => {
        if (!result || result instanceof Error) return;
        const document = result as DocumentNode;
        let refusal = refusals.get(document);
        if (refusal === undefined) {
          refusal = refusalOf(document, limits);
          refusals.set(document, refusal);
        }
        if (refusal) replaceParseResult(refusal);
      };
    },
  };
}

/** Depends on the document alone (not on the operation a request names), so it is cached per document. */
function refusalOf(document: DocumentNode, limits: OperationLimits): GraphQLError | null {
  const shape = operationShape(document);
  const over = (what: string, value: number, limit: number, code: string) =>
    codedGraphQLError(`The operation has ${what} ${value}, over the limit of ${limit}`, code, {
      limit,
      actual: value,
    });
  if (shape.depth > limits.maxDepth)
    return over('depth', shape.depth, limits.maxDepth, 'DEPTH_LIMIT_EXCEEDED');
  if (shape.aliases > limits.maxAliases)
    return over('aliases', shape.aliases, limits.maxAliases, 'ALIAS_LIMIT_EXCEEDED');
  if (shape.directives > limits.maxDirectives)
    return over('directives', shape.directives, limits.maxDirectives, 'DIRECTIVE_LIMIT_EXCEEDED');
  if (shape.fields > limits.maxFields)
    return over(
      'fields (fragments spread out)',
      Number.isFinite(shape.fields) ? shape.fields : Number.MAX_VALUE,
      limits.maxFields,
      'OPERATION_TOO_LARGE',
    );
  return null;
}
