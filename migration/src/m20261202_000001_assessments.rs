//! HUD 4.19 Coordinated Entry Assessment (rules A1-A3): one row per assessment of a household, kept
//! in its head's CE enrollment, and the indexes the priority list and the CE APR read by.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

// The columns keep HUD's names (AssessmentDate, AssessmentType...), which repeat the table's.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden, Clone, Copy)]
enum Assessment {
    Table,
    Id,
    EnrollmentId,
    HouseholdId,
    ClientId,
    AssessmentDate,
    AssessmentLocation,
    AssessmentType,
    AssessmentLevel,
    PrioritizationStatus,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
    HudId,
    HudUserId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Enrollment {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assessment::Table)
                    .col(uuid(Assessment::Id).primary_key())
                    .col(uuid(Assessment::EnrollmentId))
                    .col(uuid(Assessment::HouseholdId))
                    .col(uuid(Assessment::ClientId))
                    .col(date(Assessment::AssessmentDate))
                    .col(string_len(Assessment::AssessmentLocation, 250))
                    .col(integer(Assessment::AssessmentType))
                    .col(integer(Assessment::AssessmentLevel))
                    .col(integer(Assessment::PrioritizationStatus))
                    .col(timestamp_with_time_zone(Assessment::DateCreated))
                    .col(timestamp_with_time_zone(Assessment::DateUpdated))
                    .col(uuid_null(Assessment::UserId))
                    .col(timestamp_with_time_zone_null(Assessment::DateDeleted))
                    .col(string_len_null(Assessment::HudId, 32))
                    .col(string_len_null(Assessment::HudUserId, 32))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assessment_enrollment_id")
                            .from(Assessment::Table, Assessment::EnrollmentId)
                            .to(Enrollment::Table, Enrollment::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The enrollment's latest assessment (the priority list) and an enrollment's or a client's
        // assessments (nested reads) are index probes.
        manager
            .create_index(
                Index::create()
                    .name("ix_assessment_enrollment_date")
                    .table(Assessment::Table)
                    .col(Assessment::EnrollmentId)
                    .col(Assessment::AssessmentDate)
                    .col(Assessment::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_assessment_client_id")
                    .table(Assessment::Table)
                    .col(Assessment::ClientId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_assessment_hud_id")
                    .table(Assessment::Table)
                    .col(Assessment::HudId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The CE APR's range scan.
        manager
            .create_index(
                Index::create()
                    .name("ix_assessment_date")
                    .table(Assessment::Table)
                    .col(Assessment::AssessmentDate)
                    .to_owned(),
            )
            .await?;
        // The priority list starts from the open heads' enrollments: a partial index holds only
        // those, so the list's cost follows the households still enrolled, not every enrollment
        // the community ever had. Both databases accept the same partial-index syntax.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_enrollment_open_heads ON enrollment (project_id, id) \
                 WHERE exit_date IS NULL AND relationship_to_hoh = 1 AND date_deleted IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_enrollment_open_heads")
            .await?;
        manager
            .drop_table(Table::drop().table(Assessment::Table).to_owned())
            .await
    }
}
