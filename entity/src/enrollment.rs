//! HUD 3.10 / 3.11 / 3.20 project enrollment (Enrollment.csv, with Exit.csv's exit folded in).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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
    /// Destination (HUD 3.12), the HUD integer code, from Exit.csv.
    pub destination: Option<i32>,
    /// MoveInDate (HUD 3.20 Housing Move-In Date).
    pub move_in_date: Option<Date>,
    pub date_created: DateTimeUtc,
    pub date_updated: DateTimeUtc,
    pub user_id: Option<Uuid>,
    pub date_deleted: Option<DateTimeUtc>,
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
