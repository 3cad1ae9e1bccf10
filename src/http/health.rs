//! Probes for the load balancer: `/healthz` (the database answers) and `/readyz` (it answers and every
//! migration has run); and `/metrics` for Prometheus.

use crate::app::AppState;
use crate::db;
use axum::extract::State;
use axum::http::StatusCode;

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.services.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::warn!(error = %err, "healthz: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.lifecycle.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    match db::migrations_complete(&state.services.db).await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(err) => {
            tracing::warn!(error = %err, "readyz: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.services.metrics.render(),
    )
}
