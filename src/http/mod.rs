//! HTTP handlers: GraphQL over HTTP, subscriptions over WebSocket, the playground, the probes and
//! the HMIS CSV download and the CE APR download.

pub mod ce_apr;
pub mod context;
pub mod export;
pub mod graphql;
pub mod health;
pub mod limits;
pub mod media;
pub mod playground;
pub mod sockets;
pub mod subscriptions;
