import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import gql from 'graphql-tag';
import { buildSchema, type BuildSchemaOptions, createResolversMap } from 'type-graphql';
import { AppError } from '../../errors';
import { consentGuard, readConsentRules } from './consent-guard';

const federationLink = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])`;

type ReferenceResolvers = Record<string, { __resolveReference: (...args: never[]) => unknown }>;

const noTopics = {
  publish(): never {
    throw new Error('Subscriptions read the ledger: there are no pub/sub topics');
  },
  subscribe(): never {
    throw new Error('Subscriptions read the ledger: there are no pub/sub topics');
  },
};

/** Builds a federation 2 subgraph schema from type-graphql resolvers plus entity reference resolvers. */
export async function buildSubgraph(
  options: Pick<BuildSchemaOptions, 'resolvers' | 'orphanedTypes'>,
  references: ReferenceResolvers,
): Promise<GraphQLSchema> {
  // Every subgraph carries the consent guard: partner-view types are enforced wherever they appear.
  const rules: { byType?: ReturnType<typeof readConsentRules> } = {};
  // skipCheck: a subgraph may legitimately have no Query fields of its own.
  const schema = await buildSchema({
    ...options,
    skipCheck: true,
    validate: false,
    globalMiddlewares: [consentGuard(() => rules.byType!)],
    // Subscriptions here bring their own `subscribe` (they read the ledger); topics are never used.
    pubSub: noTopics,
  });
  rules.byType = readConsentRules(schema);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, { __resolveReference }] of Object.entries(references)) {
    resolvers[typeName] = {
      ...resolvers[typeName],
      __resolveReference: (representation: Record<string, unknown>, ...rest: unknown[]) => {
        checkEntityKey(typeName, representation);
        return (__resolveReference as (...args: unknown[]) => unknown)(representation, ...rest);
      },
    };
  }
  return buildSubgraphSchema({
    typeDefs: gql(`${federationLink}\n${printSchemaWithDirectives(schema)}`),
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}

/**
 * Representations are raw JSON (`_Any`): every key field must be a short string before it is used,
 * so an object such as `{"$regex": ...}` never reaches a database filter.
 */
/** Characters: ids here are under 60; a longer key is not one of ours. */
const maxKeyLength = 200;

function checkEntityKey(typeName: string, representation: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(representation)) {
    if (field === '__typename') continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > maxKeyLength)
      throw new AppError('BAD_USER_INPUT', `${typeName}.${field} must be a string id`);
  }
}
