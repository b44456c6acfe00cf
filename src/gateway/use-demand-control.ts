import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { DocumentNode, ExecutionArgs, ExecutionResult } from 'graphql';
import type { GatewayLimits } from '../config';
import { codedGraphQLError } from '../errors';
import { operationCost } from './operation-cost';

export type DemandControlLimits = Pick<GatewayLimits, 'maxCost' | 'listSize'>;

/** What every estimated answer says in `extensions.cost`. */
export interface CostExtension {
  estimated: number;
  max: number;
}

/**
 * Estimates operations (`operation-cost.ts`), keeping each figure per parsed document and operation
 * name (the runtime reuses the parsed document of a repeated query) unless a variable sized a list.
 */
export function costEstimator(
  limits: DemandControlLimits,
): (args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>) => CostExtension {
  const estimatesByDocument = new WeakMap<DocumentNode, Map<string, CostExtension>>();
  return (args) => {
    const operationName = args.operationName ?? '';
    const cached = estimatesByDocument.get(args.document)?.get(operationName);
    if (cached) return cached;
    const { cost, dependsOnVariables } = operationCost(
      args.schema,
      args.document,
      args.operationName,
      args.variableValues,
      limits,
    );
    const extension = { estimated: cost, max: limits.maxCost };
    if (!dependsOnVariables) {
      let byName = estimatesByDocument.get(args.document);
      if (!byName) estimatesByDocument.set(args.document, (byName = new Map()));
      byName.set(operationName, extension);
    }
    return extension;
  };
}

/**
 * The whole answer to an operation estimated over the limit: nothing of it runs. Over HTTP it is a
 * request error like the shape limits: 200 to `accept: application/json`, 400 to
 * `application/graphql-response+json` (Yoga's `spec` status).
 */
export function costRefusal(cost: CostExtension): ExecutionResult | undefined {
  if (cost.estimated <= cost.max) return undefined;
  return {
    errors: [
      codedGraphQLError(
        `The operation's estimated cost ${cost.estimated} is over the limit of ${cost.max}`,
        'COST_ESTIMATED_TOO_EXPENSIVE',
        { cost, http: { status: 400, spec: true } },
      ),
    ],
    extensions: { cost },
  };
}

/** A result as it goes out: with the estimate in `extensions.cost`. */
export function withCost(result: ExecutionResult, cost: CostExtension): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost } };
}

/**
 * Demand control: estimates each query, mutation or subscription once, on the operation the client
 * sent, before any subgraph call; over `maxCost` it is refused with COST_ESTIMATED_TOO_EXPENSIVE and
 * nothing runs. An operation that runs says `extensions.cost { estimated max }`. (The runtime's
 * own demand control estimated each subgraph call as it happened, again on every request, and
 * counted no `[X!]!` list.) graphql-ws subscriptions the relay serves alone are estimated in
 * `graphql-ws-server.ts` with the same functions.
 */
export function useDemandControl(limits: DemandControlLimits): GatewayPlugin {
  const estimate = costEstimator(limits);
  // What an answer, or each event of a stream, goes out with (executions and subscriptions alike).
  const answeredWith =
    (cost: CostExtension) =>
    ({
      result,
      setResult,
    }: {
      result: ExecutionResult | AsyncIterable<ExecutionResult>;
      setResult(result: ExecutionResult): void;
    }) => {
      if (Symbol.asyncIterator in result)
        return {
          onNext: (next: { result: ExecutionResult; setResult(result: ExecutionResult): void }) =>
            next.setResult(withCost(next.result, cost)),
        };
      setResult(withCost(result, cost));
      return undefined;
    };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = estimate(args);
      const refused = costRefusal(cost);
      if (refused) return setResultAndStopExecution(refused);
      return { onExecuteDone: answeredWith(cost) };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const cost = estimate(args);
      const refused = costRefusal(cost);
      if (refused) return setResultAndStopExecution(refused);
      return { onSubscribeResult: answeredWith(cost) };
    },
  };
}
