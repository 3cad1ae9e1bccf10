//! Subscriptions over WebSocket at `/graphql/ws` (graphql-transport-ws; the older graphql-ws is
//! accepted too). The client authenticates in `connection_init` with
//! `{"Authorization": "Bearer <token>", "X-Organization-Id": "<id>"}`.
//!
//! Our own loop around async-graphql's protocol state machine rather than async-graphql-axum's
//! `serve`, so that on shutdown every open subscription is closed cleanly (close code 1001) instead
//! of being cut off.

use crate::app::AppState;
use crate::graphql::context::{Caller, ORGANIZATION_HEADER};
use crate::graphql::loaders;
use async_graphql::Data;
use async_graphql::http::{
    ALL_WEBSOCKET_PROTOCOLS, WebSocket, WebSocketProtocols as Protocols, WsMessage,
};
use axum::extract::ws::{CloseFrame, Message};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use futures_util::{SinkExt, StreamExt, future};
use std::str::FromStr;

/// WebSocket close code 1001 "going away": the server is shutting down.
const GOING_AWAY: u16 = 1001;

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
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| tracker.track_future(serve(state, socket, protocol)))
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
    let services = state.services.clone();
    let mut output = WebSocket::new(state.schema.clone(), input, protocol).on_connection_init(
        move |payload| async move {
            let field = |name: &str| {
                payload
                    .as_object()
                    .and_then(|o| {
                        o.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v)
                    })
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let caller = Caller::resolve(
                &services,
                field("Authorization").as_deref(),
                field(ORGANIZATION_HEADER).as_deref(),
            )
            .await?;
            let mut data = Data::default();
            data.insert(loaders::uncached_loaders(
                services.db.clone(),
                caller.acting.clone(),
            ));
            data.insert(caller);
            Ok(data)
        },
    );
    let shutting_down = state.lifecycle.shutdown.clone();
    loop {
        tokio::select! {
            message = output.next() => {
                let Some(message) = message else { break };
                let message = match message {
                    WsMessage::Text(text) => Message::Text(text.into()),
                    WsMessage::Close(code, reason) => Message::Close(Some(CloseFrame { code, reason: reason.into() })),
                };
                if sink.send(message).await.is_err() {
                    return;
                }
            }
            _ = shutting_down.cancelled() => {
                let close = CloseFrame { code: GOING_AWAY, reason: "Hearth is shutting down; reconnect".into() };
                let _ = sink.send(Message::Close(Some(close))).await;
                break;
            }
        }
    }
    let _ = sink.close().await;
}
