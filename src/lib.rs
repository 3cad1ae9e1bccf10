//! Hearth: a GraphQL API server for HMIS Coordinated Entry referrals.
//!
//! Layout: `domain` (HUD codes, validated values, actor), `service` (the workflow's rules and
//! transactions), `graphql` (schema and thin resolvers), `http` and `app` (axum), `db` (connection and
//! migrations), `config` (settings), `demo` (the seeded demo community), `interop` (the HUD HMIS CSV
//! export and import).

pub mod app;
pub mod backup;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod interop;
pub mod metrics;
pub mod progress;
pub mod service;
pub mod telemetry;

use config::{CommunitySettings, DatabaseSettings};
use domain::Clock;
use metrics::Metrics;
use service::Services;
use service::notify::Notifier;
use std::sync::Arc;

/// Opens the database (running pending migrations) and builds the shared services.
pub async fn open(
    database: &DatabaseSettings,
    community: &CommunitySettings,
) -> Result<Services, sea_orm::DbErr> {
    let metrics = Arc::new(Metrics::new());
    let mut db = db::connect(database).await?;
    let counter = metrics.clone();
    db.set_metric_callback(move |info| {
        if !db::is_background(&info.statement.sql) {
            counter.statement_executed();
            telemetry::record_statement(info);
        }
    });
    db::migrate(&db).await?;
    Ok(Services::new(
        db,
        Clock::new(community.time_zone, community.today),
        community.coc_code.clone(),
        Notifier::new(),
        metrics,
    ))
}
