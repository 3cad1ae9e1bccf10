import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ageOn, dateTime, today, words } from '../format';
import { graphql } from '../gql';
import type { DeclineReason, ReferralQuery, ReferralResult } from '../gql/graphql';
import { useRefreshOnLive } from '../live';
import { Errors } from './Errors';

const ReferralQueryDoc = graphql(`
  query Referral($id: ID!) {
    ceEvent(id: $id) {
      id
      eventDate
      eventType
      status
      referralResult
      resultDate
      declineReason
      acknowledgedAt
      acknowledgedBy { email }
      cancelledAt
      cancellationReason
      referredProject { id name organization { name } }
      client {
        id
        firstName
        lastName
        enrollments {
          id
          entryDate
          exitDate
          relationshipToHoH
          project { id }
          resolvedReferral { id }
          household { members { id relationshipToHoH client { firstName } } }
        }
      }
      household {
        id
        householdType
        members { id relationshipToHoH entryDate exitDate client { id firstName lastName dateOfBirth } }
      }
      resultingEnrollment {
        id
        entryDate
        project { name }
        household { householdType members { id relationshipToHoH client { firstName lastName } } }
      }
      notes { id text createdAt author { email } organization { name } }
    }
  }
`);

const Acknowledge = graphql(`
  mutation Acknowledge($ceEventId: ID!) {
    acknowledgeReferral(input: { ceEventId: $ceEventId }) { id status acknowledgedAt acknowledgedBy { email } }
  }
`);

const AddNote = graphql(`
  mutation AddNote($ceEventId: ID!, $text: String!) {
    addReferralNote(input: { ceEventId: $ceEventId, text: $text }) { id text createdAt }
  }
`);

const Intake = graphql(`
  mutation Intake($input: CreateEnrollmentInput!) {
    createEnrollment(input: $input) {
      id
      entryDate
      household { id householdType members { id relationshipToHoH client { firstName lastName } } }
    }
  }
`);

const Resolve = graphql(`
  mutation Resolve($input: ResolveReferralInput!) {
    resolveReferral(input: $input) {
      id
      status
      referralResult
      resultDate
      declineReason
      resultingEnrollment { id entryDate }
      notes { id }
    }
  }
`);

type Referral = NonNullable<ReferralQuery['ceEvent']>;

const DECLINE_REASONS: Record<Exclude<ReferralResult, 'SUCCESSFUL_CLIENT_ACCEPTED'>, DeclineReason[]> = {
  UNSUCCESSFUL_CLIENT_REJECTED: ['CLIENT_DECLINED', 'CLIENT_UNREACHABLE', 'CLIENT_NO_LONGER_HOMELESS', 'CLIENT_LEFT_AREA', 'CLIENT_OTHER'],
  UNSUCCESSFUL_PROVIDER_REJECTED: [
    'PROVIDER_INELIGIBLE',
    'PROVIDER_NO_VACANCY',
    'PROVIDER_INTAKE_NOT_COMPLETED',
    'PROVIDER_SAFETY_CONCERN',
    'PROVIDER_HOUSEHOLD_DOES_NOT_FIT',
    'PROVIDER_OTHER',
  ],
};

/** One referral: its household, notes, and the guide's two ways to resolve it. */
export function ReferralDetail({ id }: { id: string }) {
  // urql's document cache refetches this query after a mutation whose result has a type it holds;
  // a referral's first note is a type it does not hold yet (ReferralNote). Changes made elsewhere
  // arrive through referralUpdated.
  const context = useMemo(() => ({ additionalTypenames: ['ReferralNote'] }), []);
  const [result, refetch] = useQuery({ query: ReferralQueryDoc, variables: { id }, requestPolicy: 'cache-and-network', context });
  useRefreshOnLive(() => refetch({ requestPolicy: 'network-only' }));
  const referral = result.data?.ceEvent;

  return (
    <section className="referral">
      <p>
        <a href="#/inbox">← Inbox</a>
      </p>
      <Errors error={result.error} />
      {result.data && !referral && <p className="muted">No such referral in your scope.</p>}
      {referral && (
        <>
          <Summary referral={referral} />
          <Household referral={referral} />
          <Notes referral={referral} />
          {referral.status === 'PENDING' && (
            <div className="resolve">
              <Acknowledgement referral={referral} />
              <Successful referral={referral} />
              <Decline referral={referral} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Summary({ referral: r }: { referral: Referral }) {
  return (
    <div className="summary">
      <h1>
        {r.client.firstName} {r.client.lastName}
        <span className={`status ${r.status.toLowerCase()}`} data-testid="referral-status">
          {r.status}
        </span>
      </h1>
      <dl>
        <dt>Referred to</dt>
        <dd>
          {r.referredProject ? `${r.referredProject.name} (${r.referredProject.organization.name})` : '—'}
        </dd>
        <dt>Event</dt>
        <dd>
          {words(r.eventType)} on {r.eventDate}
        </dd>
        <dt>Acknowledged</dt>
        <dd data-testid="acknowledged">
          {r.acknowledgedAt ? `${dateTime(r.acknowledgedAt)} by ${r.acknowledgedBy?.email ?? '?'}` : 'not yet'}
        </dd>
        {r.referralResult && (
          <>
            <dt>Result</dt>
            <dd data-testid="referral-result">
              {words(r.referralResult)} on {r.resultDate}
              {r.declineReason && <> · reason: {words(r.declineReason)}</>}
            </dd>
          </>
        )}
        {r.resultingEnrollment && (
          <>
            <dt>Resulting enrollment</dt>
            <dd data-testid="resulting-enrollment">
              {r.resultingEnrollment.project.name} from {r.resultingEnrollment.entryDate}:{' '}
              {r.resultingEnrollment.household.members
                .map((m) => `${m.client.firstName} (${words(m.relationshipToHoH)})`)
                .join(', ')}
            </dd>
          </>
        )}
        {r.cancelledAt && (
          <>
            <dt>Cancelled</dt>
            <dd>
              {dateTime(r.cancelledAt)}: {r.cancellationReason}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function Household({ referral: r }: { referral: Referral }) {
  return (
    <div className="household">
      <h2>
        Household <span className="muted">· {words(r.household.householdType)}</span>
      </h2>
      <table>
        <thead>
          <tr>
            <th>Member</th>
            <th>Relationship</th>
            <th>Age at referral</th>
            <th>In CE since</th>
          </tr>
        </thead>
        <tbody>
          {r.household.members.map((m) => (
            <tr key={m.id}>
              <td>
                {m.client.firstName} {m.client.lastName}
              </td>
              <td>{words(m.relationshipToHoH)}</td>
              <td>{ageOn(m.client.dateOfBirth, r.eventDate) ?? 'unknown'}</td>
              <td>
                {m.entryDate}
                {m.exitDate && ` (exited ${m.exitDate})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Notes({ referral: r }: { referral: Referral }) {
  const [text, setText] = useState('');
  const [state, addNote] = useMutation(AddNote);
  return (
    <div className="notes">
      <h2>Notes</h2>
      {r.notes.length === 0 && <p className="muted">No notes yet.</p>}
      <ol>
        {r.notes.map((n) => (
          <li key={n.id} className="note">
            <p>{n.text}</p>
            <p className="muted">
              {n.author.email} ({n.organization.name}) · {dateTime(n.createdAt)}
            </p>
          </li>
        ))}
      </ol>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!(await addNote({ ceEventId: r.id, text })).error) setText('');
        }}
      >
        <label>
          New note
          <textarea name="note" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" disabled={state.fetching}>
          Add note
        </button>
        <Errors error={state.error} />
      </form>
    </div>
  );
}

function Acknowledgement({ referral: r }: { referral: Referral }) {
  const [state, acknowledge] = useMutation(Acknowledge);
  if (r.acknowledgedAt) return null;
  return (
    <div className="step">
      <h2>Acknowledge</h2>
      <p className="muted">Tell Coordinated Entry your program has seen the referral; it stays pending.</p>
      <button
        type="button"
        disabled={state.fetching}
        onClick={() => acknowledge({ ceEventId: r.id })}
      >
        Acknowledge referral
      </button>
      <Errors error={state.error} />
    </div>
  );
}

/**
 * The guide's successful path: the household's intake in the referred project first, then the
 * referral resolved with the head's new enrollment, its result date the enrollment's entry date.
 */
function Successful({ referral: r }: { referral: Referral }) {
  const project = r.referredProject;
  const head = r.household.members.find((m) => m.client.id === r.client.id);
  const others = r.household.members.filter((m) => m.client.id !== r.client.id && !m.exitDate);
  const [entryDate, setEntryDate] = useState(today());
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [intake, enroll] = useMutation(Intake);
  const [resolution, resolve] = useMutation(Resolve);
  if (!project || !head) return null;

  // The head's enrollment in the referred project that no referral claims yet (made here or
  // before, e.g. in an earlier visit), on or after the referral's date.
  const enrollment = r.client.enrollments.find(
    (e) =>
      e.project.id === project.id &&
      e.relationshipToHoH === 'SELF_HEAD_OF_HOUSEHOLD' &&
      !e.resolvedReferral &&
      e.entryDate >= r.eventDate
  );

  return (
    <div className="step successful">
      <h2>Successful: enroll the household</h2>
      {!enrollment ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const members = others
              .filter((m) => !excluded.has(m.client.id))
              .map((m) => ({ clientId: m.client.id, relationshipToHoH: m.relationshipToHoH }));
            await enroll({ input: { clientId: r.client.id, projectId: project.id, entryDate, members } });
          }}
        >
          <p className="muted">
            1. Intake in {project.name}: {r.client.firstName} as head, with the members below.
          </p>
          <ul className="members">
            {others.map((m) => (
              <li key={m.client.id}>
                <label>
                  <input
                    type="checkbox"
                    name={`member-${m.client.id}`}
                    checked={!excluded.has(m.client.id)}
                    onChange={(e) => {
                      const next = new Set(excluded);
                      if (e.target.checked) next.delete(m.client.id);
                      else next.add(m.client.id);
                      setExcluded(next);
                    }}
                  />{' '}
                  {m.client.firstName} {m.client.lastName} ({words(m.relationshipToHoH)})
                </label>
              </li>
            ))}
          </ul>
          <label>
            Entry date
            <input type="date" name="entryDate" value={entryDate} onChange={(e) => setEntryDate(e.target.value)} />
          </label>
          <button type="submit" disabled={intake.fetching}>
            Enroll household
          </button>
          <Errors error={intake.error} />
        </form>
      ) : (
        <div>
          <p data-testid="intake-done">
            1. Enrolled in {project.name} on {enrollment.entryDate}:{' '}
            {enrollment.household.members.map((m) => `${m.client.firstName} (${words(m.relationshipToHoH)})`).join(', ')}.
          </p>
          <p className="muted">2. Resolve the referral with that enrollment; the result date is its entry date.</p>
          <button
            type="button"
            disabled={resolution.fetching}
            onClick={() =>
              resolve({
                input: {
                  ceEventId: r.id,
                  referralResult: 'SUCCESSFUL_CLIENT_ACCEPTED',
                  resultingEnrollmentId: enrollment.id,
                  resultDate: enrollment.entryDate,
                },
              })
            }
          >
            Resolve: successful
          </button>
          <Errors error={resolution.error} />
        </div>
      )}
    </div>
  );
}

function Decline({ referral: r }: { referral: Referral }) {
  const [side, setSide] = useState<keyof typeof DECLINE_REASONS>('UNSUCCESSFUL_PROVIDER_REJECTED');
  const [reason, setReason] = useState<DeclineReason | ''>('');
  const [resultDate, setResultDate] = useState(today());
  const [note, setNote] = useState('');
  const [state, resolve] = useMutation(Resolve);
  return (
    <form
      className="step decline"
      onSubmit={(e) => {
        e.preventDefault();
        resolve({
          input: { ceEventId: r.id, referralResult: side, resultDate, declineReason: reason || null, note: note.trim() || null },
        });
      }}
    >
      <h2>Unsuccessful: decline</h2>
      <fieldset>
        <legend>Referral result</legend>
        {(Object.keys(DECLINE_REASONS) as (keyof typeof DECLINE_REASONS)[]).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="referralResult"
              value={value}
              checked={side === value}
              onChange={() => {
                setSide(value);
                setReason('');
              }}
            />{' '}
            {words(value)}
          </label>
        ))}
      </fieldset>
      <label>
        Reason
        <select name="declineReason" value={reason} onChange={(e) => setReason(e.target.value as DeclineReason | '')}>
          <option value="">(none given)</option>
          {DECLINE_REASONS[side].map((value) => (
            <option key={value} value={value}>
              {words(value)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Result date
        <input type="date" name="resultDate" value={resultDate} onChange={(e) => setResultDate(e.target.value)} />
      </label>
      <label>
        Note {reason.endsWith('_OTHER') && <span className="muted">(required: say what happened)</span>}
        <textarea name="declineNote" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" disabled={state.fetching}>
        Decline referral
      </button>
      <Errors error={state.error} />
    </form>
  );
}
