//! HUD 4.20 Coordinated Entry Event (Event.csv), plus the guide's Resulting Enrollment and who resolved it.

use crate::codes::{CeEventType, DeclineReason, NoYes, ReferralResult};
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ce_event")]
pub struct Model {
    /// EventID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// EnrollmentID: the client's CE project enrollment the event is recorded in.
    pub enrollment_id: Uuid,
    /// The CE household the event was recorded for: its enrollment's household (HUD 3.14).
    pub household_id: Uuid,
    /// PersonalID.
    pub client_id: Uuid,
    /// EventDate (HUD 4.20.1).
    pub event_date: Date,
    /// Event (HUD 4.20.2), codes 1..18.
    pub event_type: CeEventType,
    /// ProbSolDivRRResult (HUD 4.20.A), event 2 only: 0 No, 1 Yes.
    pub prob_sol_div_rr_result: Option<NoYes>,
    /// ReferralCaseManageAfter (HUD 4.20.B), event 5 only: 0 No, 1 Yes.
    pub referral_case_manage_after: Option<NoYes>,
    /// LocationCrisisOrPHHousing (HUD 4.20.C), as the project referred to.
    pub referred_project_id: Option<Uuid>,
    /// ReferralResult (HUD 4.20.D), codes 1..3; null while the referral is pending.
    pub referral_result: Option<ReferralResult>,
    /// ResultDate (HUD 4.20.E).
    pub result_date: Option<Date>,
    /// The guide's Resulting Enrollment: the housing enrollment a successful referral led to. Unique.
    #[sea_orm(unique)]
    pub resulting_enrollment_id: Option<Uuid>,
    /// Who resolved the referral.
    pub resolved_by_user_id: Option<Uuid>,
    /// The organization the resolver acted as.
    pub resolved_as_organization_id: Option<Uuid>,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
    /// EventID as imported from another HMIS when it is not a UUID (32 lower-case hex digits, which
    /// become the id); exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user: kept as given and exported while `user_id` is
    /// null.
    pub hud_user_id: Option<String>,
    /// When the referred program first acknowledged the referral (rule L1).
    pub acknowledged_at: Option<DateTimeUtc>,
    pub acknowledged_by_user_id: Option<Uuid>,
    /// Why the referral did not lead to an enrollment: Hearth's DeclineReason code (rule L3), which
    /// implies the HUD 4.20.D result.
    pub decline_reason: Option<DeclineReason>,
    /// When the CE side withdrew the referral as made in error (rule L6); exports write it as
    /// DateDeleted.
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancellation_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::enrollment::Entity",
        from = "Column::EnrollmentId",
        to = "super::enrollment::Column::Id"
    )]
    Enrollment,
    #[sea_orm(
        belongs_to = "super::client::Entity",
        from = "Column::ClientId",
        to = "super::client::Column::Id"
    )]
    Client,
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ReferredProjectId",
        to = "super::project::Column::Id"
    )]
    ReferredProject,
}

impl Related<super::client::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Client.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
