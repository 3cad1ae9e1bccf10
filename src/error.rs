//! The one error type of Hearth, mapped once to GraphQL's `extensions.code`.
//!
//! Database error text is logged here and never returned: a client sees a generic message with
//! INTERNAL_SERVER_ERROR. A unique-constraint violation is a CONFLICT, because it means another
//! request got there first.

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
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl AppError {
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        AppError::Unauthenticated(message.into())
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::NotFound(message.into())
    }
    pub fn bad_input(message: impl Into<String>) -> Self {
        AppError::BadUserInput(message.into())
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict(message.into())
    }
    pub fn internal(message: impl Into<String>) -> Self {
        AppError::Internal(message.into())
    }

    /// The GraphQL `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadUserInput(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
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
    /// The GraphQL error a client sees: the public message and `extensions.code`.
    ///
    /// Resolvers simply use `?`: async-graphql keeps the `AppError` as the error's source, and the
    /// executor calls this once per error (see `graphql::executor`).
    pub fn to_graphql(&self) -> async_graphql::Error {
        let code = self.code();
        async_graphql::ErrorExtensions::extend_with(
            async_graphql::Error::new(self.public_message()),
            |_, ext| ext.set("code", code),
        )
    }
}

pub type AppResult<T> = Result<T, AppError>;
