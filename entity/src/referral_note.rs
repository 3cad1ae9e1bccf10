//! A note on a referral between the Priority List Manager and the housing program (rule L2).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "referral_note")]
pub struct Model {
    /// UUIDv7: notes sort by time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The referral (a CE event) the note is on.
    pub ce_event_id: Uuid,
    /// 1..2000 characters, trimmed.
    pub text: String,
    pub author_user_id: Uuid,
    /// The organization the author acted as.
    pub organization_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::ce_event::Entity",
        from = "Column::CeEventId",
        to = "super::ce_event::Column::Id"
    )]
    CeEvent,
}

impl Related<super::ce_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CeEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
