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
use entity::audit_event;
use sea_orm::{DatabaseConnection, DbBackend, EntityTrait};
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Requests whose rows may wait at once; more wait to enqueue.
const QUEUE: usize = 1024;
/// Rows per INSERT: 9 columns each, under SQLite's (32766) and PostgreSQL's (65535) bound
/// parameters.
const ROWS_PER_STATEMENT: usize = 3000;

/// One request's rows and who waits for them.
struct Pending {
    rows: Vec<audit_event::ActiveModel>,
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
    pub async fn record(&self, rows: Vec<audit_event::ActiveModel>) -> AppResult<()> {
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
    let slots = Arc::new(Semaphore::new(groups_in_flight(db.get_database_backend())));
    while let Some(first) = receiver.recv().await {
        // The slot first, then the group: what queues while the slot is awaited joins this group.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut group = vec![first];
        let mut rows = group[0].rows.len();
        while rows < ROWS_PER_STATEMENT {
            match receiver.try_recv() {
                Ok(more) => {
                    rows += more.rows.len();
                    group.push(more);
                }
                Err(_) => break,
            }
        }
        let (db, writer) = (db.clone(), writer.clone());
        tokio::spawn(async move {
            let (rows, waiting): (Vec<_>, Vec<_>) = group
                .into_iter()
                .map(|pending| (pending.rows, pending.done))
                .unzip();
            let outcome = {
                // On SQLite, this process's turn to write (`writer`), held while the group is written.
                let _turn = writer.turn(db.get_database_backend()).await;
                insert(&db, rows.into_iter().flatten().collect()).await
            };
            drop(slot);
            for done in waiting {
                // A request that gave up (its client went away) needs no answer.
                let _ = done.send(outcome.clone());
            }
        });
    }
}

/// The group's rows, written whole or not at all, as INSERTs of a power-of-two number of rows
/// each (the binary digits of the group's size, largest first, at most [`ROWS_PER_STATEMENT`]).
///
/// Why not one INSERT of the whole group: each number of rows is a statement text of its own, and
/// every pooled connection's cache of prepared statements kept one per group size it had met, the
/// largest of SQLite's prepared statements (nine parameters a row). Power-of-two sizes are at most
/// a dozen texts, at the cost of a few more statements in the group's one transaction.
async fn insert(
    db: &DatabaseConnection,
    rows: Vec<audit_event::ActiveModel>,
) -> Result<(), String> {
    use sea_orm::TransactionTrait;
    let sizes = statement_sizes(rows.len());
    let mut rows = rows.into_iter();
    if let [size] = sizes[..] {
        return insert_rows(db, rows.by_ref().take(size).collect()).await;
    }
    let txn = db.begin().await.map_err(|err| err.to_string())?;
    for size in sizes {
        insert_rows(&txn, rows.by_ref().take(size).collect()).await?;
    }
    txn.commit().await.map_err(|err| err.to_string())
}

async fn insert_rows(
    conn: &impl sea_orm::ConnectionTrait,
    rows: Vec<audit_event::ActiveModel>,
) -> Result<(), String> {
    audit_event::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// The row counts of the INSERTs that write `rows` rows: whole statements of the largest power of
/// two under [`ROWS_PER_STATEMENT`], then the binary digits of the rest, largest first.
fn statement_sizes(rows: usize) -> Vec<usize> {
    let largest = 1 << ROWS_PER_STATEMENT.ilog2();
    let mut sizes = vec![largest; rows / largest];
    let rest = rows % largest;
    sizes.extend(
        (0..usize::BITS)
            .rev()
            .map(|bit| 1 << bit)
            .filter(|size| rest & size != 0),
    );
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_written_in_power_of_two_statements_that_add_up_to_it() {
        assert_eq!(statement_sizes(1), [1]);
        assert_eq!(statement_sizes(25), [16, 8, 1]);
        assert_eq!(statement_sizes(2048), [2048]);
        assert_eq!(statement_sizes(5000), [2048, 2048, 512, 256, 128, 8]);
        for rows in 1..5000 {
            let sizes = statement_sizes(rows);
            assert_eq!(sizes.iter().sum::<usize>(), rows);
            assert!(
                sizes
                    .iter()
                    .all(|s| s.is_power_of_two() && *s <= ROWS_PER_STATEMENT)
            );
        }
    }
}
