//! Builds the HTTP application: shared state, routes and layers, and serves it until shutdown.

use crate::config::ServerSettings;
use crate::graphql::{self, HearthSchema, SchemaOptions};
use crate::http;
use crate::service::Services;
use axum::Router;
use axum::routing::get;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub schema: HearthSchema,
    pub settings: ServerSettings,
    pub lifecycle: Lifecycle,
}

/// Shutdown: the signal that it has begun, and the open WebSocket connections to close first.
#[derive(Clone, Default)]
pub struct Lifecycle {
    pub shutdown: CancellationToken,
    pub connections: TaskTracker,
}

impl AppState {
    pub fn new(services: Services, settings: ServerSettings) -> Self {
        let schema = graphql::build_schema(
            services.clone(),
            &SchemaOptions {
                introspection: settings.introspection,
            },
        );
        AppState {
            services,
            schema,
            settings,
            lifecycle: Lifecycle::default(),
        }
    }
}

/// The routes: GraphQL over HTTP and WebSocket, the playground, and the load balancer's probes.
pub fn router(state: AppState) -> Router {
    let body_limit = state.settings.body_limit;
    let timeout = Duration::from_secs(state.settings.request_timeout_secs);
    Router::new()
        .route(
            "/graphql",
            get(http::graphql::get_graphql).post(http::graphql::post_graphql),
        )
        .route("/graphql/ws", get(http::subscriptions::upgrade))
        .route("/healthz", get(http::health::healthz))
        .route("/readyz", get(http::health::readyz))
        .route("/metrics", get(http::health::metrics))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How long open subscriptions get to receive their close frame once the server stops.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Serves on `listener` until SIGTERM or Ctrl-C: then it stops accepting connections, answers
/// `/readyz` with 503, finishes the requests in flight, closes open subscriptions cleanly, and returns.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let lifecycle = state.lifecycle.clone();
    let shutdown = lifecycle.shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        shutdown.cancel();
    });
    let stopping = lifecycle.shutdown.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move { stopping.cancelled().await })
        .await?;
    lifecycle.connections.close();
    if tokio::time::timeout(CLOSE_GRACE, lifecycle.connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("some subscriptions did not close in time");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
