//! Relay connections (`ClientConnection`, `CeEventConnection`) with opaque keyset cursors.

use super::client::{CeEvent, Client};
use crate::error::{AppError, AppResult};
use crate::service::page::Page;
use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// Cursors are opaque to clients: a version tag, the list they belong to and the row's id,
/// base64url-encoded. They carry no secret: a forged cursor only pages the caller's own scope.
const CURSOR_TAG: &str = "hearth:v1";

/// Which list a cursor pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorList {
    Clients,
    CeEvents,
    AuditEvents,
    PriorityList,
}

impl CursorList {
    fn tag(self) -> &'static str {
        match self {
            CursorList::Clients => "clients",
            CursorList::CeEvents => "ce_events",
            CursorList::AuditEvents => "audit_events",
            CursorList::PriorityList => "priority_list",
        }
    }
}

pub fn encode_cursor(list: CursorList, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_TAG}:{}:{id}", list.tag()))
}

/// Decodes an `after` argument; anything not made by [`encode_cursor`] for `list` is BAD_USER_INPUT.
pub fn decode_cursor(list: CursorList, cursor: Option<&str>) -> AppResult<Option<Uuid>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let prefix = format!("{CURSOR_TAG}:{}:", list.tag());
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(&prefix).and_then(|id| Uuid::parse_str(id).ok()))
        .map(Some)
        .ok_or_else(|| {
            AppError::bad_input(
                "after is not a cursor of this list; pass an endCursor or edge cursor Hearth returned",
            )
        })
}

/// Where a page sits in its list (Relay PageInfo).
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether another page follows (ask again with `after: endCursor`).
    has_next_page: bool,
    /// Whether rows precede this page.
    has_previous_page: bool,
    /// The cursor of the first row of the page.
    start_cursor: Option<String>,
    /// The cursor of the last row of the page: pass it as `after` for the next page.
    end_cursor: Option<String>,
}

impl PageInfo {
    pub fn new(
        has_next_page: bool,
        has_previous_page: bool,
        start_cursor: Option<String>,
        end_cursor: Option<String>,
    ) -> Self {
        PageInfo {
            has_next_page,
            has_previous_page,
            start_cursor,
            end_cursor,
        }
    }
}

/// A client in a page, with its cursor.
#[derive(SimpleObject)]
pub struct ClientEdge {
    /// Opaque position of this row; pass as `after` to continue after it.
    cursor: String,
    /// The client.
    node: Client,
}

/// A CE event in a page, with its cursor.
#[derive(SimpleObject)]
pub struct CeEventEdge {
    /// Opaque position of this row; pass as `after` to continue after it.
    cursor: String,
    /// The CE event.
    node: CeEvent,
}

/// A page of clients.
#[derive(SimpleObject)]
pub struct ClientConnection {
    /// The rows with their cursors.
    edges: Vec<ClientEdge>,
    /// The rows alone.
    nodes: Vec<Client>,
    /// Where this page sits.
    page_info: PageInfo,
    /// All rows matching the query in the caller's scope, across pages.
    total_count: i32,
}

/// A page of CE events.
#[derive(SimpleObject)]
pub struct CeEventConnection {
    /// The rows with their cursors.
    edges: Vec<CeEventEdge>,
    /// The rows alone.
    nodes: Vec<CeEvent>,
    /// Where this page sits.
    page_info: PageInfo,
    /// All rows matching the query in the caller's scope, across pages.
    total_count: i32,
}

fn page_info<M>(list: CursorList, page: &Page<M>, id: impl Fn(&M) -> Uuid) -> PageInfo {
    PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        start_cursor: page.rows.first().map(|m| encode_cursor(list, id(m))),
        end_cursor: page.rows.last().map(|m| encode_cursor(list, id(m))),
    }
}

fn total(count: u64) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

impl From<Page<entity::client::Model>> for ClientConnection {
    fn from(page: Page<entity::client::Model>) -> Self {
        let page_info = page_info(CursorList::Clients, &page, |c| c.id);
        let total_count = total(page.total_count);
        let edges = page
            .rows
            .iter()
            .map(|c| ClientEdge {
                cursor: encode_cursor(CursorList::Clients, c.id),
                node: Client(c.clone()),
            })
            .collect();
        let nodes = page.rows.into_iter().map(Client).collect();
        ClientConnection {
            edges,
            nodes,
            page_info,
            total_count,
        }
    }
}

impl From<Page<entity::ce_event::Model>> for CeEventConnection {
    fn from(page: Page<entity::ce_event::Model>) -> Self {
        let page_info = page_info(CursorList::CeEvents, &page, |e| e.id);
        let total_count = total(page.total_count);
        let edges = page
            .rows
            .iter()
            .map(|e| CeEventEdge {
                cursor: encode_cursor(CursorList::CeEvents, e.id),
                node: CeEvent(e.clone()),
            })
            .collect();
        let nodes = page.rows.into_iter().map(CeEvent).collect();
        CeEventConnection {
            edges,
            nodes,
            page_info,
            total_count,
        }
    }
}
