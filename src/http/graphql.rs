//! GraphQL over HTTP: POST and GET `/graphql`, and the GraphiQL playground for browsers.
//!
//! Our own handler rather than async-graphql-axum's service: it opens the request context once per
//! HTTP request (rules R1, R2, F1: token, organization, rate limit, read audit) before anything
//! runs, caps the size of batches, refuses mutations over GET, and gives each operation its own
//! DataLoaders.

use super::context::{Credentials, RequestContext};
use super::media::MediaType;
use crate::app::AppState;
use crate::error::AppError;
use crate::graphql::executor::Prepared;
use crate::telemetry;
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use async_graphql_axum::GraphQLBatchRequest;
use async_graphql_axum::rejection::GraphQLRejection;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
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
    let request = request
        .map(GraphQLBatchRequest::into_inner)
        .map_err(|rejection| not_graphql(rejection.0));
    handle(state, method, headers, request).await
}

/// POST /graphql: one operation or a batch (a JSON array), as JSON.
pub async fn post_graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Body,
) -> axum::response::Response {
    let request = read_body(&headers, body, state.settings.body_limit).await;
    handle(state, method, headers, request).await
}

/// Reads a POST body of at most `limit` bytes as a GraphQL request (a body declaring a larger
/// Content-Length never gets here: `app::router` refuses it first, in the same words).
async fn read_body(
    headers: &HeaderMap,
    body: axum::body::Body,
    limit: usize,
) -> Result<BatchRequest, AppError> {
    // Reading fails when the body outgrows the limit, or when the client went away (and reads
    // no answer).
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| body_too_large(limit))?;
    let content_type = body_media_type(headers)?;
    async_graphql::http::receive_batch_body(Some(content_type), &bytes[..], Default::default())
        .await
        .map_err(not_graphql)
}

/// The media type of a POST body: JSON (`application/json`, with any parameters), else 415. The
/// GraphQL-over-HTTP specification wants a POST to say what it carries; a body without
/// Content-Type is not guessed at.
fn body_media_type(headers: &HeaderMap) -> Result<String, AppError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(AppError::UnsupportedMediaType(
            "The request has no Content-Type: send the GraphQL request as JSON with \
             `Content-Type: application/json`"
                .to_owned(),
        ));
    };
    let value = value.to_str().unwrap_or_default();
    let essence = value.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(super::media::JSON) {
        return Ok(value.to_owned());
    }
    Err(AppError::UnsupportedMediaType(format!(
        "Content-Type \"{}\" is not supported: send the GraphQL request as JSON with \
         `Content-Type: application/json`",
        value.chars().take(100).collect::<String>()
    )))
}

/// A request without a document: 400 saying so. async-graphql reads a missing `query` as empty (an
/// automatic persisted query carries only its hash), which would otherwise be answered as a syntax
/// error at line 1.
fn require_query(batch: &BatchRequest) -> Result<(), AppError> {
    let missing = |request: &Request| {
        request.query.trim().is_empty() && !request.extensions.contains_key("persistedQuery")
    };
    match batch {
        BatchRequest::Single(request) if missing(request) => Err(AppError::bad_input(
            "The request has no `query`: send {\"query\": \"<GraphQL document>\"} (with \
             \"variables\" and \"operationName\" when needed)",
        )),
        BatchRequest::Batch(requests) => match requests.iter().position(missing) {
            Some(index) => Err(AppError::bad_input(format!(
                "Operation {index} of the batch has no `query`: each needs \
                 {{\"query\": \"<GraphQL document>\"}}"
            ))),
            None => Ok(()),
        },
        BatchRequest::Single(_) => Ok(()),
    }
}

/// The refusal of a body over HEARTH_BODY_LIMIT: 413, with a GraphQL error like any other.
pub fn body_too_large(limit: usize) -> AppError {
    AppError::PayloadTooLarge(format!(
        "The request body is larger than {limit} bytes (HEARTH_BODY_LIMIT); send a smaller query \
         or fewer operations per batch"
    ))
}

/// Not GraphQL over HTTP at all (bad JSON, no query, variables not an object): 400.
fn not_graphql(error: impl std::fmt::Display) -> AppError {
    AppError::bad_input(format!("The request is not a GraphQL request: {error}"))
}

async fn handle(
    state: AppState,
    method: Method,
    headers: HeaderMap,
    request: Result<BatchRequest, AppError>,
) -> axum::response::Response {
    let Some(media) = MediaType::negotiate(&headers) else {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "Accept application/graphql-response+json or application/json",
        )
            .into_response();
    };
    match request.and_then(|request| require_query(&request).map(|()| request)) {
        Ok(request) => execute(state, media, method, headers, request).await,
        Err(error) => error_response(media, error.status(), error),
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
            // The request's outcome: `ok` when every operation is, else the first error's code.
            let first_error = responses.iter().map(outcome).find(|code| *code != "ok");
            telemetry::record_operation(&operations, first_error.unwrap_or("ok"));
        }
        Err(refusal) => {
            for operation in &operations {
                metrics.observe(operation.as_deref(), refusal.code(), elapsed);
            }
            telemetry::record_operation(&operations, refusal.code());
        }
    }
    match response {
        Ok(mut responses) if single => {
            let response = responses.pop().unwrap_or_default();
            media.respond(None, BatchResponse::Single(response))
        }
        Ok(responses) => media.respond(None, BatchResponse::Batch(responses)),
        Err(Refusal::NotAllowed(error)) => {
            let mut response = error_response(media, StatusCode::METHOD_NOT_ALLOWED, error);
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            response
        }
        Err(Refusal::Error(error)) => error_response(media, error.status(), error),
    }
}

/// A request refused before it ran.
enum Refusal {
    /// Refused with the status of its error.
    Error(AppError),
    /// A mutation over GET: 405 with `Allow: POST`.
    NotAllowed(AppError),
}

impl Refusal {
    fn code(&self) -> &'static str {
        match self {
            Refusal::Error(error) | Refusal::NotAllowed(error) => error.code(),
        }
    }
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Self {
        Refusal::Error(error)
    }
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

/// Checks, authenticates and executes a batch; a request-level failure comes back as its refusal. `operations` receives each operation's name once its document is parsed.
async fn run(
    state: &AppState,
    method: Method,
    headers: HeaderMap,
    mut requests: Vec<Request>,
    operations: &mut [Option<String>],
) -> Result<Vec<Response>, Refusal> {
    let size = requests.len();
    if size > state.settings.max_batch {
        return Err(AppError::bad_input(format!(
            "A batch may hold at most {} operations (got {size})",
            state.settings.max_batch
        ))
        .into());
    }
    // Rule R1's one exception: a batch that only reads the schema needs no token, so a playground
    // or a code generator has the docs and completion before anyone signs in. Whatever token it
    // carries is not looked at (a placeholder must not refuse it). Anything else signs in.
    let context = if requests
        .iter_mut()
        .all(|request| state.schema.reads_only_schema(request))
    {
        None
    } else {
        match RequestContext::open(state, &Credentials::from_headers(&headers)).await {
            Ok(context) => Some(context),
            // A document refused whatever the token (syntax, limits, validation) says so, rather
            // than asking to sign in: nothing of it would run (see `graphql::validate`).
            Err(err) if size == 1 && err.code() == "UNAUTHENTICATED" => {
                let refusal = match requests.pop() {
                    Some(request) => state.schema.refusal_without_token(request).await,
                    None => None,
                };
                return match refusal {
                    Some(response) => Ok(vec![response]),
                    None => Err(err.into()),
                };
            }
            Err(err) => return Err(err.into()),
        }
    };
    if let Some(actor) = context.as_ref().and_then(RequestContext::actor) {
        telemetry::record_organization(actor.organization_id);
    }
    // A schema-only request uses no persisted query: no token's store is consulted for it.
    let token_id = context
        .as_ref()
        .map_or_else(uuid::Uuid::nil, RequestContext::token_id);
    // Each document is parsed once (persisted queries resolved, priced); the engine reuses it.
    let mut prepared = Vec::with_capacity(size);
    for (request, operation) in requests.into_iter().zip(operations.iter_mut()) {
        let request = state.schema.prepare(request, token_id).await;
        *operation = request.operation_name();
        prepared.push(request);
    }
    if method == Method::GET && prepared.iter().any(Prepared::is_mutation) {
        return Err(Refusal::NotAllowed(AppError::bad_input(
            "Mutations must be sent with POST, not GET",
        )));
    }
    let mut responses = Vec::with_capacity(size);
    for request in prepared {
        // One after the other: a batch's mutations apply in the order they were sent, and a
        // request holds at most one database connection at a time.
        let request = match &context {
            Some(context) => context.attach(state, request),
            None => request,
        };
        responses.push(state.schema.run(request).await);
    }
    // The answer is computed; if the access cannot be recorded, it is not handed out.
    if let Some(context) = &context {
        context.record_reads(state).await?;
    }
    Ok(responses)
}

/// A GraphQL response carrying one request-level error, with its `extensions.code` (and, when rate
/// limited, the Retry-After header).
pub fn error_response(
    media: MediaType,
    status: StatusCode,
    err: AppError,
) -> axum::response::Response {
    let retry_after = err.retry_after();
    let mut response = media.respond(
        Some(status),
        BatchResponse::Single(Response::from_errors(vec![err.to_server_error()])),
    );
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}

/// The GraphiQL playground, from assets embedded in the binary (see [`super::playground`]).
fn playground() -> axum::response::Response {
    super::playground::page()
}
