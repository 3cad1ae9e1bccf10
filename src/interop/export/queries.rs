//! The query behind each file of an export: which records of the range it holds (each condition is
//! on its own table, so it can be a filter or the subquery of another) and the columns each file's
//! rows need, read as one stream inside the export's snapshot.

use super::rows::*;
use crate::error::AppResult;
use crate::interop::ExportRange;
use entity::{
    app_user, assessment, ce_event, ce_participation, client, enrollment, household, organization,
    project,
};
use futures_util::Stream;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationDef, RelationTrait, Select,
};

type Rows<'a, M> = std::pin::Pin<Box<dyn Stream<Item = Result<M, sea_orm::DbErr>> + Send + 'a>>;

pub(super) async fn organizations<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, OrganizationRow>> {
    Ok(Box::pin(
        organization::Entity::find()
            .select_only()
            .columns([
                organization::Column::Id,
                organization::Column::Name,
                organization::Column::VictimServiceProvider,
                organization::Column::HudId,
            ])
            .with_audit()
            .filter(organizations_in(range))
            .order_by_asc(organization::Column::Id)
            .into_model::<OrganizationRow>()
            .stream(txn)
            .await?,
    ))
}

pub(super) async fn users<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, app_user::Model>> {
    Ok(Box::pin(
        app_user::Entity::find()
            .filter(users_in(range))
            .order_by_asc(app_user::Column::Id)
            .stream(txn)
            .await?,
    ))
}

pub(super) async fn projects<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, ProjectRow>> {
    Ok(Box::pin(
        project::Entity::find()
            .select_only()
            .columns([
                project::Column::Id,
                project::Column::OrganizationId,
                project::Column::Name,
                project::Column::ProjectType,
                project::Column::OperatingStartDate,
                project::Column::OperatingEndDate,
                project::Column::HudId,
                project::Column::ContinuumProject,
            ])
            .column_as(organization::Column::HudId, "organization_hud_id")
            .join(JoinType::InnerJoin, project::Relation::Organization.def())
            .with_audit()
            .filter(projects_in(range))
            .order_by_asc(project::Column::Id)
            .into_model::<ProjectRow>()
            .stream(txn)
            .await?,
    ))
}

/// The 2.09 periods of the exported projects, each project's in date order.
pub(super) async fn participations<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, ParticipationRow>> {
    Ok(Box::pin(
        ce_participation::Entity::find()
            .select_only()
            .columns([
                ce_participation::Column::Id,
                ce_participation::Column::ProjectId,
                ce_participation::Column::AccessPoint,
                ce_participation::Column::PreventionAssessment,
                ce_participation::Column::CrisisAssessment,
                ce_participation::Column::HousingAssessment,
                ce_participation::Column::DirectServices,
                ce_participation::Column::ReceivesReferrals,
                ce_participation::Column::StartDate,
                ce_participation::Column::EndDate,
                ce_participation::Column::HudId,
            ])
            .column_as(project::Column::HudId, "project_hud_id")
            .join(
                JoinType::InnerJoin,
                ce_participation::Relation::Project.def(),
            )
            .with_audit()
            .filter(projects_in(range))
            .order_by_asc(ce_participation::Column::ProjectId)
            .order_by_asc(ce_participation::Column::StartDate)
            .order_by_asc(ce_participation::Column::Id)
            .into_model::<ParticipationRow>()
            .stream(txn)
            .await?,
    ))
}

pub(super) async fn clients<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, ClientRow>> {
    Ok(Box::pin(
        client::Entity::find()
            .select_only()
            .columns([
                client::Column::Id,
                client::Column::FirstName,
                client::Column::LastName,
                client::Column::DateOfBirth,
                client::Column::Sex,
                client::Column::HudId,
            ])
            .with_audit()
            .filter(
                client::Column::Id
                    .in_subquery(active_enrollments(range, enrollment::Column::ClientId)),
            )
            .order_by_asc(client::Column::Id)
            .into_model::<ClientRow>()
            .stream(txn)
            .await?,
    ))
}

pub(super) async fn events<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, EventRow>> {
    Ok(Box::pin(
        ce_event::Entity::find()
            .select_only()
            .columns([
                ce_event::Column::Id,
                ce_event::Column::EnrollmentId,
                ce_event::Column::ClientId,
                ce_event::Column::EventDate,
                ce_event::Column::EventType,
                ce_event::Column::ProbSolDivRrResult,
                ce_event::Column::ReferralCaseManageAfter,
                ce_event::Column::ReferredProjectId,
                ce_event::Column::ReferralResult,
                ce_event::Column::ResultDate,
                ce_event::Column::HudId,
                ce_event::Column::CancelledAt,
            ])
            .column_as(enrollment::Column::HudId, "enrollment_hud_id")
            .column_as(client::Column::HudId, "client_hud_id")
            .column_as(project::Column::HudId, "referred_project_hud_id")
            .join(JoinType::InnerJoin, ce_event::Relation::Enrollment.def())
            .join(JoinType::InnerJoin, ce_event::Relation::Client.def())
            .join(
                JoinType::LeftJoin,
                ce_event::Relation::ReferredProject.def(),
            )
            .with_audit()
            .filter(events_in(range))
            .order_by_asc(ce_event::Column::Id)
            .into_model::<EventRow>()
            .stream(txn)
            .await?,
    ))
}

/// The 4.19 assessments dated within `range` (Assessment.csv); each lies within its enrollment
/// (rule A1), so its enrollment is exported too.
pub(super) async fn assessments<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'a, AssessmentRow>> {
    Ok(Box::pin(
        assessment::Entity::find()
            .select_only()
            .columns([
                assessment::Column::Id,
                assessment::Column::EnrollmentId,
                assessment::Column::ClientId,
                assessment::Column::AssessmentDate,
                assessment::Column::AssessmentLocation,
                assessment::Column::AssessmentType,
                assessment::Column::AssessmentLevel,
                assessment::Column::PrioritizationStatus,
                assessment::Column::HudId,
            ])
            .column_as(enrollment::Column::HudId, "enrollment_hud_id")
            .column_as(client::Column::HudId, "client_hud_id")
            .join(JoinType::InnerJoin, assessment::Relation::Enrollment.def())
            .join(JoinType::InnerJoin, assessment::Relation::Client.def())
            .with_audit()
            .filter(assessments_in(range))
            .order_by_asc(assessment::Column::Id)
            .into_model::<AssessmentRow>()
            .stream(txn)
            .await?,
    ))
}

/// The enrollments active in `range` (Enrollment.csv), or those of them that exited (Exit.csv).
pub(super) async fn enrollments<'a>(
    txn: &'a DatabaseTransaction,
    range: ExportRange,
    exited_only: bool,
) -> AppResult<Rows<'a, EnrollmentRow>> {
    let mut select = enrollment::Entity::find()
        .select_only()
        .columns([
            enrollment::Column::Id,
            enrollment::Column::ClientId,
            enrollment::Column::ProjectId,
            enrollment::Column::EntryDate,
            enrollment::Column::ExitDate,
            enrollment::Column::Destination,
            enrollment::Column::MoveInDate,
            enrollment::Column::HudId,
            enrollment::Column::ExitHudId,
            enrollment::Column::EnrollmentCoc,
            enrollment::Column::HouseholdId,
            enrollment::Column::RelationshipToHoh,
        ])
        .column_as(project::Column::CocCode, "project_coc_code")
        .column_as(household::Column::HudId, "household_hud_id")
        .column_as(client::Column::HudId, "client_hud_id")
        .column_as(project::Column::HudId, "project_hud_id")
        .join(JoinType::InnerJoin, enrollment::Relation::Client.def())
        .join(JoinType::InnerJoin, enrollment::Relation::Project.def())
        .join(JoinType::InnerJoin, enrollment::Relation::Household.def())
        .with_audit()
        .filter(enrollments_active(range));
    if exited_only {
        select = select.filter(enrollment::Column::ExitDate.is_not_null());
    }
    Ok(Box::pin(
        select
            .order_by_asc(enrollment::Column::Id)
            .into_model::<EnrollmentRow>()
            .stream(txn)
            .await?,
    ))
}

/// About how many data rows the export of `range` writes: those of its large files (clients,
/// enrollments, exits, events, assessments), counted with the same conditions as their queries, for
/// the CLI's progress bar (the small files are a rounding error).
pub(super) async fn rows_expected(txn: &DatabaseTransaction, range: ExportRange) -> AppResult<u64> {
    let clients = client::Entity::find()
        .filter(
            client::Column::Id.in_subquery(active_enrollments(range, enrollment::Column::ClientId)),
        )
        .count(txn)
        .await?;
    let enrollments = enrollment::Entity::find()
        .filter(enrollments_active(range))
        .count(txn)
        .await?;
    let exits = enrollment::Entity::find()
        .filter(enrollments_active(range))
        .filter(enrollment::Column::ExitDate.is_not_null())
        .count(txn)
        .await?;
    let events = ce_event::Entity::find()
        .filter(events_in(range))
        .count(txn)
        .await?;
    let assessments = assessment::Entity::find()
        .filter(assessments_in(range))
        .count(txn)
        .await?;
    Ok(clients + enrollments + exits + events + assessments)
}

/// A table an export writes with its records' HMIS audit columns (`rows::Audit`).
trait Audited: EntityTrait {
    /// DateCreated, DateUpdated, UserId, DateDeleted and HudUserId (the UserID an import kept).
    fn audit_columns() -> [Self::Column; 5];
    /// The user who last changed the record.
    fn user_id_column() -> Self::Column;
}

macro_rules! audited {
    ($($module:ident),+) => {$(
        impl Audited for $module::Entity {
            fn audit_columns() -> [Self::Column; 5] {
                [
                    $module::Column::DateCreated,
                    $module::Column::DateUpdated,
                    $module::Column::UserId,
                    $module::Column::DateDeleted,
                    $module::Column::HudUserId,
                ]
            }
            fn user_id_column() -> Self::Column {
                $module::Column::UserId
            }
        }
    )+};
}

audited!(
    organization,
    project,
    ce_participation,
    client,
    enrollment,
    ce_event,
    assessment
);

/// A file's query that reads its records' audit columns as `rows::Audit` does, one way for every
/// file.
trait WithAudit {
    /// The record's own audit columns, and the HUD UserID of the user who last changed it (a left
    /// join: an imported record may name none). Added after the query's other joins.
    fn with_audit(self) -> Self;
}

impl<E: Audited> WithAudit for Select<E> {
    fn with_audit(self) -> Self {
        self.columns(E::audit_columns())
            .column_as(app_user::Column::HudId, "user_hud_id")
            .join(JoinType::LeftJoin, user_of::<E>(E::user_id_column()))
    }
}

/// The join from a record to the user who last changed it (no relation in the entities: the column
/// is HUD's UserID, not a navigable link).
fn user_of<E: EntityTrait>(column: E::Column) -> RelationDef {
    E::belongs_to(app_user::Entity)
        .from(column)
        .to(app_user::Column::Id)
        .into()
}

/// Entered by `to` and not exited before `from`.
fn enrollments_active(range: ExportRange) -> Condition {
    Condition::all()
        .add(enrollment::Column::EntryDate.lte(range.to()))
        .add(
            Condition::any()
                .add(enrollment::Column::ExitDate.is_null())
                .add(enrollment::Column::ExitDate.gte(range.from())),
        )
}

fn active_enrollments(range: ExportRange, column: enrollment::Column) -> SelectStatement {
    Query::select()
        .column((enrollment::Entity, column))
        .from(enrollment::Entity)
        .cond_where(enrollments_active(range))
        .to_owned()
}

fn assessments_in(range: ExportRange) -> Condition {
    Condition::all()
        .add(assessment::Column::AssessmentDate.gte(range.from()))
        .add(assessment::Column::AssessmentDate.lte(range.to()))
}

fn events_in(range: ExportRange) -> Condition {
    Condition::all()
        .add(ce_event::Column::EventDate.gte(range.from()))
        .add(ce_event::Column::EventDate.lte(range.to()))
}

fn events_in_range(range: ExportRange, column: ce_event::Column) -> SelectStatement {
    Query::select()
        .column((ce_event::Entity, column))
        .from(ce_event::Entity)
        .cond_where(events_in(range))
        .to_owned()
}

/// Projects with an active enrollment or referred to by an event of the range.
fn projects_in(range: ExportRange) -> Condition {
    Condition::any()
        .add(
            project::Column::Id
                .in_subquery(active_enrollments(range, enrollment::Column::ProjectId)),
        )
        .add(
            project::Column::Id
                .in_subquery(events_in_range(range, ce_event::Column::ReferredProjectId)),
        )
}

/// The organizations operating the exported projects.
fn organizations_in(range: ExportRange) -> Condition {
    Condition::all().add(
        organization::Column::Id.in_subquery(
            Query::select()
                .column((project::Entity, project::Column::OrganizationId))
                .from(project::Entity)
                .cond_where(projects_in(range))
                .to_owned(),
        ),
    )
}

/// The users who last changed an exported record.
fn users_in(range: ExportRange) -> Condition {
    let from_table = |table: SelectStatement| app_user::Column::Id.in_subquery(table);
    Condition::any()
        .add(from_table(
            Query::select()
                .column((organization::Entity, organization::Column::UserId))
                .from(organization::Entity)
                .cond_where(organizations_in(range))
                .to_owned(),
        ))
        .add(from_table(
            Query::select()
                .column((project::Entity, project::Column::UserId))
                .from(project::Entity)
                .cond_where(projects_in(range))
                .to_owned(),
        ))
        .add(from_table(
            Query::select()
                .column((client::Entity, client::Column::UserId))
                .from(client::Entity)
                .cond_where(
                    client::Column::Id
                        .in_subquery(active_enrollments(range, enrollment::Column::ClientId)),
                )
                .to_owned(),
        ))
        .add(from_table(active_enrollments(
            range,
            enrollment::Column::UserId,
        )))
        .add(from_table(events_in_range(range, ce_event::Column::UserId)))
}
