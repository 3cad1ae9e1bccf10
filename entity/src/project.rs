//! HUD 2.02 Project Information (Project.csv). A "housing program" in the workflow guide.

use crate::codes::ProjectType;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "project")]
pub struct Model {
    /// ProjectID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// OrganizationID: the organization that operates the project.
    pub organization_id: Uuid,
    /// ProjectName (HUD 2.02.2).
    pub name: String,
    /// ProjectType (HUD 2.02.6), stored as the HUD integer code.
    pub project_type: ProjectType,
    /// OperatingStartDate (HUD 2.02.3).
    pub operating_start_date: Date,
    /// OperatingEndDate (HUD 2.02.4).
    pub operating_end_date: Option<Date>,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
    /// ProjectID as imported from another HMIS when it is not a UUID (32 lower-case hex digits, which
    /// become the id); exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user: kept as given and exported while `user_id` is
    /// null.
    pub hud_user_id: Option<String>,
    /// HUD 2.03.1 CoC code of the project, when it is not the community's (HEARTH_COC_CODE).
    pub coc_code: Option<String>,
    /// ContinuumProject (HUD 2.02.5): the project is part of the CoC.
    pub continuum_project: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
