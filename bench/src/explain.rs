//! `--explain`: the query plans of the statements W1-W4 run, built with Hearth's own scope conditions
//! (`hearth::service::scope`) as its loaders and services build them, on the seeded database, with
//! the mean time of each statement from this process. A plan that scans a table whose size grows
//! with the community (client, enrollment, ce_event, audit_event) is flagged.
//!
//! SQLite: `EXPLAIN QUERY PLAN` (a `SCAN` of a growing table is flagged; `SEARCH` uses an index).
//! PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)` (a `Seq Scan` of a growing table is flagged).

use crate::Result;
use crate::seed::Community;
use entity::{
    api_token, app_user, ce_event, client, enrollment, membership, organization, project,
};
use hearth::domain::{Actor, CeEventType, Role};
use hearth::service::scope;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement, Value,
};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;
use uuid::Uuid;

/// Tables whose row count grows with the community.
const GROWING: [&str; 4] = ["client", "enrollment", "ce_event", "audit_event"];

pub struct Explained {
    pub name: String,
    pub plan: String,
    pub mean_ms: f64,
    pub flagged: Vec<String>,
}

/// The plans, as Markdown, and each statement's mean time in ms.
pub async fn explain(
    db: &DatabaseConnection,
    community: &Community,
) -> Result<(String, Vec<(String, f64)>)> {
    let backend = db.get_database_backend();
    let plm = Actor {
        user_id: community.plm.user_id,
        organization_id: community.plm.organization_id,
        role: Role::PriorityListManager,
    };
    let first_staff = &community.staff[0];
    let staff = Actor {
        user_id: first_staff.user_id,
        organization_id: first_staff.organization_id,
        role: Role::HousingStaff,
    };
    let referral_codes: Vec<i32> = CeEventType::ALL
        .iter()
        .filter(|t| t.carries_result())
        .map(|t| t.code())
        .collect();
    let mut statements: Vec<(String, Statement)> = Vec::new();

    // Every request: the token and its user, then the memberships.
    statements.push((
        "auth: token and user".to_owned(),
        api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq("0".repeat(64)))
            .find_also_related(app_user::Entity)
            .limit(1)
            .build(backend),
    ));
    statements.push((
        "auth: memberships".to_owned(),
        membership::Entity::find()
            .filter(membership::Column::UserId.eq(staff.user_id))
            .order_by_asc(membership::Column::DateCreated)
            .build(backend),
    ));

    // W1: the staff inbox page, then its clients and referred projects.
    let inbox = ce_event::Entity::find()
        .filter(scope::ce_events(&staff))
        .filter(ce_event::Column::EventType.is_in(referral_codes.clone()))
        .filter(ce_event::Column::ReferralResult.is_null())
        .order_by_asc(ce_event::Column::Id)
        .limit(51);
    let inbox_rows = inbox.clone().all(db).await?;
    statements.push((
        "W1 page: pending referrals".to_owned(),
        inbox.build(backend),
    ));
    statements.push((
        "W1 totalCount (only when asked)".to_owned(),
        ce_event::Entity::find()
            .filter(scope::ce_events(&staff))
            .filter(ce_event::Column::EventType.is_in(referral_codes))
            .filter(ce_event::Column::ReferralResult.is_null())
            .into_query()
            .pipe_count(backend),
    ));
    let inbox_clients = unique(inbox_rows.iter().map(|e| e.client_id));
    statements.push((
        "W1 client { } (HOUSING_STAFF scope)".to_owned(),
        client::Entity::find()
            .filter(scope::clients(&staff))
            .filter(client::Column::Id.is_in(inbox_clients))
            .build(backend),
    ));
    statements.push((
        "W1 referredProject { }".to_owned(),
        project::Entity::find()
            .filter(project::Column::Id.is_in(unique(
                inbox_rows.iter().filter_map(|e| e.referred_project_id),
            )))
            .build(backend),
    ));

    // W2: the PLM's first page of clients and the nested levels.
    let page = client::Entity::find()
        .filter(scope::clients(&plm))
        .order_by_asc(client::Column::Id)
        .limit(51);
    let clients = page.clone().all(db).await?;
    statements.push(("W2 page: clients".to_owned(), page.build(backend)));
    statements.push((
        "W2 totalCount (only when asked)".to_owned(),
        client::Entity::find()
            .filter(scope::clients(&plm))
            .into_query()
            .pipe_count(backend),
    ));
    let client_ids = unique(clients.iter().map(|c| c.id));
    let enrollments = enrollment::Entity::find()
        .filter(scope::enrollments(&plm))
        .filter(enrollment::Column::ClientId.is_in(client_ids.clone()))
        .order_by_asc(enrollment::Column::Id);
    let enrollment_rows = enrollments.clone().all(db).await?;
    statements.push((
        "W2 enrollments of 50 clients".to_owned(),
        enrollments.build(backend),
    ));
    let projects = unique(enrollment_rows.iter().map(|e| e.project_id));
    statements.push((
        "W2 enrollments.project".to_owned(),
        project::Entity::find()
            .filter(project::Column::Id.is_in(projects.clone()))
            .build(backend),
    ));
    let project_rows = project::Entity::find()
        .filter(project::Column::Id.is_in(projects))
        .all(db)
        .await?;
    statements.push((
        "W2 project.organization".to_owned(),
        organization::Entity::find()
            .filter(
                organization::Column::Id
                    .is_in(unique(project_rows.iter().map(|p| p.organization_id))),
            )
            .build(backend),
    ));
    let events = ce_event::Entity::find()
        .filter(scope::ce_events(&plm))
        .filter(ce_event::Column::ClientId.is_in(client_ids))
        .order_by_asc(ce_event::Column::Id);
    let event_rows = events.clone().all(db).await?;
    statements.push((
        "W2 ceEvents of 50 clients".to_owned(),
        events.build(backend),
    ));
    statements.push((
        "W2 ceEvents.resultingEnrollment".to_owned(),
        enrollment::Entity::find()
            .filter(scope::enrollments(&plm))
            .filter(enrollment::Column::Id.is_in(unique(
                event_rows.iter().filter_map(|e| e.resulting_enrollment_id),
            )))
            .build(backend),
    ));

    // W3: one client by id.
    let some_client = community.client_ids[community.client_ids.len() / 2];
    statements.push((
        "W3 client(id) (PLM scope)".to_owned(),
        client::Entity::find()
            .filter(scope::clients(&plm))
            .filter(client::Column::Id.eq(some_client))
            .limit(1)
            .build(backend),
    ));

    // W4: what createEnrollment and resolveReferral look up as HOUSING_STAFF.
    let pending = community
        .pending
        .iter()
        .find(|p| p.organization_id == staff.organization_id);
    if let Some(pending) = pending {
        statements.push((
            "W4 createEnrollment: client in scope (HOUSING_STAFF)".to_owned(),
            client::Entity::find()
                .filter(scope::clients(&staff))
                .filter(client::Column::Id.eq(pending.client_id))
                .limit(1)
                .build(backend),
        ));
        statements.push((
            "W4 createEnrollment: overlapping enrollments".to_owned(),
            enrollment::Entity::find()
                .filter(enrollment::Column::DateDeleted.is_null())
                .filter(enrollment::Column::ClientId.eq(pending.client_id))
                .filter(enrollment::Column::ProjectId.eq(pending.project_id))
                .filter(
                    sea_orm::Condition::any()
                        .add(enrollment::Column::ExitDate.is_null())
                        .add(enrollment::Column::ExitDate.gt(community.today)),
                )
                .into_query()
                .pipe_count(backend),
        ));
        statements.push((
            "W4 resolveReferral: CE event in scope".to_owned(),
            ce_event::Entity::find()
                .filter(scope::ce_events(&staff))
                .filter(ce_event::Column::Id.eq(pending.ce_event_id))
                .limit(1)
                .build(backend),
        ));
        let some_enrollment = enrollment_rows.first().map(|e| e.id).unwrap_or_default();
        statements.push((
            "W4 resolveReferral: resulting enrollment in scope (HOUSING_STAFF)".to_owned(),
            enrollment::Entity::find()
                .filter(scope::enrollments(&staff))
                .filter(enrollment::Column::Id.eq(some_enrollment))
                .limit(1)
                .build(backend),
        ));
        statements.push((
            "W4 resolveReferral: enrollment already used".to_owned(),
            ce_event::Entity::find()
                .filter(ce_event::Column::ResultingEnrollmentId.eq(some_enrollment))
                .limit(1)
                .build(backend),
        ));
    }

    let mut explained = Vec::new();
    for (name, statement) in statements {
        explained.push(explain_one(db, name, statement).await?);
    }
    let times = explained
        .iter()
        .map(|e| (e.name.clone(), e.mean_ms))
        .collect();
    Ok((to_markdown(backend, &explained), times))
}

trait PipeCount {
    fn pipe_count(self, backend: DbBackend) -> Statement;
}

impl PipeCount for sea_orm::sea_query::SelectStatement {
    /// `SELECT COUNT(*) FROM (<select>)`, as SeaORM's `count()` runs it.
    fn pipe_count(self, backend: DbBackend) -> Statement {
        let inner = backend.build(&self);
        Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT COUNT(*) AS num_items FROM ({}) AS sub_query",
                inner.sql
            ),
            inner.values.map(|v| v.0).unwrap_or_default(),
        )
    }
}

fn unique(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    ids.collect::<BTreeSet<_>>().into_iter().collect()
}

async fn explain_one(
    db: &DatabaseConnection,
    name: String,
    statement: Statement,
) -> Result<Explained> {
    let backend = db.get_database_backend();
    let values: Vec<Value> = statement
        .values
        .as_ref()
        .map(|v| v.0.clone())
        .unwrap_or_default();
    let prefix = match backend {
        DbBackend::Postgres => "EXPLAIN (ANALYZE, BUFFERS) ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!("{prefix}{}", statement.sql),
            values,
        ))
        .await?;
    let mut lines = Vec::new();
    for row in rows {
        match backend {
            DbBackend::Postgres => lines.push(row.try_get::<String>("", "QUERY PLAN")?),
            _ => {
                let detail: String = row.try_get("", "detail")?;
                lines.push(detail);
            }
        }
    }
    // Mean time of the statement itself, from this process (after one run to warm the cache).
    let runs = 20;
    db.query_all_raw(statement.clone()).await?;
    let started = Instant::now();
    for _ in 0..runs {
        db.query_all_raw(statement.clone()).await?;
    }
    let mean_ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    let limited = statement.sql.contains(" LIMIT ");
    let sorted = lines
        .iter()
        .any(|l| l.contains("TEMP B-TREE") || l.contains("Sort Key"));
    let flagged = lines
        .iter()
        .filter_map(|line| {
            let line = line.trim_start_matches(|c: char| !c.is_alphabetic());
            let table = match backend {
                DbBackend::Postgres => line.strip_prefix("Seq Scan on ")?,
                _ => line.strip_prefix("SCAN ")?,
            };
            let table = table.split_whitespace().next()?.trim_matches('"');
            if !GROWING.contains(&table) {
                return None;
            }
            // An index walked in order and cut off by LIMIT reads only the rows it returns.
            if limited && !sorted && line.contains("USING") && line.contains("INDEX") {
                return Some(format!(
                    "{table} walked in index order up to LIMIT (bounded)"
                ));
            }
            Some(format!("**full scan of {table}**"))
        })
        .collect();
    Ok(Explained {
        name,
        plan: lines
            .iter()
            .map(|l| shorten_lists(l))
            .collect::<Vec<_>>()
            .join("\n"),
        mean_ms,
        flagged,
    })
}

/// Shortens the id lists PostgreSQL prints in plans (`'{id,id,...}'::uuid[]`) to their length.
fn shorten_lists(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("'{") {
        let Some(end) = rest[start..].find("}'") else {
            break;
        };
        let list = &rest[start + 2..start + end];
        out.push_str(&rest[..start]);
        let items = list.split(',').count();
        if items > 3 {
            out.push_str(&format!("'{{…{items} values…}}'"));
        } else {
            out.push_str(&rest[start..start + end + 2]);
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

fn to_markdown(backend: DbBackend, explained: &[Explained]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n#### Query plans ({})\n\n| statement | mean ms | scans that grow with the table |\n|---|---:|---|",
        match backend {
            DbBackend::Postgres => "PostgreSQL, EXPLAIN ANALYZE",
            _ => "SQLite, EXPLAIN QUERY PLAN",
        }
    );
    for e in explained {
        let _ = writeln!(
            out,
            "| {} | {:.3} | {} |",
            e.name,
            e.mean_ms,
            if e.flagged.is_empty() {
                "none".to_owned()
            } else {
                e.flagged.join(", ")
            }
        );
    }
    for e in explained {
        let _ = writeln!(out, "\n{}:\n```\n{}\n```", e.name, e.plan);
    }
    out
}
