//! The query behind each file of an export: which records of the range it holds (each condition is
//! on its own table, so it can be a filter or the subquery of another) and the tables it joins for
//! the columns its row shape names (`rows`), read as one stream inside the export's snapshot.

use super::rows::*;
use crate::error::AppResult;
use crate::interop::ExportRange;
use entity::{
    app_user, assessment, ce_event, ce_participation, client, enrollment, organization, project,
};
use futures_util::Stream;
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, PartialModelTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
    RelationTrait, Select,
};

pub(super) type Rows<'a, M> =
    std::pin::Pin<Box<dyn Stream<Item = Result<M, sea_orm::DbErr>> + Send + 'a>>;

/// Streams `select`'s records as the row shape `R` with their audit columns: `R` (a partial model)
/// names the columns it reads, so each file's query says only which records, by its joins, filter
/// and order. The audit columns are read one way for every file (`rows::Audit`): the record's own,
/// and the HUD UserID of the user who last changed it (a left join: an imported record may name
/// none), joined after the file's own joins.
pub(super) async fn records<'a, E, R>(
    txn: &'a DatabaseTransaction,
    select: Select<E>,
) -> AppResult<Rows<'a, Record<R>>>
where
    E: Audited,
    R: PartialModelTrait + FromQueryResult + Send + 'a,
{
    let select = R::select_cols(select.select_only())
        .columns(E::audit_columns())
        .column_as(app_user::Column::HudId, "user_hud_id")
        .join(JoinType::LeftJoin, user_of::<E>(E::user_id_column()));
    Ok(select.into_model::<Record<R>>().stream(txn).await?)
}

pub(super) fn organizations(range: ExportRange) -> Select<organization::Entity> {
    organization::Entity::find()
        .filter(organizations_in(range))
        .order_by_asc(organization::Column::Id)
}

/// User.csv's users, read whole: a user's audit columns are its own (`rows::user_row`).
pub(super) async fn users(
    txn: &DatabaseTransaction,
    range: ExportRange,
) -> AppResult<Rows<'_, app_user::Model>> {
    let select = app_user::Entity::find()
        .filter(users_in(range))
        .order_by_asc(app_user::Column::Id);
    Ok(Box::pin(select.stream(txn).await?))
}

pub(super) fn projects(range: ExportRange) -> Select<project::Entity> {
    project::Entity::find()
        .join(JoinType::InnerJoin, project::Relation::Organization.def())
        .filter(projects_in(range))
        .order_by_asc(project::Column::Id)
}

/// The 2.09 periods of the exported projects, each project's in date order.
pub(super) fn participations(range: ExportRange) -> Select<ce_participation::Entity> {
    ce_participation::Entity::find()
        .join(
            JoinType::InnerJoin,
            ce_participation::Relation::Project.def(),
        )
        .filter(projects_in(range))
        .order_by_asc(ce_participation::Column::ProjectId)
        .order_by_asc(ce_participation::Column::StartDate)
        .order_by_asc(ce_participation::Column::Id)
}

pub(super) fn clients(range: ExportRange) -> Select<client::Entity> {
    client::Entity::find()
        .filter(clients_in(range))
        .order_by_asc(client::Column::Id)
}

pub(super) fn events(range: ExportRange) -> Select<ce_event::Entity> {
    ce_event::Entity::find()
        .join(JoinType::InnerJoin, ce_event::Relation::Enrollment.def())
        .join(JoinType::InnerJoin, ce_event::Relation::Client.def())
        .join(
            JoinType::LeftJoin,
            ce_event::Relation::ReferredProject.def(),
        )
        .filter(events_in(range))
        .order_by_asc(ce_event::Column::Id)
}

/// The 4.19 assessments dated within `range` (Assessment.csv); each lies within its enrollment
/// (rule A1), so its enrollment is exported too.
pub(super) fn assessments(range: ExportRange) -> Select<assessment::Entity> {
    assessment::Entity::find()
        .join(JoinType::InnerJoin, assessment::Relation::Enrollment.def())
        .join(JoinType::InnerJoin, assessment::Relation::Client.def())
        .filter(assessments_in(range))
        .order_by_asc(assessment::Column::Id)
}

/// The enrollments active in `range` (Enrollment.csv), or those of them that exited (Exit.csv).
pub(super) fn enrollments(range: ExportRange, exited_only: bool) -> Select<enrollment::Entity> {
    let select = enrollment::Entity::find()
        .join(JoinType::InnerJoin, enrollment::Relation::Client.def())
        .join(JoinType::InnerJoin, enrollment::Relation::Project.def())
        .join(JoinType::InnerJoin, enrollment::Relation::Household.def())
        .filter(enrollments_active(range));
    let select = match exited_only {
        true => select.filter(enrollment::Column::ExitDate.is_not_null()),
        false => select,
    };
    select.order_by_asc(enrollment::Column::Id)
}

/// About how many data rows the export of `range` writes: those of its large files (clients,
/// enrollments, exits, events, assessments), counted with the same conditions as their queries, for
/// the CLI's progress bar (the small files are a rounding error).
pub(super) async fn rows_expected(txn: &DatabaseTransaction, range: ExportRange) -> AppResult<u64> {
    let clients = client::Entity::find()
        .filter(clients_in(range))
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
pub(super) trait Audited: EntityTrait {
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

/// `column` of the records of its table that `condition` selects, as a subquery.
fn column_where<C: ColumnTrait>(column: C, condition: Condition) -> SelectStatement {
    Query::select()
        .column(column.as_column_ref())
        .from(C::EntityName::default())
        .cond_where(condition)
        .to_owned()
}

/// The clients of the enrollments active in `range`.
fn clients_in(range: ExportRange) -> Condition {
    let enrollments = column_where(enrollment::Column::ClientId, enrollments_active(range));
    Condition::all().add(client::Column::Id.in_subquery(enrollments))
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

/// Projects with an active enrollment or referred to by an event of the range.
fn projects_in(range: ExportRange) -> Condition {
    let enrolled = column_where(enrollment::Column::ProjectId, enrollments_active(range));
    let referred = column_where(ce_event::Column::ReferredProjectId, events_in(range));
    Condition::any()
        .add(project::Column::Id.in_subquery(enrolled))
        .add(project::Column::Id.in_subquery(referred))
}

/// The organizations operating the exported projects.
fn organizations_in(range: ExportRange) -> Condition {
    let operating = column_where(project::Column::OrganizationId, projects_in(range));
    Condition::all().add(organization::Column::Id.in_subquery(operating))
}

/// The users who last changed an exported record.
fn users_in(range: ExportRange) -> Condition {
    Condition::any()
        .add(changed_by(
            organization::Column::UserId,
            organizations_in(range),
        ))
        .add(changed_by(project::Column::UserId, projects_in(range)))
        .add(changed_by(client::Column::UserId, clients_in(range)))
        .add(changed_by(
            enrollment::Column::UserId,
            enrollments_active(range),
        ))
        .add(changed_by(ce_event::Column::UserId, events_in(range)))
        .add(changed_by(
            ce_participation::Column::UserId,
            participations_in(range),
        ))
        .add(changed_by(
            assessment::Column::UserId,
            assessments_in(range),
        ))
}

/// The 2.09 periods of the exported projects (CEParticipation.csv).
fn participations_in(range: ExportRange) -> Condition {
    let projects = column_where(project::Column::Id, projects_in(range));
    Condition::all().add(ce_participation::Column::ProjectId.in_subquery(projects))
}

/// The users who last changed the records that `records` selects, by their table's `user` column.
fn changed_by<C: ColumnTrait>(user: C, records: Condition) -> Expr {
    app_user::Column::Id.in_subquery(column_where(user, records))
}
