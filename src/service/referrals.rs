//! The referral's lifecycle after it is made (rules L1-L7): the program acknowledges it, both sides
//! add notes, a resolution is reopened or corrected, the CE side cancels a referral made in error;
//! and the referral inbox.
//!
//! Every change opens the referral with [`open`]: on PostgreSQL it locks the row first, so racing
//! changes take turns and each is judged against the state it finds once the others have committed
//! (SQLite's write transaction already serialises them); the update itself is conditional on that
//! state as well. Each change is audited with its reason and fires `referralUpdated`.

use super::ce_events::{self, Resolution, StoredResolution, require_resolver};
use super::notify::{ReferralChanged, Staged};
use super::page::{self, Page, PageRequest};
use super::{Services, WriteTransaction, admin, audit, new_id, scope};
use crate::domain::rules::referral::{self as rule, Change, State};
use crate::domain::{Actor, CeEventType, ReferralResult, ReferralStatus, rules, values};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::{ce_event, project, referral_note};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QuerySelect, UpdateMany,
};
use uuid::Uuid;

/// A referral opened for a change: locked, in the actor's scope, the actor allowed, its state right
/// for the change.
pub struct Opened {
    pub event: ce_event::Model,
    pub referred_project: Option<project::Model>,
    /// The reason the actor gave (reopen, correct, cancel), for the audit trail.
    pub reason: Option<String>,
}

/// Starts the transaction of `change` and opens referral `id` for it in there (FORBIDDEN,
/// NOT_FOUND, CONFLICT as the rules say): every change to a referral begins so.
pub async fn open(
    services: &Services,
    actor: &Actor,
    id: Uuid,
    change: Change,
) -> AppResult<(WriteTransaction, Opened)> {
    let txn = services.write_transaction().await?;
    if services.backend() == DbBackend::Postgres {
        ce_event::Entity::find_by_id(id)
            .lock(LockType::Update)
            .one(&txn)
            .await?;
    }
    let event = scope::get::<ce_event::Entity, _>(&txn, actor, id).await?;
    let event_type = event.event_type;
    if !event_type.carries_result() {
        return Err(AppError::bad_input(format!(
            "CE event {}: {}",
            event.id,
            rules::RuleBreak::ResultNotCarried { event_type }.describe(rules::Wording::Api)
        )));
    }
    let referred_project = match event.referred_project_id {
        Some(project_id) => Some(admin::find_project(&txn, project_id).await?.ok_or_else(
            || AppError::internal(format!("CE event {} refers to a missing project", event.id)),
        )?),
        None => None,
    };
    match change {
        Change::Cancel => require_ce_side(&txn, actor, &event).await?,
        _ => require_resolver(&txn, actor, &event, referred_project.as_ref()).await?,
    }
    let state = State::of(
        event.referral_result.is_some(),
        event.cancelled_at.is_some(),
    );
    if let Some(why) = rule::conflict(change, state) {
        return Err(AppError::conflict(format!("CE event {}: {why}", event.id)));
    }
    let opened = Opened {
        event,
        referred_project,
        reason: None,
    };
    Ok((txn, opened))
}

/// L6: the PLM of the organization operating the referral's CE project, or an ADMIN.
async fn require_ce_side(
    txn: &DatabaseTransaction,
    actor: &Actor,
    event: &ce_event::Model,
) -> AppResult<()> {
    if actor.is_admin() {
        return Ok(());
    }
    if ce_events::is_ce_side_plm(txn, actor, event).await? {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only a PRIORITY_LIST_MANAGER of the organization operating the referral's CE project \
             (or an ADMIN) may cancel it",
        ))
    }
}

/// Stages `referralUpdated` for `event`; deliver it after committing.
pub(super) async fn announce(
    services: &Services,
    txn: &DatabaseTransaction,
    event: &ce_event::Model,
    referred_project: Option<&project::Model>,
) -> AppResult<Staged> {
    let change = ReferralChanged {
        ce_event_id: event.id,
        referred_organization_id: referred_project.map(|p| p.organization_id),
    };
    services.notifier.stage(txn, change).await
}

/// Adds a note (already checked) to a referral, with its audit record.
pub(super) async fn write_note(
    txn: &DatabaseTransaction,
    actor: &Actor,
    ce_event_id: Uuid,
    text: String,
) -> AppResult<referral_note::Model> {
    let note = referral_note::ActiveModel {
        id: Set(new_id()),
        ce_event_id: Set(ce_event_id),
        text: Set(text),
        author_user_id: Set(actor.user_id),
        organization_id: Set(actor.organization_id),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::created(txn, actor, "addReferralNote", &note).await?;
    Ok(note)
}

/// A reopen's, correction's or cancellation's reason: 1..500 characters (L4-L6).
fn reason(raw: &str) -> AppResult<String> {
    values::text("reason", raw, rule::REASON_MAX)
}

/// Opens referral `id` for a change that takes a reason (reopen, correct, cancel): the reason is
/// checked before anything is read, and kept in the opened referral for the audit trail.
async fn open_with_reason(
    services: &Services,
    actor: &Actor,
    id: Uuid,
    raw_reason: &str,
    change: Change,
) -> AppResult<(WriteTransaction, Opened, String)> {
    let why = reason(raw_reason)?;
    let (txn, mut opened) = open(services, actor, id, change).await?;
    opened.reason = Some(why.clone());
    Ok((txn, opened, why))
}

/// Ends a change that is one update of the referral's row: `update` runs on that row alone, under
/// the conditions the change was judged in (the caller's filters; CONFLICT when another change got
/// there first and no row matched); the row as it now stands is audited as `operation` with the
/// opened referral's reason; then the transaction commits and the notification goes out.
async fn finish(
    services: &Services,
    txn: WriteTransaction,
    actor: &Actor,
    opened: &Opened,
    update: UpdateMany<ce_event::Entity>,
    operation: &str,
) -> AppResult<ce_event::Model> {
    let event = &opened.event;
    let update = update.filter(ce_event::Column::Id.eq(event.id));
    super::update_as_judged(&txn, update, || conflict_now(event)).await?;
    let reason = opened.reason.as_deref();
    let changed = audit::changed(&txn, actor.into(), operation, event, reason).await?;
    let staged = announce(services, &txn, &changed, opened.referred_project.as_ref()).await?;
    txn.commit().await?;
    staged.deliver();
    Ok(changed)
}

/// A referral still pending: neither resolved nor cancelled.
fn still_pending() -> Condition {
    Condition::all()
        .add(ce_event::Column::ReferralResult.is_null())
        .add(ce_event::Column::CancelledAt.is_null())
}

fn conflict_now(event: &ce_event::Model) -> AppError {
    AppError::conflict(format!(
        "CE event {} changed while this change was judged; read it again",
        event.id
    ))
}

/// L1: the referred program acknowledges a pending referral; the first acknowledgement is kept.
pub async fn acknowledge(
    services: &Services,
    actor: &Actor,
    id: Uuid,
) -> AppResult<ce_event::Model> {
    let (txn, opened) = open(services, actor, id, Change::Acknowledge).await?;
    if opened.event.acknowledged_at.is_some() {
        txn.commit().await?;
        return Ok(opened.event);
    }
    let acknowledge = ce_event::Entity::update_many()
        .set(ce_event::ActiveModel {
            acknowledged_at: Set(Some(Utc::now())),
            acknowledged_by_user_id: Set(Some(actor.user_id)),
            ..Default::default()
        })
        .filter(ce_event::Column::AcknowledgedAt.is_null())
        .filter(still_pending());
    finish(
        services,
        txn,
        actor,
        &opened,
        acknowledge,
        "acknowledgeReferral",
    )
    .await
}

/// L2: a note on a referral, by the PLM or an ADMIN, or by staff of the referred project's
/// organization; seen by whoever sees the referral.
pub async fn add_note(
    services: &Services,
    actor: &Actor,
    id: Uuid,
    text: &str,
) -> AppResult<referral_note::Model> {
    let text = values::text("text", text, rule::NOTE_MAX)?;
    let txn = services.write_transaction().await?;
    let event = scope::get::<ce_event::Entity, _>(&txn, actor, id).await?;
    let referred_project = match event.referred_project_id {
        Some(project_id) => admin::find_project(&txn, project_id).await?,
        None => None,
    };
    let allowed = actor.sees_everything()
        || referred_project
            .as_ref()
            .is_some_and(|p| p.organization_id == actor.organization_id);
    if !allowed {
        return Err(AppError::forbidden(
            "Only the Priority List Manager, an ADMIN or staff of the referred project's \
             organization may add notes to this referral",
        ));
    }
    let note = write_note(&txn, actor, event.id, text).await?;
    let staged = announce(services, &txn, &event, referred_project.as_ref()).await?;
    txn.commit().await?;
    staged.deliver();
    Ok(note)
}

/// L4: a resolved referral becomes pending again; the resulting enrollment itself stays.
pub async fn reopen(
    services: &Services,
    actor: &Actor,
    id: Uuid,
    raw_reason: &str,
) -> AppResult<ce_event::Model> {
    let (txn, opened, why) =
        open_with_reason(services, actor, id, raw_reason, Change::Reopen).await?;
    // The note goes in first: should the update find the referral changed, both roll back.
    write_note(&txn, actor, id, format!("Reopened: {why}")).await?;
    let result = opened.event.referral_result;
    let reopen = StoredResolution::CLEARED
        .update_by(actor)
        .filter(ce_event::Column::ReferralResult.eq(result));
    finish(services, txn, actor, &opened, reopen, "reopenReferral").await
}

/// L5: a resolved referral gets another resolution, under every rule of resolveReferral.
pub async fn correct(
    services: &Services,
    actor: &Actor,
    resolution: Resolution,
    raw_reason: &str,
) -> AppResult<ce_event::Model> {
    let id = resolution.ce_event_id;
    let (txn, opened, why) =
        open_with_reason(services, actor, id, raw_reason, Change::Correct).await?;
    let (corrected, staged) = ce_events::write_resolution(
        services,
        &txn,
        actor,
        &opened,
        &resolution,
        "correctReferral",
    )
    .await?;
    write_note(&txn, actor, corrected.id, format!("Corrected: {why}")).await?;
    txn.commit().await?;
    staged.deliver();
    Ok(corrected)
}

/// L6: the CE side withdraws a pending referral made in error.
pub async fn cancel(
    services: &Services,
    actor: &Actor,
    id: Uuid,
    raw_reason: &str,
) -> AppResult<ce_event::Model> {
    let (txn, opened, why) =
        open_with_reason(services, actor, id, raw_reason, Change::Cancel).await?;
    let cancel = ce_event::Entity::update_many()
        .set(ce_event::ActiveModel {
            cancelled_at: Set(Some(Utc::now())),
            cancellation_reason: Set(Some(why)),
            ..ce_events::written_by(actor)
        })
        .filter(still_pending());
    finish(services, txn, actor, &opened, cancel, "cancelReferral").await
}

/// The referral inbox: housing referrals (event types that carry a result) in the actor's scope,
/// so HOUSING_STAFF see referrals to their organization's projects and PLM/ADMIN see all; by status,
/// project and whether the program acknowledged them (`PENDING` and not acknowledged: "new").
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    filter: InboxFilter,
    request: PageRequest,
) -> AppResult<Page<ce_event::Model>> {
    let referral_codes: Vec<i32> = CeEventType::ALL
        .iter()
        .filter(|t| t.carries_result())
        .map(|t| t.code())
        .collect();
    let mut select = ce_event::Entity::find()
        .filter(scope::ce_events(actor))
        .filter(ce_event::Column::EventType.is_in(referral_codes));
    if let Some(project_id) = filter.referred_project_id {
        select = select.filter(ce_event::Column::ReferredProjectId.eq(project_id));
    }
    if let Some(acknowledged) = filter.acknowledged {
        select = select.filter(if acknowledged {
            ce_event::Column::AcknowledgedAt.is_not_null()
        } else {
            ce_event::Column::AcknowledgedAt.is_null()
        });
    }
    let live = ce_event::Column::CancelledAt.is_null();
    let unsuccessful = [
        ReferralResult::UnsuccessfulClientRejected.code(),
        ReferralResult::UnsuccessfulProviderRejected.code(),
    ];
    select = match filter.status {
        None => select,
        Some(ReferralStatus::Pending) => select
            .filter(live)
            .filter(ce_event::Column::ReferralResult.is_null()),
        Some(ReferralStatus::Successful) => select.filter(live).filter(
            ce_event::Column::ReferralResult.eq(ReferralResult::SuccessfulClientAccepted.code()),
        ),
        Some(ReferralStatus::Unsuccessful) => select
            .filter(live)
            .filter(ce_event::Column::ReferralResult.is_in(unsuccessful)),
        Some(ReferralStatus::Cancelled) => {
            select.filter(ce_event::Column::CancelledAt.is_not_null())
        }
        // The inbox holds referrals only: no row of it is "not a referral".
        Some(ReferralStatus::NotAReferral) => select.filter(ce_event::Column::Id.is_null()),
    };
    page::keyset(conn, select, ce_event::Column::Id, request).await
}

/// What the inbox is narrowed to.
#[derive(Clone, Copy, Debug, Default)]
pub struct InboxFilter {
    pub status: Option<ReferralStatus>,
    pub referred_project_id: Option<Uuid>,
    pub acknowledged: Option<bool>,
}

/// The referral's notes, oldest first (for the loader).
pub async fn notes_of<C: ConnectionTrait>(
    conn: &C,
    ce_event_ids: Vec<Uuid>,
) -> AppResult<Vec<referral_note::Model>> {
    use sea_orm::QueryOrder;
    Ok(referral_note::Entity::find()
        .filter(crate::db::one_of(
            conn.get_database_backend(),
            referral_note::Column::CeEventId,
            ce_event_ids,
        ))
        .order_by_asc(referral_note::Column::Id)
        .all(conn)
        .await?)
}
