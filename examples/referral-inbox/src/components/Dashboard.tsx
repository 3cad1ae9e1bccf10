import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { shiftDays, today, words } from '../format';
import { graphql } from '../gql';
import type { CommunityQuery, ReportQuery } from '../gql/graphql';
import { useLive, useRefreshOnLive } from '../live';
import type { Session } from '../session';
import { Errors } from './Errors';

// Every role: the referrals in its scope (HOUSING_STAFF: to its own projects).
const ReportQueryDoc = graphql(`
  query Report($from: Date!, $to: Date!) {
    referralReport(from: $from, to: $to) {
      rows {
        eventType
        referredProject { id name }
        total
        successful
        clientRejected
        providerRejected
        noResult
        medianDaysToResult
        p90DaysToResult
      }
      totals {
        total
        successful
        clientRejected
        providerRejected
        noResult
        cancelled
        medianDaysToResult
        medianDaysToAcknowledge
        declineReasons { reason count }
      }
    }
  }
`);

// PRIORITY_LIST_MANAGER and ADMIN only: the priority list (counted, by household type) and the CE APR.
const CommunityQueryDoc = graphql(`
  query Community($from: Date!, $to: Date!) {
    withoutChildren: priorityList(householdType: WITHOUT_CHILDREN, first: 0) { totalCount }
    withChildrenAndAdults: priorityList(householdType: WITH_CHILDREN_AND_ADULTS, first: 0) { totalCount }
    withOnlyChildren: priorityList(householdType: WITH_ONLY_CHILDREN, first: 0) { totalCount }
    unknownHouseholdType: priorityList(householdType: UNKNOWN, first: 0) { totalCount }
    ceApr(from: $from, to: $to) { tables { question title columns rows { label values } } }
  }
`);

const COLORS = {
  successful: '#2e7d32',
  clientRejected: '#f9a825',
  providerRejected: '#c62828',
  noResult: '#90a4ae',
  median: '#1565c0',
  p90: '#90caf9',
  waiting: '#6a1b9a',
};

/** No animation: the charts are current the moment the data is, and screenshots are stable. */
const still = { isAnimationActive: false } as const;

export function Dashboard({ session }: { session: Session }) {
  const [to, setTo] = useState(today());
  const [from, setFrom] = useState(shiftDays(today(), -365));
  const community = session.role === 'PRIORITY_LIST_MANAGER' || session.role === 'ADMIN';
  const live = useLive();

  return (
    <section className="dashboard">
      <div className="heading">
        <h1>Dashboard</h1>
        <label>
          From <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          to <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <span className="muted" data-testid="refreshes">
          refreshed on every referral change ({live.count} so far)
        </span>
      </div>
      <Report from={from} to={to} />
      {community ? (
        <Community from={from} to={to} />
      ) : (
        <p className="muted">The priority list and the CE APR are for Priority List Managers and ADMIN.</p>
      )}
    </section>
  );
}

function Report({ from, to }: { from: string; to: string }) {
  const [result, refetch] = useQuery({ query: ReportQueryDoc, variables: { from, to }, requestPolicy: 'cache-and-network' });
  useRefreshOnLive(() => refetch({ requestPolicy: 'network-only' }));
  const report = result.data?.referralReport;
  return (
    <>
      <Errors error={result.error} />
      {report && (
        <>
          <Totals totals={report.totals} />
          <div className="charts">
            <Chart title="Housing referrals: outcomes per project" testId="chart-outcomes">
              <BarChart layout="vertical" data={perProject(report.rows)} margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="project" width={170} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Legend />
                <Bar dataKey="successful" stackId="o" fill={COLORS.successful} {...still} />
                <Bar dataKey="clientRejected" name="client rejected" stackId="o" fill={COLORS.clientRejected} {...still} />
                <Bar dataKey="providerRejected" name="provider rejected" stackId="o" fill={COLORS.providerRejected} {...still} />
                <Bar dataKey="noResult" name="no result yet" stackId="o" fill={COLORS.noResult} {...still} />
              </BarChart>
            </Chart>
            <Chart title="Decline reasons" testId="chart-decline-reasons">
              <BarChart
                layout="vertical"
                data={report.totals.declineReasons.map((d) => ({ reason: words(d.reason), count: d.count }))}
                margin={{ left: 40, right: 16 }}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="reason" width={150} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Bar dataKey="count" {...still}>
                  {report.totals.declineReasons.map((d) => (
                    <Cell key={d.reason} fill={d.reason.startsWith('CLIENT_') ? COLORS.clientRejected : COLORS.providerRejected} />
                  ))}
                </Bar>
              </BarChart>
            </Chart>
            <Chart title="Days to result (median, 90th percentile)" testId="chart-days-to-result">
              <BarChart layout="vertical" data={daysToResult(report.rows)} margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" />
                <YAxis type="category" dataKey="row" width={170} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Legend />
                <Bar dataKey="median" fill={COLORS.median} {...still} />
                <Bar dataKey="p90" name="90th percentile" fill={COLORS.p90} {...still} />
              </BarChart>
            </Chart>
          </div>
        </>
      )}
    </>
  );
}

function Totals({ totals: t }: { totals: ReportQuery['referralReport']['totals'] }) {
  const days = (d: number | null | undefined) => (d == null ? '—' : `${d.toFixed(1)} days`);
  return (
    <dl className="totals" data-testid="report-totals">
      <div>
        <dt>Referrals</dt>
        <dd data-testid="total-referrals">{t.total}</dd>
      </div>
      <div>
        <dt>Successful</dt>
        <dd>{t.successful}</dd>
      </div>
      <div>
        <dt>Declined</dt>
        <dd>{t.clientRejected + t.providerRejected}</dd>
      </div>
      <div>
        <dt>Pending</dt>
        <dd>{t.noResult}</dd>
      </div>
      <div>
        <dt>Cancelled</dt>
        <dd>{t.cancelled}</dd>
      </div>
      <div>
        <dt>Median to result</dt>
        <dd>{days(t.medianDaysToResult)}</dd>
      </div>
      <div>
        <dt>Median to acknowledge</dt>
        <dd>{days(t.medianDaysToAcknowledge)}</dd>
      </div>
    </dl>
  );
}

type Row = ReportQuery['referralReport']['rows'][number];

/**
 * The report's rows are per event type and project: the housing referrals' outcomes (rows with a
 * referred project, HUD 4.20.C) summed per project.
 */
function perProject(rows: Row[]) {
  const byProject = new Map<string, { project: string; successful: number; clientRejected: number; providerRejected: number; noResult: number }>();
  for (const r of rows) {
    if (!r.referredProject) continue;
    const project = r.referredProject.name;
    const sum = byProject.get(project) ?? { project, successful: 0, clientRejected: 0, providerRejected: 0, noResult: 0 };
    sum.successful += r.successful;
    sum.clientRejected += r.clientRejected;
    sum.providerRejected += r.providerRejected;
    sum.noResult += r.noResult;
    byProject.set(project, sum);
  }
  return [...byProject.values()];
}

function daysToResult(rows: Row[]) {
  return rows
    .filter((r) => r.medianDaysToResult != null)
    .map((r) => ({
      row: r.referredProject ? r.referredProject.name : words(r.eventType),
      median: r.medianDaysToResult,
      p90: r.p90DaysToResult,
    }));
}

function Community({ from, to }: { from: string; to: string }) {
  const [result, refetch] = useQuery({ query: CommunityQueryDoc, variables: { from, to }, requestPolicy: 'cache-and-network' });
  useRefreshOnLive(() => refetch({ requestPolicy: 'network-only' }));
  const data = result.data;
  return (
    <>
      <Errors error={result.error} />
      {data && (
        <>
          <div className="charts">
            <Chart title="Households waiting on the priority list, by household type" testId="chart-priority-list">
              <BarChart layout="vertical" data={waiting(data)} margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="householdType" width={170} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Bar dataKey="households" fill={COLORS.waiting} {...still} />
              </BarChart>
            </Chart>
            {data.ceApr.tables
              .filter((t) => t.question === 'Q9a' || t.question === 'Q9b')
              .map((t) => (
                <Chart key={t.question} title={`CE APR ${t.question}: ${t.title}`} testId={`chart-ce-apr-${t.question}`}>
                  <BarChart data={byHouseholdType(t)} margin={{ left: 0, right: 16 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="label" interval={0} tick={{ fontSize: 10 }} />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Legend />
                    {t.columns.slice(1).map((column, i) => (
                      <Bar key={column} dataKey={column} stackId="h" fill={PALETTE[i % PALETTE.length]} {...still} />
                    ))}
                  </BarChart>
                </Chart>
              ))}
          </div>
          <h2>CE APR, {from} to {to}</h2>
          <div className="apr-tables">
            {data.ceApr.tables.map((t) => (
              <table key={t.question} className="apr" data-question={t.question}>
                <caption>
                  {t.question} {t.title}
                </caption>
                <thead>
                  <tr>
                    <th />
                    {t.columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {t.rows.map((r) => (
                    <tr key={r.label}>
                      <th>{r.label}</th>
                      {r.values.map((v, i) => (
                        <td key={i}>{v}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </div>
        </>
      )}
    </>
  );
}

const PALETTE = ['#00838f', '#6a1b9a', '#ef6c00', '#78909c'];

function waiting(data: CommunityQuery) {
  return [
    { householdType: 'without children', households: data.withoutChildren.totalCount },
    { householdType: 'with children and adults', households: data.withChildrenAndAdults.totalCount },
    { householdType: 'with only children', households: data.withOnlyChildren.totalCount },
    { householdType: 'unknown', households: data.unknownHouseholdType.totalCount },
  ];
}

/** A CE APR table's rows, each split by HUD's household-type columns (Total left out). */
function byHouseholdType(table: CommunityQuery['ceApr']['tables'][number]) {
  return table.rows
    .filter((r) => !r.label.startsWith('Total'))
    .map((r) => ({
      label: r.label.replace(/ \(Prioritized\)$/, ''),
      ...Object.fromEntries(table.columns.slice(1).map((c, i) => [c, r.values[i + 1]])),
    }));
}

function Chart({ title, testId, children }: { title: string; testId: string; children: React.ReactElement }) {
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={260}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}
