//! `AuditEvent`: the audit trail, per record (`auditTrail`) and as a whole (`auditEvents`, ADMIN).

use super::connection::{CursorList, PageInfo, edges_and_nodes, total};
use super::context::ContextExt;
use super::loaders::{AuditOfRecord, OrganizationKey, UserKey, list_field};
use super::organization::Organization;
use super::viewer::User;
use crate::error::AppError;
use crate::service::page::Page;
use async_graphql::{Context, ID, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::audit_event;
use uuid::Uuid;

/// One audited operation on one record.
pub struct AuditEvent(pub audit_event::Model);

/// Who did what to which record, as which organization, and when, with the fields it changed.
#[Object]
impl AuditEvent {
    /// The event's id (time-ordered).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// Who did it.
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        let user = ctx
            .loaders()
            .load_one(UserKey(self.0.user_id))
            .await?
            .ok_or_else(|| AppError::internal(format!("audit event {} has no user", self.0.id)))?;
        Ok(User::from(user))
    }
    /// The organization the user acted as; null for operator commands run on the server.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => Ok(ctx
                .loaders()
                .load_one(OrganizationKey(id))
                .await?
                .map(Organization)),
            None => Ok(None),
        }
    }
    /// The mutation or command (`createClient`, `resolveReferral`, `hearth create-admin`), or `read`.
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The kind of record: `client`, `enrollment`, `ce_event`, `project`, `organization`,
    /// `app_user`, `membership` or `api_token`; `export` for a download (the record is then the
    /// organization acted as).
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }
    /// The record's id.
    async fn record_id(&self) -> ID {
        ID(self.0.record_id.to_string())
    }
    /// Why the change was made, when the operation asks for a reason (reopenReferral,
    /// correctReferral, cancelReferral).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// The changed fields: `{ field: { "old": value, "new": value } }`; empty for a read.
    async fn changes(&self) -> Result<Json<serde_json::Value>> {
        serde_json::from_str(&self.0.changes)
            .map(Json)
            .map_err(|err| {
                AppError::internal(format!("audit event {} changes: {err}", self.0.id)).into()
            })
    }
}

/// A record's history as far as the caller may read it: ADMIN all of it, others what their own
/// organization did. Oldest first.
pub async fn trail(ctx: &Context<'_>, record_id: Uuid) -> Result<Vec<AuditEvent>> {
    list_field(ctx.loaders(), AuditOfRecord(record_id), AuditEvent).await
}

/// An audit event in a page, with its cursor.
#[derive(SimpleObject)]
pub struct AuditEventEdge {
    /// Opaque position of this event; pass as `after` to continue after it.
    cursor: String,
    /// The event.
    node: AuditEvent,
}

/// A page of the audit trail: a Relay connection (`edges`, `pageInfo`) like every list of the API.
/// Its first fields, `endCursor` and `hasNextPage`, are kept for the clients written against them.
#[derive(SimpleObject)]
pub struct AuditEventPage {
    /// The events with their cursors, oldest first.
    edges: Vec<AuditEventEdge>,
    /// The events alone, oldest first.
    nodes: Vec<AuditEvent>,
    /// Where this page sits.
    page_info: PageInfo,
    /// Pass as `after` for the next page; null on the last.
    #[graphql(
        deprecation = "Use `pageInfo.endCursor` (with `pageInfo.hasNextPage`): the Relay \
                             connection's field, which every other list of the API has"
    )]
    end_cursor: Option<String>,
    /// Whether another page follows.
    #[graphql(
        deprecation = "Use `pageInfo.hasNextPage`: the Relay connection's field, which \
                             every other list of the API has"
    )]
    has_next_page: bool,
    /// Matching events across pages.
    total_count: i32,
}

impl From<Page<audit_event::Model>> for AuditEventPage {
    fn from(page: Page<audit_event::Model>) -> Self {
        let page_info = PageInfo::of(CursorList::AuditEvents, &page, |event| event.id);
        // Null on the last page, as it always was (pageInfo.endCursor is the last row's).
        let end_cursor = page
            .has_next_page
            .then(|| page_info.end_cursor.clone())
            .flatten();
        let has_next_page = page.has_next_page;
        let total_count = total(page.total_count);
        let (edges, nodes) = edges_and_nodes(
            CursorList::AuditEvents,
            page.rows,
            |event| event.id,
            AuditEvent,
            |cursor, node| AuditEventEdge { cursor, node },
        );
        AuditEventPage {
            edges,
            nodes,
            page_info,
            end_cursor,
            has_next_page,
            total_count,
        }
    }
}
