import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import { requestIsOperator } from './request-viewer';

/** graphql-js's hint after an unknown field or type ("Did you mean "me"?"). */
const suggestion = / ?Did you mean .*\?$/;

/**
 * Production: with introspection off, validation's "Did you mean ...?" hints would still spell out
 * the schema one guess at a time; they are dropped for everyone but operators.
 */
export function useHiddenSchema(options: { authSecret: string }): GatewayPlugin {
  return {
    onValidate({ context }) {
      if (requestIsOperator(options.authSecret, (context as { request: Request }).request)) return;
      return ({ result, setResult }) => {
        if (!result.some((error) => suggestion.test(error.message))) return;
        setResult(
          result.map(
            (error) =>
              new GraphQLError(error.message.replace(suggestion, ''), {
                nodes: error.nodes,
                source: error.source,
                positions: error.positions,
                path: error.path,
                extensions: error.extensions,
              }),
          ),
        );
      };
    },
  };
}
