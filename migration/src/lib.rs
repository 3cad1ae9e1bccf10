//! Hearth's schema migrations, one file per change. A migration that has landed is never edited:
//! a later change gets a new file. Each runs on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_initial_schema;
mod m20261125_000002_hud_ids;
mod m20261125_000003_audit_trail;
mod m20261201_000001_token_revocations;
mod m20261201_000002_client_sex;
mod m20261201_000003_ce_participation;
mod m20261201_000004_hud_required_values;
mod m20261201_000005_households;
mod m20261201_000006_referral_lifecycle;
mod m20261202_000001_assessments;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_initial_schema::Migration),
            Box::new(m20261125_000002_hud_ids::Migration),
            Box::new(m20261125_000003_audit_trail::Migration),
            Box::new(m20261201_000001_token_revocations::Migration),
            Box::new(m20261201_000002_client_sex::Migration),
            Box::new(m20261201_000003_ce_participation::Migration),
            Box::new(m20261201_000004_hud_required_values::Migration),
            Box::new(m20261201_000005_households::Migration),
            Box::new(m20261201_000006_referral_lifecycle::Migration),
            Box::new(m20261202_000001_assessments::Migration),
        ]
    }
}
