//! HUD HMIS CSV import keeps each record's own HUD ID (`hud_id`) when it is not a UUID, so that a
//! re-export writes it unchanged; one unique index per table guards it.
//!
//! Two more columns serve the same round trip: `hud_user_id` keeps a UserID as given when it names no
//! Hearth user (the HMIS's user list often travels without them), and `enrollment.exit_hud_id` keeps an
//! Exit.csv ExitID that differs from the EnrollmentID (Hearth folds the exit into the enrollment).
//! All are nullable: records made in Hearth have none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Project {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Client {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Enrollment {
    Table,
    ExitHudId,
}

#[derive(DeriveIden, Clone, Copy)]
enum CeEvent {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppUser {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Column {
    HudId,
    HudUserId,
}

/// HUD IDs are strings of at most 32 characters (HMIS CSV FY2024).
const HUD_ID_LENGTH: u32 = 32;

fn tables() -> [(DynIden, &'static str, bool); 6] {
    // (table, its name for the index, whether it carries a UserID)
    [
        (Organization::Table.into_iden(), "organization", true),
        (Project::Table.into_iden(), "project", true),
        (Client::Table.into_iden(), "client", true),
        (Enrollment::Table.into_iden(), "enrollment", true),
        (CeEvent::Table.into_iden(), "ce_event", true),
        (AppUser::Table.into_iden(), "app_user", false),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER TABLE: SQLite accepts no more.
        for (table, name, has_user) in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.clone())
                        .add_column(string_len_null(Column::HudId, HUD_ID_LENGTH))
                        .to_owned(),
                )
                .await?;
            if has_user {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .add_column(string_len_null(Column::HudUserId, HUD_ID_LENGTH))
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .create_index(
                    Index::create()
                        .name(format!("ux_{name}_hud_id"))
                        .table(table)
                        .col(Column::HudId)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollment::Table)
                    .add_column(string_len_null(Enrollment::ExitHudId, HUD_ID_LENGTH))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollment::Table)
                    .drop_column(Enrollment::ExitHudId)
                    .to_owned(),
            )
            .await?;
        for (table, name, has_user) in tables() {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ux_{name}_hud_id"))
                        .table(table.clone())
                        .to_owned(),
                )
                .await?;
            if has_user {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .drop_column(Column::HudUserId)
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Column::HudId)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
