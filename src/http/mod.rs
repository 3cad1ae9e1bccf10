//! HTTP handlers: GraphQL over HTTP, subscriptions over WebSocket, the playground and the probes.

pub mod graphql;
pub mod health;
pub mod limits;
pub mod media;
pub mod subscriptions;
