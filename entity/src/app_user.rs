//! A person who signs in to Hearth (User.csv). Named `app_user` because `user` is reserved in SQL.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    /// UserID (UUIDv7).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// UserEmail, stored lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    /// Display name (UserFirstName and UserLastName in the export).
    pub name: String,
    /// DateCreated.
    pub date_created: DateTimeUtc,
    /// DateUpdated.
    pub date_updated: DateTimeUtc,
    /// DateDeleted: soft delete, null while the user is live.
    pub date_deleted: Option<DateTimeUtc>,
    /// UserID as imported from another HMIS when it is not a UUID (32 lower-case hex digits, which
    /// become the id); exports write it instead of the id. Unique.
    #[sea_orm(unique)]
    pub hud_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
