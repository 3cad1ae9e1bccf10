//! HUD 3.14 Household ID: the enrollments of people who enter one project together. Each household
//! is in one project and has exactly one head (RelationshipToHoH 1 Self) at every moment.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "household")]
pub struct Model {
    /// HouseholdID (UUIDv7; a household made for an enrollment of before households takes its id).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// ProjectID: every member's enrollment is in this project.
    pub project_id: Uuid,
    /// HouseholdID as imported when it is not a UUID; exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
