import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { DocumentNode, ExecutionArgs, ExecutionResult } from 'graphql';
import type { GatewayLimits } from '../config';
import { codedGraphQLError } from '../errors';
import { operationCost } from './operation-cost';

export type DemandControlLimits = Pick<GatewayLimits, 'maxCost' | 'listSize'>;

interface CostExtension {
  estimated: number;
  max: number;
}

/**
 * Demand control: estimates each query, mutation or subscription once, on the operation the client
 * sent (`operation-cost.ts`), before any subgraph call; over `maxCost` it is refused with
 * COST_ESTIMATED_TOO_EXPENSIVE and nothing runs. Every answer says `extensions.cost { estimated max }`.
 * The estimate is kept per parsed document and operation name (the runtime reuses the parsed
 * document of a repeated query), unless a variable sized a list. The runtime's own demand control
 * estimated each subgraph call as it happened, again on every request, and counted no `[X!]!` list.
 */
export function useDemandControl(limits: DemandControlLimits): GatewayPlugin {
  const known = new WeakMap<DocumentNode, Map<string, CostExtension>>();
  const estimate = (args: ExecutionArgs): CostExtension => {
    const operationName = args.operationName ?? '';
    const cached = known.get(args.document)?.get(operationName);
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
      let byName = known.get(args.document);
      if (!byName) known.set(args.document, (byName = new Map()));
      byName.set(operationName, extension);
    }
    return extension;
  };
  const refusal = (cost: CostExtension): ExecutionResult => ({
    errors: [
      codedGraphQLError(
        `The operation's estimated cost ${cost.estimated} is over the limit of ${cost.max}`,
        'COST_ESTIMATED_TOO_EXPENSIVE',
        { cost },
      ),
    ],
    extensions: { cost },
  });
  const withCost = (result: ExecutionResult, cost: CostExtension): ExecutionResult => ({
    ...result,
    extensions: { ...result.extensions, cost },
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = estimate(args);
      if (cost.estimated > cost.max) return setResultAndStopExecution(refusal(cost));
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result)
            return { onNext: (next) => next.setResult(withCost(next.result, cost)) };
          setResult(withCost(result, cost));
          return undefined;
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const cost = estimate(args);
      if (cost.estimated > cost.max) return setResultAndStopExecution(refusal(cost));
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return undefined;
          return { onNext: (next) => next.setResult(withCost(next.result, cost)) };
        },
      };
    },
  };
}
