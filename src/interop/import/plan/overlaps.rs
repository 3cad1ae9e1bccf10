//! The overlap rule (createEnrollment's): no two enrollments of a client in one project overlap, in
//! Enrollment.csv or with Hearth's. Checked per chunk: the chunk's enrollments against each other
//! and against the stored enrollments of their clients (Hearth's, and those earlier chunks wrote).

use super::{CHUNK, Resolver};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format;
use chrono::NaiveDate;
use entity::enrollment;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Checks the chunk's `spans` (of the clients `clients`).
pub(super) async fn check(
    r: &mut Resolver<'_>,
    spans: &[Span],
    clients: Vec<Uuid>,
) -> AppResult<()> {
    let clients: Vec<Uuid> = clients
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let in_chunk: HashSet<Uuid> = spans.iter().map(|s| s.enrollment_id).collect();
    let mut stored_spans = Vec::new();
    for chunk in clients.chunks(CHUNK) {
        let stored = enrollment::Entity::find()
            .filter(enrollment::Column::ClientId.is_in(chunk.to_vec()))
            .filter(enrollment::Column::DateDeleted.is_null())
            .all(r.txn)
            .await?;
        stored_spans.extend(
            stored
                .into_iter()
                .filter(|e| !in_chunk.contains(&e.id))
                .map(|e| Span {
                    client: e.client_id.simple().to_string(),
                    project: e.project_id.simple().to_string(),
                    enrollment_id: e.id,
                    label: format::hud_id(e.id, e.hud_id.as_deref()),
                    entry_date: e.entry_date,
                    exit_date: e.exit_date,
                    // An earlier chunk's row: its line, though it is written already.
                    line: r.imported.get(&e.id).map(|&line| u64::from(line)),
                    written: true,
                    live: true,
                }),
        );
    }
    for (line, reason) in overlaps(spans.iter().chain(&stored_spans)) {
        r.problems.add(&columns::ENROLLMENT_FILE, line, reason);
    }
    Ok(())
}

/// An enrollment's days in a project, for the overlap rule: from the file set (with its line) or
/// already in Hearth.
pub(super) struct Span {
    /// The client and the project, as [`identity`] names them.
    pub(super) client: String,
    pub(super) project: String,
    pub(super) enrollment_id: Uuid,
    pub(super) label: String,
    pub(super) entry_date: NaiveDate,
    pub(super) exit_date: Option<NaiveDate>,
    pub(super) line: Option<u64>,
    /// Written by an earlier chunk (or Hearth's): an overlap with it is reported on this chunk's row.
    pub(super) written: bool,
    pub(super) live: bool,
}

/// File rows whose enrollment overlaps an earlier-starting one of the same client in the same project.
/// An enrollment without an exit is open from its entry on; one that exits on a day leaves that day
/// free for the next entry.
fn overlaps<'a>(spans: impl IntoIterator<Item = &'a Span>) -> Vec<(u64, String)> {
    let mut groups: HashMap<(&str, &str), Vec<&Span>> = HashMap::new();
    for span in spans.into_iter().filter(|s| s.live) {
        groups
            .entry((&span.client, &span.project))
            .or_default()
            .push(span);
    }
    let mut found = Vec::new();
    for group in groups.values_mut() {
        group.sort_by_key(|s| (s.entry_date, s.line.unwrap_or(0)));
        // The enrollment reaching furthest so far, and its end (None: still open).
        let mut reach: Option<(&Span, Option<NaiveDate>)> = None;
        for span in group.iter() {
            // A pair of rows both written by earlier chunks was reported with theirs.
            if let Some((open, end)) = reach
                && end.is_none_or(|end| end > span.entry_date)
                && !(open.written && span.written)
            {
                let with = match open.line {
                    Some(line) => format!("enrollment \"{}\" (line {line})", open.label),
                    None => format!("enrollment \"{}\" already in Hearth", open.label),
                };
                let reported = match span.line {
                    Some(line) => Some((line, with)),
                    // A stored enrollment overlapped by a file row: report the file row.
                    None => open.line.map(|line| {
                        (
                            line,
                            format!("enrollment \"{}\" already in Hearth", span.label),
                        )
                    }),
                };
                if let Some((line, with)) = reported {
                    found.push((
                        line,
                        format!(
                            "overlaps {with} of the same client in the same project; an \
                             enrollment must exit before the next one starts"
                        ),
                    ));
                }
            }
            let end = span.exit_date;
            let further = match reach {
                None => true,
                Some((_, None)) => false,
                Some((_, Some(current))) => end.is_none_or(|end| end > current),
            };
            if further {
                reach = Some((span, end));
            }
        }
    }
    found
}
