//! The HMIS read audit, written by group commit: the rows of every request that read client records
//! at about the same time go to the database in one INSERT, and each request's answer is released
//! once the statement that holds its rows has committed.
//!
//! Why: every read of client records leaves audit rows (HMIS privacy), and written one request at a
//! time each read costs a commit of its own: a WAL append and fsync on PostgreSQL, the write lock and
//! a reset of every other connection's page cache on SQLite. Under load the commits, not the reads,
//! bounded the inbox (W1 in BENCHMARKS.md). A writer task takes, as one group, whatever has queued
//! while it waited for a free slot to write in, so at low load a request waits for its own INSERT
//! only, and at high load many requests share one. SQLite has one slot (it has one writer);
//! PostgreSQL a few, because there a single group in flight made every audited read wait on one
//! connection while the others sat idle (W1 at 100k, c16: 88 req/s with one, 220 with four).
//!
//! Nothing is acknowledged before it is durable: a request whose rows fail to write gets the error,
//! and its answer is not handed out. The queue is bounded, so a database that falls behind slows the
//! readers instead of growing memory.

use super::writer::Writer;
use crate::error::{AppError, AppResult};
use chrono::SecondsFormat;
use entity::audit_event;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::json;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};
use uuid::Uuid;

/// Requests whose rows may wait at once; more wait to enqueue.
const QUEUE: usize = 1024;
/// Rows a group takes at most (one INSERT, one JSON parameter of about 300 bytes a row).
const ROWS_PER_GROUP: usize = 3000;

/// One request's rows and who waits for them.
struct Pending {
    rows: Vec<audit_event::Model>,
    done: oneshot::Sender<Result<(), String>>,
}

/// The handle requests record their reads through; clones share the one writer.
#[derive(Clone)]
pub struct ReadLog {
    queue: mpsc::Sender<Pending>,
}

impl ReadLog {
    /// Starts the writer on `db`. It ends when the last handle is dropped (the task holds the
    /// connection, never a handle).
    pub fn start(db: DatabaseConnection, writer: Writer) -> ReadLog {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write(db, writer, receiver));
        ReadLog { queue }
    }

    /// Writes `rows` with the rows of whoever else is waiting, and returns once they are committed.
    pub async fn record(&self, rows: Vec<audit_event::Model>) -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let (done, written) = oneshot::channel();
        self.queue
            .send(Pending { rows, done })
            .await
            .map_err(|_| stopped())?;
        written.await.map_err(|_| stopped())?.map_err(|message| {
            AppError::internal(format!("cannot write the read audit: {message}"))
        })
    }
}

fn stopped() -> AppError {
    AppError::internal("the read audit writer stopped")
}

/// Groups written at the same time. SQLite has one writer, so one. PostgreSQL commits concurrent
/// transactions in parallel (and already shares their WAL flushes between them), so a group written
/// alone there would leave every other request waiting on one connection: a few are in flight.
fn groups_in_flight(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Sqlite => 1,
        _ => 4,
    }
}

/// The writer: each group is whatever queued while it waited for a free slot.
async fn write(db: DatabaseConnection, writer: Writer, mut receiver: mpsc::Receiver<Pending>) {
    let backend = db.get_database_backend();
    let slots = Arc::new(Semaphore::new(groups_in_flight(backend)));
    // The one statement text every group is written with, built once.
    let sql: Arc<str> = insert_sql(backend).into();
    while let Some(first) = receiver.recv().await {
        // The slot first, then the group: what queues while the slot is awaited joins this group.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut group = vec![first];
        let mut rows = group[0].rows.len();
        while rows < ROWS_PER_GROUP {
            match receiver.try_recv() {
                Ok(more) => {
                    rows += more.rows.len();
                    group.push(more);
                }
                Err(_) => break,
            }
        }
        let (db, writer, sql) = (db.clone(), writer.clone(), sql.clone());
        tokio::spawn(async move {
            let (rows, waiting): (Vec<_>, Vec<_>) = group
                .into_iter()
                .map(|pending| (pending.rows, pending.done))
                .unzip();
            let outcome = {
                // On SQLite, this process's turn to write (`writer`), held while the group is written.
                let _turn = writer.turn(db.get_database_backend()).await;
                insert(&db, &sql, rows.into_iter().flatten().collect()).await
            };
            drop(slot);
            for done in waiting {
                // A request that gave up (its client went away) needs no answer.
                let _ = done.send(outcome.clone());
            }
        });
    }
}

/// The group's rows, in one INSERT whose text is the same whatever their number: the rows go as
/// one JSON array parameter, which the database unpacks.
///
/// Why not `INSERT … VALUES (…), (…)`: each number of rows is a statement text of its own, and every
/// pooled connection's cache of prepared statements kept one per group size it had met, the
/// largest of them (nine parameters a row); PostgreSQL parsed and planned each size anew.
async fn insert(
    db: &DatabaseConnection,
    sql: &str,
    rows: Vec<audit_event::Model>,
) -> Result<(), String> {
    let backend = db.get_database_backend();
    let statement = Statement::from_sql_and_values(backend, sql, [as_json(backend, &rows).into()]);
    db.execute_raw(statement)
        .await
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// The columns of `audit_event`, as the INSERT names them.
const COLUMNS: &str =
    "id, occurred_at, user_id, organization_id, operation, record_type, record_id, changes, reason";

fn insert_sql(backend: DbBackend) -> String {
    match backend {
        // The table's own row type reads the JSON: each value as its column's type.
        DbBackend::Postgres => format!(
            "INSERT INTO audit_event ({COLUMNS}) SELECT {COLUMNS} \
             FROM json_populate_recordset(NULL::audit_event, $1::json)"
        ),
        // A UUID is stored as its 16 bytes (the JSON holds its hex digits), a time as sqlx's text.
        _ => format!(
            "INSERT INTO audit_event ({COLUMNS}) SELECT unhex(value ->> 'id'), \
             value ->> 'occurred_at', unhex(value ->> 'user_id'), \
             unhex(value ->> 'organization_id'), value ->> 'operation', value ->> 'record_type', \
             unhex(value ->> 'record_id'), value ->> 'changes', value ->> 'reason' \
             FROM json_each(?)"
        ),
    }
}

/// The rows as the JSON array [`insert_sql`] unpacks, each value as `backend` stores it when bound
/// as a parameter (so that these rows read back like any other audit row).
fn as_json(backend: DbBackend, rows: &[audit_event::Model]) -> String {
    let uuid = |id: Uuid| crate::db::uuid_in_json(backend, id);
    // PostgreSQL keeps microseconds; sqlx writes SQLite's times as `to_rfc3339_opts(AutoSi)`.
    let precision = if backend == DbBackend::Postgres {
        SecondsFormat::Micros
    } else {
        SecondsFormat::AutoSi
    };
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            json!({
                "id": uuid(row.id),
                "occurred_at": row.occurred_at.to_rfc3339_opts(precision, false),
                "user_id": uuid(row.user_id),
                "organization_id": row.organization_id.map(uuid),
                "operation": row.operation,
                "record_type": row.record_type,
                "record_id": uuid(row.record_id),
                "changes": row.changes,
                "reason": row.reason,
            })
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}
