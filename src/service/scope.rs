//! What each role sees, as query conditions built from the actor (workflow rules, "What each role
//! sees"). Every read of clients, enrollments, CE events and assessments adds these conditions to its own query, so
//! a lookup, a list, a total and a nested field can never disagree about what the caller may see.
//!
//! Organizations, projects and users are shared: every signed-in user reads the live ones (a
//! referral names its program, a note its author), through [`Shared`]. The audit trail is the
//! ADMIN's, and otherwise what the caller's own organization did.
//!
//! Soft-deleted records (DateDeleted set) are invisible to everyone, nested or not.

use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use entity::{
    app_user, assessment, audit_event, ce_event, client, enrollment, household, organization,
    project,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// `SELECT id FROM project WHERE organization_id = ?`: the acting organization's projects.
fn projects_of(organization_id: Uuid) -> SelectStatement {
    Query::select()
        .column(project::Column::Id)
        .from(project::Entity)
        .and_where(project::Column::OrganizationId.eq(organization_id))
        .to_owned()
}

/// CE events referring to one of the organization's projects.
fn referrals_to(organization_id: Uuid) -> Condition {
    Condition::all()
        .add(ce_event::Column::DateDeleted.is_null())
        .add(ce_event::Column::ReferredProjectId.in_subquery(projects_of(organization_id)))
}

/// The CE events the actor may see. HOUSING_STAFF: those whose referred project is one of theirs.
pub fn ce_events(actor: &Actor) -> Condition {
    let live = Condition::all().add(ce_event::Column::DateDeleted.is_null());
    if actor.sees_everything() {
        live
    } else {
        live.add(referrals_to(actor.organization_id))
    }
}

/// A referral to one of the organization's projects recorded for the household of the enrollment
/// row in scope (rule H6: the CE household referred).
fn household_referred_to(organization_id: Uuid) -> Expr {
    exists(
        ce_event::Entity,
        referrals_to(organization_id).add(
            ce_event::Column::HouseholdId
                .into_expr()
                .equals((enrollment::Entity, enrollment::Column::HouseholdId)),
        ),
    )
}

/// The enrollments the actor may see. HOUSING_STAFF: enrollments in their projects, and the CE
/// enrollments of a household referred to one of their projects (the head's, in which the referral
/// was recorded, and its members', so that they can enroll the household; rule H6).
pub fn enrollments(actor: &Actor) -> Condition {
    let live = Condition::all().add(enrollment::Column::DateDeleted.is_null());
    if actor.sees_everything() {
        return live;
    }
    let org = actor.organization_id;
    live.add(
        Condition::any()
            .add(enrollment::Column::ProjectId.in_subquery(projects_of(org)))
            .add(household_referred_to(org)),
    )
}

/// The clients the actor may see. HOUSING_STAFF: clients their organization created, enrolled in or
/// referred to one of its projects, or members of a CE household referred to one (rule H6).
pub fn clients(actor: &Actor) -> Condition {
    let live = Condition::all().add(client::Column::DateDeleted.is_null());
    if actor.sees_everything() {
        return live;
    }
    let org = actor.organization_id;
    let this_client = || (client::Entity, client::Column::Id);
    // A live enrollment of the client, wherever it is.
    let enrolled = || {
        Condition::all()
            .add(
                enrollment::Column::ClientId
                    .into_expr()
                    .equals(this_client()),
            )
            .add(enrollment::Column::DateDeleted.is_null())
    };
    let enrolled_here = enrolled().add(enrollment::Column::ProjectId.in_subquery(projects_of(org)));
    let referred_here =
        referrals_to(org).add(ce_event::Column::ClientId.into_expr().equals(this_client()));
    let in_referred_household = enrolled().add(household_referred_to(org));
    live.add(
        Condition::any()
            .add(client::Column::CreatedByOrganizationId.eq(org))
            .add(exists(enrollment::Entity, enrolled_here))
            .add(exists(ce_event::Entity, referred_here))
            .add(exists(enrollment::Entity, in_referred_household)),
    )
}

/// The 4.19 assessments the actor may see: those recorded in an enrollment they see (HOUSING_STAFF:
/// the CE enrollment of a household referred to them, rule H6).
pub fn assessments(actor: &Actor) -> Condition {
    let live = Condition::all().add(assessment::Column::DateDeleted.is_null());
    if actor.sees_everything() {
        return live;
    }
    live.add(exists(
        enrollment::Entity,
        enrollments(actor).add(
            enrollment::Column::Id
                .into_expr()
                .equals((assessment::Entity, assessment::Column::EnrollmentId)),
        ),
    ))
}

/// `EXISTS (SELECT 1 FROM table WHERE condition)`, the condition naming the outer row: both
/// databases answer it with an index probe per row of the outer query, where `id IN (SELECT ...)`
/// let PostgreSQL hash every row of the subquery first, a cost that grew with the table
/// (BENCHMARKS.md).
fn exists(table: impl sea_orm::sea_query::IntoTableRef, condition: Condition) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(table)
            .cond_where(condition)
            .to_owned(),
    )
}

/// A table whose rows only some actors may see.
pub trait Scoped: EntityTrait {
    /// How the record is named in errors ("client", "enrollment", "CE event").
    const RECORD: &'static str;
    /// The rows `actor` may see.
    fn visible_to(actor: &Actor) -> Condition;
    /// The primary key column.
    fn id_column() -> Self::Column;
}

/// A table scoped by its own condition of this module (`clients`, `enrollments`, ...), named
/// `$record` in messages.
macro_rules! scoped {
    ($($entity:ident => $record:literal by $visible:ident),+ $(,)?) => {$(
        impl Scoped for $entity::Entity {
            const RECORD: &'static str = $record;
            fn visible_to(actor: &Actor) -> Condition {
                $visible(actor)
            }
            fn id_column() -> $entity::Column {
                $entity::Column::Id
            }
        }
    )+};
}

scoped!(
    client => "client" by clients,
    enrollment => "enrollment" by enrollments,
    ce_event => "CE event" by ce_events,
    assessment => "assessment" by assessments,
);

/// A household is visible with any of its enrollments.
impl Scoped for household::Entity {
    const RECORD: &'static str = "household";
    fn visible_to(actor: &Actor) -> Condition {
        Condition::all().add(exists(
            enrollment::Entity,
            enrollments(actor).add(
                enrollment::Column::HouseholdId
                    .into_expr()
                    .equals((household::Entity, household::Column::Id)),
            ),
        ))
    }
    fn id_column() -> household::Column {
        household::Column::Id
    }
}

/// A table every signed-in user reads, before choosing an organization too: its live rows.
pub trait Shared: Scoped {
    /// The rows anyone may see: those not soft-deleted.
    fn live() -> Condition;
}

/// A shared table's live rows are what anyone may see, so it is scoped by them alone.
macro_rules! shared {
    ($($entity:ident => $record:literal),+ $(,)?) => {$(
        impl Shared for $entity::Entity {
            fn live() -> Condition {
                Condition::all().add($entity::Column::DateDeleted.is_null())
            }
        }

        impl Scoped for $entity::Entity {
            const RECORD: &'static str = $record;
            fn visible_to(_: &Actor) -> Condition {
                <$entity::Entity as Shared>::live()
            }
            fn id_column() -> $entity::Column {
                $entity::Column::Id
            }
        }
    )+};
}

shared!(organization => "organization", project => "project", app_user => "user");

/// The live shared record (organization, project, user) with this id, for any caller, or for none
/// (operator commands): the one lookup of a record every signed-in user may read.
pub async fn find_live<E: Shared>(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<E::Model>> {
    Ok(E::find()
        .filter(E::live())
        .filter(E::id_column().eq(id))
        .one(conn)
        .await?)
}

/// As [`find_live`], but NOT_FOUND when absent or deleted: for a mutation naming the record.
pub async fn get_live<E: Shared>(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<E::Model> {
    find_live::<E>(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("No {} has id {id}", E::RECORD)))
}

/// The audit trail: all of it for an ADMIN; for others, what their own organization did.
impl Scoped for audit_event::Entity {
    const RECORD: &'static str = "audit event";
    fn visible_to(actor: &Actor) -> Condition {
        if actor.is_admin() {
            Condition::all()
        } else {
            Condition::all().add(audit_event::Column::OrganizationId.eq(actor.organization_id))
        }
    }
    fn id_column() -> audit_event::Column {
        audit_event::Column::Id
    }
}

/// The record with this id if the actor may see it: `None` when it is absent or out of scope, which
/// callers treat alike so that nothing leaks a record's existence.
pub async fn find<E: Scoped, C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<Option<E::Model>> {
    Ok(E::find()
        .filter(E::visible_to(actor))
        .filter(E::id_column().eq(id))
        .one(conn)
        .await?)
}

/// As [`find`], but NOT_FOUND when absent or out of scope: for a mutation naming the record.
pub async fn get<E: Scoped, C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<E::Model> {
    find::<E, C>(conn, actor, id).await?.ok_or_else(|| {
        AppError::not_found(format!("No {} with id {id} is visible to you", E::RECORD))
    })
}
