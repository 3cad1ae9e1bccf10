//! Settings from flags and environment variables, validated once at start.

use chrono::NaiveDate;
use chrono_tz::Tz;
use clap::Args;
use std::net::SocketAddr;
use std::time::Duration;

/// Where the database is and how to talk to it.
#[derive(Args, Clone, Debug)]
pub struct DatabaseSettings {
    /// SQLite (`sqlite://FILE?mode=rwc`, embedded) or PostgreSQL (`postgres://user@host/db`).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://hearth.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Most connections in the pool.
    #[arg(
        long,
        env = "HEARTH_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,
    /// How long a request waits for a pooled connection before failing, in seconds.
    #[arg(
        long,
        env = "HEARTH_DB_ACQUIRE_TIMEOUT",
        default_value_t = 5,
        global = true
    )]
    pub db_acquire_timeout_secs: u64,
    /// PostgreSQL statement_timeout, in seconds (0: none).
    #[arg(
        long,
        env = "HEARTH_DB_STATEMENT_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub db_statement_timeout_secs: u64,
    /// A PostgreSQL streaming replica (`postgres://…`) for the dashboards' heavy reads: the referral
    /// report, the CE APR and the HMIS CSV export. PostgreSQL only; the workflow stays on DATABASE_URL.
    #[arg(long, env = "HEARTH_READ_REPLICA_URL", global = true)]
    pub read_replica_url: Option<String>,
}

impl DatabaseSettings {
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.db_acquire_timeout_secs)
    }

    pub fn statement_timeout(&self) -> Option<Duration> {
        (self.db_statement_timeout_secs > 0)
            .then(|| Duration::from_secs(self.db_statement_timeout_secs))
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// The read replica's URL, if one is configured. An empty value counts as none (as a deployment's
    /// blank variable means). A replica only makes sense beside a PostgreSQL primary, and only a
    /// PostgreSQL hot standby can be one: anything else is refused here, before anything connects,
    /// rather than found out by the first dashboard that reads the wrong database.
    pub fn read_replica(&self) -> Result<Option<&str>, String> {
        let Some(url) = self
            .read_replica_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
        else {
            return Ok(None);
        };
        if !self.is_postgres() {
            return Err(
                "HEARTH_READ_REPLICA_URL is set, but DATABASE_URL is not PostgreSQL: a read replica \
                 is a PostgreSQL streaming standby of a PostgreSQL primary (unset it for SQLite)"
                    .to_owned(),
            );
        }
        if !is_postgres_url(url) {
            return Err(
                "HEARTH_READ_REPLICA_URL must be a PostgreSQL URL (postgres://user@host/db), the \
                 primary's streaming standby"
                    .to_owned(),
            );
        }
        Ok(Some(url))
    }
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The community Hearth serves: its time zone (what "today" is for date rules) and its CoC.
#[derive(Args, Clone, Debug)]
pub struct CommunitySettings {
    /// The community's time zone (IANA name), which decides what "today" is.
    #[arg(long, env = "HEARTH_TZ", default_value = "UTC", global = true)]
    pub time_zone: Tz,
    /// Fixes "today" (yyyy-mm-dd) instead of reading the clock: for tests and demos.
    #[arg(long, env = "HEARTH_TODAY", global = true)]
    pub today: Option<NaiveDate>,
    /// The community's CoC code (HUD 2.03.1, e.g. MN-500): every project's CoC unless the project
    /// names another. `XX-501` is the form HUD's own examples use.
    #[arg(long, env = "HEARTH_COC_CODE", default_value = "XX-501", value_parser = parse_coc_code, global = true)]
    pub coc_code: String,
}

fn parse_coc_code(raw: &str) -> Result<String, String> {
    crate::domain::values::coc_code("HEARTH_COC_CODE", raw).map_err(|err| err.to_string())
}

/// How the HTTP server behaves.
#[derive(Args, Clone, Debug)]
pub struct ServerSettings {
    /// Address to listen on.
    #[arg(long, env = "HEARTH_BIND", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,
    /// Serve the GraphiQL playground at GET /graphql in a browser.
    #[arg(long, env = "HEARTH_PLAYGROUND", default_value_t = true, action = clap::ArgAction::Set)]
    pub playground: bool,
    /// Answer introspection queries.
    #[arg(long, env = "HEARTH_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Most fields one GraphQL document may resolve, its fragments expanded (each spread counted as
    /// often as it is spread); larger documents are refused before they run.
    #[arg(long, env = "HEARTH_MAX_SELECTIONS", default_value_t = crate::graphql::limits::DEFAULT_MAX_SELECTIONS)]
    pub max_selections: usize,
    /// Most operations in one batched request.
    #[arg(long, env = "HEARTH_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "HEARTH_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Longest a request may run before it is answered with a timeout, in seconds.
    #[arg(long, env = "HEARTH_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Most requests handled at once; more are answered 503 at once rather than queued.
    #[arg(long, env = "HEARTH_MAX_CONCURRENT_REQUESTS", default_value_t = 512)]
    pub max_concurrent_requests: usize,
    /// GraphQL requests per minute allowed to one API token (429 with Retry-After past it);
    /// 0 turns the limit off.
    #[arg(long, env = "HEARTH_RATE_LIMIT", default_value_t = 0)]
    pub rate_limit_per_minute: u32,
    /// WebSockets one API token may hold open at once on one server; more are refused (4429).
    #[arg(long, env = "HEARTH_MAX_SOCKETS_PER_TOKEN", default_value_t = crate::http::sockets::DEFAULT_MAX_SOCKETS_PER_TOKEN)]
    pub max_sockets_per_token: usize,
    /// Origins allowed to call the API from a browser (CORS), comma-separated, or `*` for any.
    /// None by default: only same-origin pages (such as the playground) may.
    #[arg(long, env = "HEARTH_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Serve /metrics on this address instead of the API's (keeps metrics off the public port).
    #[arg(long, env = "HEARTH_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
}

impl Default for ServerSettings {
    /// The defaults of every setting, ignoring the environment.
    fn default() -> Self {
        ServerSettings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            playground: true,
            introspection: true,
            max_selections: crate::graphql::limits::DEFAULT_MAX_SELECTIONS,
            max_batch: 10,
            body_limit: 1024 * 1024,
            request_timeout_secs: 30,
            max_concurrent_requests: 512,
            rate_limit_per_minute: 0,
            max_sockets_per_token: crate::http::sockets::DEFAULT_MAX_SOCKETS_PER_TOKEN,
            cors_origins: Vec::new(),
            metrics_bind: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseSettings;

    fn settings(primary: &str, replica: Option<&str>) -> DatabaseSettings {
        DatabaseSettings {
            database_url: primary.to_owned(),
            db_max_connections: 10,
            db_acquire_timeout_secs: 5,
            db_statement_timeout_secs: 30,
            read_replica_url: replica.map(str::to_owned),
        }
    }

    const PRIMARY: &str = "postgres://hearth@db.internal/hearth";
    const STANDBY: &str = "postgres://hearth@standby.internal/hearth";

    #[test]
    fn no_replica_unless_one_is_named() {
        for (primary, replica) in [
            (PRIMARY, None),
            (PRIMARY, Some("")),
            (PRIMARY, Some("  ")),
            ("sqlite://hearth.db?mode=rwc", None),
            ("sqlite://hearth.db?mode=rwc", Some("")),
        ] {
            assert_eq!(settings(primary, replica).read_replica(), Ok(None));
        }
    }

    #[test]
    fn a_postgres_standby_of_a_postgres_primary_is_the_replica() {
        assert_eq!(
            settings(PRIMARY, Some(STANDBY)).read_replica(),
            Ok(Some(STANDBY))
        );
        let long_scheme = "postgresql://hearth@standby.internal/hearth";
        assert_eq!(
            settings(PRIMARY, Some(&format!(" {long_scheme} "))).read_replica(),
            Ok(Some(long_scheme))
        );
    }

    #[test]
    fn a_replica_beside_sqlite_is_refused() {
        let sqlite = settings("sqlite://hearth.db?mode=rwc", Some(STANDBY));
        let message = sqlite.read_replica().expect_err("refused");
        assert!(
            message.contains("DATABASE_URL is not PostgreSQL"),
            "{message}"
        );
    }

    #[test]
    fn a_replica_that_is_not_postgres_is_refused() {
        for replica in [
            "sqlite://replica.db",
            "mysql://db/hearth",
            "standby.internal",
        ] {
            let message = settings(PRIMARY, Some(replica))
                .read_replica()
                .expect_err("refused");
            assert!(message.contains("must be a PostgreSQL URL"), "{message}");
        }
    }
}
