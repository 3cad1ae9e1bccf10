//! The one error type of Hearth, mapped once to GraphQL's `extensions.code`.
//!
//! Database error text is logged here and never returned: a client sees a generic message with
//! INTERNAL_SERVER_ERROR. A unique-constraint violation is a CONFLICT, because it means another
//! request got there first. A stored value that cannot be decoded (a HUD code outside its list:
//! SeaORM's `DbErr::Type`, "unexpected value for <List> enum: <code>") is a data fault, not an
//! outage: logged as such, answered as any internal error.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadUserInput(String),
    /// A request body over the limit: BAD_USER_INPUT, answered 413.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A POST body of a media type Hearth does not read (none given included): BAD_USER_INPUT,
    /// answered 415.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Conflict(String),
    /// The caller's API token used up its quota (HEARTH_RATE_LIMIT); retry after this many seconds.
    #[error("Too many requests with this API token; retry in {retry_after} s (HEARTH_RATE_LIMIT)")]
    RateLimited { retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

/// The constructors of the variants that carry only their message (`AppError::forbidden("...")`),
/// one line each instead of one function body each.
macro_rules! with_message {
    ($($constructor:ident => $variant:ident),+ $(,)?) => {$(
        pub fn $constructor(message: impl Into<String>) -> Self {
            AppError::$variant(message.into())
        }
    )+};
}

impl AppError {
    with_message! {
        unauthenticated => Unauthenticated,
        forbidden => Forbidden,
        not_found => NotFound,
        bad_input => BadUserInput,
        conflict => Conflict,
        internal => Internal,
    }
    /// RATE_LIMITED after `wait`, rounded up to whole seconds so that a client retrying on time is
    /// let through.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        AppError::RateLimited {
            retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        }
    }

    /// The GraphQL `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadUserInput(_)
            | AppError::PayloadTooLarge(_)
            | AppError::UnsupportedMediaType(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::Internal(_) => "INTERNAL_SERVER_ERROR",
            AppError::Database(err) => match err.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => "CONFLICT",
                _ => "INTERNAL_SERVER_ERROR",
            },
        }
    }

    /// The message a client may see. Internal details are logged instead.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "Internal server error; the failure has been logged".to_owned()
            }
            AppError::Database(DbErr::Type(detail)) => {
                tracing::error!(error = %detail, "a stored value could not be decoded");
                "Internal server error; the failure has been logged".to_owned()
            }
            AppError::Database(err) => match err.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(detail)) => {
                    tracing::info!(error = %detail, "unique constraint violated");
                    "The change conflicts with a record written at the same time; reload and retry"
                        .to_owned()
                }
                _ => {
                    tracing::error!(error = %err, "database error");
                    "The database could not complete the request; try again later".to_owned()
                }
            },
            other => other.to_string(),
        }
    }
}

impl AppError {
    /// The HTTP status of a request refused with this error before it ran (every transport that
    /// answers over HTTP uses this one mapping: /graphql, the downloads).
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            AppError::PayloadTooLarge(_) => return StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => return StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => {}
        }
        match self.code() {
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "NOT_FOUND" => StatusCode::NOT_FOUND,
            "BAD_USER_INPUT" => StatusCode::BAD_REQUEST,
            "CONFLICT" => StatusCode::CONFLICT,
            "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
            // The database or a dependency failed: the request may succeed later.
            _ => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Seconds to wait before retrying, for RATE_LIMITED.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// The GraphQL error a client sees: the public message and `extensions.code`.
    ///
    /// Resolvers simply use `?`: async-graphql keeps the `AppError` as the error's source, and the
    /// executor calls this once per error (see `graphql::executor`).
    pub fn to_graphql(&self) -> async_graphql::Error {
        let code = self.code();
        let retry_after = self.retry_after();
        async_graphql::ErrorExtensions::extend_with(
            async_graphql::Error::new(self.public_message()),
            |_, ext| {
                ext.set("code", code);
                if let Some(seconds) = retry_after {
                    ext.set("retryAfter", seconds);
                }
            },
        )
    }

    /// The error of a request refused before it ran: as [`AppError::to_graphql`], with no location
    /// in a document (there is none to point at).
    pub fn to_server_error(&self) -> async_graphql::ServerError {
        let mut error = self.to_graphql().into_server_error(Default::default());
        error.locations.clear();
        error
    }
}

pub type AppResult<T> = Result<T, AppError>;
