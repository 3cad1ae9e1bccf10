//! The service layer: the workflow's operations, one module per domain concept.
//!
//! A service takes the [`Actor`](crate::domain::Actor) and the shared [`Services`] state, loads the
//! facts a change depends on, applies the rules to them (pure functions in `domain::rules`, which
//! the HMIS CSV import applies to its rows too), and runs each mutation in one database transaction
//! with its audit record. It knows nothing of GraphQL or HTTP: resolvers, the HTTP downloads, the
//! CLI and the demo seeder call it. Who sees what is decided in one place, `scope`.

pub mod admin;
pub mod assessments;
pub mod audit;
pub mod batch;
pub mod catalog;
pub mod ce_apr;
pub mod ce_events;
pub mod ce_participation;
pub mod clients;
pub mod enrollments;
pub mod households;
pub mod notify;
pub mod page;
pub mod read_log;
pub mod referrals;
pub mod reports;
pub mod scope;
pub mod sessions;
pub mod tokens;
pub mod writer;

use crate::domain::{Actor, Clock};
use crate::error::{AppError, AppResult};
use crate::metrics::Metrics;
use notify::Notifier;
use sea_orm::{
    DatabaseConnection, DbBackend, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use uuid::Uuid;
use writer::{WriteTransaction, WriteTurn, Writer};

/// What every service call needs besides its actor: the database, the clock and the referral feed.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub clock: Clock,
    /// The community's CoC code (HUD 2.03.1, HEARTH_COC_CODE): a project's CoC unless it names another.
    pub coc_code: String,
    pub notifier: Notifier,
    /// Counts statements through the connection's metric callback; read by `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Where the dashboards' heavy reads run: see [`Services::reporting_db`].
    reports: DatabaseConnection,
    /// The queue of this process's SQLite writers: see [`writer`].
    writer: Writer,
    /// Recent sign-ins, so that most requests authenticate without a statement: see [`sessions`].
    pub sessions: sessions::Sessions,
    /// The community's projects and organizations, kept a moment for nested fields: see [`catalog`].
    pub catalog: catalog::Catalog,
    /// The HMIS read audit's writer: reads of client records at about the same time share one
    /// INSERT (`read_log`).
    pub read_log: read_log::ReadLog,
}

impl Services {
    pub fn new(
        db: DatabaseConnection,
        clock: Clock,
        coc_code: String,
        notifier: Notifier,
        metrics: Arc<Metrics>,
    ) -> Self {
        let writer = Writer::default();
        Services {
            reports: db.clone(),
            // The read audit's INSERTs are writes too: on SQLite they wait their turn with the rest.
            read_log: read_log::ReadLog::start(db.clone(), writer.clone()),
            writer,
            sessions: sessions::Sessions::new(),
            catalog: catalog::Catalog::new(),
            db,
            clock,
            coc_code,
            notifier,
            metrics,
        }
    }

    /// Sends the reporting reads to `replica` (HEARTH_READ_REPLICA_URL) from now on.
    pub fn with_read_replica(mut self, replica: DatabaseConnection) -> Self {
        self.reports = replica;
        self
    }

    /// The connection of the dashboards' heavy reads, and only those: the referral report, the
    /// CE APR and the HMIS CSV export. They scan whole periods of the community's records, so with a
    /// PostgreSQL streaming replica configured they run there and leave the primary to the workflow;
    /// without one this is the primary.
    ///
    /// A replica replays the primary's changes a moment late, which a period's counts can afford
    /// and the workflow cannot: a referral just made must be in the inbox, a token just revoked must
    /// fail, a mutation must see what it changes. So everything else (authentication, every list and
    /// lookup, every write, and the audit rows these reports leave) stays on [`Services::db`].
    /// Nothing may write here: a hot standby refuses writes.
    pub fn reporting_db(&self) -> &DatabaseConnection {
        &self.reports
    }

    /// Starts the transaction of one mutation. On SQLite it first waits for this process's turn to
    /// write (a FIFO queue, see [`writer`]), then takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// that a transaction never fails upgrading a read lock and this process's writers line up in
    /// the queue rather than in the busy handler; the turn passes on when the transaction ends.
    /// PostgreSQL settles races with row locks and conditional updates: there nothing queues.
    pub async fn write_transaction(&self) -> AppResult<WriteTransaction> {
        let turn = self.write_turn().await;
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.db.begin_with_options(options).await?;
        Ok(WriteTransaction::new(txn, turn))
    }

    /// This process's turn to write on SQLite (none on PostgreSQL), for a write made outside
    /// [`Services::write_transaction`] (one statement in autocommit): hold it while the statement runs.
    pub async fn write_turn(&self) -> Option<WriteTurn> {
        self.writer.turn(self.backend()).await
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}

/// A new record id: UUIDv7, so ids sort by creation time and keyset pages stay in insertion order.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Refuses a change that breaks any of `breaks` (from `domain::rules`) with BAD_USER_INPUT, worded
/// in the API's argument names.
pub fn obey(breaks: Vec<crate::domain::rules::RuleBreak>) -> AppResult<()> {
    if breaks.is_empty() {
        return Ok(());
    }
    let reasons: Vec<String> = breaks
        .iter()
        .map(|b| b.describe(crate::domain::rules::Wording::Api))
        .collect();
    Err(AppError::bad_input(reasons.join("; ")))
}

/// Fails with FORBIDDEN unless the actor is an ADMIN.
pub fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only an ADMIN may do this; act as an organization where you are ADMIN",
        ))
    }
}

/// Parses a GraphQL ID as a Hearth record id; `what` names the argument in the error.
pub fn parse_id(what: &str, raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| {
        AppError::bad_input(format!(
            "{what} \"{}\" is not a valid id (a UUID)",
            crate::domain::values::excerpt(raw)
        ))
    })
}

/// Reads the row `id` again within a transaction that has already found it (and may have changed
/// it since): to return and audit it as it now stands, or to take its current values before a change.
/// The transaction holds the row, so its absence is Hearth's fault (INTERNAL), described by `what`.
pub async fn reread<E>(
    conn: &impl sea_orm::ConnectionTrait,
    id: Uuid,
    what: &str,
) -> AppResult<E::Model>
where
    E: sea_orm::EntityTrait,
    E::PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType = Uuid>,
{
    E::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal(format!("{what} vanished within its own transaction")))
}

/// Runs `update`, meant for one row under the conditions a change was judged in (the caller's
/// filters): when no row matches them, another change got there first, and the change is refused
/// with `conflict`.
pub async fn update_as_judged<E: sea_orm::EntityTrait>(
    conn: &impl sea_orm::ConnectionTrait,
    update: sea_orm::UpdateMany<E>,
    conflict: impl FnOnce() -> AppError,
) -> AppResult<()> {
    if update.exec(conn).await?.rows_affected != 1 {
        return Err(conflict());
    }
    Ok(())
}
