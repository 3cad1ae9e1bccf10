//! HUD 4.19 Coordinated Entry Assessment (Assessment.csv): an assessment of a household, recorded in
//! its head's CE enrollment.

use crate::codes::{AssessmentLevel, AssessmentType, PrioritizationStatus};
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "assessment")]
pub struct Model {
    /// AssessmentID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// EnrollmentID: the head of household's CE enrollment.
    pub enrollment_id: Uuid,
    /// The household assessed: its enrollment's household (HUD 3.14).
    pub household_id: Uuid,
    /// PersonalID: the head of household.
    pub client_id: Uuid,
    /// AssessmentDate (HUD 4.19.1).
    pub assessment_date: Date,
    /// AssessmentLocation (HUD 4.19.2), 1..250 characters.
    pub assessment_location: String,
    /// AssessmentType (HUD 4.19.3), codes 1..3.
    pub assessment_type: AssessmentType,
    /// AssessmentLevel (HUD 4.19.4), codes 1..2.
    pub assessment_level: AssessmentLevel,
    /// PrioritizationStatus (HUD 4.19.7), codes 1..2.
    pub prioritization_status: PrioritizationStatus,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
    /// AssessmentID as imported from another HMIS when it is not a UUID; exports write it. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user.
    pub hud_user_id: Option<String>,
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
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl Related<super::client::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Client.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
