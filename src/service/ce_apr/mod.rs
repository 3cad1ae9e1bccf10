//! HUD's Coordinated Entry APR (rule A3), FY2026 programming specifications: Q9a assessment type,
//! Q9b prioritization status, Q9c access events, Q9d referral events and Q10 all CE activity,
//! counted in the database (GROUP BY) and laid out as HUD prints the tables.
//!
//! How the questions are read (the specification's steps, in this schema's terms):
//! - **Which records count at all** (the report universe's steps 1-7): a live 4.19 assessment or
//!   4.20 event recorded in an enrollment of a continuum project (2.02.5) of this CoC (the
//!   project's 2.03 CoC code, else HEARTH_COC_CODE) whose 2.09 participation period covering the
//!   record's date makes it a Coordinated Entry access point (2.09.1; receiving referrals alone
//!   does not make a project's CE data part of the report, as in HUD's Data Lab test kit). Anything
//!   else is in no question.
//! - **Universe of Q9a-Q9d**: households whose head has such an assessment dated within the
//!   report range, each counted once, by its **latest** assessment in the range (latest date, then
//!   latest recorded): each head's latest, then, should the household have changed heads (rule H4)
//!   and both be assessed, the latest of those (HUD counts households, as its Data Lab test kit
//!   does by HouseholdID).
//! - **Household type** (the columns): from the ages of the household's members present on that
//!   assessment's date (entered on or before it, not exited before it), each member's age taken as
//!   the HMIS Reporting Glossary takes it, on the later of the report's start and that member's own
//!   entry date (HUD's Data Lab test kit does so for the CE APR); under 18 is a child. Without
//!   Children: every age known, all adults; With Children and Adults: at least one of each; With
//!   Only Children: every age known, all children; else Unknown. (Rule H7's household type, from
//!   ages on the head's entry date, is not the CE APR's: HUD's rule wins here.)
//! - **The household's event** (Q9c, Q9d): among the head's not cancelled CE events that count,
//!   dated on or after that assessment, no later than 90 days after the report's end, and before
//!   the head's **latest** assessment dated after the report's end and within those 90 days (if
//!   any: HUD's "< any [dates of assessment] between [report end date] and ([report end date] + 90
//!   days)", which HUD's Data Lab test kit reads as before the latest of them), the latest,
//!   preferring events recorded in the assessment's own CE project. Q9c counts households whose
//!   event is an access event (1-4), Q9d those whose event is a referral event (5-18).
//! - **Q10** counts occurrences, not households: every assessment that counts (by level) and every
//!   such not cancelled CE event (by type and result) dated within the range.
//!
//! A cancelled referral (rule L6) was made in error and is exported as deleted, so no question
//! counts it. Percent rows are HUD's, computed from the count rows; GraphQL carries the counts
//! (its values are integers) and the CSV download carries both.

pub mod csv;
mod tables;

use super::Services;
use crate::domain::{Actor, Role};
use crate::error::{AppError, AppResult};
use chrono::{Duration, NaiveDate};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// How long after the report's end an event may still be the household's (HUD's 90 days).
const EVENT_GRACE_DAYS: i64 = 90;

/// The columns of Q9a-Q9d, as HUD prints them: households of every type, then by type.
pub const HOUSEHOLD_COLUMNS: [&str; 5] = [
    "Total",
    "Without Children",
    "With Children and Adults",
    "With Only Children",
    "Unknown Household Type",
];

/// The columns of Q10.
pub const Q10_COLUMNS: [&str; 6] = [
    "Total Occurrences",
    "Successful Referral",
    "Unsuccessful Referral: client rejected",
    "Unsuccessful Referral: provider rejected",
    "Re-housed in safe alternative",
    "Enrolled in aftercare",
];

/// One cell of a table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    Count(i64),
    /// A share (0..1); None when its denominator is zero.
    Percent(Option<f64>),
    /// A cell HUD leaves intentionally blank.
    Blank,
}

/// One row: its label as HUD prints it, and one cell per column.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: &'static str,
    pub cells: Vec<Cell>,
}

impl Row {
    /// Whether the row holds counts (every percent row is HUD's arithmetic on count rows).
    pub fn is_counts(&self) -> bool {
        !self.cells.iter().any(|c| matches!(c, Cell::Percent(_)))
    }
}

/// One question's table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// "Q9a".
    pub question: &'static str,
    pub title: &'static str,
    /// The header of the label column in HUD's CSV (" " or "Assessment/Event").
    pub corner: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
}

/// The report: its range and its tables, in HUD's order.
pub struct CeApr {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tables: Vec<Table>,
}

/// Computes the CE APR for [from, to]: PLM and ADMIN, over the whole community.
pub async fn ce_apr(
    services: &Services,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<CeApr> {
    if !matches!(actor.role, Role::PriorityListManager | Role::Admin) {
        return Err(AppError::forbidden(
            "Only a PRIORITY_LIST_MANAGER (or ADMIN) reads the CE APR",
        ));
    }
    super::reports::check_period(from, to)?;
    // A period's counts may run a replay behind the primary (see `Services::reporting_db`).
    let db = services.reporting_db();
    let range = Range {
        from,
        to,
        coc_code: services.coc_code.clone(),
        grace: to + Duration::days(EVENT_GRACE_DAYS),
    };
    let backend = db.get_database_backend();
    let assessed = query(db, &range, (&assessed_households(backend), 4)).await?;
    let events = query(db, &range, (&households_events(backend), 7)).await?;
    let levels = query(db, &range, (&assessments_by_level(), 2)).await?;
    let activity = query(db, &range, (&events_by_type(), 7)).await?;
    let tables = tables::tables(&assessed, &events, &levels, &activity);
    Ok(CeApr { from, to, tables })
}

/// The report's parameters, bound as $1 (from), $2 (to), $3 (the community's CoC code) and $4
/// (to + 90 days).
struct Range {
    from: NaiveDate,
    to: NaiveDate,
    coc_code: String,
    grace: NaiveDate,
}

/// A grouped count: its key columns and the count(s).
pub type Groups = Vec<Vec<Option<i64>>>;

/// Runs `sql` with the range bound and returns each row's `columns` integer columns. One text
/// serves both databases: `$n` is the n-th value on PostgreSQL and (in sqlx) on SQLite alike; the
/// values up to the highest `$n` the text names are bound, as PostgreSQL wants exactly those.
async fn query(
    db: &sea_orm::DatabaseConnection,
    range: &Range,
    (sql, columns): (&str, usize),
) -> AppResult<Groups> {
    let backend = db.get_database_backend();
    let all: [Value; 4] = [
        range.from.into(),
        range.to.into(),
        range.coc_code.clone().into(),
        range.grace.into(),
    ];
    let used = (1..=all.len())
        .rev()
        .find(|n| sql.contains(&format!("${n}")))
        .unwrap_or(0);
    let values: Vec<Value> = all.into_iter().take(used).collect();
    let statement = Statement::from_sql_and_values(backend, sql, values);
    let mut groups = Vec::new();
    for row in db.query_all_raw(statement).await? {
        let mut values = Vec::with_capacity(columns);
        for index in 0..columns {
            // Codes are INTEGER and counts BIGINT on PostgreSQL; SQLite has one integer type.
            let value = match row.try_get_by_index::<Option<i64>>(index) {
                Ok(value) => value,
                Err(_) => row.try_get_by_index::<Option<i32>>(index)?.map(i64::from),
            };
            values.push(value);
        }
        groups.push(values);
    }
    Ok(groups)
}

/// Whether the 4.19/4.20 record `alias` (dated `date`) is one the report counts: recorded in a
/// live enrollment of a live continuum project (2.02.5) of this CoC ($3) that is a Coordinated
/// Entry access point (2.09.1) on that date, by the live 2.09 period covering it.
fn in_scope(alias: &str, date: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM enrollment se \
           JOIN project sp ON sp.id = se.project_id \
           JOIN ce_participation cp ON cp.project_id = sp.id \
           WHERE se.id = {alias}.enrollment_id AND se.date_deleted IS NULL \
             AND sp.date_deleted IS NULL AND sp.continuum_project \
             AND (sp.coc_code IS NULL OR sp.coc_code = $3) \
             AND cp.date_deleted IS NULL AND cp.access_point \
             AND cp.start_date <= {date} AND (cp.end_date IS NULL OR cp.end_date >= {date}))"
    )
}

/// `date - 18 years` in each database: a member born on or before it is an adult that day.
fn adult_cutoff(backend: DbBackend, date: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("({date} - INTERVAL '18 years')::date"),
        _ => format!("date({date}, '-18 years')"),
    }
}

/// Each assessed household (the universe of Q9a-Q9d) with its household type (1 without
/// children, 2 with children and adults, 3 only children, 4 unknown) and its latest assessment.
fn universe(backend: DbBackend) -> String {
    // HMIS Reporting Glossary: a client's age is taken on the later of the report's start and the
    // client's own project start date.
    let cutoff = adult_cutoff(
        backend,
        "CASE WHEN m.entry_date > $1 THEN m.entry_date ELSE $1 END",
    );
    let assessed = in_scope("a", "a.assessment_date");
    format!(
        "latest AS (\
           SELECT a.id, a.client_id, a.household_id, a.enrollment_id, a.assessment_date, \
                  a.assessment_type, a.prioritization_status, a.date_created, \
                  ROW_NUMBER() OVER (PARTITION BY a.client_id ORDER BY a.assessment_date DESC, \
                                     a.date_created DESC, a.id DESC) AS rn \
           FROM assessment a \
           WHERE a.date_deleted IS NULL AND a.assessment_date >= $1 AND a.assessment_date <= $2 \
             AND {assessed}), \
         households AS (\
           SELECT l.id, l.client_id, l.household_id, l.enrollment_id, l.assessment_date, \
                  l.assessment_type, l.prioritization_status, \
                  ROW_NUMBER() OVER (PARTITION BY l.household_id ORDER BY l.assessment_date DESC, \
                                     l.date_created DESC, l.id DESC) AS hn \
           FROM latest l WHERE l.rn = 1), \
         ages AS (\
           SELECT l.id, l.client_id, l.assessment_date, l.assessment_type, \
                  l.prioritization_status, e.project_id, \
                  SUM(CASE WHEN c.date_of_birth <= {cutoff} THEN 1 ELSE 0 END) AS adults, \
                  SUM(CASE WHEN c.date_of_birth > {cutoff} THEN 1 ELSE 0 END) AS children, \
                  SUM(CASE WHEN c.date_of_birth IS NULL THEN 1 ELSE 0 END) AS unknown \
           FROM households l \
           JOIN enrollment e ON e.id = l.enrollment_id \
           LEFT JOIN enrollment m ON m.household_id = l.household_id AND m.date_deleted IS NULL \
                AND m.entry_date <= l.assessment_date \
                AND (m.exit_date IS NULL OR m.exit_date >= l.assessment_date) \
           LEFT JOIN client c ON c.id = m.client_id \
           WHERE l.hn = 1 \
           GROUP BY l.id, l.client_id, l.assessment_date, l.assessment_type, \
                    l.prioritization_status, e.project_id), \
         typed AS (\
           SELECT ages.*, CASE \
               WHEN adults > 0 AND children > 0 THEN 2 \
               WHEN adults > 0 AND children = 0 AND unknown = 0 THEN 1 \
               WHEN children > 0 AND adults = 0 AND unknown = 0 THEN 3 \
               ELSE 4 END AS household_type \
           FROM ages)"
    )
}

/// Q9a/Q9b: households by (household type, assessment type, prioritization status).
fn assessed_households(backend: DbBackend) -> String {
    format!(
        "WITH {} SELECT household_type, assessment_type, prioritization_status, COUNT(*) \
         FROM typed GROUP BY household_type, assessment_type, prioritization_status",
        universe(backend)
    )
}

/// Q9c/Q9d: households by (household type, prioritization status, their event's type and
/// results); households without an event are left out.
fn households_events(backend: DbBackend) -> String {
    format!(
        "WITH {}, \
         cutoffs AS (\
           SELECT n.client_id, MAX(n.assessment_date) AS cutoff FROM assessment n \
           WHERE n.date_deleted IS NULL AND n.assessment_date > $2 AND n.assessment_date <= $4 \
           GROUP BY n.client_id), \
         chosen AS (\
           SELECT t.household_type, t.prioritization_status, ev.event_type, \
                  ev.prob_sol_div_rr_result, ev.referral_case_manage_after, ev.referral_result, \
                  ROW_NUMBER() OVER (PARTITION BY t.id ORDER BY \
                      CASE WHEN ee.project_id = t.project_id THEN 0 ELSE 1 END, \
                      ev.event_date DESC, ev.id DESC) AS rn \
           FROM typed t \
           JOIN ce_event ev ON ev.client_id = t.client_id AND ev.date_deleted IS NULL \
                AND ev.cancelled_at IS NULL AND ev.event_date >= t.assessment_date \
                AND ev.event_date <= $4 \
           JOIN enrollment ee ON ee.id = ev.enrollment_id \
           LEFT JOIN cutoffs k ON k.client_id = t.client_id \
           WHERE {recorded} AND (k.cutoff IS NULL OR ev.event_date < k.cutoff)) \
         SELECT household_type, prioritization_status, event_type, prob_sol_div_rr_result, \
                referral_case_manage_after, referral_result, COUNT(*) \
         FROM chosen WHERE rn = 1 \
         GROUP BY household_type, prioritization_status, event_type, prob_sol_div_rr_result, \
                  referral_case_manage_after, referral_result",
        universe(backend),
        recorded = in_scope("ev", "ev.event_date"),
    )
}

/// Q10's assessment rows: occurrences by level.
fn assessments_by_level() -> String {
    format!(
        "SELECT a.assessment_level, COUNT(*) FROM assessment a \
         WHERE a.date_deleted IS NULL AND a.assessment_date >= $1 AND a.assessment_date <= $2 \
           AND {} \
         GROUP BY a.assessment_level",
        in_scope("a", "a.assessment_date")
    )
}

/// Q10's event rows: occurrences by type, with each result.
fn events_by_type() -> String {
    format!(
        "SELECT ev.event_type, COUNT(*), \
           SUM(CASE WHEN ev.referral_result = 1 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN ev.referral_result = 2 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN ev.referral_result = 3 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN ev.prob_sol_div_rr_result = 1 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN ev.referral_case_manage_after = 1 THEN 1 ELSE 0 END) \
         FROM ce_event ev WHERE ev.date_deleted IS NULL AND ev.cancelled_at IS NULL \
           AND ev.event_date >= $1 AND ev.event_date <= $2 AND {} \
         GROUP BY ev.event_type",
        in_scope("ev", "ev.event_date")
    )
}
