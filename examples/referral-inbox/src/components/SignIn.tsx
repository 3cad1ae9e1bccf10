import { useEffect, useState } from 'react';
import { Client, cacheExchange, fetchExchange } from 'urql';
import { credentialHeaders, graphqlUrl } from '../client';
import { graphql } from '../gql';
import type { MeQuery } from '../gql/graphql';
import { DEFAULT_SERVER, loadDemoUsers, type DemoUsers, type Session } from '../session';
import { Errors, errorsOf, type ShownError } from './Errors';

const Me = graphql(`
  query Me {
    me {
      user { email }
      memberships { organization { id name } role }
    }
  }
`);

type Membership = MeQuery['me']['memberships'][number];

export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [server, setServer] = useState(DEFAULT_SERVER);
  const [token, setToken] = useState('');
  const [demo, setDemo] = useState<DemoUsers | null>(null);
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [busy, setBusy] = useState(false);
  const [choice, setChoice] = useState<{ email: string; token: string; memberships: Membership[] } | null>(null);

  useEffect(() => {
    loadDemoUsers().then((found) => {
      setDemo(found);
      if (found?.server) setServer(found.server);
    });
  }, []);

  function finish(email: string, token: string, membership: Membership) {
    onSignIn({
      server,
      token,
      organizationId: membership.organization.id,
      email,
      organizationName: membership.organization.name,
      role: membership.role,
    });
  }

  async function signIn(token: string) {
    setBusy(true);
    setErrors([]);
    setChoice(null);
    // `me` is the one field that answers before an organization is chosen (rule R2).
    const probe = new Client({
      url: graphqlUrl(server),
      preferGetMethod: false,
      fetchOptions: { headers: credentialHeaders({ server, token }) },
      exchanges: [cacheExchange, fetchExchange],
    });
    const result = await probe.query(Me, {}, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    if (result.error || !result.data) {
      setErrors(result.error ? errorsOf(result.error) : [{ message: 'no answer from the server' }]);
      return;
    }
    const { user, memberships } = result.data.me;
    if (memberships.length === 0) {
      setErrors([{ message: `${user.email} belongs to no organization`, code: 'FORBIDDEN' }]);
    } else if (memberships.length === 1) {
      finish(user.email, token, memberships[0]);
    } else {
      setChoice({ email: user.email, token, memberships });
    }
  }

  return (
    <main className="sign-in">
      <h1>Referral inbox</h1>
      <p className="muted">
        For a housing program's staff: the Coordinated Entry referrals to your projects, and a dashboard.
      </p>
      <label>
        Hearth server
        <input value={server} onChange={(e) => setServer(e.target.value)} name="server" />
      </label>
      {demo && demo.users.length > 0 && (
        <section className="demo-users" aria-label="Demo users">
          <h2>Demo users</h2>
          <p className="muted">From <code>hearth seed-demo</code> (development only).</p>
          <ul>
            {demo.users.map((u) => (
              <li key={u.email}>
                <button type="button" disabled={busy} onClick={() => signIn(u.token)}>
                  {u.email}
                </button>{' '}
                <span className="muted">
                  {u.organization} · {u.role}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signIn(token.trim());
        }}
      >
        <label>
          API token
          <input
            type="password"
            name="token"
            autoComplete="off"
            placeholder="hth_…"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        <p className="muted">
          An ADMIN issues tokens (<code>createApiToken</code>); <code>hearth seed-demo</code> prints one per demo user.
        </p>
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
      </form>
      {choice && (
        <section className="choose-organization" aria-label="Choose an organization">
          <h2>Act as which organization?</h2>
          <p className="muted">{choice.email} belongs to several; you act as one at a time.</p>
          <ul>
            {choice.memberships.map((m) => (
              <li key={m.organization.id}>
                <button type="button" onClick={() => finish(choice.email, choice.token, m)}>
                  {m.organization.name}
                </button>{' '}
                <span className="muted">{m.role}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Errors errors={errors} />
    </main>
  );
}
