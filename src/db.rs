//! Opening the database and running migrations, and how reads reach it: id lists as one
//! parameter (`one_of`), rows decoded without SeaORM's per-NULL cost (`ReadModels`).

use crate::config::DatabaseSettings;
use entity::decode::Decoded;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::Expr;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, FromQueryResult, Select, TransactionTrait,
};
use std::time::Duration;
use uuid::Uuid;

/// Connects with the configured pool. SQLite runs in WAL mode so readers never wait on the writer,
/// with a busy timeout so that writers queue instead of failing.
pub async fn connect(settings: &DatabaseSettings) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(settings.database_url.clone());
    options
        .max_connections(settings.db_max_connections)
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout())
        .connect_timeout(Duration::from_secs(10))
        // sqlx pings a pooled connection on every checkout by default: a round trip to the database
        // (or to SQLite's worker thread) before each statement outside a transaction, which doubled
        // a warm read's trips. Only a connection idle long enough for a server, proxy or firewall to
        // have dropped it is pinged now; a hot one is handed out as it is.
        .test_before_acquire_if_idle_for(STALE_AFTER)
        // Statements are logged by tracing at debug level only: they may carry personal data.
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // sqlx hands a statement's rows from SQLite's worker thread to the request one by
                // one over a channel of 50: a nested level's few hundred rows parked and woke the
                // worker several times per statement (futex calls were a fifth of the server's CPU
                // under W2). A channel as deep as the largest level a request may load lets the
                // worker step through a statement without waiting; memory stays bounded by the
                // levels' own bounds.
                .row_buffer_size(SQLITE_ROW_BUFFER)
        });
    if let Some(timeout) = settings.statement_timeout()
        && settings.is_postgres()
    {
        options.statement_timeout(timeout);
    }
    Database::connect(options).await
}

/// Rows sqlx may queue between SQLite's worker thread and the request (its default is 50).
const SQLITE_ROW_BUFFER: usize = 1024;

/// Reading an entity's rows through [`entity::decode`], which costs nothing per NULL column
/// (SeaORM's own reading formats an error message for each): the hot reads (DataLoaders, pages)
/// read this way.
pub trait ReadModels<E: EntityTrait> {
    /// The rows of the select, as `all` reads them.
    fn read_all<C: ConnectionTrait>(
        self,
        conn: &C,
    ) -> impl Future<Output = Result<Vec<E::Model>, DbErr>> + Send;
}

impl<E> ReadModels<E> for Select<E>
where
    E: EntityTrait,
    E::Model: Send,
    Decoded<E::Model>: FromQueryResult + Send,
{
    async fn read_all<C: ConnectionTrait>(self, conn: &C) -> Result<Vec<E::Model>, DbErr> {
        let rows = self.into_model::<Decoded<E::Model>>().all(conn).await?;
        Ok(rows.into_iter().map(|row| row.0).collect())
    }
}

/// How long a pooled connection may sit idle before it is pinged on checkout.
const STALE_AFTER: Duration = Duration::from_secs(30);

/// Any fixed number: the PostgreSQL advisory lock that lets one instance migrate at a time.
const MIGRATION_LOCK: i64 = 0x4845_4152_5448; // "HEARTH"

/// Runs every pending migration.
///
/// On PostgreSQL several instances may start at once against one database: each takes a
/// transaction-scoped advisory lock first, so one migrates while the others wait, then find
/// nothing left to do. SQLite is embedded: one process owns the file.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

/// Marks a statement a server runs on its own, for no request (the watch for revoked tokens), so
/// that `hearth_db_statements_total` counts only what requests cause.
const BACKGROUND: &str = "/* hearth:background */ ";

/// `statement`, marked as a server's own ([`is_background`]).
pub fn background(mut statement: sea_orm::Statement) -> sea_orm::Statement {
    statement.sql.insert_str(0, BACKGROUND);
    statement
}

/// Whether `sql` was marked by [`background`].
pub fn is_background(sql: &str) -> bool {
    sql.starts_with(BACKGROUND)
}

/// Whether every migration has run (for /readyz).
pub async fn migrations_complete(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

/// `column IN (ids)`, as one statement text whatever the number of ids.
///
/// `IN ($1, $2, …)` is a statement of its own for each number of ids: every pooled connection's
/// cache of prepared statements then keeps one per length it has met (most of SQLite's serving
/// RSS), and PostgreSQL parses and plans each length anew. PostgreSQL takes the ids as one `uuid[]`
/// parameter (`= ANY($1)`); SQLite, which stores a UUID as its 16 bytes, as one JSON array of their
/// hex digits, unpacked by `json_each` and `unhex` (its planner still searches `column`'s index
/// once per id).
pub fn one_of(
    backend: DbBackend,
    column: impl ColumnTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Expr {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    match backend {
        DbBackend::Postgres => column.eq_any(ids),
        DbBackend::Sqlite if !ids.is_empty() => {
            let hex: Vec<serde_json::Value> = ids
                .iter()
                .map(|&id| uuid_in_json(backend, id).into())
                .collect();
            let list = serde_json::Value::Array(hex).to_string();
            Expr::cust_with_exprs(
                // SQLite's placeholders are `?`, taken in order.
                "? IN (SELECT unhex(value) FROM json_each(?))",
                [column.into_expr(), Expr::val(list)],
            )
        }
        _ => column.is_in(ids),
    }
}

/// A UUID as a statement that unpacks JSON on `backend` reads it back into a UUID column:
/// PostgreSQL casts its usual text; SQLite stores a UUID as its 16 bytes, which `unhex` makes of
/// its 32 hex digits ([`one_of`], the read audit's INSERT).
pub fn uuid_in_json(backend: DbBackend, id: Uuid) -> String {
    match backend {
        DbBackend::Postgres => id.to_string(),
        _ => id.simple().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::client;
    use sea_orm::{EntityTrait, QueryFilter, QueryTrait};

    fn sql(backend: DbBackend, ids: Vec<Uuid>) -> String {
        let filter = one_of(backend, client::Column::Id, ids);
        client::Entity::find().filter(filter).build(backend).sql
    }

    #[test]
    fn one_of_is_one_statement_text_whatever_the_number_of_ids() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let one = sql(backend, vec![Uuid::now_v7()]);
            let three = sql(backend, (0..3).map(|_| Uuid::now_v7()).collect());
            assert_eq!(one, three, "{backend:?}");
        }
        assert!(
            sql(DbBackend::Postgres, vec![Uuid::nil()]).ends_with(r#""client"."id" = ANY($1)"#)
        );
        let sqlite = sql(DbBackend::Sqlite, vec![Uuid::nil()]);
        assert!(
            sqlite.ends_with(r#""client"."id" IN (SELECT unhex(value) FROM json_each(?))"#),
            "{sqlite}"
        );
    }

    #[test]
    fn one_of_no_ids_matches_nothing() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let filter = one_of(backend, client::Column::Id, Vec::new());
            let none = client::Entity::find()
                .filter(filter)
                .build(backend)
                .to_string();
            assert!(none.ends_with("WHERE 1 = 2"), "{backend:?}: {none}");
        }
    }
}
