//! The referral's lifecycle (rules L1-L7): acknowledgement, decline reasons, cancellation, notes, and
//! the reason a change was made, kept with its audit record.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CeEvent {
    Table,
    Id,
    AcknowledgedAt,
    AcknowledgedByUserId,
    DeclineReason,
    CancelledAt,
    CancellationReason,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReferralNote {
    Table,
    Id,
    CeEventId,
    Text,
    AuthorUserId,
    OrganizationId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER TABLE: SQLite accepts no more.
        let columns = [
            timestamp_with_time_zone_null(CeEvent::AcknowledgedAt),
            uuid_null(CeEvent::AcknowledgedByUserId),
            integer_null(CeEvent::DeclineReason),
            timestamp_with_time_zone_null(CeEvent::CancelledAt),
            string_len_null(CeEvent::CancellationReason, 500),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(CeEvent::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvent::Table)
                    .add_column(string_len_null(AuditEvent::Reason, 500))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReferralNote::Table)
                    .col(uuid(ReferralNote::Id).primary_key())
                    .col(uuid(ReferralNote::CeEventId))
                    .col(string_len(ReferralNote::Text, 2000))
                    .col(uuid(ReferralNote::AuthorUserId))
                    .col(uuid(ReferralNote::OrganizationId))
                    .col(timestamp_with_time_zone(ReferralNote::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_referral_note_ce_event_id")
                            .from(ReferralNote::Table, ReferralNote::CeEventId)
                            .to(CeEvent::Table, CeEvent::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_referral_note_ce_event_id")
                    .table(ReferralNote::Table)
                    .col(ReferralNote::CeEventId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReferralNote::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvent::Table)
                    .drop_column(AuditEvent::Reason)
                    .to_owned(),
            )
            .await?;
        for column in [
            CeEvent::CancellationReason,
            CeEvent::CancelledAt,
            CeEvent::DeclineReason,
            CeEvent::AcknowledgedByUserId,
            CeEvent::AcknowledgedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CeEvent::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
