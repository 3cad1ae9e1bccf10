//! `Client`, `Enrollment` and `CeEvent`: the client data whose visibility follows the caller's scope.

use super::LIST_FANOUT;
use super::assessment::Assessment;
use super::audit::{self, AuditEvent};
use super::context::ContextExt;
use super::household::Household;
use super::loaders::{
    AssessmentsOfClient, AssessmentsOfEnrollment, CeEventsOfClient, CeEventsOfEnrollment,
    ClientKey, EnrollmentKey, EnrollmentsOfClient, HouseholdKey, NotesOfReferral, ProjectKey,
    ReferralResolvedBy, UserKey, linked, list_field,
};
use super::organization::Project;
use super::referral::ReferralNote;
use super::scalars::Date;
use super::viewer::User;
use crate::domain::{
    CeEventType, DeclineReason, Destination, ReferralResult, ReferralStatus, RelationshipToHoH, Sex,
};
use crate::error::AppError;
use crate::service::admin;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{ce_event, client, enrollment};
use uuid::Uuid;

pub struct Client(pub client::Model);

/// A person served by the Continuum of Care (HUD 3.01 Name, 3.03 Date of Birth).
#[Object]
impl Client {
    /// PersonalID.
    async fn id(&self, ctx: &Context<'_>) -> ID {
        ctx.note_client_read(self.0.id);
        ID(self.0.id.to_string())
    }
    /// FirstName (HUD 3.01.1).
    async fn first_name(&self, ctx: &Context<'_>) -> &str {
        ctx.note_client_read(self.0.id);
        &self.0.first_name
    }
    /// LastName (HUD 3.01.3).
    async fn last_name(&self, ctx: &Context<'_>) -> &str {
        ctx.note_client_read(self.0.id);
        &self.0.last_name
    }
    /// DOB (HUD 3.03.1), when known.
    async fn date_of_birth(&self, ctx: &Context<'_>) -> Option<Date> {
        ctx.note_client_read(self.0.id);
        self.0.date_of_birth.map(Date)
    }
    /// Sex (HUD FY2026 4.21).
    async fn sex(&self, ctx: &Context<'_>) -> Result<Sex> {
        ctx.note_client_read(self.0.id);
        Ok(self.0.sex)
    }
    /// The client's enrollments that the caller may see, oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn enrollments(&self, ctx: &Context<'_>) -> Result<Vec<Enrollment>> {
        ctx.note_client_read(self.0.id);
        list_field(ctx.loaders(), EnrollmentsOfClient(self.0.id), Enrollment).await
    }
    /// The client's CE events that the caller may see, oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn ce_events(&self, ctx: &Context<'_>) -> Result<Vec<CeEvent>> {
        ctx.note_client_read(self.0.id);
        list_field(ctx.loaders(), CeEventsOfClient(self.0.id), CeEvent).await
    }
    /// The client's 4.19 assessments that the caller may see, oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn assessments(&self, ctx: &Context<'_>) -> Result<Vec<Assessment>> {
        ctx.note_client_read(self.0.id);
        list_field(ctx.loaders(), AssessmentsOfClient(self.0.id), Assessment).await
    }
    /// The record's audit trail (ADMIN: all of it; others: what their organization did), oldest first.
    async fn audit_trail(&self, ctx: &Context<'_>) -> Result<Vec<AuditEvent>> {
        audit::trail(ctx, self.0.id).await
    }
    /// DateCreated.
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.date_created
    }
    /// DateUpdated.
    async fn date_updated(&self) -> DateTime<Utc> {
        self.0.date_updated
    }
}

pub struct Enrollment(pub enrollment::Model);

pub(super) async fn visible_client(ctx: &Context<'_>, id: Uuid) -> Result<Client> {
    let client = ctx
        .loaders()
        .load_one(ClientKey(id))
        .await?
        .ok_or_else(|| AppError::internal(format!("client {id} is outside the caller's scope")))?;
    Ok(Client(client))
}

pub(super) async fn visible_enrollment(ctx: &Context<'_>, id: Uuid) -> Result<Option<Enrollment>> {
    Ok(ctx
        .loaders()
        .load_one(EnrollmentKey(id))
        .await?
        .map(Enrollment))
}

pub(super) async fn project(ctx: &Context<'_>, id: Uuid) -> Result<Project> {
    linked(ctx.loaders(), (ProjectKey, id), "project", Project).await
}

/// A client's stay in a project (HUD 3.10 Project Start Date, 3.11 Project Exit Date, 3.20 Housing
/// Move-In Date). A CE project enrollment holds the client's CE events.
#[Object]
impl Enrollment {
    /// EnrollmentID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The enrolled client (PersonalID).
    async fn client(&self, ctx: &Context<'_>) -> Result<Client> {
        visible_client(ctx, self.0.client_id).await
    }
    /// The project enrolled in (ProjectID).
    async fn project(&self, ctx: &Context<'_>) -> Result<Project> {
        project(ctx, self.0.project_id).await
    }
    /// EntryDate (HUD 3.10 Project Start Date).
    async fn entry_date(&self) -> Date {
        self.0.entry_date.into()
    }
    /// ExitDate (HUD 3.11 Project Exit Date); null while enrolled.
    async fn exit_date(&self) -> Option<Date> {
        self.0.exit_date.map(Date)
    }
    /// MoveInDate (HUD 3.20 Housing Move-In Date), permanent housing only.
    async fn move_in_date(&self) -> Option<Date> {
        self.0.move_in_date.map(Date)
    }
    /// Destination at exit (HUD 3.12), the HUD integer code.
    async fn destination(&self) -> Option<i32> {
        self.0.destination.map(Destination::code)
    }
    /// The household the client entered the project with (HUD 3.14).
    async fn household(&self, ctx: &Context<'_>) -> Result<Household> {
        household(ctx, self.0.household_id).await
    }
    /// RelationshipToHoH (HUD 3.15).
    async fn relationship_to_ho_h(&self) -> Result<RelationshipToHoH> {
        Ok(self.0.relationship_to_hoh)
    }
    /// EnrollmentCoC (HUD 3.16): the project's CoC code at entry.
    #[graphql(name = "enrollmentCoC")]
    async fn enrollment_coc(&self, ctx: &Context<'_>) -> Result<String> {
        if let Some(code) = &self.0.enrollment_coc {
            return Ok(code.clone());
        }
        let project = project(ctx, self.0.project_id).await?;
        Ok(admin::coc_code(ctx.services(), &project.0).to_owned())
    }
    /// CE events recorded in this (CE project) enrollment that the caller may see, oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn ce_events(&self, ctx: &Context<'_>) -> Result<Vec<CeEvent>> {
        list_field(ctx.loaders(), CeEventsOfEnrollment(self.0.id), CeEvent).await
    }
    /// 4.19 assessments recorded in this (CE project) enrollment that the caller may see, oldest
    /// first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn assessments(&self, ctx: &Context<'_>) -> Result<Vec<Assessment>> {
        list_field(
            ctx.loaders(),
            AssessmentsOfEnrollment(self.0.id),
            Assessment,
        )
        .await
    }
    /// The referral whose Resulting Enrollment this is, if the caller may see it.
    async fn resolved_referral(&self, ctx: &Context<'_>) -> Result<Option<CeEvent>> {
        Ok(ctx
            .loaders()
            .load_one(ReferralResolvedBy(self.0.id))
            .await?
            .map(CeEvent))
    }
    /// The record's audit trail (ADMIN: all of it; others: what their organization did), oldest first.
    async fn audit_trail(&self, ctx: &Context<'_>) -> Result<Vec<AuditEvent>> {
        audit::trail(ctx, self.0.id).await
    }
    /// DateCreated.
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.date_created
    }
    /// DateUpdated.
    async fn date_updated(&self) -> DateTime<Utc> {
        self.0.date_updated
    }
}

pub(super) async fn household(ctx: &Context<'_>, id: Uuid) -> Result<Household> {
    linked(ctx.loaders(), (HouseholdKey, id), "household", Household).await
}

pub struct CeEvent(pub ce_event::Model);

impl CeEvent {
    /// Where the referral stands, from its stored result and cancellation.
    pub fn referral_status(&self) -> crate::error::AppResult<ReferralStatus> {
        Ok(ReferralStatus::derive(
            self.0.event_type,
            self.0.referral_result,
            self.0.cancelled_at.is_some(),
        ))
    }
}

/// A Coordinated Entry event (HUD 4.20), recorded in the client's CE project enrollment. Housing
/// referrals (event types 10-15 and 18, and stored 17s) carry a Referral Result once the housing
/// program resolves them.
#[Object]
impl CeEvent {
    /// EventID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The client (PersonalID).
    async fn client(&self, ctx: &Context<'_>) -> Result<Client> {
        visible_client(ctx, self.0.client_id).await
    }
    /// The CE household the event was recorded for (the head's CE enrollment's household).
    async fn household(&self, ctx: &Context<'_>) -> Result<Household> {
        household(ctx, self.0.household_id).await
    }
    /// The CE project enrollment the event is recorded in (EnrollmentID).
    async fn enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        visible_enrollment(ctx, self.0.enrollment_id)
            .await?
            .ok_or_else(|| {
                AppError::internal(format!(
                    "CE enrollment of event {} is out of scope",
                    self.0.id
                ))
                .into()
            })
    }
    /// EventDate (HUD 4.20.1).
    async fn event_date(&self) -> Date {
        self.0.event_date.into()
    }
    /// Event (HUD 4.20.2).
    async fn event_type(&self) -> Result<CeEventType> {
        Ok(self.0.event_type)
    }
    /// LocationCrisisOrPHHousing (HUD 4.20.C), as the project referred to.
    async fn referred_project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        let Some(id) = self.0.referred_project_id else {
            return Ok(None);
        };
        // Null once the project is soft-deleted, as `project(id)` answers.
        Ok(ctx.loaders().load_one(ProjectKey(id)).await?.map(Project))
    }
    /// ReferralResult (HUD 4.20.D); null while pending.
    async fn referral_result(&self) -> Result<Option<ReferralResult>> {
        Ok(self.0.referral_result)
    }
    /// ResultDate (HUD 4.20.E): the enrollment's start date when successful, else the day it was decided.
    async fn result_date(&self) -> Option<Date> {
        self.0.result_date.map(Date)
    }
    /// The housing enrollment a successful referral led to (the guide's Resulting Enrollment).
    async fn resulting_enrollment(&self, ctx: &Context<'_>) -> Result<Option<Enrollment>> {
        match self.0.resulting_enrollment_id {
            Some(id) => visible_enrollment(ctx, id).await,
            None => Ok(None),
        }
    }
    /// ProbSolDivRRResult (HUD 4.20.A): whether problem solving housed the client in a safe
    /// alternative; event type 2 only, null when not recorded.
    async fn safe_alternative_housed(&self) -> Option<bool> {
        self.0.prob_sol_div_rr_result.map(bool::from)
    }
    /// ReferralCaseManageAfter (HUD 4.20.B): whether the client enrolled in aftercare; event type
    /// 5 only, null when not recorded.
    async fn enrolled_in_aftercare(&self) -> Option<bool> {
        self.0.referral_case_manage_after.map(bool::from)
    }
    /// When the referred program acknowledged the referral (rule L1).
    async fn acknowledged_at(&self) -> Option<DateTime<Utc>> {
        self.0.acknowledged_at
    }
    /// Who acknowledged it.
    async fn acknowledged_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.acknowledged_by_user_id else {
            return Ok(None);
        };
        Ok(ctx.loaders().load_one(UserKey(id)).await?.map(User::from))
    }
    /// Why an unsuccessful referral did not lead to an enrollment (rule L3).
    async fn decline_reason(&self) -> Result<Option<DeclineReason>> {
        Ok(self.0.decline_reason)
    }
    /// The notes between the PLM and the program, oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn notes(&self, ctx: &Context<'_>) -> Result<Vec<ReferralNote>> {
        list_field(ctx.loaders(), NotesOfReferral(self.0.id), ReferralNote).await
    }
    /// When the CE side withdrew the referral as made in error (rule L6).
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
    /// Why it was withdrawn.
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }
    /// Where the referral stands, derived from its type and result.
    async fn status(&self) -> Result<ReferralStatus> {
        Ok(self.referral_status()?)
    }
    /// The record's audit trail (ADMIN: all of it; others: what their organization did), oldest first.
    async fn audit_trail(&self, ctx: &Context<'_>) -> Result<Vec<AuditEvent>> {
        audit::trail(ctx, self.0.id).await
    }
    /// DateCreated.
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.date_created
    }
    /// DateUpdated: for a resolved referral, when it was resolved.
    async fn date_updated(&self) -> DateTime<Utc> {
        self.0.date_updated
    }
}
