//! Subscriptions over WebSocket at `/graphql/ws` (graphql-transport-ws). The client authenticates in
//! `connection_init` with `{"Authorization": "Bearer <token>", "X-Organization-Id": "<id>"}`.

use crate::app::AppState;
use crate::graphql::context::{Caller, ORGANIZATION_HEADER};
use crate::graphql::loaders;
use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::response::IntoResponse;

pub async fn upgrade(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> impl IntoResponse {
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let services = state.services.clone();
            GraphQLWebSocket::new(socket, state.schema.clone(), protocol)
                .on_connection_init(move |payload| async move {
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
                    data.insert(loaders::loaders(services.db.clone(), caller.acting.clone()));
                    data.insert(caller);
                    Ok(data)
                })
                .serve()
                .await
        })
}
