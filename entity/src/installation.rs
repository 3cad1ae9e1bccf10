//! The installation itself: one row, made by the migration that added it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "installation")]
pub struct Model {
    /// Always 1: there is one installation per database.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// ImplementationID (HUD 5.10, Export.csv): made once, never changed.
    pub implementation_id: String,
    pub date_created: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
