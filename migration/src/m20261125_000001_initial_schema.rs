//! The first schema: who signs in (users, memberships, tokens) and the HUD records of the referral
//! workflow (organizations, projects, clients, enrollments, CE events).
//!
//! The database guards what it can on its own: foreign keys, unique emails and token hashes, one
//! membership per (user, organization), one referral per resulting enrollment, NOT NULL where HUD
//! requires a value. Rules that need the calendar or several rows live in the service layer.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AppUser {
    Table,
    Id,
    Email,
    Name,
    DateCreated,
    DateUpdated,
    DateDeleted,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    Table,
    Id,
    Name,
    VictimServiceProvider,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
}

#[derive(DeriveIden, Clone, Copy)]
enum Membership {
    Table,
    Id,
    UserId,
    OrganizationId,
    Role,
    DateCreated,
    DateUpdated,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiToken {
    Table,
    Id,
    UserId,
    TokenHash,
    Label,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
#[allow(clippy::enum_variant_names)] // HUD's own column name: ProjectType.
enum Project {
    Table,
    Id,
    OrganizationId,
    Name,
    ProjectType,
    OperatingStartDate,
    OperatingEndDate,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
}

#[derive(DeriveIden, Clone, Copy)]
enum Client {
    Table,
    Id,
    FirstName,
    LastName,
    FirstNameSearch,
    LastNameSearch,
    DateOfBirth,
    CreatedByOrganizationId,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
}

#[derive(DeriveIden, Clone, Copy)]
enum Enrollment {
    Table,
    Id,
    ClientId,
    ProjectId,
    EntryDate,
    ExitDate,
    Destination,
    MoveInDate,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
}

#[derive(DeriveIden, Clone, Copy)]
enum CeEvent {
    Table,
    Id,
    EnrollmentId,
    ClientId,
    EventDate,
    EventType,
    ProbSolDivRrResult,
    ReferralCaseManageAfter,
    ReferredProjectId,
    ReferralResult,
    ResultDate,
    ResultingEnrollmentId,
    ResolvedByUserId,
    ResolvedAsOrganizationId,
    DateCreated,
    DateUpdated,
    UserId,
    DateDeleted,
}

/// A foreign key from `table.column` to `to_table.id`, named after both.
fn fk(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + Copy + 'static,
    to_table: impl IntoIden + Copy + 'static,
    to_column: impl IntoIden + Copy + 'static,
) -> ForeignKeyCreateStatement {
    let name = format!("fk_{}_{}", table.into_iden(), column.into_iden());
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(to_table, to_column)
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Restrict)
        .to_owned()
}

/// The HUD audit columns every HMIS record carries: DateCreated, DateUpdated, UserID, DateDeleted.
fn with_hud_audit_columns(
    table: &mut TableCreateStatement,
    date_created: impl IntoIden,
    date_updated: impl IntoIden,
    user_id: impl IntoIden,
    date_deleted: impl IntoIden,
) {
    table
        .col(timestamp_with_time_zone(date_created))
        .col(timestamp_with_time_zone(date_updated))
        .col(uuid_null(user_id))
        .col(timestamp_with_time_zone_null(date_deleted));
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(uuid(AppUser::Id).primary_key())
                    .col(string_len_uniq(AppUser::Email, 320))
                    .col(string_len(AppUser::Name, 200))
                    .col(timestamp_with_time_zone(AppUser::DateCreated))
                    .col(timestamp_with_time_zone(AppUser::DateUpdated))
                    .col(timestamp_with_time_zone_null(AppUser::DateDeleted))
                    .to_owned(),
            )
            .await?;

        let mut organization = Table::create()
            .table(Organization::Table)
            .col(uuid(Organization::Id).primary_key())
            .col(string_len(Organization::Name, 200))
            .col(boolean(Organization::VictimServiceProvider))
            .to_owned();
        with_hud_audit_columns(
            &mut organization,
            Organization::DateCreated,
            Organization::DateUpdated,
            Organization::UserId,
            Organization::DateDeleted,
        );
        organization.foreign_key(&mut fk(
            Organization::Table,
            Organization::UserId,
            AppUser::Table,
            AppUser::Id,
        ));
        manager.create_table(organization).await?;

        manager
            .create_table(
                Table::create()
                    .table(Membership::Table)
                    .col(uuid(Membership::Id).primary_key())
                    .col(uuid(Membership::UserId))
                    .col(uuid(Membership::OrganizationId))
                    .col(string_len(Membership::Role, 32))
                    .col(timestamp_with_time_zone(Membership::DateCreated))
                    .col(timestamp_with_time_zone(Membership::DateUpdated))
                    .foreign_key(&mut fk(
                        Membership::Table,
                        Membership::UserId,
                        AppUser::Table,
                        AppUser::Id,
                    ))
                    .foreign_key(&mut fk(
                        Membership::Table,
                        Membership::OrganizationId,
                        Organization::Table,
                        Organization::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_membership_user_organization")
                    .table(Membership::Table)
                    .col(Membership::UserId)
                    .col(Membership::OrganizationId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(uuid(ApiToken::Id).primary_key())
                    .col(uuid(ApiToken::UserId))
                    .col(string_len_uniq(ApiToken::TokenHash, 64))
                    .col(string_len(ApiToken::Label, 200))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .foreign_key(&mut fk(
                        ApiToken::Table,
                        ApiToken::UserId,
                        AppUser::Table,
                        AppUser::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        let mut project = Table::create()
            .table(Project::Table)
            .col(uuid(Project::Id).primary_key())
            .col(uuid(Project::OrganizationId))
            .col(string_len(Project::Name, 200))
            .col(integer(Project::ProjectType))
            .col(date(Project::OperatingStartDate))
            .col(date_null(Project::OperatingEndDate))
            .to_owned();
        with_hud_audit_columns(
            &mut project,
            Project::DateCreated,
            Project::DateUpdated,
            Project::UserId,
            Project::DateDeleted,
        );
        project
            .foreign_key(&mut fk(
                Project::Table,
                Project::OrganizationId,
                Organization::Table,
                Organization::Id,
            ))
            .foreign_key(&mut fk(
                Project::Table,
                Project::UserId,
                AppUser::Table,
                AppUser::Id,
            ));
        manager.create_table(project).await?;

        let mut client = Table::create()
            .table(Client::Table)
            .col(uuid(Client::Id).primary_key())
            .col(string_len(Client::FirstName, 100))
            .col(string_len(Client::LastName, 100))
            .col(string_len(Client::FirstNameSearch, 100))
            .col(string_len(Client::LastNameSearch, 100))
            .col(date_null(Client::DateOfBirth))
            .col(uuid(Client::CreatedByOrganizationId))
            .to_owned();
        with_hud_audit_columns(
            &mut client,
            Client::DateCreated,
            Client::DateUpdated,
            Client::UserId,
            Client::DateDeleted,
        );
        client
            .foreign_key(&mut fk(
                Client::Table,
                Client::CreatedByOrganizationId,
                Organization::Table,
                Organization::Id,
            ))
            .foreign_key(&mut fk(
                Client::Table,
                Client::UserId,
                AppUser::Table,
                AppUser::Id,
            ));
        manager.create_table(client).await?;

        let mut enrollment = Table::create()
            .table(Enrollment::Table)
            .col(uuid(Enrollment::Id).primary_key())
            .col(uuid(Enrollment::ClientId))
            .col(uuid(Enrollment::ProjectId))
            .col(date(Enrollment::EntryDate))
            .col(date_null(Enrollment::ExitDate))
            .col(integer_null(Enrollment::Destination))
            .col(date_null(Enrollment::MoveInDate))
            .to_owned();
        with_hud_audit_columns(
            &mut enrollment,
            Enrollment::DateCreated,
            Enrollment::DateUpdated,
            Enrollment::UserId,
            Enrollment::DateDeleted,
        );
        enrollment
            .foreign_key(&mut fk(
                Enrollment::Table,
                Enrollment::ClientId,
                Client::Table,
                Client::Id,
            ))
            .foreign_key(&mut fk(
                Enrollment::Table,
                Enrollment::ProjectId,
                Project::Table,
                Project::Id,
            ))
            .foreign_key(&mut fk(
                Enrollment::Table,
                Enrollment::UserId,
                AppUser::Table,
                AppUser::Id,
            ));
        manager.create_table(enrollment).await?;

        let mut ce_event = Table::create()
            .table(CeEvent::Table)
            .col(uuid(CeEvent::Id).primary_key())
            .col(uuid(CeEvent::EnrollmentId))
            .col(uuid(CeEvent::ClientId))
            .col(date(CeEvent::EventDate))
            .col(integer(CeEvent::EventType))
            .col(integer_null(CeEvent::ProbSolDivRrResult))
            .col(integer_null(CeEvent::ReferralCaseManageAfter))
            .col(uuid_null(CeEvent::ReferredProjectId))
            .col(integer_null(CeEvent::ReferralResult))
            .col(date_null(CeEvent::ResultDate))
            .col(uuid_null(CeEvent::ResultingEnrollmentId).unique_key())
            .col(uuid_null(CeEvent::ResolvedByUserId))
            .col(uuid_null(CeEvent::ResolvedAsOrganizationId))
            .to_owned();
        with_hud_audit_columns(
            &mut ce_event,
            CeEvent::DateCreated,
            CeEvent::DateUpdated,
            CeEvent::UserId,
            CeEvent::DateDeleted,
        );
        ce_event
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::EnrollmentId,
                Enrollment::Table,
                Enrollment::Id,
            ))
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::ClientId,
                Client::Table,
                Client::Id,
            ))
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::ReferredProjectId,
                Project::Table,
                Project::Id,
            ))
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::ResultingEnrollmentId,
                Enrollment::Table,
                Enrollment::Id,
            ))
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::ResolvedByUserId,
                AppUser::Table,
                AppUser::Id,
            ))
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::ResolvedAsOrganizationId,
                Organization::Table,
                Organization::Id,
            ))
            .foreign_key(&mut fk(
                CeEvent::Table,
                CeEvent::UserId,
                AppUser::Table,
                AppUser::Id,
            ));
        manager.create_table(ce_event).await?;

        // Indexes for the lookups every request makes: foreign keys followed by DataLoaders, scope
        // subqueries, the inbox (referred project + result), and name-prefix search.
        let indexes: [(&str, DynIden, Vec<DynIden>); 10] = [
            (
                "ix_membership_organization",
                Membership::Table.into_iden(),
                vec![Membership::OrganizationId.into_iden()],
            ),
            (
                "ix_api_token_user",
                ApiToken::Table.into_iden(),
                vec![ApiToken::UserId.into_iden()],
            ),
            (
                "ix_project_organization",
                Project::Table.into_iden(),
                vec![Project::OrganizationId.into_iden()],
            ),
            (
                "ix_client_created_by_organization",
                Client::Table.into_iden(),
                vec![
                    Client::CreatedByOrganizationId.into_iden(),
                    Client::Id.into_iden(),
                ],
            ),
            (
                "ix_client_first_name_search",
                Client::Table.into_iden(),
                vec![Client::FirstNameSearch.into_iden()],
            ),
            (
                "ix_client_last_name_search",
                Client::Table.into_iden(),
                vec![Client::LastNameSearch.into_iden()],
            ),
            (
                "ix_enrollment_client_project",
                Enrollment::Table.into_iden(),
                vec![
                    Enrollment::ClientId.into_iden(),
                    Enrollment::ProjectId.into_iden(),
                ],
            ),
            (
                "ix_enrollment_project",
                Enrollment::Table.into_iden(),
                vec![
                    Enrollment::ProjectId.into_iden(),
                    Enrollment::Id.into_iden(),
                ],
            ),
            (
                "ix_ce_event_enrollment",
                CeEvent::Table.into_iden(),
                vec![CeEvent::EnrollmentId.into_iden()],
            ),
            (
                "ix_ce_event_client",
                CeEvent::Table.into_iden(),
                vec![CeEvent::ClientId.into_iden()],
            ),
        ];
        for (name, table, columns) in indexes {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_ce_event_referred_project")
                    .table(CeEvent::Table)
                    .col(CeEvent::ReferredProjectId)
                    .col(CeEvent::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CeEvent::Table.into_iden(),
            Enrollment::Table.into_iden(),
            Client::Table.into_iden(),
            Project::Table.into_iden(),
            ApiToken::Table.into_iden(),
            Membership::Table.into_iden(),
            Organization::Table.into_iden(),
            AppUser::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
