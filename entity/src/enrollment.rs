//! HUD 3.10 / 3.11 / 3.20 project enrollment (Enrollment.csv, with Exit.csv's exit folded in).

use crate::codes::{Destination, RelationshipToHoH};
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "enrollment")]
pub struct Model {
    /// EnrollmentID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// PersonalID.
    pub client_id: Uuid,
    /// ProjectID.
    pub project_id: Uuid,
    /// EntryDate (HUD 3.10 Project Start Date).
    pub entry_date: Date,
    /// ExitDate (HUD 3.11 Project Exit Date), from Exit.csv.
    pub exit_date: Option<Date>,
    /// Destination (HUD 3.12), stored as the HUD integer code, from Exit.csv.
    pub destination: Option<Destination>,
    /// MoveInDate (HUD 3.20 Housing Move-In Date).
    pub move_in_date: Option<Date>,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
    /// EnrollmentID as imported from another HMIS when it is not a UUID (32 lower-case hex digits, which
    /// become the id); exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user: kept as given and exported while `user_id` is
    /// null.
    pub hud_user_id: Option<String>,
    /// Exit.csv ExitID as imported when it differs from the EnrollmentID (an exported exit's ExitID is
    /// its EnrollmentID: Hearth keeps one exit per enrollment, on the enrollment).
    pub exit_hud_id: Option<String>,
    /// EnrollmentCoC (HUD 3.16): the project's CoC at entry. Empty for enrollments made before
    /// Hearth kept it, which report their project's.
    pub enrollment_coc: Option<String>,
    /// HouseholdID (HUD 3.14/5.09): the household the client entered the project with.
    pub household_id: Uuid,
    /// RelationshipToHoH (HUD 3.15), stored as the HUD integer code: 1 for the household's one head.
    pub relationship_to_hoh: RelationshipToHoH,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::client::Entity",
        from = "Column::ClientId",
        to = "super::client::Column::Id"
    )]
    Client,
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
    #[sea_orm(
        belongs_to = "super::household::Entity",
        from = "Column::HouseholdId",
        to = "super::household::Column::Id"
    )]
    Household,
}

impl Related<super::household::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Household.def()
    }
}

impl Related<super::client::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Client.def()
    }
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
