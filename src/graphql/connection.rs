//! Relay connections (`ClientConnection`, `CeEventConnection`) with opaque keyset cursors.

use super::client::{CeEvent, Client};
use crate::error::{AppError, AppResult};
use crate::service::page::{Page, PageRequest};
use async_graphql::{Context, SimpleObject};
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

/// The page a list field asks for: `first` rows after `after` (a cursor of `list`), the total
/// counted only when the query selects `totalCount`.
pub fn page_request(
    ctx: &Context<'_>,
    list: CursorList,
    first: Option<i32>,
    after: Option<&str>,
) -> AppResult<PageRequest> {
    let after = decode_cursor(list, after)?;
    Ok(PageRequest::new(first, after)?.count_total(ctx.look_ahead().field("totalCount").exists()))
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
    pub(super) end_cursor: Option<String>,
}

impl PageInfo {
    /// Where `page` sits in `list`: its cursors are those of its first and last rows (`id` of each).
    pub fn of<M>(list: CursorList, page: &Page<M>, id: impl Fn(&M) -> Uuid) -> Self {
        PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
            start_cursor: page.rows.first().map(|m| encode_cursor(list, id(m))),
            end_cursor: page.rows.last().map(|m| encode_cursor(list, id(m))),
        }
    }
}

/// A page's rows as Relay edges (each `edge` with the row's cursor in `list`) and as nodes: every
/// connection of the API is these two lists of the same objects.
pub fn edges_and_nodes<M: Clone, N, E>(
    list: CursorList,
    rows: Vec<M>,
    id: impl Fn(&M) -> Uuid,
    node: impl Fn(M) -> N,
    edge: impl Fn(String, N) -> E,
) -> (Vec<E>, Vec<N>) {
    let edges = rows
        .iter()
        .map(|row| edge(encode_cursor(list, id(row)), node(row.clone())))
        .collect();
    (edges, rows.into_iter().map(node).collect())
}

/// `totalCount`: a count beyond `Int` is shown as the largest `Int`.
pub fn total(count: u64) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// A Relay connection of one record type (its edge, its page and the page's making from a
/// service `Page`): the client and CE event lists are one shape but for their names and docs.
macro_rules! connection {
    (
        $(#[$edge_doc:meta])* $edge:ident { $(#[$node_doc:meta])* node: $object:ident },
        $(#[$doc:meta])* $connection:ident in $list:ident of $model:ty $(,)?
    ) => {
        $(#[$edge_doc])*
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Opaque position of this row; pass as `after` to continue after it.
            cursor: String,
            $(#[$node_doc])*
            node: $object,
        }

        $(#[$doc])*
        #[derive(SimpleObject)]
        pub struct $connection {
            /// The rows with their cursors.
            edges: Vec<$edge>,
            /// The rows alone.
            nodes: Vec<$object>,
            /// Where this page sits.
            page_info: PageInfo,
            /// All rows matching the query in the caller's scope, across pages.
            total_count: i32,
        }

        impl From<Page<$model>> for $connection {
            fn from(page: Page<$model>) -> Self {
                let page_info = PageInfo::of(CursorList::$list, &page, |row| row.id);
                let total_count = total(page.total_count);
                let (edges, nodes) = edges_and_nodes(
                    CursorList::$list,
                    page.rows,
                    |row| row.id,
                    $object,
                    |cursor, node| $edge { cursor, node },
                );
                $connection {
                    edges,
                    nodes,
                    page_info,
                    total_count,
                }
            }
        }
    };
}

connection!(
    /// A client in a page, with its cursor.
    ClientEdge {
        /// The client.
        node: Client
    },
    /// A page of clients.
    ClientConnection in Clients of entity::client::Model,
);

connection!(
    /// A CE event in a page, with its cursor.
    CeEventEdge {
        /// The CE event.
        node: CeEvent
    },
    /// A page of CE events.
    CeEventConnection in CeEvents of entity::ce_event::Model,
);
