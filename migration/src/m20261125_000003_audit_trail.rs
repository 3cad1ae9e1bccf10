//! The audit trail: one row per change (and per client read by housing staff), written in the
//! transaction of the change.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    Id,
    OccurredAt,
    UserId,
    OrganizationId,
    Operation,
    RecordType,
    RecordId,
    Changes,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppUser {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(uuid(AuditEvent::Id).primary_key())
                    .col(timestamp_with_time_zone(AuditEvent::OccurredAt))
                    .col(uuid(AuditEvent::UserId))
                    .col(uuid_null(AuditEvent::OrganizationId))
                    .col(string_len(AuditEvent::Operation, 64))
                    .col(string_len(AuditEvent::RecordType, 32))
                    .col(uuid(AuditEvent::RecordId))
                    .col(text(AuditEvent::Changes))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_event_user_id")
                            .from(AuditEvent::Table, AuditEvent::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // A record's history, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_event_record")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::RecordId)
                    .col(AuditEvent::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
            .await
    }
}
