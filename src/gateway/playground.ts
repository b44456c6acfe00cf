import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/** Example operations the playground opens with; each runs as-is against the demo data. */
export const exampleOperations = `# Welcome to the credit graph playground.
# The Authorization header below signs you in as the demo user (local mode only).
# Pick an operation with the play button.

query AccountHome {
  me {
    id
    displayName
    creditLine {
      status
      limit { amount currency }
      available { amount currency minor }
      used { amount }
      statementDay
    }
    mallOrders(first: 5) {
      edges { node { id status total { amount currency } items { title quantity } } }
      pageInfo { hasNextPage endCursor }
    }
    installmentOrders(first: 5) {
      edges { node { id periods total { amount } } }
    }
    channelBindings {
      partner { name kind }
      partnerUserId
      status
      consent { purpose fields expiresAt }
    }
  }
}

query Catalog {
  products(first: 10) { id title category price { amount currency } }
  installmentProducts(first: 10) { id title price { amount } periodsOffered }
}
`;

export interface PlaygroundOptions {
  /** Prefilled bearer token; only ever set in local mode. */
  demoToken?: string | undefined;
}

/** GraphiQL served from the gateway's own bundle: no CDN, works with the network off. */
export function playgroundConfig(options: PlaygroundOptions) {
  return {
    graphiql: {
      title: 'Credit graph playground',
      defaultQuery: exampleOperations,
      headers: options.demoToken
        ? JSON.stringify({ Authorization: `Bearer ${options.demoToken}` }, null, 2)
        : undefined,
    },
    renderGraphiQL,
  };
}
