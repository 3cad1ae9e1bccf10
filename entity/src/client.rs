//! HUD 3.01-3.03 client identity (Client.csv).

use crate::codes::Sex;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "client")]
pub struct Model {
    /// PersonalID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// FirstName (HUD 3.01.1).
    pub first_name: String,
    /// LastName (HUD 3.01.3).
    pub last_name: String,
    /// FirstName lower-cased, for case-insensitive prefix search through an index.
    pub first_name_search: String,
    /// LastName lower-cased, for case-insensitive prefix search through an index.
    pub last_name_search: String,
    /// DOB (HUD 3.03.1).
    pub date_of_birth: Option<Date>,
    /// Sex (HUD FY2026 4.21): 0 female, 1 male, 8 client doesn't know, 9 client prefers not to
    /// answer, 99 data not collected.
    pub sex: Sex,
    /// The organization whose staff created the record: HOUSING_STAFF of it may see the client.
    pub created_by_organization_id: Uuid,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
    /// PersonalID as imported from another HMIS when it is not a UUID (32 lower-case hex digits, which
    /// become the id); exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
    /// UserID as imported when it names no Hearth user: kept as given and exported while `user_id` is
    /// null.
    pub hud_user_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
    #[sea_orm(has_many = "super::ce_event::Entity")]
    CeEvent,
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

impl Related<super::ce_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CeEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
