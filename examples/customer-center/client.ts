/**
 * The Apollo Client of the application: queries and mutations over HTTP POST with the bearer
 * token, subscriptions over graphql-ws on the same origin (token in connection_init), one
 * normalized InMemoryCache keyed by the global `id` every Node has.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { wsUrl } from './config';

/** A client and what it holds open. */
export interface AppClient {
  readonly apollo: ApolloClient;
  /** Closes the WebSocket and stops the client. */
  dispose(): void;
}

/**
 * The cache: Customer, CustomerUser and Ticket are normalized by their global id (the default
 * `__typename:id` key), so a rename (same id, new customerId) or a subscription push updates
 * every screen that shows the record. Connections are kept per argument set (no merging): the
 * screens page by cursor, one page at a time.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    possibleTypes: { Node: ['Customer', 'CustomerUser', 'Ticket'] },
    typePolicies: {
      // Countries and links have no id: store them inside their parent.
      Country: { keyFields: ['code'] },
      Link: { keyFields: false },
      TicketCounts: { keyFields: false },
      DataSource: { keyFields: ['id'] },
    },
  });
}

/** Builds a client for one token (a new token gets a new client and a new WebSocket). */
export function createAppClient(endpoint: string, token: string | null): AppClient {
  const auth = new ApolloLink((operation, forward) => {
    if (token) operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({ headers: { ...headers, authorization: `Bearer ${token}` } }));
    return forward(operation);
  });
  const http = new HttpLink({ uri: endpoint, credentials: 'same-origin' });
  const ws = createClient({
    url: wsUrl(endpoint),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === OperationTypeNode.SUBSCRIPTION;
    },
    new GraphQLWsLink(ws),
    auth.concat(http),
  );
  const apollo = new ApolloClient({
    link,
    cache: createCache(),
  });
  return {
    apollo,
    dispose() {
      void ws.dispose();
      apollo.stop();
    },
  };
}
