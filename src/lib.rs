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
    count_statements(&mut db, &metrics);
    db::migrate(&db).await?;
    Ok(Services::new(
        db,
        Clock::new(community.time_zone, community.today),
        community.coc_code.clone(),
        Notifier::new(),
        metrics,
    ))
}

/// [`open`], then the read replica when HEARTH_READ_REPLICA_URL names one: `hearth serve` and
/// `hearth export`, the commands that run the reporting reads. The other commands use [`open`], so
/// that a migration or a new admin never waits on a standby.
///
/// The replica gets no migrations: it replays the primary's, which [`open`] has just run.
pub async fn open_with_replica(
    database: &DatabaseSettings,
    community: &CommunitySettings,
) -> Result<Services, sea_orm::DbErr> {
    let replica_url = database.read_replica().map_err(sea_orm::DbErr::Custom)?;
    let services = open(database, community).await?;
    let Some(url) = replica_url else {
        return Ok(services);
    };
    let mut replica = db::connect(&DatabaseSettings {
        database_url: url.to_owned(),
        read_replica_url: None,
        ..database.clone()
    })
    .await?;
    count_statements(&mut replica, &services.metrics);
    Ok(services.with_read_replica(replica))
}

/// Counts every statement a request causes on `db` in `/metrics` and gives it a span; a server's
/// own background statements are left out.
fn count_statements(db: &mut sea_orm::DatabaseConnection, metrics: &Arc<Metrics>) {
    let counter = metrics.clone();
    db.set_metric_callback(move |info| {
        if !db::is_background(&info.statement.sql) {
            counter.statement_executed();
            telemetry::record_statement(info);
        }
    });
}
