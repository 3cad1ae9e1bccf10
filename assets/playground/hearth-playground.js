// Hearth's GraphiQL playground: mounts GraphiQL (from graphiql.min.js, with React 18 from the files
// beside it, all served by Hearth) on the page at /graphql.
//
// Queries and mutations go to this same URL by POST, with the headers typed in the Headers editor.
// Subscriptions go over WebSocket to <this URL>/ws with the graphql-transport-ws protocol (the
// graphql-ws client bundled in GraphiQL): GraphiQL opens one connection per subscription and sends
// the typed headers as the `connection_init` payload, which is where Hearth reads the token and
// X-Organization-Id of a WebSocket client.
(function () {
  'use strict';

  var mount = document.getElementById('graphiql');
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    mount.textContent = 'The playground could not load its scripts from this server.';
    return;
  }

  // The page is served at the GraphQL endpoint itself.
  var endpoint = window.location.origin + window.location.pathname.replace(/\/+$/, '');
  var subscriptionEndpoint = endpoint.replace(/^http/, 'ws') + '/ws';

  var fetcher = window.GraphiQL.createFetcher({
    url: endpoint,
    subscriptionUrl: subscriptionEndpoint,
  });

  var defaultQuery = [
    '# Hearth GraphQL playground',
    '#',
    '# The docs (the book icon, top left) and completion work',
    '# now, without a token: the schema is public. To run a',
    '# query, sign in with an API token:',
    '#',
    '# 1. Get a token: `hearth create-admin --email you@example.org`',
    '#    prints one as its last line; `hearth seed-demo` prints',
    '#    one per demo user; an ADMIN makes more with the',
    '#    createApiToken mutation.',
    '# 2. Paste it in the Headers editor below, in place of',
    '#    <paste a token>:',
    '#      { "Authorization": "Bearer hth_..." }',
    '#    A user of several organizations also sends',
    '#    "X-Organization-Id": "<organization id>".',
    '# 3. Run with Ctrl-Enter or the play button.',
    '#',
    '# Subscriptions run over WebSocket at /graphql/ws with',
    '# the same headers, e.g.',
    '#   subscription { referralUpdated { id status } }',
    '',
    '{',
    '  me {',
    '    user { email }',
    '    organization { name }',
    '    role',
    '  }',
    '}',
    '',
  ].join('\n');

  var defaultHeaders = JSON.stringify({ Authorization: 'Bearer <paste a token>' }, null, 2);

  // A token is a password. GraphiQL keeps headers out of localStorage unless "Persist headers" is on
  // in its settings, except in its history and favorites, which it stores with their headers: this
  // storage drops them there too while persisting headers is off.
  var HISTORY = /^graphiql:(queries|favorites)$/;
  var withoutHeaders = function (value) {
    try {
      var stored = JSON.parse(value);
      if (stored && Array.isArray(stored.queries)) {
        stored.queries.forEach(function (entry) {
          if (entry) delete entry.headers;
        });
        return JSON.stringify(stored);
      }
    } catch (ignored) {
      // Not what GraphiQL writes there: leave it as it is.
    }
    return value;
  };
  var storage = {
    getItem: function (key) {
      return window.localStorage.getItem(key);
    },
    setItem: function (key, value) {
      var persistHeaders = window.localStorage.getItem('graphiql:shouldPersistHeaders') === 'true';
      window.localStorage.setItem(key, HISTORY.test(key) && !persistHeaders ? withoutHeaders(value) : value);
    },
    removeItem: function (key) {
      window.localStorage.removeItem(key);
    },
    clear: function () {
      Object.keys(window.localStorage)
        .filter(function (key) {
          return key.indexOf('graphiql:') === 0;
        })
        .forEach(function (key) {
          window.localStorage.removeItem(key);
        });
    },
    get length() {
      return window.localStorage.length;
    },
  };

  window.ReactDOM.createRoot(mount).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: 'headers',
      // A token is a password: kept in this browser's storage only when the user turns on
      // "Persist headers" in the settings dialog.
      shouldPersistHeaders: false,
      storage: storage,
    })
  );
})();
