import { useRef, useState } from 'react';
import { useQuery } from 'urql';
import { words } from '../format';
import { graphql } from '../gql';
import { useRefreshOnLive } from '../live';
import { Errors } from './Errors';

const InboxQuery = graphql(`
  query Inbox($acknowledged: Boolean) {
    referrals(status: PENDING, acknowledged: $acknowledged, first: 100) {
      totalCount
      nodes {
        id
        eventDate
        eventType
        acknowledgedAt
        client { id firstName lastName }
        referredProject { id name }
        household { householdType members { id } }
      }
    }
  }
`);

type Filter = 'all' | 'new' | 'acknowledged';
const ACKNOWLEDGED: Record<Filter, boolean | undefined> = { all: undefined, new: false, acknowledged: true };

/** The pending referrals to the organization's projects, kept current by referralUpdated. */
export function Inbox() {
  const [filter, setFilter] = useState<Filter>('all');
  const [result, refetch] = useQuery({
    query: InboxQuery,
    variables: { acknowledged: ACKNOWLEDGED[filter] },
    requestPolicy: 'cache-and-network',
  });
  useRefreshOnLive(() => refetch({ requestPolicy: 'network-only' }));

  // Referrals that arrived while the inbox was open are marked as new.
  const known = useRef<Set<string> | null>(null);
  const nodes = result.data?.referrals.nodes ?? [];
  const arrived = new Set<string>();
  if (result.data) {
    if (known.current) for (const n of nodes) if (!known.current.has(n.id)) arrived.add(n.id);
    if (!known.current) known.current = new Set(nodes.map((n) => n.id));
  }

  return (
    <section className="inbox">
      <div className="heading">
        <h1>Pending referrals</h1>
        <span className="count" data-testid="pending-count">
          {result.data ? result.data.referrals.totalCount : '…'}
        </span>
        <label className="filter">
          Show{' '}
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)} name="filter">
            <option value="all">all pending</option>
            <option value="new">not yet acknowledged</option>
            <option value="acknowledged">acknowledged</option>
          </select>
        </label>
      </div>
      <Errors error={result.error} />
      {result.data && nodes.length === 0 && <p className="muted">No pending referrals.</p>}
      {nodes.length > 0 && (
        <table className="referrals">
          <thead>
            <tr>
              <th>Head of household</th>
              <th>Household</th>
              <th>Referred to</th>
              <th>Event</th>
              <th>Date</th>
              <th>Acknowledged</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((r) => (
              <tr key={r.id} data-referral-id={r.id} className={arrived.has(r.id) ? 'arrived' : undefined}>
                <td>
                  <a href={`#/referral/${r.id}`}>
                    {r.client.firstName} {r.client.lastName}
                  </a>
                  {arrived.has(r.id) && <span className="badge new">new</span>}
                </td>
                <td>
                  {words(r.household.householdType)} · {r.household.members.length}{' '}
                  {r.household.members.length === 1 ? 'person' : 'people'}
                </td>
                <td>{r.referredProject?.name ?? '—'}</td>
                <td>{words(r.eventType)}</td>
                <td>{r.eventDate}</td>
                <td>{r.acknowledgedAt ? <span className="badge ok">acknowledged</span> : <span className="badge">not yet</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
