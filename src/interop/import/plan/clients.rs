//! Client.csv, streamed: each client is seen by the organization of its first enrollment in
//! Enrollment.csv (the earliest entry, then the first line), so Enrollment.csv is scanned first for
//! that one fact per client; then each chunk of clients is checked, planned and written.

use super::{Link, Resolver, Tally, find_keyed, target};
use crate::domain::values;
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::keys::KeyMap;
use crate::interop::import::parse::{ClientRow, parse_client, parse_enrollment};
use crate::interop::import::read::{Chunk, Pass};
use crate::service::batch::Batch;
use chrono::NaiveDate;
use entity::client;
use sea_orm::ActiveValue::Set;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A client's first enrollment in Enrollment.csv: when, on which line, in which project (an index
/// into [`FirstEnrollments::projects`]: a community has few projects and many clients).
#[derive(Clone, Copy)]
struct First {
    entry_date: NaiveDate,
    line: u32,
    project: u32,
}

#[derive(Default)]
struct FirstEnrollments {
    /// 28 bytes a client.
    by_client: KeyMap<First>,
    projects: Vec<HudKey>,
    /// Clients named only by Enrollment.csv rows that do not parse: enrolled, with no organization.
    unparsed: HashSet<String>,
    /// Enrollment.csv's data rows.
    enrollment_rows: usize,
}

impl FirstEnrollments {
    /// Scans Enrollment.csv.
    async fn scan(r: &Resolver<'_>) -> AppResult<FirstEnrollments> {
        let mut firsts = FirstEnrollments::default();
        let mut project_index: HashMap<HudKey, u32> = HashMap::new();
        let mut stream =
            r.zip
                .stream(&columns::ENROLLMENT_FILE, (Pass::Scan, 0), parse_enrollment)?;
        while let Some(chunk) = stream.recv().await {
            let chunk = chunk?;
            for row in chunk.rows {
                let next = project_index.len() as u32;
                let project = *project_index.entry(row.project).or_insert(next);
                let first = First {
                    entry_date: row.entry_date,
                    line: u32::try_from(row.line).unwrap_or(u32::MAX),
                    project,
                };
                let known = firsts.by_client.get_or_insert_with(&row.client, || first);
                if (first.entry_date, first.line) < (known.entry_date, known.line) {
                    *known = first;
                }
            }
            for row in chunk.unparsed {
                if let Some(key) = row.link("PersonalID") {
                    firsts.unparsed.insert(key.text());
                }
            }
            if let Some(read) = chunk.read {
                firsts.enrollment_rows = read;
            }
        }
        let mut projects: Vec<(u32, HudKey)> =
            project_index.into_iter().map(|(k, i)| (i, k)).collect();
        projects.sort_by_key(|(i, _)| *i);
        firsts.projects = projects.into_iter().map(|(_, k)| k).collect();
        Ok(firsts)
    }

    fn enrolled(&self, key: &HudKey) -> bool {
        self.by_client.contains_key(key) || self.unparsed.contains(&key.text())
    }
}

/// Streams Client.csv: plans and writes its new clients chunk by chunk.
pub(super) async fn resolve(r: &mut Resolver<'_>) -> AppResult<()> {
    let firsts = FirstEnrollments::scan(r).await?;
    r.enrollment_rows = firsts.enrollment_rows;
    r.projects.load(r.txn, firsts.projects.iter()).await?;
    r.check_in_chunks(
        (&columns::CLIENT_FILE, firsts.by_client.len()),
        parse_client,
        async |r, chunk, tally| resolve_chunk(r, chunk, &firsts, tally).await,
    )
    .await
}

/// Checks, plans and writes one chunk of Client.csv: a new client takes the organization of its
/// first enrollment's project.
async fn resolve_chunk(
    r: &mut Resolver<'_>,
    chunk: &Chunk<ClientRow>,
    firsts: &FirstEnrollments,
    tally: &mut Tally,
) -> AppResult<()> {
    if let Some(header) = &chunk.header
        && header.contains("gendernone")
        && !header.contains("sex")
    {
        r.notes.push(
            "Client.csv: the FY2024 3.06 Gender columns are not kept (FY2026 replaced Gender \
             with 4.21 Sex); the clients' Sex is recorded as 99 Data not collected"
                .to_owned(),
        );
    }
    r.clients.note_unparsed(&chunk.unparsed);
    let existing = find_keyed::<client::Entity>(r.txn, chunk.rows.iter().map(|c| &c.key)).await?;
    r.users
        .load(r.txn, chunk.rows.iter().map(|c| &c.audit.user))
        .await?;
    let mut plan = Batch::default();
    for row in &chunk.rows {
        let target = target::<client::Entity>(&row.key, &existing);
        tally.count(target);
        if target.present {
            continue;
        }
        let organization_id = firsts.by_client.get(&row.key).and_then(|first| {
            let project = firsts.projects.get(first.project as usize)?;
            match r.projects.known.link(project) {
                Link::Found(info) => info.organization_id,
                Link::BadRow | Link::Missing => None,
            }
        });
        let Some(organization_id) = organization_id else {
            r.clients.0.insert(row.key.text());
            if !firsts.enrolled(&row.key) {
                r.problems.add(
                    &columns::CLIENT_FILE,
                    row.line,
                    format!(
                        "PersonalID \"{}\" has no enrollment in Enrollment.csv: Hearth needs \
                         one to know which organization's staff may see the client",
                        row.key.text()
                    ),
                );
            }
            continue;
        };
        plan.clients
            .push(record(r, row, target.id, organization_id));
    }
    r.flush(&mut plan).await
}

fn record(
    r: &Resolver<'_>,
    row: &ClientRow,
    id: Uuid,
    organization_id: Uuid,
) -> client::ActiveModel {
    imported!(
        r.users,
        row,
        client::ActiveModel {
            id: Set(id),
            // FY2024 files carry no 4.21 Sex.
            sex: Set(row.sex),
            // The search key as the API stores it: lower-cased and cut to its column's length.
            first_name_search: Set(values::name_search_key(&row.first_name)),
            last_name_search: Set(values::name_search_key(&row.last_name)),
            first_name: Set(row.first_name.clone()),
            last_name: Set(row.last_name.clone()),
            date_of_birth: Set(row.date_of_birth),
            created_by_organization_id: Set(organization_id),
        }
    )
}
