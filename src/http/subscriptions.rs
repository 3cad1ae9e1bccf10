//! GraphQL over WebSocket at `/graphql/ws` (graphql-transport-ws; the older graphql-ws is accepted
//! too). The client authenticates in `connection_init` with
//! `{"Authorization": "Bearer <token>", "X-Organization-Id": "<id>"}`.
//!
//! async-graphql runs the protocol's state machine; around it, this module holds the socket to the
//! front door's rules:
//! - every operation opens the request context like an HTTP request (rule F1): the token is checked
//!   again, the operation is rate limited (RATE_LIMITED with `extensions.retryAfter`) and what
//!   housing staff read is audited before each answer or event is sent (F4);
//! - the socket lives no longer than its token (F3): a revocation, announced by this server or
//!   found by its watch of the database (`tokens::watch_revocations`), or the token's expiry closes
//!   it with 4401, and nothing is sent after that; a socket that sends no `connection_init` within
//!   10 s is closed with 4408, one that sends an operation first with 4401; a message may be no
//!   larger than an HTTP body (HEARTH_BODY_LIMIT);
//! - on shutdown every open socket is closed cleanly (1001) instead of being cut off.

use super::context::{Credentials, RequestContext};
use super::sockets::{MAX_OPERATIONS_PER_SOCKET, RunningOperations, SocketSlot};
use crate::app::AppState;
use crate::error::AppError;
use crate::graphql::context::Caller;
use crate::service::tokens;
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, WebSocket, WebSocketProtocols as Protocols, WsMessage,
};
use async_graphql::{Data, Executor, Request, Response};
use axum::extract::ws::{CloseFrame, Message};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, BoxStream};
use futures_util::{SinkExt, StreamExt, future};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;
use tracing::field::Empty;
use tracing::{Instrument, Span};
use uuid::Uuid;

/// WebSocket close code 1001 "going away": the server is shutting down.
const GOING_AWAY: u16 = 1001;
/// graphql-transport-ws 4401 Unauthorized: the token is not (or no longer) valid.
const UNAUTHORIZED: u16 = 4401;
/// graphql-transport-ws 4403 Forbidden: signed in, but not as a member of the organization named.
const FORBIDDEN: u16 = 4403;
/// 4429 Too many requests: the token holds its most sockets open already.
const TOO_MANY: u16 = 4429;
/// graphql-transport-ws 4408: no `connection_init` in time.
const INIT_TIMEOUT: u16 = 4408;

/// async-graphql's close code for an operation sent before `connection_init`.
const HANDSHAKE_INCOMPLETE: u16 = 1011;

/// How long a socket may stay open without sending `connection_init`.
const CONNECTION_INIT_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> impl IntoResponse {
    let protocol = headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| Protocols::from_str(p.trim()).ok())
        })
        .unwrap_or(Protocols::GraphQLWS);
    let tracker = state.lifecycle.connections.clone();
    // A message is a GraphQL request like a POST body, and no larger (axum would take 64 MB).
    let limit = state.settings.body_limit;
    upgrade
        .max_message_size(limit)
        .max_frame_size(limit)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // The socket keeps the upgrade request's span (and request id) for as long as it lives.
        .on_upgrade(move |socket| {
            tracker.track_future(serve(state, socket, protocol).instrument(Span::current()))
        })
}

/// Where a socket stands with its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    /// No `connection_init` accepted yet.
    Awaiting,
    /// Signed in with this token, valid until `expires_at`.
    Bound {
        token_id: Uuid,
        expires_at: Option<DateTime<Utc>>,
    },
    /// `connection_init` or a later operation was refused with this close code: close the socket.
    Refused(u16),
}

/// The close code for a refusal of the socket's credentials.
fn close_code(error: &AppError) -> u16 {
    match error.code() {
        "FORBIDDEN" => FORBIDDEN,
        _ => UNAUTHORIZED,
    }
}

/// Runs each operation of one socket through the request context (see the module's doc).
#[derive(Clone)]
struct SocketExecutor {
    state: AppState,
    /// The credentials of `connection_init`, presented again for every operation.
    credentials: Arc<OnceLock<Credentials>>,
    standing: Arc<watch::Sender<Standing>>,
    /// This socket's place among its token's open sockets, once signed in.
    slot: Arc<OnceLock<SocketSlot>>,
    running: RunningOperations,
}

impl SocketExecutor {
    /// Accepts or refuses `connection_init`.
    async fn connect(self, payload: serde_json::Value) -> async_graphql::Result<Data> {
        let credentials = Credentials::from_payload(&payload);
        let caller = Caller::resolve(
            &self.state.services,
            credentials.authorization.as_deref(),
            credentials.organization.as_deref(),
        )
        .await;
        match caller {
            Ok(caller) => {
                let Some(slot) = self.state.sockets.admit(caller.signed_in.token_id) else {
                    self.standing.send_replace(Standing::Refused(TOO_MANY));
                    return Err(async_graphql::Error::new(format!(
                        "This API token has {} WebSockets open already \
                         (HEARTH_MAX_SOCKETS_PER_TOKEN); close one first",
                        self.state.sockets.per_token()
                    )));
                };
                let _ = self.slot.set(slot);
                let _ = self.credentials.set(credentials);
                self.standing.send_replace(Standing::Bound {
                    token_id: caller.signed_in.token_id,
                    expires_at: caller.signed_in.expires_at,
                });
                Ok(Data::default())
            }
            Err(err) => {
                self.standing
                    .send_replace(Standing::Refused(close_code(&err)));
                Err(err.to_graphql())
            }
        }
    }

    /// One operation of the socket, in a span of its own under the socket's (request id,
    /// operation name, organization, outcome of each answer or event).
    async fn operation(self, request: Request) -> BoxStream<'static, Response> {
        let span = tracing::info_span!(
            "operation",
            otel.name = "graphql-ws operation",
            operation = Empty,
            organization_id = Empty,
            outcome = Empty,
        );
        self.run_operation(request, span.clone())
            .instrument(span)
            .await
    }

    async fn run_operation(self, request: Request, span: Span) -> BoxStream<'static, Response> {
        let refused = |err: AppError| {
            Span::current().record("outcome", err.code());
            stream::once(future::ready(Response::from_errors(vec![
                err.to_server_error(),
            ])))
            .boxed()
        };
        let Some(credentials) = self.credentials.get() else {
            return refused(AppError::unauthenticated("Send connection_init first"));
        };
        let Some(running) = self.running.start() else {
            return refused(AppError::bad_input(format!(
                "This socket runs {MAX_OPERATIONS_PER_SOCKET} operations already; complete one \
                 before starting another"
            )));
        };
        let context = match RequestContext::open(&self.state, credentials).await {
            Ok(context) => Arc::new(context),
            Err(err) => {
                if matches!(err.code(), "UNAUTHENTICATED" | "FORBIDDEN") {
                    self.standing
                        .send_replace(Standing::Refused(close_code(&err)));
                }
                return refused(err);
            }
        };
        if let Some(actor) = context.actor() {
            span.record(
                "organization_id",
                tracing::field::display(actor.organization_id),
            );
        }
        let prepared = self.state.schema.prepare(request, context.token_id()).await;
        if let Some(name) = prepared.operation_name() {
            span.record("operation", name.as_str());
        }
        let prepared = context.attach(&self.state, prepared);
        let state = self.state.clone();
        self.state
            .schema
            .run_stream(prepared)
            .then(move |response| {
                // The operation holds its place until its stream ends or is stopped.
                let _running = &running;
                let (state, context, span) = (state.clone(), context.clone(), span.clone());
                async move {
                    // What the answer or event revealed is recorded before it is sent; if it
                    // cannot be, it is not sent.
                    let response = match context.record_reads(&state).await {
                        Ok(()) => response,
                        Err(err) => Response::from_errors(vec![err.to_server_error()]),
                    };
                    let outcome = response
                        .errors
                        .first()
                        .and_then(|e| e.extensions.as_ref()?.get("code").cloned())
                        .map_or_else(|| "ok".to_owned(), |code| code.to_string());
                    span.record("outcome", outcome.trim_matches('"'));
                    response
                }
            })
            .boxed()
    }
}

impl Executor for SocketExecutor {
    async fn execute(&self, request: Request) -> Response {
        let mut responses = self.clone().operation(request).await;
        responses.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        _session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        stream::once(self.clone().operation(request))
            .flatten()
            .boxed()
    }
}

async fn serve(state: AppState, socket: axum::extract::ws::WebSocket, protocol: Protocols) {
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(Message::Text(text)) => Some(text.as_bytes().to_vec()),
                Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
                _ => None,
            })
        });
    // Listen for revocations before the token is checked, so that none falls in between.
    let mut revocations = state.services.notifier.revocations();
    let (standing, mut standing_changes) = watch::channel(Standing::Awaiting);
    let executor = SocketExecutor {
        state: state.clone(),
        credentials: Arc::new(OnceLock::new()),
        standing: Arc::new(standing),
        slot: Arc::new(OnceLock::new()),
        running: RunningOperations::default(),
    };
    let connect = executor.clone();
    let mut output = WebSocket::new(executor, input, protocol)
        .on_connection_init(move |payload| connect.connect(payload));
    let shutting_down = state.lifecycle.shutdown.clone();
    // Before connection_init: the 10 s allowed for it; after: the token's expiry, if it has one.
    let deadline = tokio::time::sleep(CONNECTION_INIT_TIMEOUT);
    tokio::pin!(deadline);
    let mut current = Standing::Awaiting;
    // Whether the revocation feed is still there (it lives as long as the server's services).
    let mut hearing_revocations = true;
    let close = loop {
        tokio::select! {
            // Closing comes first: nothing is sent once the socket must close.
            biased;
            _ = shutting_down.cancelled() => break Some((GOING_AWAY, "Hearth is shutting down; reconnect")),
            changed = standing_changes.changed() => {
                // The executor, which holds the sender, lives as long as the socket.
                if changed.is_err() {
                    break None;
                }
                current = *standing_changes.borrow_and_update();
                match current {
                    Standing::Refused(UNAUTHORIZED) => break Some((UNAUTHORIZED, "Unauthorized: the API token is not valid (unknown, revoked or expired)")),
                    Standing::Refused(TOO_MANY) => break Some((TOO_MANY, "Too many WebSockets open with this API token (HEARTH_MAX_SOCKETS_PER_TOKEN)")),
                    Standing::Refused(code) => break Some((code, "Forbidden: choose an organization you belong to")),
                    Standing::Bound { expires_at, .. } => match expires_at {
                        Some(at) => deadline.as_mut().reset(instant_of(at)),
                        None => deadline.as_mut().reset(Instant::now() + Duration::from_secs(365 * 24 * 3600)),
                    },
                    Standing::Awaiting => {}
                }
            }
            _ = &mut deadline => match current {
                Standing::Awaiting => break Some((INIT_TIMEOUT, "Connection initialisation timeout")),
                _ => break Some((UNAUTHORIZED, "Unauthorized: the API token has expired")),
            },
            revoked = revocations.recv(), if hearing_revocations => {
                let Standing::Bound { token_id, .. } = current else { continue };
                let ends = match revoked {
                    Ok(id) => id == token_id,
                    // Missed some announcements: ask the database about this socket's token.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        !tokens::still_valid(&state.services, token_id).await.unwrap_or(true)
                    }
                    Err(broadcast::error::RecvError::Closed) => {
                        hearing_revocations = false;
                        false
                    }
                };
                if ends {
                    break Some((UNAUTHORIZED, "Unauthorized: the API token was revoked"));
                }
            }
            message = output.next() => {
                let Some(message) = message else { break None };
                let message = match message {
                    WsMessage::Text(text) => Message::Text(text.into()),
                    // A refused connection_init: the close code says why (async-graphql says 1002).
                    WsMessage::Close(code, reason) => {
                        let code = match *standing_changes.borrow() {
                            Standing::Refused(refused) => refused,
                            // An operation before connection_init: graphql-transport-ws says
                            // 4401 Unauthorized (async-graphql says 1011).
                            Standing::Awaiting if code == HANDSHAKE_INCOMPLETE => UNAUTHORIZED,
                            _ => code,
                        };
                        Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                    }
                };
                if sink.send(message).await.is_err() {
                    return;
                }
            }
        }
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    let _ = sink.close().await;
}

/// The monotonic instant of a wall-clock time (now, if it has passed).
fn instant_of(at: DateTime<Utc>) -> Instant {
    let left = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
    Instant::now() + left
}
