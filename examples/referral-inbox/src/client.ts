// One urql client per signed-in session: queries and mutations over HTTP POST /graphql,
// subscriptions over /graphql/ws (graphql-transport-ws, via graphql-ws). Both transports carry the
// same credentials: HTTP as headers, the WebSocket in its connection_init payload, as Hearth reads
// them (README "HTTP endpoints").
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';

export interface Credentials {
  /** Hearth's base URL, e.g. http://127.0.0.1:8000 (its /graphql and /graphql/ws are used). */
  server: string;
  token: string;
  /** Needed only when the user has several memberships (rule R2). */
  organizationId?: string;
}

export function credentialHeaders({ token, organizationId }: Credentials): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    ...(organizationId ? { 'X-Organization-Id': organizationId } : {}),
  };
}

export function graphqlUrl(server: string): string {
  return `${server.replace(/\/+$/, '')}/graphql`;
}

export function websocketUrl(server: string): string {
  return `${graphqlUrl(server).replace(/^http/, 'ws')}/ws`;
}

export interface Connection {
  client: Client;
  socket: WsClient;
}

export function connect(credentials: Credentials): Connection {
  const headers = credentialHeaders(credentials);
  const socket = createWsClient({
    url: websocketUrl(credentials.server),
    connectionParams: headers,
    // Reconnect after a server restart (1001 on SIGTERM); a revoked token closes with 4401.
    retryAttempts: 5,
    shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && event.code === 4401),
  });
  const client = new Client({
    url: graphqlUrl(credentials.server),
    preferGetMethod: false,
    fetchOptions: () => ({ headers }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const operation = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(operation, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, socket };
}
