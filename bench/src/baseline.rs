//! The baseline: the data of W1 and W2 fetched by one hand-written SQL statement each (W1 with its
//! read audit inserted in the same transaction, as an audited read must be at the least), from this
//! process, with no HTTP and no GraphQL (json_agg on PostgreSQL, json_group_array/json_object on
//! SQLite). The statement builds the very JSON document Hearth answers (`data`), so the ratio
//! Hearth / baseline is what the API layer costs.

use crate::{Result, seed};
use sea_orm::sqlx::{self, AssertSqlSafe, PgPool, SqlitePool};
use sea_orm::{DatabaseConnection, DbBackend};
use std::sync::Arc;
use uuid::Uuid;

/// HUD 4.20.2 event codes 1..18, as the GraphQL enum `CeEventType` names them (the contract's order).
pub const EVENT_TYPE_NAMES: [&str; 18] = [
    "REFERRAL_TO_PREVENTION_ASSISTANCE",
    "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION",
    "REFERRAL_TO_CE_CRISIS_NEEDS_ASSESSMENT",
    "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
    "REFERRAL_TO_POST_PLACEMENT_CASE_MANAGEMENT",
    "REFERRAL_TO_STREET_OUTREACH",
    "REFERRAL_TO_HOUSING_NAVIGATION",
    "REFERRAL_TO_NON_CONTINUUM_INELIGIBLE",
    "REFERRAL_TO_NON_CONTINUUM_NO_AVAILABILITY",
    "REFERRAL_TO_EMERGENCY_SHELTER",
    "REFERRAL_TO_TRANSITIONAL_HOUSING",
    "REFERRAL_TO_JOINT_TH_RRH",
    "REFERRAL_TO_RRH",
    "REFERRAL_TO_PSH",
    "REFERRAL_TO_OTHER_PH",
    "REFERRAL_TO_EMERGENCY_ASSISTANCE",
    "REFERRAL_TO_EMERGENCY_HOUSING_VOUCHER",
    "REFERRAL_TO_HOUSING_STABILITY_VOUCHER",
];

/// Event types that carry a referral result (HUD 4.20.2 codes 10-15, 17, 18).
const REFERRAL_CODES: &str = "10, 11, 12, 13, 14, 15, 17, 18";

/// A connection pool of this process on the benchmark's database, configured as Hearth's is
/// (`hearth::db::connect`: pool of 10, WAL on SQLite).
pub struct Baseline {
    connection: DatabaseConnection,
    w1: Arc<str>,
    /// W1's read audit: the rows Hearth writes for the clients the inbox shows.
    w1_audit: Arc<str>,
    w2: Arc<str>,
}

impl Baseline {
    pub async fn connect(database_url: &str) -> Result<Baseline> {
        let services = seed::open(database_url, chrono::Utc::now().date_naive()).await?;
        let connection = services.db.clone();
        let (w1, w1_audit, w2) = match connection.get_database_backend() {
            DbBackend::Postgres => (postgres_w1(), postgres_w1_audit(), postgres_w2()),
            _ => (sqlite_w1(), sqlite_w1_audit(), sqlite_w2()),
        };
        Ok(Baseline {
            connection,
            w1: w1.into(),
            w1_audit: w1_audit.into(),
            w2: w2.into(),
        })
    }

    /// W1 as an audited read must be done at the least: in one transaction, the read audit's rows
    /// (one per client shown, as `user_id` acting as `organization_id`) and the organization's first
    /// 50 pending referrals, as Hearth's `data`. The audit rows are inserted first: on SQLite a
    /// transaction that reads and then writes could not take the write lock once another writer
    /// committed after its read.
    pub async fn w1(
        &self,
        organization_id: Uuid,
        user_id: Uuid,
    ) -> std::result::Result<String, String> {
        let error = |err: sqlx::Error| err.to_string();
        // One transaction, the same on either database; only the pool's type differs.
        macro_rules! audited_read {
            ($pool:expr) => {{
                let mut txn = $pool.begin().await.map_err(error)?;
                sqlx::query(self.sql(&self.w1_audit))
                    .bind(organization_id)
                    .bind(user_id)
                    .execute(&mut *txn)
                    .await
                    .map_err(error)?;
                let data = sqlx::query_scalar::<_, String>(self.sql(&self.w1))
                    .bind(organization_id)
                    .fetch_one(&mut *txn)
                    .await
                    .map_err(error)?;
                txn.commit().await.map_err(error)?;
                Ok(data)
            }};
        }
        match self.connection.get_database_backend() {
            DbBackend::Postgres => audited_read!(self.pg()),
            _ => audited_read!(self.sqlite()),
        }
    }

    /// W2: the first 50 clients with their enrollments and CE events, as Hearth's `data`.
    pub async fn w2(&self) -> std::result::Result<String, String> {
        match self.connection.get_database_backend() {
            DbBackend::Postgres => {
                sqlx::query_scalar::<_, String>(self.sql(&self.w2))
                    .fetch_one(self.pg())
                    .await
            }
            _ => {
                sqlx::query_scalar::<_, String>(self.sql(&self.w2))
                    .fetch_one(self.sqlite())
                    .await
            }
        }
        .map_err(|err| err.to_string())
    }

    /// The statements are built from constants only (no input is spliced in): safe as SQL text.
    fn sql(&self, statement: &Arc<str>) -> AssertSqlSafe<Arc<str>> {
        AssertSqlSafe(statement.clone())
    }

    fn pg(&self) -> &PgPool {
        self.connection.get_postgres_connection_pool()
    }

    fn sqlite(&self) -> &SqlitePool {
        self.connection.get_sqlite_connection_pool()
    }

    pub async fn close(self) {
        let _ = self.connection.close().await;
    }
}

fn event_type_case(column: &str, quote: &str) -> String {
    let mut case = format!("CASE {column}");
    for (i, name) in EVENT_TYPE_NAMES.iter().enumerate() {
        case.push_str(&format!(" WHEN {} THEN {quote}{name}{quote}", i + 1));
    }
    case.push_str(" END");
    case
}

/// A 16-byte UUID blob (how sqlx stores `Uuid` in SQLite) as its hyphenated lower-case text.
fn sqlite_uuid(column: &str) -> String {
    let hex = format!("hex({column})");
    format!(
        "lower(substr({hex}, 1, 8) || '-' || substr({hex}, 9, 4) || '-' || substr({hex}, 13, 4) \
         || '-' || substr({hex}, 17, 4) || '-' || substr({hex}, 21, 12))"
    )
}

fn sqlite_w1() -> String {
    format!(
        "SELECT json_object('referrals', json_object('nodes', json(coalesce((
           SELECT json_group_array(json_object(
                    'id', {id}, 'eventDate', r.event_date,
                    'client', json_object('firstName', c.first_name, 'lastName', c.last_name),
                    'referredProject', json_object('name', p.name)) ORDER BY r.id)
           FROM ({page}) r
           JOIN client c ON c.id = r.client_id
           JOIN project p ON p.id = r.referred_project_id), '[]'))))",
        id = sqlite_uuid("r.id"),
        page = inbox_page("?1"),
    )
}

/// The read audit of W1 on SQLite: ids as Hearth makes them (16 random bytes here; Hearth's are
/// UUIDv7), timestamps in SeaORM's text form.
fn sqlite_w1_audit() -> String {
    format!(
        "INSERT INTO audit_event (id, occurred_at, user_id, organization_id, operation,
                                  record_type, record_id, changes)
         SELECT randomblob(16), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), ?2, ?1, 'read',
                'client', client_id, '{{}}'
         FROM (SELECT DISTINCT client_id FROM ({page}))",
        page = inbox_page("?1"),
    )
}

/// A housing organization's first 50 pending referrals (`organization` names its placeholder).
fn inbox_page(organization: &str) -> String {
    format!(
        "SELECT id, event_date, client_id, referred_project_id FROM ce_event
         WHERE date_deleted IS NULL AND referral_result IS NULL
           AND event_type IN ({REFERRAL_CODES})
           AND referred_project_id IN (SELECT id FROM project WHERE organization_id = {organization})
         ORDER BY id LIMIT 50"
    )
}

fn sqlite_w2() -> String {
    format!(
        "SELECT json_object('clients', json_object('nodes', json(coalesce((
           SELECT json_group_array(json(doc) ORDER BY cid) FROM (
             SELECT c.id AS cid, json_object(
               'id', {client_id}, 'firstName', c.first_name, 'lastName', c.last_name,
               'enrollments', json(coalesce((
                  SELECT json_group_array(json_object(
                           'id', {enrollment_id}, 'entryDate', e.entry_date,
                           'project', json_object('name', p.name,
                                                  'organization', json_object('name', o.name)))
                         ORDER BY e.id)
                  FROM enrollment e
                  JOIN project p ON p.id = e.project_id
                  JOIN organization o ON o.id = p.organization_id
                  WHERE e.client_id = c.id AND e.date_deleted IS NULL), '[]')),
               'ceEvents', json(coalesce((
                  SELECT json_group_array(json_object(
                           'id', {event_id}, 'eventType', {event_type},
                           'referredProject',
                             json(CASE WHEN rp.id IS NULL THEN NULL
                                       ELSE json_object('name', rp.name) END),
                           'resultingEnrollment',
                             json(CASE WHEN re.id IS NULL THEN NULL
                                       ELSE json_object('id', {resulting_id},
                                                        'entryDate', re.entry_date) END))
                         ORDER BY v.id)
                  FROM ce_event v
                  LEFT JOIN project rp ON rp.id = v.referred_project_id
                  LEFT JOIN enrollment re ON re.id = v.resulting_enrollment_id
                  WHERE v.client_id = c.id AND v.date_deleted IS NULL), '[]'))) AS doc
             FROM client c WHERE c.date_deleted IS NULL ORDER BY c.id LIMIT 50)), '[]'))))",
        client_id = sqlite_uuid("c.id"),
        enrollment_id = sqlite_uuid("e.id"),
        event_id = sqlite_uuid("v.id"),
        resulting_id = sqlite_uuid("re.id"),
        event_type = event_type_case("v.event_type", "'"),
    )
}

fn postgres_w1() -> String {
    format!(
        "SELECT json_build_object('referrals', json_build_object('nodes', coalesce(json_agg(
                  json_build_object(
                    'id', r.id, 'eventDate', r.event_date,
                    'client', json_build_object('firstName', c.first_name, 'lastName', c.last_name),
                    'referredProject', json_build_object('name', p.name)) ORDER BY r.id),
                  '[]'::json)))::text
         FROM ({page}) r
         JOIN client c ON c.id = r.client_id
         JOIN project p ON p.id = r.referred_project_id",
        page = inbox_page("$1"),
    )
}

/// The read audit of W1 on PostgreSQL.
fn postgres_w1_audit() -> String {
    format!(
        "INSERT INTO audit_event (id, occurred_at, user_id, organization_id, operation,
                                  record_type, record_id, changes)
         SELECT gen_random_uuid(), now(), $2, $1, 'read', 'client', client_id, '{{}}'
         FROM (SELECT DISTINCT client_id FROM ({page}) p) r",
        page = inbox_page("$1"),
    )
}

fn postgres_w2() -> String {
    format!(
        "SELECT json_build_object('clients', json_build_object('nodes', coalesce(json_agg(
                  json_build_object(
                    'id', c.id, 'firstName', c.first_name, 'lastName', c.last_name,
                    'enrollments', coalesce((
                       SELECT json_agg(json_build_object(
                                'id', e.id, 'entryDate', e.entry_date,
                                'project', json_build_object('name', p.name,
                                  'organization', json_build_object('name', o.name)))
                              ORDER BY e.id)
                       FROM enrollment e
                       JOIN project p ON p.id = e.project_id
                       JOIN organization o ON o.id = p.organization_id
                       WHERE e.client_id = c.id AND e.date_deleted IS NULL), '[]'::json),
                    'ceEvents', coalesce((
                       SELECT json_agg(json_build_object(
                                'id', v.id, 'eventType', {event_type},
                                'referredProject', CASE WHEN rp.id IS NULL THEN NULL
                                                        ELSE json_build_object('name', rp.name) END,
                                'resultingEnrollment', CASE WHEN re.id IS NULL THEN NULL
                                  ELSE json_build_object('id', re.id, 'entryDate', re.entry_date)
                                  END)
                              ORDER BY v.id)
                       FROM ce_event v
                       LEFT JOIN project rp ON rp.id = v.referred_project_id
                       LEFT JOIN enrollment re ON re.id = v.resulting_enrollment_id
                       WHERE v.client_id = c.id AND v.date_deleted IS NULL), '[]'::json))
                  ORDER BY c.id), '[]'::json)))::text
         FROM (SELECT * FROM client WHERE date_deleted IS NULL ORDER BY id LIMIT 50) c",
        event_type = event_type_case("v.event_type", "'"),
    )
}
