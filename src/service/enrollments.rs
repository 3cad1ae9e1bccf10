//! Project enrollments: household intake (HUD 3.10, 3.14, 3.15), housing move-in (3.20) and exit
//! (3.11, 3.12).

use super::{Services, admin, audit, households, obey, scope};
use crate::domain::rules::household::{HeadExit, Member};
use crate::domain::{Actor, Destination, RelationshipToHoH, rules};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, Utc};
use entity::{ce_event, enrollment, project};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

pub struct NewEnrollment {
    /// The head of household.
    pub client_id: Uuid,
    pub project_id: Uuid,
    pub entry_date: NaiveDate,
    /// The household's other members, entering with the head.
    pub members: Vec<households::NewMember>,
}

/// The HUD 3.12 Destination an exit's `destination` code names; BAD_USER_INPUT for a code outside
/// the list.
pub fn parse_destination(code: i32) -> AppResult<Destination> {
    Destination::from_code(code).ok_or_else(|| {
        AppError::bad_input(format!(
            "destination {code} is not a HUD 3.12 Destination code"
        ))
    })
}

/// Fails with FORBIDDEN unless the actor acts as the project's organization or is an ADMIN.
pub(super) fn require_project_staff(actor: &Actor, project: &project::Model) -> AppResult<()> {
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

/// Intake: enrolls a household in one of the acting organization's projects: the client as its
/// head and `members` with them, in one transaction (rule H1). Returns the head's enrollment.
pub async fn create(
    services: &Services,
    actor: &Actor,
    input: NewEnrollment,
) -> AppResult<enrollment::Model> {
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let project = scope::get_live::<project::Entity>(&txn, input.project_id).await?;
    require_project_staff(actor, &project)?;
    scope::get::<entity::client::Entity, _>(&txn, actor, input.client_id).await?;
    obey(rules::enrollment::entry(
        input.entry_date,
        &admin::project_facts(&project),
        today,
    ))?;
    let members: Vec<Member> = input
        .members
        .iter()
        .map(|m| Member {
            client_id: m.client_id,
            relationship: m.relationship,
            entry_date: m.entry_date.unwrap_or(input.entry_date),
        })
        .collect();
    households::check_members(
        &txn,
        actor,
        &project,
        input.entry_date,
        vec![input.client_id],
        &members,
        today,
    )
    .await?;

    let household = households::create(&txn, project.id).await?;
    let head = Member {
        client_id: input.client_id,
        relationship: RelationshipToHoH::SelfHeadOfHousehold,
        entry_date: input.entry_date,
    };
    let intake = households::Intake {
        services,
        txn: &txn,
        actor,
        project: &project,
        household_id: household.id,
    };
    let operation = "createEnrollment";
    let enrollment = intake.enroll(head, operation).await?;
    for member in members {
        intake.enroll(member, operation).await?;
    }
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
    let project = admin::project_of(conn, &enrollment).await?;
    require_project_staff(actor, &project)?;
    Ok((enrollment, project))
}

/// Updates one column of `enrollment` only while it is still unset, so that a value recorded once
/// is never overwritten, even by a racing request: that request is refused with `recorded`.
async fn set_once<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    enrollment: &enrollment::Model,
    guard: enrollment::Column,
    values: Vec<(enrollment::Column, sea_orm::Value)>,
    recorded: fn(&enrollment::Model) -> AppError,
) -> AppResult<()> {
    let mut update = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::DateUpdated, Expr::value(Utc::now()))
        .col_expr(enrollment::Column::UserId, Expr::value(actor.user_id));
    for (column, value) in values {
        update = update.col_expr(column, Expr::value(value));
    }
    let update = update
        .filter(enrollment::Column::Id.eq(enrollment.id))
        .filter(guard.is_null());
    super::update_as_judged(conn, update, || recorded(enrollment)).await
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
    obey(
        rules::household::move_in(enrollment.relationship_to_hoh)
            .into_iter()
            .collect(),
    )?;
    if enrollment.move_in_date.is_some() {
        return Err(move_in_recorded(&enrollment));
    }
    obey(rules::enrollment::move_in(
        move_in_date,
        project.project_type,
        enrollment.entry_date,
        enrollment.exit_date,
        today,
    ))?;
    set_once(
        &txn,
        actor,
        &enrollment,
        enrollment::Column::MoveInDate,
        vec![(enrollment::Column::MoveInDate, move_in_date.into())],
        move_in_recorded,
    )
    .await?;
    let saved = audit::changed(&txn, actor.into(), "recordMoveIn", &enrollment, None).await?;
    txn.commit().await?;
    Ok(saved)
}

fn move_in_recorded(enrollment: &enrollment::Model) -> AppError {
    AppError::conflict(format!(
        "Enrollment {} already has a moveInDate; it is recorded once",
        enrollment.id
    ))
}

/// An exit: HUD 3.11 Project Exit Date and 3.12 Destination, and how a head's exit leaves the
/// household (rule H4).
pub struct Exit {
    pub enrollment_id: Uuid,
    pub exit_date: NaiveDate,
    pub destination: Option<Destination>,
    pub how: HeadExit,
}

/// Exits an enrollment (HUD 3.11, 3.12), once; with `HeadExit::WholeHousehold` every open member
/// of its household exits on that date too, with `HeadExit::NewHead` that member becomes the head.
pub async fn exit(services: &Services, actor: &Actor, input: Exit) -> AppResult<enrollment::Model> {
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let (enrollment, _) = get_for_change(&txn, actor, input.enrollment_id).await?;
    households::lock(services, &txn, enrollment.household_id).await?;
    if enrollment.exit_date.is_some() {
        return Err(already_exited(&enrollment));
    }
    let others: Vec<enrollment::Model> = households::members(&txn, enrollment.household_id)
        .await?
        .into_iter()
        .filter(|e| e.id != enrollment.id && e.exit_date.is_none())
        .collect();
    let names = client_names(&txn, &others).await?;
    obey(
        rules::household::exit(enrollment.relationship_to_hoh, &names, input.how)
            .into_iter()
            .collect(),
    )?;
    let leaving: Vec<&enrollment::Model> = match input.how {
        HeadExit::WholeHousehold => std::iter::once(&enrollment).chain(&others).collect(),
        _ => vec![&enrollment],
    };
    let mut exited = Vec::with_capacity(leaving.len());
    for member in leaving {
        exited.push(exit_one(&txn, actor, member, &input, today).await?);
    }
    let mut exited = exited
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("an exit exited nobody"))?;
    if let HeadExit::NewHead(new_head) = input.how {
        hand_over(&txn, actor, &enrollment, new_head).await?;
        // The answer shows the former head's relationship after the hand-over.
        exited =
            super::reread::<enrollment::Entity>(&txn, exited.id, "an exited enrollment").await?;
    }
    txn.commit().await?;
    Ok(exited)
}

/// The members' names as the head's refused exit names them ("Mia Moss (enrollment ...)").
async fn client_names(
    txn: &DatabaseTransaction,
    members: &[enrollment::Model],
) -> AppResult<Vec<(Uuid, String)>> {
    let clients: std::collections::HashMap<Uuid, entity::client::Model> =
        entity::client::Entity::find()
            .filter(entity::client::Column::Id.is_in(members.iter().map(|e| e.client_id)))
            .all(txn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    Ok(members
        .iter()
        .map(|e| {
            let name = clients.get(&e.client_id).map_or_else(
                || format!("enrollment {}", e.id),
                |c| format!("{} {} (enrollment {})", c.first_name, c.last_name, e.id),
            );
            (e.id, name)
        })
        .collect())
}

/// Exits one enrollment under the exit rules, with its audit record.
async fn exit_one(
    txn: &DatabaseTransaction,
    actor: &Actor,
    enrollment: &enrollment::Model,
    input: &Exit,
    today: NaiveDate,
) -> AppResult<enrollment::Model> {
    let breaks = rules::enrollment::exit(
        input.exit_date,
        enrollment.entry_date,
        enrollment.move_in_date,
        today,
    );
    if enrollment.id == input.enrollment_id {
        obey(breaks)?;
    } else {
        obey(breaks).map_err(|err| match err {
            AppError::BadUserInput(message) => AppError::bad_input(format!(
                "household member's enrollment {}: {message}",
                enrollment.id
            )),
            other => other,
        })?;
    }
    let later_events = ce_event::Entity::find()
        .filter(ce_event::Column::EnrollmentId.eq(enrollment.id))
        .filter(ce_event::Column::DateDeleted.is_null())
        .filter(ce_event::Column::EventDate.gt(input.exit_date))
        .count(txn)
        .await?;
    if later_events > 0 {
        return Err(AppError::bad_input(format!(
            "exitDate {} is before {later_events} CE event(s) recorded in enrollment {}",
            input.exit_date, enrollment.id
        )));
    }
    set_once(
        txn,
        actor,
        enrollment,
        enrollment::Column::ExitDate,
        vec![
            (enrollment::Column::ExitDate, input.exit_date.into()),
            (enrollment::Column::Destination, input.destination.into()),
        ],
        already_exited,
    )
    .await?;
    audit::changed(txn, actor.into(), "exitEnrollment", enrollment, None).await
}

/// H4: `new_head` becomes the head as the head exits. The former head takes the relationship it
/// has to the new head, as far as HUD 3.15 can say it from the new head's to it: a partner or an
/// unrelated member is that to them too; for a child or another relative, the former head is
/// another relative. So the household has exactly one head at every moment.
async fn hand_over(
    txn: &DatabaseTransaction,
    actor: &Actor,
    former: &enrollment::Model,
    new_head: Uuid,
) -> AppResult<()> {
    let successor =
        super::reread::<enrollment::Entity>(txn, new_head, "the new head's enrollment").await?;
    let theirs = successor.relationship_to_hoh;
    let former_now = match theirs {
        RelationshipToHoH::SpouseOrPartner
        | RelationshipToHoH::UnrelatedMember
        | RelationshipToHoH::DataNotCollected => theirs,
        _ => RelationshipToHoH::OtherRelative,
    };
    for (model, relationship) in [
        (former.clone(), former_now),
        (successor, RelationshipToHoH::SelfHeadOfHousehold),
    ] {
        let before =
            super::reread::<enrollment::Entity>(txn, model.id, "a household member").await?;
        enrollment::Entity::update_many()
            .col_expr(
                enrollment::Column::RelationshipToHoh,
                Expr::value(relationship.code()),
            )
            .col_expr(enrollment::Column::DateUpdated, Expr::value(Utc::now()))
            .col_expr(enrollment::Column::UserId, Expr::value(actor.user_id))
            .filter(enrollment::Column::Id.eq(model.id))
            .exec(txn)
            .await?;
        audit::changed(txn, actor.into(), "exitEnrollment", &before, None).await?;
    }
    Ok(())
}

fn already_exited(enrollment: &enrollment::Model) -> AppError {
    AppError::conflict(format!(
        "Enrollment {} has already exited; an enrollment exits once",
        enrollment.id
    ))
}
