//! Keyset pagination over UUIDv7 ids: a page is "rows with id after the cursor, in id order", so
//! pages stay stable while rows are inserted (new rows sort last), and no page scans skipped rows.

use crate::db::ReadModels;
use crate::error::{AppError, AppResult};
use entity::decode::Decoded;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Which page to read: at most `first` rows after the row with id `after`.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Uuid>,
    /// Whether to count every matching row: a scan of the caller's whole scope, so it is done only
    /// when the client asks for the total.
    pub count_total: bool,
}

impl PageRequest {
    /// Validates `first`: 0..=100, 20 when absent.
    pub fn new(first: Option<i32>, after: Option<Uuid>) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => n as u64,
            Some(n) => {
                return Err(AppError::bad_input(format!(
                    "first must be between 0 and {MAX_PAGE_SIZE} (got {n}); page with `after`"
                )));
            }
        };
        Ok(PageRequest {
            first,
            after,
            count_total: true,
        })
    }

    /// Skips counting the total when `wanted` is false (the client did not ask for it).
    pub fn count_total(self, wanted: bool) -> Self {
        PageRequest {
            count_total: wanted,
            ..self
        }
    }
}

/// One page of rows and what a Relay connection needs to describe it.
pub struct Page<M> {
    pub rows: Vec<M>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    /// All matching rows; 0 when the request did not ask to count them.
    pub total_count: u64,
}

/// Reads one page of `select` ordered by `id`, plus the total matching rows.
pub async fn keyset<E, C>(
    conn: &C,
    select: Select<E>,
    id: E::Column,
    request: PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    Decoded<E::Model>: FromQueryResult + Send,
    C: ConnectionTrait,
{
    let total_count = if request.count_total {
        select.clone().count(conn).await?
    } else {
        0
    };
    let mut page = select;
    if let Some(after) = request.after {
        page = page.filter(id.gt(after));
    }
    // One row more than asked tells whether another page follows (`Page::of`).
    let rows = page
        .order_by_asc(id)
        .limit(request.first + 1)
        .read_all(conn)
        .await?;
    Ok(Page::of(rows, request, total_count))
}

impl<M> Page<M> {
    /// The page of `rows`, read with one row more than `request` asked for: that row, when there,
    /// tells that another page follows and is dropped. Every paged read builds its page here.
    pub fn of(mut rows: Vec<M>, request: PageRequest, total_count: u64) -> Page<M> {
        let has_next_page = rows.len() as u64 > request.first;
        rows.truncate(request.first as usize);
        Page {
            rows,
            has_next_page,
            has_previous_page: request.after.is_some(),
            total_count,
        }
    }
}
