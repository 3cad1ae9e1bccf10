//! The audit trail (HMIS privacy and security standards): who did what to which record, as which
//! organization, when, with the changed fields' old and new values. Written in the same transaction
//! as the change it records; never updated.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    /// UUIDv7: audit events sort by time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    /// The user who acted.
    pub user_id: Uuid,
    /// The organization the user acted as (null for operator commands run on the server).
    pub organization_id: Option<Uuid>,
    /// The GraphQL mutation or command (`resolveReferral`, `hearth create-admin`), or `read`.
    pub operation: String,
    /// The table of the record: `client`, `enrollment`, `ce_event`, ...
    pub record_type: String,
    pub record_id: Uuid,
    /// JSON object `{ field: { "old": value, "new": value } }` of the fields the operation changed
    /// (empty for a read).
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    /// Why the change was made, when the operation asks (reopenReferral, correctReferral,
    /// cancelReferral).
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
