//! HUD 2.01 Organization (Organization.csv).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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
