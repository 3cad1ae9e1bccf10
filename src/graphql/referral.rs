//! The referral's lifecycle in GraphQL (rules L1-L7): acknowledge, notes, reopen, correct, cancel;
//! the note type; the inputs. Each mutation is one transaction in `service::referrals`.

use super::client::CeEvent;
use super::context::ContextExt;
use super::loaders::{UserKey, linked};
use super::organization::{Organization, organization};
use super::scalars::Date;
use super::viewer::User;
use crate::domain::{DeclineReason, ReferralResult};
use crate::error::AppError;
use crate::service::ce_events::Resolution;
use crate::service::{parse_id, referrals};
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::referral_note;

pub struct ReferralNote(pub referral_note::Model);

/// A note between the Priority List Manager and the housing program, seen by whoever sees the
/// referral.
#[Object]
impl ReferralNote {
    /// The note's id (time-ordered).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// 1..2000 characters.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> Result<User> {
        let author = self.0.author_user_id;
        linked(ctx.loaders(), (UserKey, author), "user", User::from).await
    }
    /// The organization the author acted as.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.organization_id).await
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// The housing program's resolution of a referral (HUD 4.20.D, 4.20.E); a correction's fields too.
#[derive(InputObject)]
pub struct ResolveReferralInput {
    /// The referral (the CE event's id): pending to resolve it, resolved to correct it.
    ce_event_id: ID,
    /// ReferralResult (HUD 4.20.D): successful, or unsuccessful and why.
    referral_result: ReferralResult,
    /// Required when unsuccessful (the day it was decided); when successful, defaults to the
    /// resulting enrollment's entryDate and must equal it if given.
    result_date: Option<Date>,
    /// Required when successful (create the enrollment first), forbidden otherwise.
    resulting_enrollment_id: Option<ID>,
    /// Unsuccessful only: why, agreeing with referralResult (CLIENT_* / PROVIDER_*); the _OTHER
    /// reasons need a note.
    decline_reason: Option<DeclineReason>,
    /// Added to the referral's notes in the same transaction (1..2000 characters).
    note: Option<String>,
}

impl ResolveReferralInput {
    /// The service's resolution, its ids parsed.
    pub fn resolution(self) -> Result<Resolution, AppError> {
        Ok(Resolution {
            ce_event_id: parse_id("ceEventId", &self.ce_event_id)?,
            referral_result: self.referral_result,
            result_date: self.result_date.map(|d| d.0),
            resulting_enrollment_id: self
                .resulting_enrollment_id
                .map(|id| parse_id("resultingEnrollmentId", &id))
                .transpose()?,
            decline_reason: self.decline_reason,
            note: self.note,
        })
    }
}

/// The referred program has seen a pending referral.
#[derive(InputObject)]
pub struct AcknowledgeReferralInput {
    /// The pending referral (the CE event's id).
    ce_event_id: ID,
}

/// A note on a referral.
#[derive(InputObject)]
pub struct AddReferralNoteInput {
    /// The referral (the CE event's id).
    ce_event_id: ID,
    /// 1..2000 characters after trimming.
    text: String,
}

/// A resolved referral made pending again.
#[derive(InputObject)]
pub struct ReopenReferralInput {
    /// The resolved referral (the CE event's id).
    ce_event_id: ID,
    /// Why (1..500 characters): kept as a note and in the audit trail.
    reason: String,
}

/// Another resolution for a resolved referral, under every rule of resolveReferral: its fields, and
/// why.
#[derive(InputObject)]
pub struct CorrectReferralInput {
    #[graphql(flatten)]
    resolution: ResolveReferralInput,
    /// Why (1..500 characters): kept as a note and in the audit trail.
    reason: String,
}

/// A pending referral withdrawn as made in error.
#[derive(InputObject)]
pub struct CancelReferralInput {
    /// The pending referral (the CE event's id).
    ce_event_id: ID,
    /// Why the referral was made in error (1..500 characters).
    reason: String,
}

#[derive(Default)]
pub struct LifecycleMutation;

/// The referral's lifecycle; each fires referralUpdated and is in the audit trail.
#[Object]
impl LifecycleMutation {
    /// The referred program has seen the referral (a pending one); the first acknowledgement is
    /// kept.
    async fn acknowledge_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending referral seen.")] input: AcknowledgeReferralInput,
    ) -> Result<CeEvent> {
        let id = parse_id("ceEventId", &input.ce_event_id)?;
        let event = referrals::acknowledge(ctx.services(), ctx.actor()?, id).await?;
        Ok(CeEvent(event))
    }

    /// A note on a referral (PLM, ADMIN, or staff of the referred project's organization).
    async fn add_referral_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The referral and the note's text.")] input: AddReferralNoteInput,
    ) -> Result<ReferralNote> {
        let id = parse_id("ceEventId", &input.ce_event_id)?;
        let note = referrals::add_note(ctx.services(), ctx.actor()?, id, &input.text).await?;
        Ok(ReferralNote(note))
    }

    /// A resolved referral becomes pending again (its resulting enrollment stays).
    async fn reopen_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The resolved referral and why it is reopened.")]
        input: ReopenReferralInput,
    ) -> Result<CeEvent> {
        let id = parse_id("ceEventId", &input.ce_event_id)?;
        let event = referrals::reopen(ctx.services(), ctx.actor()?, id, &input.reason).await?;
        Ok(CeEvent(event))
    }

    /// A resolved referral gets another resolution, in one transaction.
    async fn correct_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The resolved referral, its corrected result and why.")]
        input: CorrectReferralInput,
    ) -> Result<CeEvent> {
        let actor = ctx.actor()?;
        let resolution = input.resolution.resolution()?;
        let event = referrals::correct(ctx.services(), actor, resolution, &input.reason).await?;
        Ok(CeEvent(event))
    }

    /// The CE side withdraws a pending referral made in error (PLM of the CE project's
    /// organization, or ADMIN).
    async fn cancel_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pending referral and why it was made in error.")]
        input: CancelReferralInput,
    ) -> Result<CeEvent> {
        let id = parse_id("ceEventId", &input.ce_event_id)?;
        let event = referrals::cancel(ctx.services(), ctx.actor()?, id, &input.reason).await?;
        Ok(CeEvent(event))
    }
}
