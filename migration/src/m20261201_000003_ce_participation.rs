//! HUD 2.09 Coordinated Entry Participation Status: the periods of each project's CE roles. Every
//! existing project gets one period from its operating start to its operating end, so that existing
//! data keeps working: a Coordinated Entry project (type 14) is an access point that does housing
//! assessments, every other project receives CE referrals. That first period takes its project's id.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CeParticipation {
    Table,
    Id,
    ProjectId,
    AccessPoint,
    PreventionAssessment,
    CrisisAssessment,
    HousingAssessment,
    DirectServices,
    ReceivesReferrals,
    StartDate,
    EndDate,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
}

#[derive(DeriveIden, Clone, Copy)]
enum Project {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CeParticipation::Table)
                    .col(uuid(CeParticipation::Id).primary_key())
                    .col(uuid(CeParticipation::ProjectId))
                    .col(boolean(CeParticipation::AccessPoint))
                    .col(boolean(CeParticipation::PreventionAssessment))
                    .col(boolean(CeParticipation::CrisisAssessment))
                    .col(boolean(CeParticipation::HousingAssessment))
                    .col(boolean(CeParticipation::DirectServices))
                    .col(boolean(CeParticipation::ReceivesReferrals))
                    .col(date(CeParticipation::StartDate))
                    .col(date_null(CeParticipation::EndDate))
                    .col(timestamp_with_time_zone(CeParticipation::DateCreated))
                    .col(timestamp_with_time_zone(CeParticipation::DateUpdated))
                    .col(uuid_null(CeParticipation::UserId))
                    .col(timestamp_with_time_zone_null(CeParticipation::DateDeleted))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ce_participation_project_id")
                            .from(CeParticipation::Table, CeParticipation::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // A project's periods in order, and the one covering a date.
        manager
            .create_index(
                Index::create()
                    .name("ix_ce_participation_project_start")
                    .table(CeParticipation::Table)
                    .col(CeParticipation::ProjectId)
                    .col(CeParticipation::StartDate)
                    .to_owned(),
            )
            .await?;
        // `project_type = 14` is a boolean in both databases (an integer 0/1 in SQLite).
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO ce_participation (id, project_id, access_point, prevention_assessment, \
                 crisis_assessment, housing_assessment, direct_services, receives_referrals, \
                 start_date, end_date, date_created, date_updated, user_id, date_deleted) \
                 SELECT id, id, project_type = 14, FALSE, FALSE, project_type = 14, FALSE, \
                 project_type <> 14, operating_start_date, operating_end_date, date_created, \
                 date_updated, NULL, NULL FROM project",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CeParticipation::Table).to_owned())
            .await
    }
}
