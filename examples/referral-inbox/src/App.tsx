import { useEffect, useMemo, useState } from 'react';
import { Provider, useSubscription } from 'urql';
import { connect } from './client';
import { Dashboard } from './components/Dashboard';
import { Inbox } from './components/Inbox';
import { ReferralDetail } from './components/ReferralDetail';
import { SignIn } from './components/SignIn';
import { graphql } from './gql';
import { LiveContext, type Live } from './live';
import { loadSession, saveSession, type Session } from './session';

// Every change to a referral in the caller's scope: made, acknowledged, noted, resolved, corrected,
// reopened or cancelled. The views refetch what they show when one arrives.
const ReferralUpdated = graphql(`
  subscription ReferralUpdated {
    referralUpdated {
      id
      status
      client { firstName lastName }
    }
  }
`);

/** The view, from the location's hash: #/inbox, #/referral/<id>, #/dashboard. */
function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const connection = useMemo(() => (session ? connect(session) : null), [session]);
  useEffect(() => () => void connection?.socket.dispose(), [connection]);

  function signIn(next: Session | null) {
    saveSession(next);
    setSession(next);
    if (next) window.location.hash = '#/inbox';
  }

  if (!session || !connection) return <SignIn onSignIn={signIn} />;
  return (
    <Provider value={connection.client}>
      <SignedIn session={session} socket={connection.socket} onSignOut={() => signIn(null)} />
    </Provider>
  );
}

function SignedIn({
  session,
  socket,
  onSignOut,
}: {
  session: Session;
  socket: ReturnType<typeof connect>['socket'];
  onSignOut: () => void;
}) {
  const route = useRoute();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const offConnected = socket.on('connected', () => setConnected(true));
    const offClosed = socket.on('closed', () => setConnected(false));
    return () => {
      offConnected();
      offClosed();
    };
  }, [socket]);

  const [live] = useSubscription({ query: ReferralUpdated }, (previous: Live | undefined, event): Live => {
    const r = event.referralUpdated;
    return {
      count: (previous?.count ?? 0) + 1,
      last: { id: r.id, status: r.status, name: `${r.client.firstName} ${r.client.lastName}` },
      connected: true,
    };
  });
  const state: Live = { ...(live.data ?? { count: 0, last: null }), connected };

  const view = route[0] ?? 'inbox';
  return (
    <LiveContext.Provider value={state}>
      <header className="top">
        <strong className="brand">Referral inbox</strong>
        <nav>
          <a href="#/inbox" aria-current={view === 'inbox' || view === 'referral' ? 'page' : undefined}>
            Inbox
          </a>
          <a href="#/dashboard" aria-current={view === 'dashboard' ? 'page' : undefined}>
            Dashboard
          </a>
        </nav>
        <span className={`live ${connected ? 'on' : 'off'}`} title="referralUpdated over /graphql/ws">
          {connected ? 'live' : 'connecting…'}
          {state.last && (
            <span className="live-last" data-live-count={state.count}>
              {' '}
              · {state.last.name}: {state.last.status.toLowerCase()}
            </span>
          )}
        </span>
        <span className="who">
          {session.email} · <span className="org">{session.organizationName}</span> · {session.role}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {live.error && (
        <div className="errors" role="alert">
          <p className="error">Live updates stopped: {live.error.message}</p>
        </div>
      )}
      <main>
        {view === 'referral' && route[1] ? (
          <ReferralDetail id={route[1]} />
        ) : view === 'dashboard' ? (
          <Dashboard session={session} />
        ) : (
          <Inbox />
        )}
      </main>
    </LiveContext.Provider>
  );
}
