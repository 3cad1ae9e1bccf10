//! Hearth: a GraphQL API server for HMIS Coordinated Entry referrals.
//!
//! Layout: `domain` (HUD codes, validated values, actor), `service` (the workflow's rules and
//! transactions), `graphql` (schema and thin resolvers), `http` and `app` (axum), `db` (connection and
//! migrations), `config` (settings), `demo` (the seeded demo community).

pub mod app;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod service;
pub mod telemetry;

use config::{ClockSettings, DatabaseSettings};
use domain::Clock;
use service::Services;
use service::notify::ReferralNotifier;

/// Opens the database (running pending migrations) and builds the shared services.
pub async fn open(
    database: &DatabaseSettings,
    clock: &ClockSettings,
) -> Result<Services, sea_orm::DbErr> {
    let db = db::connect_and_migrate(database).await?;
    Ok(Services::new(
        db,
        Clock::new(clock.time_zone, clock.today),
        ReferralNotifier::new(),
    ))
}
