//! HUD 2.01 Organization (Organization.csv).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    /// OrganizationID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// OrganizationName.
    pub name: String,
    /// VictimServiceProvider (HUD 2.01.3, 0 No / 1 Yes).
    pub victim_service_provider: bool,
    /// DateCreated.
    pub date_created: DateTimeUtc,
    /// DateUpdated.
    pub date_updated: DateTimeUtc,
    /// UserID: who last changed the record.
    pub user_id: Option<Uuid>,
    /// DateDeleted: soft delete, null while the record is live.
    pub date_deleted: Option<DateTimeUtc>,
    /// OrganizationID as imported from another HMIS when it is not a UUID (32 lower-case hex digits, which
    /// become the id); exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user: kept as given and exported while `user_id` is
    /// null.
    pub hud_user_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::project::Entity")]
    Project,
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
