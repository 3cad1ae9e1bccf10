//! Coordinated Entry events (HUD 4.20): the Priority List Manager's referral and its resolution by the
//! housing program, in the order of the workflow guide (the enrollment exists before the event is
//! updated).

use super::notify::{ReferralChanged, Staged};
use super::{Services, admin, audit, ce_participation, obey, referrals, scope};
use crate::domain::rules::referral::Change;
use crate::domain::{
    Actor, CeEventType, DeclineReason, NoYes, ReferralResult, Role, rules, values,
};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, Utc};
use entity::{ce_event, enrollment, project};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, UpdateMany,
};
use uuid::Uuid;

pub struct NewCeEvent {
    pub enrollment_id: Uuid,
    pub event_date: NaiveDate,
    pub event_type: CeEventType,
    pub referred_project_id: Option<Uuid>,
    /// HUD 4.20.A, for event 2 only.
    pub safe_alternative_housed: Option<bool>,
    /// HUD 4.20.B, for event 5 only.
    pub enrolled_in_aftercare: Option<bool>,
}

pub struct Resolution {
    pub ce_event_id: Uuid,
    pub referral_result: ReferralResult,
    pub result_date: Option<NaiveDate>,
    pub resulting_enrollment_id: Option<Uuid>,
    /// Why it did not lead to an enrollment (unsuccessful only; rule L3).
    pub decline_reason: Option<DeclineReason>,
    /// Added to the referral's notes in the same transaction.
    pub note: Option<String>,
}

/// A new CE event's lifecycle, empty: resolved by no one, not acknowledged, declined or cancelled.
/// The rest of a new event's row (`..without_lifecycle()`), for createCeEvent and the importer alike.
pub(crate) fn without_lifecycle() -> ce_event::ActiveModel {
    ce_event::ActiveModel {
        resolved_by_user_id: Set(None),
        resolved_as_organization_id: Set(None),
        acknowledged_at: Set(None),
        acknowledged_by_user_id: Set(None),
        decline_reason: Set(None),
        cancelled_at: Set(None),
        cancellation_reason: Set(None),
        ..Default::default()
    }
}

/// Records a CE event in a client's Coordinated Entry enrollment (PLM or ADMIN).
pub async fn create(
    services: &Services,
    actor: &Actor,
    input: NewCeEvent,
) -> AppResult<ce_event::Model> {
    if !matches!(actor.role, Role::PriorityListManager | Role::Admin) {
        return Err(AppError::forbidden(
            "Only a PRIORITY_LIST_MANAGER (or ADMIN) records CE events",
        ));
    }
    let mut breaks: Vec<_> = rules::ce_event::collected(input.event_type)
        .into_iter()
        .collect();
    breaks.extend(rules::ce_event::dependent_fields(
        input.event_type,
        &[
            (
                rules::DependentField::SafeAlternativeHoused,
                input.safe_alternative_housed.is_some(),
            ),
            (
                rules::DependentField::EnrolledInAftercare,
                input.enrolled_in_aftercare.is_some(),
            ),
        ],
    ));
    obey(breaks)?;
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let enrollment = scope::get::<enrollment::Entity, _>(&txn, actor, input.enrollment_id).await?;
    let ce_project = admin::project_of(&txn, &enrollment).await?;
    obey(rules::ce_event::event(
        input.event_date,
        &rules::ce_event::CeEnrollmentFacts {
            project_type: ce_project.project_type,
            entry_date: enrollment.entry_date,
            exit_date: enrollment.exit_date,
        },
        today,
    ))?;
    if !actor.is_admin() && ce_project.organization_id != actor.organization_id {
        return Err(AppError::bad_input(format!(
            "Enrollment {} is in another organization's CE project; record the event in a CE \
             enrollment of the organization you act as",
            enrollment.id
        )));
    }
    if input.event_type.carries_result() {
        obey(
            rules::household::referral_on_head(enrollment.relationship_to_hoh)
                .into_iter()
                .collect(),
        )?;
    }
    let referred_project =
        check_referred_project(&txn, input.event_type, input.referred_project_id).await?;
    if let Some(project) = &referred_project {
        let receives =
            ce_participation::receives_referrals(&txn, project.id, input.event_date).await?;
        obey(
            rules::ce_event::receiving_project(receives, &project.name, input.event_date)
                .into_iter()
                .collect(),
        )?;
    }

    let event = audit::new_record!(
        Some(actor.user_id),
        ce_event::ActiveModel {
            enrollment_id: Set(enrollment.id),
            household_id: Set(enrollment.household_id),
            client_id: Set(enrollment.client_id),
            event_date: Set(input.event_date),
            event_type: Set(input.event_type),
            prob_sol_div_rr_result: Set(input.safe_alternative_housed.map(NoYes::from)),
            referral_case_manage_after: Set(input.enrolled_in_aftercare.map(NoYes::from)),
            referred_project_id: Set(referred_project.as_ref().map(|p| p.id)),
            referral_result: Set(None),
            result_date: Set(None),
            resulting_enrollment_id: Set(None),
            ..without_lifecycle()
        }
    )
    .insert(&txn)
    .await?;
    audit::created(&txn, actor, "createCeEvent", &event).await?;
    let staged = if input.event_type.carries_result() {
        let change = ReferralChanged {
            ce_event_id: event.id,
            referred_organization_id: referred_project.map(|p| p.organization_id),
        };
        Some(services.notifier.stage(&txn, change).await?)
    } else {
        None
    };
    txn.commit().await?;
    if let Some(staged) = staged {
        staged.deliver();
    }
    Ok(event)
}

/// Checks HUD 4.20.C for the event type: required, optional or forbidden, and of a fitting type.
async fn check_referred_project<C: ConnectionTrait>(
    conn: &C,
    event_type: CeEventType,
    referred_project_id: Option<Uuid>,
) -> AppResult<Option<project::Model>> {
    obey(
        rules::ce_event::names_project(event_type, referred_project_id.is_some())
            .into_iter()
            .collect(),
    )?;
    let Some(id) = referred_project_id else {
        return Ok(None);
    };
    let project = scope::get_live::<project::Entity>(conn, id).await?;
    obey(
        rules::ce_event::referred_project(event_type, project.project_type)
            .into_iter()
            .collect(),
    )?;
    Ok(Some(project))
}

/// Resolves a housing referral: successful (the client was enrolled first) or unsuccessful, with a
/// decline reason and a note (rule L3).
pub async fn resolve(
    services: &Services,
    actor: &Actor,
    input: Resolution,
) -> AppResult<ce_event::Model> {
    let (txn, opened) =
        referrals::open(services, actor, input.ce_event_id, Change::Resolve).await?;
    let (resolved, staged) =
        write_resolution(services, &txn, actor, &opened, &input, "resolveReferral").await?;
    txn.commit().await?;
    staged.deliver();
    Ok(resolved)
}

/// Checks `input` under every rule of a resolution and writes it over the referral `opened` found
/// (pending for resolveReferral, resolved for correctReferral, whose old resulting enrollment no
/// longer counts as taken), with its note, audit record and notification. The caller commits.
pub(super) async fn write_resolution(
    services: &Services,
    txn: &DatabaseTransaction,
    actor: &Actor,
    opened: &referrals::Opened,
    input: &Resolution,
    operation: &str,
) -> AppResult<(ce_event::Model, Staged)> {
    let today = services.clock.today();
    let event = &opened.event;
    let event_type = event.event_type;
    let referred_project = opened.referred_project.as_ref();
    let note = input
        .note
        .as_deref()
        .map(|text| values::text("note", text, rules::referral::NOTE_MAX))
        .transpose()?;
    obey(rules::referral::decline(
        input.referral_result,
        input.decline_reason,
        note.is_some(),
    ))?;
    let (result_date, resulting_enrollment_id) = if input.referral_result.is_successful() {
        let enrollment =
            check_resulting_enrollment(txn, actor, event, referred_project, input).await?;
        (enrollment.entry_date, Some(enrollment.id))
    } else {
        if input.resulting_enrollment_id.is_some() {
            return Err(AppError::bad_input(
                "resultingEnrollmentId is only for SUCCESSFUL_CLIENT_ACCEPTED; leave it out for an \
                 unsuccessful referral",
            ));
        }
        let Some(result_date) = input.result_date else {
            return Err(AppError::bad_input(
                "resultDate is required for an unsuccessful referral: the day it was decided",
            ));
        };
        obey(rules::ce_event::result(
            event_type,
            event.event_date,
            result_date,
            today,
        ))?;
        (result_date, None)
    };

    // The referral's row is locked (or, on SQLite, the database is) since it was read: the update
    // is also conditional on the state it was judged in, so no two resolutions ever mix.
    let stored = StoredResolution {
        referral_result: Some(input.referral_result),
        result_date: Some(result_date),
        resulting_enrollment_id,
        decline_reason: input.decline_reason,
        resolved_by_user_id: Some(actor.user_id),
        resolved_as_organization_id: Some(actor.organization_id),
    };
    let mut update = stored
        .update_by(actor)
        .filter(ce_event::Column::Id.eq(event.id))
        .filter(ce_event::Column::CancelledAt.is_null());
    update = match event.referral_result {
        None => update.filter(ce_event::Column::ReferralResult.is_null()),
        Some(code) => update.filter(ce_event::Column::ReferralResult.eq(code)),
    };
    super::update_as_judged(txn, update, || already_resolved(event)).await?;
    let reason = opened.reason.as_deref();
    let resolved = audit::changed(txn, actor.into(), operation, event, reason).await?;
    if let Some(text) = note {
        referrals::write_note(txn, actor, resolved.id, text).await?;
    }
    let staged = referrals::announce(services, txn, &resolved, referred_project).await?;
    Ok((resolved, staged))
}

/// A referral's resolution as its row stores it: HUD 4.20.D ReferralResult, 4.20.E ResultDate, the
/// resulting enrollment, the decline reason, and who resolved it as which organization. One list of
/// columns, so that resolving and reopening (all of them cleared) always touch the same ones.
pub(super) struct StoredResolution {
    pub referral_result: Option<ReferralResult>,
    pub result_date: Option<NaiveDate>,
    pub resulting_enrollment_id: Option<Uuid>,
    pub decline_reason: Option<DeclineReason>,
    pub resolved_by_user_id: Option<Uuid>,
    pub resolved_as_organization_id: Option<Uuid>,
}

impl StoredResolution {
    /// A pending referral's: no resolution.
    pub(super) const CLEARED: StoredResolution = StoredResolution {
        referral_result: None,
        result_date: None,
        resulting_enrollment_id: None,
        decline_reason: None,
        resolved_by_user_id: None,
        resolved_as_organization_id: None,
    };

    /// An update of CE events writing this resolution, with `actor` as the rows' last writer
    /// (UserID, DateUpdated); the caller adds the conditions it was judged under.
    pub(super) fn update_by(self, actor: &Actor) -> UpdateMany<ce_event::Entity> {
        ce_event::Entity::update_many().set(ce_event::ActiveModel {
            referral_result: Set(self.referral_result),
            result_date: Set(self.result_date),
            resulting_enrollment_id: Set(self.resulting_enrollment_id),
            decline_reason: Set(self.decline_reason),
            resolved_by_user_id: Set(self.resolved_by_user_id),
            resolved_as_organization_id: Set(self.resolved_as_organization_id),
            ..written_by(actor)
        })
    }
}

/// The columns every change to a CE event sets besides its own: `actor` as its last writer
/// (UserID) and DateUpdated now; the rest of the row is left as it is.
pub(super) fn written_by(actor: &Actor) -> ce_event::ActiveModel {
    ce_event::ActiveModel {
        user_id: Set(Some(actor.user_id)),
        date_updated: Set(Utc::now()),
        ..Default::default()
    }
}

fn already_resolved(event: &ce_event::Model) -> AppError {
    AppError::conflict(format!(
        "CE event {} is already resolved; a referral is resolved once",
        event.id
    ))
}

/// Whether `actor` is a PRIORITY_LIST_MANAGER of the organization operating the CE project the event
/// is recorded in: the CE side of a referral (rules L6 and, for a referral naming no project, the
/// resolver).
pub(super) async fn is_ce_side_plm<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    event: &ce_event::Model,
) -> AppResult<bool> {
    let ce_enrollment = enrollment::Entity::find_by_id(event.enrollment_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("CE event without its enrollment"))?;
    let ce_project = admin::project_of(conn, &ce_enrollment).await?;
    Ok(actor.role == Role::PriorityListManager
        && ce_project.organization_id == actor.organization_id)
}

/// Who resolves: HOUSING_STAFF of the referred project's organization (or ADMIN); for a referral
/// with no referred project, a PLM of the organization owning the CE project.
pub(super) async fn require_resolver<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    event: &ce_event::Model,
    referred_project: Option<&project::Model>,
) -> AppResult<()> {
    if actor.is_admin() {
        return Ok(());
    }
    match referred_project {
        Some(project) => {
            if actor.role == Role::HousingStaff && project.organization_id == actor.organization_id
            {
                Ok(())
            } else {
                Err(AppError::forbidden(format!(
                    "Only HOUSING_STAFF of the organization that operates the referred project ({}) \
                     may resolve or change this referral",
                    project.id
                )))
            }
        }
        None => {
            if is_ce_side_plm(conn, actor, event).await? {
                Ok(())
            } else {
                Err(AppError::forbidden(
                    "This referral names no project: only a PRIORITY_LIST_MANAGER of the \
                     organization operating the CE project may resolve it",
                ))
            }
        }
    }
}

/// The guide's ordering for a successful referral: the housing enrollment already exists, for the same
/// client, in the referred project, starting on or after the event, and resolves no other referral.
async fn check_resulting_enrollment<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    event: &ce_event::Model,
    referred_project: Option<&project::Model>,
    input: &Resolution,
) -> AppResult<enrollment::Model> {
    let Some(enrollment_id) = input.resulting_enrollment_id else {
        return Err(AppError::bad_input(
            "resultingEnrollmentId is required for SUCCESSFUL_CLIENT_ACCEPTED: create the housing \
             enrollment (intake) first, then resolve the referral with it",
        ));
    };
    let enrollment = scope::get::<enrollment::Entity, _>(conn, actor, enrollment_id).await?;
    if enrollment.client_id != event.client_id {
        return Err(AppError::bad_input(format!(
            "Enrollment {enrollment_id} belongs to another client than the referral's"
        )));
    }
    obey(
        rules::household::resulting_enrollment_is_head(enrollment.relationship_to_hoh)
            .into_iter()
            .collect(),
    )?;
    match referred_project {
        Some(project) if enrollment.project_id != project.id => {
            return Err(AppError::bad_input(format!(
                "Enrollment {enrollment_id} is not in the referred project {}",
                project.id
            )));
        }
        Some(_) => {}
        None => {
            let project = admin::project_of(conn, &enrollment).await?;
            if project.organization_id != actor.organization_id {
                return Err(AppError::bad_input(format!(
                    "Enrollment {enrollment_id} is not in a project of the organization you act as"
                )));
            }
        }
    }
    if enrollment.entry_date < event.event_date {
        return Err(AppError::bad_input(format!(
            "Enrollment {enrollment_id} starts {}, before the referral's eventDate {}",
            enrollment.entry_date, event.event_date
        )));
    }
    // The referral's own resulting enrollment (being corrected) does not count as taken.
    let already_used = ce_event::Entity::find()
        .filter(ce_event::Column::ResultingEnrollmentId.eq(enrollment_id))
        .filter(ce_event::Column::Id.ne(event.id))
        .one(conn)
        .await?;
    if let Some(other) = already_used {
        return Err(AppError::conflict(format!(
            "Enrollment {enrollment_id} already resolves CE event {}",
            other.id
        )));
    }
    if let Some(given) = input.result_date
        && given != enrollment.entry_date
    {
        return Err(AppError::bad_input(format!(
            "resultDate {given} must equal the resulting enrollment's entryDate {} (or be left out)",
            enrollment.entry_date
        )));
    }
    Ok(enrollment)
}
