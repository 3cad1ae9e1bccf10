//! HUD 2.09 Coordinated Entry Participation Status (CEParticipation.csv): one period of a project's
//! CE roles. Periods of one project never overlap; a project still operating has one open period.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ce_participation")]
pub struct Model {
    /// CEParticipationID (UUIDv7; a project's first period, made by the migration that added 2.09,
    /// has the project's id).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// ProjectID.
    pub project_id: Uuid,
    /// AccessPoint (2.09.1).
    pub access_point: bool,
    /// PreventionAssessment (2.09.A).
    pub prevention_assessment: bool,
    /// CrisisAssessment (2.09.B).
    pub crisis_assessment: bool,
    /// HousingAssessment (2.09.C).
    pub housing_assessment: bool,
    /// DirectServices (2.09.D).
    pub direct_services: bool,
    /// ReceivesReferrals (2.09.2).
    pub receives_referrals: bool,
    /// CEParticipationStatusStartDate (2.09.3).
    pub start_date: Date,
    /// CEParticipationStatusEndDate (2.09.4); null while open.
    pub end_date: Option<Date>,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
    /// CEParticipationID as imported when it is not a UUID; exports write it instead of the id.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user.
    pub hud_user_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
