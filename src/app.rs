//! Builds the HTTP application: shared state, routes and layers, and serves it until shutdown.

use crate::config::ServerSettings;
use crate::graphql::{self, HearthExecutor, SchemaOptions};
use crate::http;
use crate::http::limits::TokenRateLimit;
use crate::service::Services;
use crate::telemetry;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::routing::get;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::{BoxError, ServiceBuilder};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// `x-request-id`, as the layers take it.
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static(telemetry::REQUEST_ID);

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub schema: HearthExecutor,
    pub settings: ServerSettings,
    pub lifecycle: Lifecycle,
    pub rate_limit: TokenRateLimit,
    pub sockets: http::sockets::OpenSockets,
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
                max_selections: settings.max_selections,
            },
        );
        AppState {
            services,
            schema,
            rate_limit: TokenRateLimit::new(settings.rate_limit_per_minute),
            sockets: http::sockets::OpenSockets::new(settings.max_sockets_per_token),
            settings,
            lifecycle: Lifecycle::default(),
        }
    }
}

/// The routes: GraphQL over HTTP and WebSocket, the playground, and the load balancer's probes.
pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    let mut routes = Router::new()
        .route(
            "/graphql",
            get(http::graphql::get_graphql).post(http::graphql::post_graphql),
        )
        .route("/graphql/ws", get(http::subscriptions::upgrade))
        .route("/export/hmis-csv", get(http::export::hmis_csv))
        .route("/reports/ce-apr.zip", get(http::ce_apr::download))
        .route("/graphql/assets/{file}", get(http::playground::asset))
        .route("/healthz", get(http::health::healthz))
        .route("/readyz", get(http::health::readyz));
    if settings.metrics_bind.is_none() {
        routes = routes.route("/metrics", get(http::health::metrics));
    }
    let overload = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: BoxError| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                "Hearth is at capacity; retry shortly",
            )
        }))
        .load_shed()
        // Global: one semaphore for every route (a plain concurrency limit would be per route).
        .layer(GlobalConcurrencyLimitLayer::new(
            settings.max_concurrent_requests.max(1),
        ));
    let body_limit = settings.body_limit;
    routes
        .layer(RequestBodyLimitLayer::new(settings.body_limit))
        // tower-http refuses a declared Content-Length over the limit with a plain-text 413; the
        // contract wants the GraphQL error every other refusal carries.
        .layer(axum::middleware::map_response(
            move |response: axum::response::Response| async move {
                if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    let error = http::graphql::body_too_large(body_limit);
                    return http::graphql::error_response(
                        http::media::MediaType::Json,
                        error.status(),
                        error,
                    );
                }
                response
            },
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(settings.request_timeout_secs),
        ))
        .layer(overload)
        .layer(cors(&settings.cors_origins))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(telemetry::request_span)
                .on_response(telemetry::record_response),
        )
        // Outermost: every response carries the request's id, refusals and preflights included.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unusable_request_id))
        .with_state(state)
}

/// A caller's `x-request-id` longer than [`telemetry::MAX_REQUEST_ID`] or with characters other than
/// letters, digits and `-_.:` is dropped, and one is made instead: it is written on every log line.
async fn drop_unusable_request_id(mut request: axum::extract::Request) -> axum::extract::Request {
    let usable = request.headers().get(REQUEST_ID_HEADER).map(|value| {
        value.len() <= telemetry::MAX_REQUEST_ID
            && !value.is_empty()
            && value
                .as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    });
    if usable == Some(false) {
        request.headers_mut().remove(REQUEST_ID_HEADER);
    }
    request
}

/// CORS for single-page apps on the configured origins; none by default.
fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("x-organization-id"),
            // A browser app may name its request or continue its trace (see `telemetry`).
            REQUEST_ID_HEADER,
            HeaderName::from_static("traceparent"),
            HeaderName::from_static("tracestate"),
        ])
        // ...and read the request's id, to quote it when reporting a problem.
        .expose_headers([REQUEST_ID_HEADER])
        .max_age(Duration::from_secs(600));
    if origins.iter().any(|o| o.trim() == "*") {
        return layer.allow_origin(AllowOrigin::any());
    }
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok())
        .collect();
    layer.allow_origin(AllowOrigin::list(allowed))
}

/// The metrics router, for HEARTH_METRICS_BIND.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(http::health::metrics))
        .with_state(state)
}

/// How long open subscriptions get to receive their close frame once the server stops.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Serves on `listener` until SIGTERM or Ctrl-C, hearing of other server processes' changes (no
/// request is accepted before it listens for them). On the signal it stops accepting connections,
/// answers `/readyz` with 503, finishes the requests in flight, closes open subscriptions cleanly,
/// and returns.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let lifecycle = state.lifecycle.clone();
    let shutdown = lifecycle.shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        shutdown.cancel();
    });
    // Every server process hears of every referral change (PostgreSQL LISTEN/NOTIFY; in-process
    // on SQLite), of sign-in changes, which it forgets its kept sign-ins on, and of tokens revoked
    // by other processes, which close its sockets too (rule F3).
    state
        .services
        .notifier
        .listen(&state.services.db, state.services.sessions.clone())
        .await
        .map_err(|err| std::io::Error::other(err.public_message()))?;
    tokio::spawn(crate::service::tokens::watch_revocations(
        state.services.clone(),
        lifecycle.shutdown.clone(),
    ));
    if let Some(address) = state.settings.metrics_bind {
        let metrics = TcpListener::bind(address).await?;
        let app = metrics_router(state.clone());
        let stopping = lifecycle.shutdown.clone();
        tokio::spawn(async move {
            let served = axum::serve(metrics, app)
                .with_graceful_shutdown(async move { stopping.cancelled().await })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "metrics server failed");
            }
        });
    }
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
