//! HUD 3.14/3.15 households: the people who enter one project together (rules H1-H7).
//!
//! - `household`: one row per household (HouseholdID), in one project; `hud_id` keeps a HouseholdID
//!   imported from another HMIS that is not a UUID.
//! - `enrollment.household_id` and `enrollment.relationship_to_hoh` (HUD 3.15). Every existing
//!   enrollment becomes the head (1 Self) of a household of one that takes its id and its HUD ID, so
//!   HouseholdIDs already exported (each the EnrollmentID) stay what they were.
//! - `ce_event.household_id`: the CE household the event was recorded for (its enrollment's, which
//!   never changes), so that scope (H6) and the priority list read it without a join.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Household {
    Table,
    Id,
    ProjectId,
    HudId,
    DateCreated,
    DateUpdated,
}

#[derive(DeriveIden, Clone, Copy)]
enum Project {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Enrollment {
    Table,
    HouseholdId,
    RelationshipToHoh,
}

#[derive(DeriveIden, Clone, Copy)]
enum CeEvent {
    Table,
    HouseholdId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Household::Table)
                    .col(uuid(Household::Id).primary_key())
                    .col(uuid(Household::ProjectId))
                    .col(string_len_null(Household::HudId, 32))
                    .col(timestamp_with_time_zone(Household::DateCreated))
                    .col(timestamp_with_time_zone(Household::DateUpdated))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_household_project_id")
                            .from(Household::Table, Household::ProjectId)
                            .to(Project::Table, Project::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_household_hud_id")
                    .table(Household::Table)
                    .col(Household::HudId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // One change per ALTER TABLE: SQLite accepts no more. The household column stays nullable in
        // the table (SQLite cannot add a NOT NULL column without a default); every write sets it.
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollment::Table)
                    .add_column(uuid_null(Enrollment::HouseholdId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollment::Table)
                    .add_column(integer(Enrollment::RelationshipToHoh).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CeEvent::Table)
                    .add_column(uuid_null(CeEvent::HouseholdId))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO household (id, project_id, hud_id, date_created, date_updated) \
             SELECT id, project_id, hud_id, date_created, date_updated FROM enrollment",
        )
        .await?;
        db.execute_unprepared("UPDATE enrollment SET household_id = id")
            .await?;
        db.execute_unprepared("UPDATE ce_event SET household_id = enrollment_id")
            .await?;
        for (name, table, column) in [
            (
                "ix_enrollment_household_id",
                Enrollment::Table.into_iden(),
                Enrollment::HouseholdId.into_iden(),
            ),
            (
                "ix_ce_event_household_id",
                CeEvent::Table.into_iden(),
                CeEvent::HouseholdId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_ce_event_household_id", CeEvent::Table.into_iden()),
            ("ix_enrollment_household_id", Enrollment::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(CeEvent::Table)
                    .drop_column(CeEvent::HouseholdId)
                    .to_owned(),
            )
            .await?;
        for column in [Enrollment::RelationshipToHoh, Enrollment::HouseholdId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Enrollment::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Household::Table).to_owned())
            .await
    }
}
