//! Project enrollments: intake (HUD 3.10), housing move-in (3.20) and exit (3.11, 3.12).

use super::{Services, admin, audit, new_id, obey, scope};
use crate::domain::{Actor, rules};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, Utc};
use entity::{ce_event, enrollment, project};
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

pub struct NewEnrollment {
    pub client_id: Uuid,
    pub project_id: Uuid,
    pub entry_date: NaiveDate,
}

/// HUD 3.12 Destination codes (FY2024) accepted at exit (and by the HMIS CSV import).
pub const DESTINATION_CODES: &[i32] = &[
    101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 312, 313, 314, 327, 329, 332, 410, 411, 421,
    422, 423, 426, 435, 436, 8, 9, 17, 24, 30, 37, 99,
];

/// Fails with FORBIDDEN unless the actor acts as the project's organization or is an ADMIN.
fn require_project_staff(actor: &Actor, project: &project::Model) -> AppResult<()> {
    if actor.is_admin() || project.organization_id == actor.organization_id {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "Only staff of the organization that operates project {} may change its enrollments; \
             act as that organization",
            project.id
        )))
    }
}

/// Intake: enrolls a client in one of the acting organization's projects.
pub async fn create(
    services: &Services,
    actor: &Actor,
    input: NewEnrollment,
) -> AppResult<enrollment::Model> {
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let project = admin::find_project(&txn, input.project_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("No project has id {}", input.project_id)))?;
    require_project_staff(actor, &project)?;
    scope::get::<entity::client::Entity, _>(&txn, actor, input.client_id).await?;

    obey(rules::enrollment::entry(
        input.entry_date,
        &admin::project_facts(&project)?,
        today,
    ))?;

    // Two intakes of one client racing on PostgreSQL: lock the client's row so the overlap check
    // and the insert see each other. SQLite's write transaction already serialises them.
    if services.backend() == DbBackend::Postgres {
        entity::client::Entity::find_by_id(input.client_id)
            .lock(LockType::Update)
            .one(&txn)
            .await?;
    }
    // An existing enrollment leaves room only if it exited on or before the new entry date.
    let overlapping = enrollment::Entity::find()
        .filter(enrollment::Column::DateDeleted.is_null())
        .filter(enrollment::Column::ClientId.eq(input.client_id))
        .filter(enrollment::Column::ProjectId.eq(input.project_id))
        .filter(
            Condition::any()
                .add(enrollment::Column::ExitDate.is_null())
                .add(enrollment::Column::ExitDate.gt(input.entry_date)),
        )
        .count(&txn)
        .await?;
    if overlapping > 0 {
        return Err(AppError::conflict(format!(
            "The client already has an enrollment in project {} that overlaps entryDate {}; \
             exit it first",
            input.project_id, input.entry_date
        )));
    }

    let now = Utc::now();
    let enrollment = enrollment::ActiveModel {
        id: Set(new_id()),
        client_id: Set(input.client_id),
        project_id: Set(input.project_id),
        entry_date: Set(input.entry_date),
        exit_date: Set(None),
        destination: Set(None),
        move_in_date: Set(None),
        date_created: Set(now),
        date_updated: Set(now),
        user_id: Set(Some(actor.user_id)),
        date_deleted: Set(None),
        hud_id: Set(None),
        hud_user_id: Set(None),
        exit_hud_id: Set(None),
        enrollment_coc: Set(Some(admin::coc_code(services, &project).to_owned())),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "createEnrollment",
        "enrollment",
        enrollment.id,
        None,
        &enrollment,
    )
    .await?;
    txn.commit().await?;
    Ok(enrollment)
}

/// Loads an enrollment the actor may change, with its project.
async fn get_for_change<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(enrollment::Model, project::Model)> {
    let enrollment = scope::get::<enrollment::Entity, _>(conn, actor, id).await?;
    let project = admin::find_project(conn, enrollment.project_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("enrollment {id} has no live project")))?;
    require_project_staff(actor, &project)?;
    Ok((enrollment, project))
}

/// Updates one column of an enrollment only while it is still unset, so that a value recorded once
/// is never overwritten, even by a racing request. Returns whether the row was changed.
async fn set_once<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
    guard: enrollment::Column,
    values: Vec<(enrollment::Column, sea_orm::Value)>,
) -> AppResult<bool> {
    let mut update = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::DateUpdated, Expr::value(Utc::now()))
        .col_expr(enrollment::Column::UserId, Expr::value(actor.user_id));
    for (column, value) in values {
        update = update.col_expr(column, Expr::value(value));
    }
    let result = update
        .filter(enrollment::Column::Id.eq(id))
        .filter(guard.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the Housing Move-In Date (HUD 3.20) of a permanent housing enrollment, once.
pub async fn record_move_in(
    services: &Services,
    actor: &Actor,
    enrollment_id: Uuid,
    move_in_date: NaiveDate,
) -> AppResult<enrollment::Model> {
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let (enrollment, project) = get_for_change(&txn, actor, enrollment_id).await?;
    if enrollment.move_in_date.is_some() {
        return Err(move_in_recorded(&enrollment));
    }
    obey(rules::enrollment::move_in(
        move_in_date,
        admin::project_type(&project)?,
        enrollment.entry_date,
        enrollment.exit_date,
        today,
    ))?;
    let changed = set_once(
        &txn,
        actor,
        enrollment_id,
        enrollment::Column::MoveInDate,
        vec![(enrollment::Column::MoveInDate, move_in_date.into())],
    )
    .await?;
    if !changed {
        return Err(move_in_recorded(&enrollment));
    }
    let saved = scope::get::<enrollment::Entity, _>(&txn, actor, enrollment_id).await?;
    audit::record(
        &txn,
        actor.into(),
        "recordMoveIn",
        "enrollment",
        saved.id,
        Some(&enrollment),
        &saved,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

fn move_in_recorded(enrollment: &enrollment::Model) -> AppError {
    AppError::conflict(format!(
        "Enrollment {} already has a moveInDate; it is recorded once",
        enrollment.id
    ))
}

/// Exits an enrollment (HUD 3.11 Project Exit Date, 3.12 Destination), once.
pub async fn exit(
    services: &Services,
    actor: &Actor,
    enrollment_id: Uuid,
    exit_date: NaiveDate,
    destination: Option<i32>,
) -> AppResult<enrollment::Model> {
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let (enrollment, _) = get_for_change(&txn, actor, enrollment_id).await?;
    if enrollment.exit_date.is_some() {
        return Err(already_exited(&enrollment));
    }
    if let Some(code) = destination
        && !DESTINATION_CODES.contains(&code)
    {
        return Err(AppError::bad_input(format!(
            "destination {code} is not a HUD 3.12 Destination code"
        )));
    }
    obey(rules::enrollment::exit(
        exit_date,
        enrollment.entry_date,
        enrollment.move_in_date,
        today,
    ))?;
    let later_events = ce_event::Entity::find()
        .filter(ce_event::Column::EnrollmentId.eq(enrollment_id))
        .filter(ce_event::Column::DateDeleted.is_null())
        .filter(ce_event::Column::EventDate.gt(exit_date))
        .count(&txn)
        .await?;
    if later_events > 0 {
        return Err(AppError::bad_input(format!(
            "exitDate {exit_date} is before {later_events} CE event(s) recorded in this enrollment"
        )));
    }
    let changed = set_once(
        &txn,
        actor,
        enrollment_id,
        enrollment::Column::ExitDate,
        vec![
            (enrollment::Column::ExitDate, exit_date.into()),
            (enrollment::Column::Destination, destination.into()),
        ],
    )
    .await?;
    if !changed {
        return Err(already_exited(&enrollment));
    }
    let saved = scope::get::<enrollment::Entity, _>(&txn, actor, enrollment_id).await?;
    audit::record(
        &txn,
        actor.into(),
        "exitEnrollment",
        "enrollment",
        saved.id,
        Some(&enrollment),
        &saved,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

fn already_exited(enrollment: &enrollment::Model) -> AppError {
    AppError::conflict(format!(
        "Enrollment {} has already exited; an enrollment exits once",
        enrollment.id
    ))
}
