//! GraphQL over HTTP: POST and GET `/graphql`, and the GraphiQL playground for browsers.
//!
//! Our own handler rather than async-graphql-axum's service: it authenticates once per HTTP request
//! (rules R1, R2) before anything runs, caps the size of batches, refuses mutations over GET, and
//! gives each operation its own DataLoaders.

use super::media::MediaType;
use crate::app::AppState;
use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::{Caller, ClientReads, ORGANIZATION_HEADER};
use crate::graphql::executor::Prepared;
use crate::graphql::loaders;
use crate::service::audit;
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError};
use async_graphql_axum::GraphQLBatchRequest;
use async_graphql_axum::rejection::GraphQLRejection;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
use std::sync::Arc;
use std::time::Instant;

/// GET /graphql: the playground for a browser that asks for HTML without a query, else a query.
pub async fn get_graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: axum::http::Uri,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
) -> axum::response::Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let has_query = uri.query().is_some_and(|q| q.contains("query="));
    if wants_html && !has_query {
        return if state.settings.playground {
            playground().into_response()
        } else {
            (
                StatusCode::NOT_FOUND,
                "The playground is switched off (HEARTH_PLAYGROUND)",
            )
                .into_response()
        };
    }
    handle(state, method, headers, request).await
}

/// POST /graphql: one operation or a batch (a JSON array), as JSON.
pub async fn post_graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
) -> axum::response::Response {
    handle(state, method, headers, request).await
}

async fn handle(
    state: AppState,
    method: Method,
    headers: HeaderMap,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
) -> axum::response::Response {
    let Some(media) = MediaType::negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "Accept application/graphql-response+json or application/json",
        )
            .into_response();
    };
    match request {
        Ok(request) => execute(state, media, method, headers, request.into_inner()).await,
        // Not GraphQL over HTTP at all (bad JSON, no query, variables not an object): 400.
        Err(rejection) => error_response(
            media,
            StatusCode::BAD_REQUEST,
            AppError::bad_input(format!(
                "The request is not a GraphQL request: {}",
                rejection.0
            )),
        ),
    }
}

async fn execute(
    state: AppState,
    media: MediaType,
    method: Method,
    headers: HeaderMap,
    batch: BatchRequest,
) -> axum::response::Response {
    let started = Instant::now();
    let (single, requests) = match batch {
        BatchRequest::Single(request) => (true, vec![request]),
        BatchRequest::Batch(requests) => (false, requests),
    };
    // Operation names for metrics; run() refines them from the parsed documents.
    let mut operations: Vec<Option<String>> = requests
        .iter()
        .map(|request| request.operation_name.clone())
        .collect();
    let response = run(&state, method, headers, requests, &mut operations).await;
    let elapsed = started.elapsed();
    let metrics = &state.services.metrics;
    match &response {
        Ok(responses) => {
            for (operation, response) in operations.iter().zip(responses) {
                metrics.observe(operation.as_deref(), outcome(response), elapsed);
            }
        }
        Err(refusal) => {
            for operation in &operations {
                metrics.observe(operation.as_deref(), refusal.error.code(), elapsed);
            }
        }
    }
    match response {
        Ok(mut responses) if single => {
            let response = responses.pop().unwrap_or_default();
            media.respond(None, BatchResponse::Single(response))
        }
        Ok(responses) => media.respond(None, BatchResponse::Batch(responses)),
        Err(Refusal {
            status,
            error,
            retry_after,
        }) => {
            let mut response = error_response(media, status, error);
            if status == StatusCode::METHOD_NOT_ALLOWED {
                response
                    .headers_mut()
                    .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            }
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
            }
            response
        }
    }
}

/// A request refused before it ran: its HTTP status, its error and, when rate limited, how many
/// seconds to wait.
struct Refusal {
    status: StatusCode,
    error: AppError,
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(status: StatusCode, error: AppError) -> Self {
        Refusal {
            status,
            error,
            retry_after: None,
        }
    }
}

/// Whole seconds to wait, rounded up so that a client retrying on time is let through.
fn retry_after_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// `ok`, or the code of the response's first error.
fn outcome(response: &Response) -> &str {
    match response.errors.first() {
        None => "ok",
        Some(error) => error
            .extensions
            .as_ref()
            .and_then(|ext| ext.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(code) => Some(code.as_str()),
                _ => None,
            })
            .unwrap_or("BAD_USER_INPUT"),
    }
}

/// Checks, authenticates and executes a batch; a request-level failure comes back as its status
/// and error. `operations` receives each operation's name once its document is parsed.
async fn run(
    state: &AppState,
    method: Method,
    headers: HeaderMap,
    requests: Vec<Request>,
    operations: &mut [Option<String>],
) -> Result<Vec<Response>, Refusal> {
    let size = requests.len();
    if size > state.settings.max_batch {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            AppError::bad_input(format!(
                "A batch may hold at most {} operations (got {size})",
                state.settings.max_batch
            )),
        ));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let caller = Caller::resolve(
        &state.services,
        header(header::AUTHORIZATION.as_str()),
        header(ORGANIZATION_HEADER),
    )
    .await
    .map_err(|err| {
        let status = match err.code() {
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            "FORBIDDEN" => StatusCode::FORBIDDEN,
            "INTERNAL_SERVER_ERROR" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        Refusal::new(status, err)
    })?;
    if let Err(wait) = state.rate_limit.check(caller.signed_in.token_id) {
        let seconds = retry_after_secs(wait);
        return Err(Refusal {
            status: StatusCode::TOO_MANY_REQUESTS,
            error: AppError::forbidden(format!(
                "Too many requests with this API token; retry in {seconds} s (HEARTH_RATE_LIMIT)"
            )),
            retry_after: Some(seconds),
        });
    }
    // Each document is parsed once, here (persisted queries resolved, limits checked); the engine
    // reuses it.
    let mut prepared = Vec::with_capacity(size);
    for (request, operation) in requests.into_iter().zip(operations.iter_mut()) {
        let request = state.schema.prepare(request).await;
        *operation = request.operation_name();
        prepared.push(request);
    }
    if method == Method::GET && prepared.iter().any(Prepared::is_mutation) {
        return Err(Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            AppError::bad_input("Mutations must be sent with POST, not GET"),
        ));
    }
    // HMIS privacy: what housing staff read of client records is audited, once per request.
    let reads = caller
        .acting
        .as_ref()
        .filter(|actor| actor.role == Role::HousingStaff)
        .map(|_| Arc::new(ClientReads::default()));
    let mut responses = Vec::with_capacity(size);
    for request in prepared {
        let mut request = request
            .data(loaders::loaders(
                state.services.db.clone(),
                caller.acting.clone(),
            ))
            .data(caller.clone());
        if let Some(reads) = &reads {
            request = request.data(reads.clone());
        }
        // One after the other: a batch's mutations apply in the order they were sent, and a
        // request holds at most one database connection at a time.
        responses.push(state.schema.run(request).await);
    }
    if let (Some(reads), Some(actor)) = (reads, &caller.acting)
        && let Err(err) = audit::record_client_reads(&state.services, actor, reads.take()).await
    {
        // The answer is computed but the access could not be recorded: do not hand it out.
        return Err(Refusal::new(StatusCode::SERVICE_UNAVAILABLE, err));
    }
    Ok(responses)
}

/// A GraphQL response carrying one request-level error, with its `extensions.code`.
pub fn error_response(
    media: MediaType,
    status: StatusCode,
    err: AppError,
) -> axum::response::Response {
    let mut server_error: ServerError = err.to_graphql().into_server_error(Default::default());
    server_error.locations.clear();
    media.respond(
        Some(status),
        BatchResponse::Single(Response::from_errors(vec![server_error])),
    )
}

/// The GraphiQL playground, from assets embedded in the binary (see [`super::playground`]).
fn playground() -> axum::response::Response {
    super::playground::page()
}
