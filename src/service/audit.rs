//! The audit trail: every mutation records who (user), as which organization, what (record and
//! operation), when, and the changed fields' old and new values, in its own transaction, so a failed
//! mutation leaves no audit row. Housing staff reading client records are recorded too (HMIS privacy:
//! access to client data is auditable), with one insert per request at most.

use super::scope::Scoped;
use super::{Services, WriteTransaction, new_id, page};
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::audit_event;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait,
    PrimaryKeyTrait, QueryFilter,
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// A row Hearth itself creates, as an `ActiveModel`: the columns its mutation gives, then a new id
/// and DateCreated and DateUpdated now, the columns every table stamps alike (a user, a household
/// and a membership have no others). A macro because those columns are fields of each entity's own
/// struct literal, which a function cannot fill in.
macro_rules! new_row {
    ($entity:ident :: ActiveModel {
        $($field:ident : $value:expr,)* $(..$rest:expr)?
    }) => {{
        let now = chrono::Utc::now();
        $entity::ActiveModel {
            $($field: $value,)*
            id: sea_orm::ActiveValue::Set($crate::service::new_id()),
            date_created: sea_orm::ActiveValue::Set(now),
            date_updated: sea_orm::ActiveValue::Set(now),
            $(..$rest)?
        }
    }};
}
pub(crate) use new_row;

/// A record of the HMIS data Hearth itself creates: a [`new_row!`] with the rest of the HMIS audit
/// columns such a record stores (UserID its author, not deleted, and no HUD key or UserID from an
/// import), so that each creating mutation stamps them one way. (The import keeps a file's own
/// values instead: `interop::import::plan`'s `imported!`.)
macro_rules! new_record {
    ($user_id:expr, $entity:ident :: ActiveModel {
        $($field:ident : $value:expr,)* $(..$rest:expr)?
    }) => {
        $crate::service::audit::new_row!($entity::ActiveModel {
            $($field: $value,)*
            user_id: sea_orm::ActiveValue::Set($user_id),
            date_deleted: sea_orm::ActiveValue::Set(None),
            hud_id: sea_orm::ActiveValue::Set(None),
            hud_user_id: sea_orm::ActiveValue::Set(None),
            $(..$rest)?
        })
    };
}
pub(crate) use new_record;

/// Who made a change: the user, and the organization they acted as (none for operator commands).
#[derive(Clone, Copy, Debug)]
pub struct Who {
    pub user_id: Uuid,
    pub organization_id: Option<Uuid>,
}

impl From<&Actor> for Who {
    fn from(actor: &Actor) -> Self {
        Who {
            user_id: actor.user_id,
            organization_id: Some(actor.organization_id),
        }
    }
}

/// Fields that every change touches and that say nothing about it.
const BOOKKEEPING: &[&str] = &["date_updated", "user_id", "token_hash"];

/// `{ field: { old, new } }` for every field that differs between `old` (none for a creation) and
/// `new`.
pub fn diff<M: Serialize>(old: Option<&M>, new: &M) -> AppResult<Value> {
    let to_object = |model: &M| match serde_json::to_value(model) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(AppError::internal("an audited record is not a JSON object")),
        Err(err) => Err(AppError::internal(format!("cannot audit a record: {err}"))),
    };
    let new = to_object(new)?;
    let old = old.map(to_object).transpose()?.unwrap_or_default();
    let mut changes = Map::new();
    for (field, value) in new {
        if BOOKKEEPING.contains(&field.as_str()) {
            continue;
        }
        let before = old.get(&field).cloned().unwrap_or(Value::Null);
        if before != value {
            changes.insert(field, json!({ "old": before, "new": value }));
        }
    }
    Ok(Value::Object(changes))
}

/// A row the audit trail records: its record type (its table's name) and its id, named once per
/// table here rather than beside every change.
pub trait Audited: Serialize {
    const RECORD_TYPE: &'static str;
    fn record_id(&self) -> Uuid;
}

macro_rules! audited {
    ($($table:ident),* $(,)?) => {$(
        impl Audited for entity::$table::Model {
            const RECORD_TYPE: &'static str = stringify!($table);
            fn record_id(&self) -> Uuid {
                self.id
            }
        }
    )*};
}

audited!(
    api_token,
    app_user,
    assessment,
    ce_event,
    ce_participation,
    client,
    enrollment,
    membership,
    organization,
    project,
    referral_note,
);

/// Records one change to the row `new` (before it, `old`) by `who`, inside the change's transaction.
pub async fn record<C: ConnectionTrait, M: Audited>(
    conn: &C,
    who: Who,
    operation: &str,
    old: Option<&M>,
    new: &M,
) -> AppResult<()> {
    record_with_reason(conn, who, operation, old, new, None).await
}

/// Records that the actor's mutation `operation` created `new` (it has no before-state): the audit
/// row every creating mutation writes beside its insert, in the same transaction.
pub async fn created<C: ConnectionTrait, M: Audited>(
    conn: &C,
    actor: &Actor,
    operation: &str,
    new: &M,
) -> AppResult<()> {
    record(conn, actor.into(), operation, None, new).await
}

/// The end of a mutation that creates one record: its creation recorded as [`created`] records it,
/// the transaction committed, and the record handed back.
pub async fn commit_created<M: Audited>(
    txn: WriteTransaction,
    actor: &Actor,
    operation: &str,
    new: M,
) -> AppResult<M> {
    created(&txn, actor, operation, &new).await?;
    txn.commit().await?;
    Ok(new)
}

/// Records the change `operation` made to the row `before` (as the change found it), with the
/// reason the actor gave when the change takes one: the row is read again as it now stands, recorded
/// against `before` in the change's transaction, and returned.
pub async fn changed<C: ConnectionTrait, M>(
    conn: &C,
    who: Who,
    operation: &str,
    before: &M,
    reason: Option<&str>,
) -> AppResult<M>
where
    M: Audited + ModelTrait,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::PrimaryKey: PrimaryKeyTrait<ValueType = Uuid>,
{
    let what = format!("the changed {} {}", M::RECORD_TYPE, before.record_id());
    let after = super::reread::<M::Entity>(conn, before.record_id(), &what).await?;
    record_with_reason(conn, who, operation, Some(before), &after, reason).await?;
    Ok(after)
}

async fn write<C: ConnectionTrait>(
    conn: &C,
    who: Who,
    operation: &str,
    (record_type, record_id): (&str, Uuid),
    changes: serde_json::Value,
    reason: Option<&str>,
) -> AppResult<()> {
    audit_event::ActiveModel {
        id: Set(new_id()),
        occurred_at: Set(Utc::now()),
        user_id: Set(who.user_id),
        organization_id: Set(who.organization_id),
        operation: Set(operation.to_owned()),
        record_type: Set(record_type.to_owned()),
        record_id: Set(record_id),
        changes: Set(changes.to_string()),
        reason: Set(reason.map(str::to_owned)),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// As [`record`], with the reason the actor gave for the change when the change takes one (a
/// referral's reopening, correction or cancellation), so that such a change is recorded one way
/// whether or not this one has a reason.
pub async fn record_with_reason<C: ConnectionTrait, M: Audited>(
    conn: &C,
    who: Who,
    operation: &str,
    old: Option<&M>,
    new: &M,
    reason: Option<&str>,
) -> AppResult<()> {
    let record = (M::RECORD_TYPE, new.record_id());
    write(conn, who, operation, record, diff(old, new)?, reason).await
}

/// Records that `actor` read these clients' records, before the answer that shows them is handed out.
pub async fn record_client_reads(
    services: &Services,
    actor: &Actor,
    client_ids: Vec<Uuid>,
) -> AppResult<()> {
    if client_ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = client_ids.into_iter().map(|client_id| audit_event::Model {
        id: new_id(),
        occurred_at: now,
        user_id: actor.user_id,
        organization_id: Some(actor.organization_id),
        operation: "read".to_owned(),
        record_type: "client".to_owned(),
        record_id: client_id,
        changes: "{}".to_owned(),
        reason: None,
    });
    // By group commit: the answer waits until these rows are durable, with others' (`read_log`).
    services.read_log.record(rows.collect()).await
}

/// Who a command run on the server acts as in the audit trail: the ADMIN named with `--as EMAIL`,
/// or else the command itself, as a user of its own that signs in nowhere (`hearth import` is
/// `hearth-import@hearth.invalid`: `.invalid` is reserved, so no real address can take it).
pub async fn operator<C: ConnectionTrait>(
    conn: &C,
    as_email: Option<&str>,
    command: &str,
) -> AppResult<Who> {
    use entity::membership;
    if let Some(email) = as_email {
        let user = super::admin::find_user_by_email(conn, email)
            .await?
            .ok_or_else(|| AppError::bad_input(format!("--as {email}: no such user")))?;
        let admin = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user.id))
            .filter(membership::Column::Role.eq(crate::domain::Role::Admin.as_str()))
            .one(conn)
            .await?
            .ok_or_else(|| AppError::forbidden(format!("--as {email}: not an ADMIN")))?;
        return Ok(Who {
            user_id: user.id,
            organization_id: Some(admin.organization_id),
        });
    }
    let email = format!("{}@hearth.invalid", command.replace(' ', "-"));
    let user = match super::admin::find_user_by_email(conn, &email).await? {
        Some(user) => user,
        None => {
            let name = format!("{command} (command line)");
            super::admin::new_user(email, name).insert(conn).await?
        }
    };
    Ok(Who {
        user_id: user.id,
        organization_id: None,
    })
}

/// The audit rows of records created in bulk (an import), one per record, as [`record`] writes
/// them one at a time.
pub fn creations<'m, M: Serialize + 'm>(
    who: Who,
    operation: &str,
    record_type: &str,
    records: impl IntoIterator<Item = (Uuid, &'m M)>,
) -> AppResult<Vec<audit_event::ActiveModel>> {
    let now = Utc::now();
    records
        .into_iter()
        .map(|(record_id, model)| {
            Ok(audit_event::ActiveModel {
                id: Set(new_id()),
                occurred_at: Set(now),
                user_id: Set(who.user_id),
                organization_id: Set(who.organization_id),
                operation: Set(operation.to_owned()),
                record_type: Set(record_type.to_owned()),
                record_id: Set(record_id),
                changes: Set(diff(None, model)?.to_string()),
                reason: Set(None),
            })
        })
        .collect()
}

/// Records that `actor` downloaded the community's records (`operation`, e.g. `exportHmisCsv`),
/// with what the download covered; the record is the organization acted as.
pub async fn record_export(
    services: &Services,
    actor: &Actor,
    operation: &str,
    range: crate::interop::ExportRange,
) -> AppResult<()> {
    audit_event::ActiveModel {
        id: Set(new_id()),
        occurred_at: Set(Utc::now()),
        user_id: Set(actor.user_id),
        organization_id: Set(Some(actor.organization_id)),
        operation: Set(operation.to_owned()),
        record_type: Set("export".to_owned()),
        record_id: Set(actor.organization_id),
        changes: Set(json!({ "from": range.from(), "to": range.to() }).to_string()),
        reason: Set(None),
    }
    .insert(&services.db)
    .await?;
    Ok(())
}

/// A page of the audit trail, oldest first: all of it for ADMIN, optionally of one record; other
/// roles see only what their own organization did.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    record_id: Option<Uuid>,
    request: page::PageRequest,
) -> AppResult<page::Page<audit_event::Model>> {
    let mut select = audit_event::Entity::find().filter(audit_event::Entity::visible_to(actor));
    if let Some(record_id) = record_id {
        select = select.filter(audit_event::Column::RecordId.eq(record_id));
    }
    page::keyset(conn, select, audit_event::Column::Id, request).await
}
