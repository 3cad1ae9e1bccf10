//! An index on `api_token.revoked_at`: every server looks for tokens revoked since its last look a
//! few times a second (to close their WebSockets, rule F3), which must not scan every token.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ApiToken {
    Table,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_api_token_revoked_at")
                    .table(ApiToken::Table)
                    .col(ApiToken::RevokedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_api_token_revoked_at")
                    .table(ApiToken::Table)
                    .to_owned(),
            )
            .await
    }
}
