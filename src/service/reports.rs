//! The referral report: HUD CE APR-style counts of CE events in a period (Q9d / Q10), by event type and
//! referred project, with how long referrals take to resolve. Computed in the database with GROUP BY
//! and window functions, in the caller's scope; no event row is loaded.

use super::{Services, scope};
use crate::domain::{Actor, CeEventType, DeclineReason, HouseholdType, ReferralResult};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::ce_event;
use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, Statement};
use std::collections::HashMap;
use uuid::Uuid;

/// One line of the report: the events of one type referring to one project (or to none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportRow {
    pub event_type: Option<CeEventType>,
    pub referred_project_id: Option<Uuid>,
    pub total: i64,
    pub successful: i64,
    pub client_rejected: i64,
    pub provider_rejected: i64,
    pub no_result: i64,
    pub median_days_to_result: Option<f64>,
    pub p90_days_to_result: Option<f64>,
    /// Cancelled as made in error (rule L6): not counted in `total` or `no_result`.
    pub cancelled: i64,
    /// Median days from the event date to the program's acknowledgement (rule L1).
    pub median_days_to_acknowledge: Option<f64>,
    /// How often each decline reason was given (rule L3), most frequent first.
    pub decline_reasons: Vec<(DeclineReason, i64)>,
}

pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<ReportRow>,
    pub totals: ReportRow,
}

/// Median and 90th percentile of days to result.
type Spread = (Option<f64>, Option<f64>);

/// The longest period one report may cover: enough for any HUD reporting year and then some.
const MAX_PERIOD_DAYS: i64 = 366 * 10;

/// What a report counts: the period, and optionally one referred project and one household type.
pub struct ReportFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub project: Option<Uuid>,
    pub household_type: Option<HouseholdType>,
}

/// Whether the household `household_column` names is of `wanted` type, as SQL: rule H7
/// (`domain::household::household_type`) over the members' dates of birth and the head's entry
/// date, so that the filter runs in the database (a member is 18 or older when born on or before
/// the head's entry date less 18 years). A correlated EXISTS, so each row probes its own household
/// (`ix_enrollment_household_id`): as `IN (... GROUP BY ...)` it grouped every household of the
/// community first (30 s, the statement timeout, at 100k clients).
pub fn households_of_type(
    backend: DbBackend,
    wanted: HouseholdType,
    household_column: &str,
) -> String {
    let cutoff = match backend {
        DbBackend::Postgres => "(h.entry_date - INTERVAL '18 years')::date",
        _ => "date(h.entry_date, '-18 years')",
    };
    let adults = format!("SUM(CASE WHEN c.date_of_birth <= {cutoff} THEN 1 ELSE 0 END)");
    let children = format!("SUM(CASE WHEN c.date_of_birth > {cutoff} THEN 1 ELSE 0 END)");
    let unknown = "SUM(CASE WHEN c.date_of_birth IS NULL THEN 1 ELSE 0 END)";
    let having = match wanted {
        HouseholdType::WithoutChildren => {
            format!("{adults} > 0 AND {children} = 0 AND {unknown} = 0")
        }
        HouseholdType::WithChildrenAndAdults => format!("{adults} > 0 AND {children} > 0"),
        HouseholdType::WithOnlyChildren => {
            format!("{children} > 0 AND {adults} = 0 AND {unknown} = 0")
        }
        HouseholdType::Unknown => format!(
            "NOT ({adults} > 0 AND {children} > 0) AND NOT ({adults} > 0 AND {children} = 0 AND \
             {unknown} = 0) AND NOT ({children} > 0 AND {adults} = 0 AND {unknown} = 0)"
        ),
    };
    format!(
        "EXISTS (SELECT 1 FROM enrollment m \
         JOIN client c ON c.id = m.client_id \
         JOIN enrollment h ON h.household_id = m.household_id AND h.relationship_to_hoh = 1 \
         AND h.date_deleted IS NULL \
         WHERE m.household_id = {household_column} AND m.date_deleted IS NULL \
         GROUP BY m.household_id HAVING {having})"
    )
}

/// The CE events dated within the filter's period that the actor may see, optionally referring to
/// one project and recorded for a household of one type.
fn events_in_period(backend: DbBackend, actor: &Actor, filter: &ReportFilter) -> SelectStatement {
    let (from, to, project) = (filter.from, filter.to, filter.project);
    let mut select = Query::select();
    select
        .from(ce_event::Entity)
        .cond_where(scope::ce_events(actor))
        .and_where(ce_event::Column::EventDate.gte(from))
        .and_where(ce_event::Column::EventDate.lte(to));
    if let Some(project) = project {
        select.and_where(ce_event::Column::ReferredProjectId.eq(project));
    }
    if let Some(wanted) = filter.household_type {
        select.and_where(Expr::cust(households_of_type(
            backend,
            wanted,
            "ce_event.household_id",
        )));
    }
    select
}

/// What a percentile is taken of: days from EventDate to a column, and the column.
#[derive(Clone, Copy)]
enum Measure {
    /// To ResultDate (HUD 4.20.E), whole days.
    Result,
    /// To the program's acknowledgement, in fractions of a day.
    Acknowledgement,
}

impl Measure {
    /// The days, in each database's date arithmetic.
    fn days(self, backend: DbBackend) -> &'static str {
        match (self, backend) {
            (Measure::Result, DbBackend::Postgres) => "(result_date - event_date)",
            (Measure::Result, _) => {
                "CAST(julianday(result_date) - julianday(event_date) AS INTEGER)"
            }
            (Measure::Acknowledgement, DbBackend::Postgres) => {
                "(EXTRACT(EPOCH FROM (acknowledged_at - event_date::timestamptz)) / 86400.0)"
            }
            (Measure::Acknowledgement, _) => "(julianday(acknowledged_at) - julianday(event_date))",
        }
    }

    fn column(self) -> ce_event::Column {
        match self {
            Measure::Result => ce_event::Column::ResultDate,
            Measure::Acknowledgement => ce_event::Column::AcknowledgedAt,
        }
    }
}

/// Median and 90th percentile (linear interpolation, as PostgreSQL's percentile_cont) of the days
/// `measure` takes, per (event_type, referred_project_id) when `grouped`, else overall.
fn percentiles(
    backend: DbBackend,
    base: &SelectStatement,
    grouped: bool,
    measure: Measure,
) -> Statement {
    let mut resolved = base.clone();
    resolved
        .column(ce_event::Column::EventType)
        .column(ce_event::Column::ReferredProjectId)
        .expr_as(Expr::cust(measure.days(backend)), Alias::new("days"))
        .and_where(measure.column().is_not_null())
        .and_where(ce_event::Column::CancelledAt.is_null());
    let inner = backend.build(&resolved);
    let keys = if grouped {
        "event_type, referred_project_id"
    } else {
        "NULL, NULL"
    };
    let sql = match backend {
        DbBackend::Postgres => {
            let group_by = if grouped {
                " GROUP BY event_type, referred_project_id"
            } else {
                ""
            };
            format!(
                "WITH d AS ({inner}) SELECT {keys}, \
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::float8, \
                 percentile_cont(0.9) WITHIN GROUP (ORDER BY days)::float8 FROM d{group_by}",
                inner = inner.sql
            )
        }
        _ => {
            // SQLite has no percentile function: rank the days in each group and interpolate between
            // the two ranks around p * (n - 1).
            let partition = if grouped {
                "PARTITION BY event_type, referred_project_id"
            } else {
                ""
            };
            let group_by = if grouped {
                " GROUP BY event_type, referred_project_id"
            } else {
                ""
            };
            let at = |p: f64| {
                format!(
                    "(MAX(CASE WHEN rn = CAST({p} * (n - 1) AS INTEGER) THEN days END) + \
                     ({p} * (n - 1) - CAST({p} * (n - 1) AS INTEGER)) * \
                     (MAX(CASE WHEN rn = CAST({p} * (n - 1) AS INTEGER) + 1 THEN days END) - \
                      MAX(CASE WHEN rn = CAST({p} * (n - 1) AS INTEGER) THEN days END)))"
                )
            };
            let nearest = |p: f64| {
                format!("MAX(CASE WHEN rn = CAST({p} * (n - 1) AS INTEGER) THEN days END)")
            };
            format!(
                "WITH d AS ({inner}), r AS (SELECT event_type, referred_project_id, days, \
                 ROW_NUMBER() OVER ({partition} ORDER BY days) - 1 AS rn, \
                 COUNT(*) OVER ({partition}) AS n FROM d) \
                 SELECT {keys}, CAST(COALESCE({m}, {m0}) AS REAL), CAST(COALESCE({q}, {q0}) AS REAL) FROM r{group_by}",
                inner = inner.sql,
                m = at(0.5),
                m0 = nearest(0.5),
                q = at(0.9),
                q0 = nearest(0.9),
            )
        }
    };
    Statement {
        sql,
        values: inner.values,
        db_backend: backend,
    }
}

type Key = (i32, Option<Uuid>);

/// The spreads a [`percentiles`] statement returns, by (event type, referred project).
async fn spreads(
    db: &sea_orm::DatabaseConnection,
    statement: Statement,
) -> AppResult<HashMap<Key, Spread>> {
    let mut spreads = HashMap::new();
    for row in db.query_all_raw(statement).await? {
        let code: i32 = row.try_get_by_index(0)?;
        let project: Option<Uuid> = row.try_get_by_index(1)?;
        spreads.insert(
            (code, project),
            (row.try_get_by_index(2)?, row.try_get_by_index(3)?),
        );
    }
    Ok(spreads)
}

/// How often each decline reason was given, by (event type, referred project), most frequent first.
async fn decline_reasons(
    db: &sea_orm::DatabaseConnection,
    backend: DbBackend,
    base: &SelectStatement,
) -> AppResult<HashMap<Key, Vec<(DeclineReason, i64)>>> {
    let mut counts = base.clone();
    counts
        .column(ce_event::Column::EventType)
        .column(ce_event::Column::ReferredProjectId)
        .column(ce_event::Column::DeclineReason)
        .expr(Expr::cust("COUNT(*)"))
        .and_where(ce_event::Column::DeclineReason.is_not_null())
        .and_where(ce_event::Column::CancelledAt.is_null())
        .group_by_col(ce_event::Column::EventType)
        .group_by_col(ce_event::Column::ReferredProjectId)
        .group_by_col(ce_event::Column::DeclineReason);
    let mut reasons: HashMap<Key, Vec<(DeclineReason, i64)>> = HashMap::new();
    for row in db.query_all_raw(backend.build(&counts)).await? {
        let reason: DeclineReason = row.try_get_by_index(2)?;
        let key = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        reasons
            .entry(key)
            .or_default()
            .push((reason, row.try_get_by_index(3)?));
    }
    for list in reasons.values_mut() {
        list.sort_by_key(|(reason, count)| (std::cmp::Reverse(*count), reason.code()));
    }
    Ok(reasons)
}

/// A report's period: `from` on or before `to`, at most ten years (any HUD reporting year fits).
pub fn check_period(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if to < from {
        return Err(AppError::bad_input(format!(
            "to {to} is before from {from}"
        )));
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(AppError::bad_input(format!(
            "the period may span at most {MAX_PERIOD_DAYS} days"
        )));
    }
    Ok(())
}

pub async fn referral_report(
    services: &Services,
    actor: &Actor,
    filter: ReportFilter,
) -> AppResult<Report> {
    let (from, to) = (filter.from, filter.to);
    check_period(from, to)?;
    // A period's counts may run a replay behind the primary (see `Services::reporting_db`).
    let db = services.reporting_db();
    let backend = db.get_database_backend();
    let base = events_in_period(backend, actor, &filter);

    let count_result = |code: i32| {
        Expr::cust(format!(
            "SUM(CASE WHEN referral_result = {code} AND cancelled_at IS NULL THEN 1 ELSE 0 END)"
        ))
    };
    let mut counts = base.clone();
    counts
        .column(ce_event::Column::EventType)
        .column(ce_event::Column::ReferredProjectId)
        .expr(Expr::cust(
            "SUM(CASE WHEN cancelled_at IS NULL THEN 1 ELSE 0 END)",
        ))
        .expr(count_result(
            ReferralResult::SuccessfulClientAccepted.code(),
        ))
        .expr(count_result(
            ReferralResult::UnsuccessfulClientRejected.code(),
        ))
        .expr(count_result(
            ReferralResult::UnsuccessfulProviderRejected.code(),
        ))
        .expr(Expr::cust(
            "SUM(CASE WHEN cancelled_at IS NOT NULL THEN 1 ELSE 0 END)",
        ))
        .group_by_col(ce_event::Column::EventType)
        .group_by_col(ce_event::Column::ReferredProjectId);
    let mut rows = Vec::new();
    for row in db.query_all_raw(backend.build(&counts)).await? {
        let event_type: CeEventType = row.try_get_by_index(0)?;
        let total: i64 = row.try_get_by_index(2)?;
        let successful: i64 = row.try_get_by_index(3)?;
        let client_rejected: i64 = row.try_get_by_index(4)?;
        let provider_rejected: i64 = row.try_get_by_index(5)?;
        let cancelled: i64 = row.try_get_by_index(6)?;
        rows.push(ReportRow {
            event_type: Some(event_type),
            referred_project_id: row.try_get_by_index(1)?,
            total,
            successful,
            client_rejected,
            provider_rejected,
            no_result: total - successful - client_rejected - provider_rejected,
            cancelled,
            ..Default::default()
        });
    }

    let spans = spreads(db, percentiles(backend, &base, true, Measure::Result)).await?;
    let acknowledged = spreads(
        db,
        percentiles(backend, &base, true, Measure::Acknowledgement),
    )
    .await?;
    let reasons = decline_reasons(db, backend, &base).await?;
    for row in &mut rows {
        let key = (
            row.event_type.map_or(0, CeEventType::code),
            row.referred_project_id,
        );
        if let Some((median, p90)) = spans.get(&key) {
            row.median_days_to_result = *median;
            row.p90_days_to_result = *p90;
        }
        if let Some((median, _)) = acknowledged.get(&key) {
            row.median_days_to_acknowledge = *median;
        }
        row.decline_reasons = reasons.get(&key).cloned().unwrap_or_default();
    }
    rows.sort_by_key(|r| (r.event_type.map(CeEventType::code), r.referred_project_id));

    let mut totals = ReportRow::default();
    for row in &rows {
        totals.total += row.total;
        totals.successful += row.successful;
        totals.client_rejected += row.client_rejected;
        totals.provider_rejected += row.provider_rejected;
        totals.no_result += row.no_result;
        totals.cancelled += row.cancelled;
        for (reason, count) in &row.decline_reasons {
            match totals.decline_reasons.iter_mut().find(|(r, _)| r == reason) {
                Some((_, total)) => *total += count,
                None => totals.decline_reasons.push((*reason, *count)),
            }
        }
    }
    totals
        .decline_reasons
        .sort_by_key(|(reason, count)| (std::cmp::Reverse(*count), reason.code()));
    // The contract makes the totals' event type non-null: it carries the most frequent one.
    totals.event_type = rows
        .iter()
        .max_by_key(|r| r.total)
        .and_then(|r| r.event_type);
    let overall = percentiles(backend, &base, false, Measure::Result);
    if let Some(overall) = db.query_one_raw(overall).await? {
        totals.median_days_to_result = overall.try_get_by_index(2)?;
        totals.p90_days_to_result = overall.try_get_by_index(3)?;
    }
    let overall = percentiles(backend, &base, false, Measure::Acknowledgement);
    if let Some(overall) = db.query_one_raw(overall).await? {
        totals.median_days_to_acknowledge = overall.try_get_by_index(2)?;
    }
    Ok(Report {
        from,
        to,
        rows,
        totals,
    })
}
