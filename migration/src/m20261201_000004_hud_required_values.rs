//! The values HUD's FY2026 CSV specification requires and Hearth did not keep (rule D6):
//! - 2.03 CoC code per project (`coc_code`; empty means the community's, HEARTH_COC_CODE) and 2.02.5
//!   Continuum Project (`continuum_project`, true for every existing project: they are the CoC's);
//! - 3.16 Enrollment CoC (`enrollment_coc`, the project's CoC at entry; empty for existing
//!   enrollments, which then report their project's);
//! - 5.10 ImplementationID: one row in `installation`, made here once and never changed, so every
//!   server on the database and every later export names the same installation;
//! - CEParticipation.csv's own IDs, as for the other files (`hud_id`, `hud_user_id`): a period
//!   imported with an ID that is not a UUID keeps it, so exports write it back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Project {
    Table,
    CocCode,
    /// HUD's ContinuumProject (named apart from the enum, which clippy wants).
    #[sea_orm(iden = "continuum_project")]
    Continuum,
}

#[derive(DeriveIden, Clone, Copy)]
enum Enrollment {
    Table,
    EnrollmentCoc,
}

#[derive(DeriveIden, Clone, Copy)]
enum CeParticipation {
    Table,
    HudId,
    HudUserId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Installation {
    Table,
    Id,
    ImplementationId,
    DateCreated,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One change per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Project::Table)
                    .add_column(string_len_null(Project::CocCode, 6))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Project::Table)
                    .add_column(boolean(Project::Continuum).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollment::Table)
                    .add_column(string_len_null(Enrollment::EnrollmentCoc, 6))
                    .to_owned(),
            )
            .await?;
        for column in [CeParticipation::HudId, CeParticipation::HudUserId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CeParticipation::Table)
                        .add_column(string_len_null(column, 32))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_ce_participation_hud_id")
                    .table(CeParticipation::Table)
                    .col(CeParticipation::HudId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Installation::Table)
                    .col(integer(Installation::Id).primary_key())
                    .col(string_len(Installation::ImplementationId, 200))
                    .col(timestamp_with_time_zone(Installation::DateCreated))
                    .to_owned(),
            )
            .await?;
        // 32 random hex digits, made by the database so that the value exists once, whichever
        // server ran the migration.
        let random = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => "md5(random()::text || clock_timestamp()::text)",
            _ => "lower(hex(randomblob(16)))",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO installation (id, implementation_id, date_created) \
                 VALUES (1, {random}, CURRENT_TIMESTAMP)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Installation::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_ce_participation_hud_id")
                    .table(CeParticipation::Table)
                    .to_owned(),
            )
            .await?;
        for column in [CeParticipation::HudUserId, CeParticipation::HudId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CeParticipation::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollment::Table)
                    .drop_column(Enrollment::EnrollmentCoc)
                    .to_owned(),
            )
            .await?;
        for column in [Project::Continuum, Project::CocCode] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Project::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
