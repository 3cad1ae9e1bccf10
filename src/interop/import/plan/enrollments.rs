//! Enrollment.csv, streamed: each enrollment's client and project, createEnrollment's and
//! recordMoveIn's rules (`domain::rules`), its household (`households`), its exit (`exits`, read
//! first) and the overlap rule (`overlaps`). Each chunk is checked, planned and written.

use super::exits::{ExitFacts, Exits};
use super::households::{self, Households};
use super::overlaps::{self, Span};
use super::{
    Link, ProjectInfo, Resolver, Tally, Target, clients_named, find_keyed, missing, missing_client,
    target,
};
use crate::domain::RelationshipToHoH;
use crate::domain::rules::{self, Wording};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::parse::{EnrollmentRow, parse_enrollment};
use crate::interop::import::read::Chunk;
use crate::service::batch::Batch;
use entity::{enrollment, household};
use sea_orm::ActiveValue::Set;
use std::collections::HashMap;
use uuid::Uuid;

/// Streams Enrollment.csv (with Exit.csv's exits): plans and writes its enrollments chunk by chunk.
pub(super) async fn resolve(r: &mut Resolver<'_>) -> AppResult<()> {
    let mut exits = Exits::read(r).await?;
    r.imported = HashMap::with_capacity(r.enrollment_rows);
    let mut households = Households::scan(r).await?;
    r.check_in_chunks(
        (&columns::ENROLLMENT_FILE, r.enrollment_rows),
        parse_enrollment,
        async |r, chunk, tally| resolve_chunk(r, chunk, &mut exits, &mut households, tally).await,
    )
    .await?;
    exits.finish(r);
    Ok(())
}

/// What a chunk's rows link to, looked up in bulk.
struct Found {
    existing: HashMap<String, enrollment::Model>,
    clients: HashMap<String, Uuid>,
    households: HashMap<String, household::Model>,
}

async fn resolve_chunk(
    r: &mut Resolver<'_>,
    chunk: &Chunk<EnrollmentRow>,
    exits: &mut Exits,
    households: &mut Households,
    tally: &mut Tally,
) -> AppResult<()> {
    let rows = &chunk.rows;
    r.enrollments.note_unparsed(&chunk.unparsed);
    let found = Found {
        existing: find_keyed::<enrollment::Entity>(r.txn, rows.iter().map(|e| &e.key)).await?,
        clients: clients_named(r.txn, chunk, |row| &row.client).await?,
        households: find_keyed::<household::Entity>(
            r.txn,
            rows.iter().filter_map(|e| e.household.as_ref()),
        )
        .await?,
    };
    let projects = rows
        .iter()
        .map(|e| &e.project)
        .chain(chunk.unparsed_keys("ProjectID"));
    r.projects.load(r.txn, projects).await?;
    r.users
        .load(r.txn, rows.iter().map(|e| &e.audit.user))
        .await?;
    for row in &chunk.unparsed {
        exits.seen_unparsed(&row.id);
        if let Some(key) = row.link("PersonalID")
            && let Link::Missing = r.clients.link(key, &found.clients)
        {
            let reason = missing_client(key);
            r.problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
        }
        if let Some(key) = row.link("ProjectID")
            && let Link::Missing = r.projects.known.link(key)
        {
            let reason = missing("ProjectID", key, &columns::PROJECT_FILE, "project");
            r.problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
        }
    }
    let mut plan = Batch::default();
    let mut spans = Vec::new();
    for row in rows {
        let target = target::<enrollment::Entity>(&row.key, &found.existing);
        tally.count(target);
        let exit = exits.claim(r, row);
        if exit.is_some() {
            match target.present {
                true => exits.present += 1,
                false => exits.added += 1,
            }
        }
        let resolved = Resolved {
            target,
            exit: exit.as_ref(),
        };
        if let Some(span) = resolve_row(r, row, resolved, &found, households, &mut plan)? {
            spans.push(span);
        }
    }
    let clients: Vec<Uuid> = found.clients.values().copied().collect();
    overlaps::check(r, &spans, clients).await?;
    for span in &spans {
        if let Some(line) = span.line
            && !span.written
        {
            r.imported
                .insert(span.enrollment_id, u32::try_from(line).unwrap_or(u32::MAX));
        }
    }
    r.flush(&mut plan).await
}

struct Resolved<'a> {
    target: Target,
    exit: Option<&'a ExitFacts>,
}

/// Links, checks and plans one enrollment row; its span when its client and project are known.
fn resolve_row(
    r: &mut Resolver<'_>,
    row: &EnrollmentRow,
    Resolved { target, exit }: Resolved<'_>,
    found: &Found,
    households: &mut Households,
    plan: &mut Batch,
) -> AppResult<Option<Span>> {
    let client_link = r.clients.link(&row.client, &found.clients);
    if let Link::Missing = client_link {
        let reason = missing_client(&row.client);
        r.problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
    }
    let project_link = r.projects.known.link(&row.project);
    if let Link::Missing = project_link {
        let reason = missing("ProjectID", &row.project, &columns::PROJECT_FILE, "project");
        r.problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
    }
    let client_id = match &client_link {
        Link::Found(id) => Some(*id),
        _ => None,
    };
    let project = match &project_link {
        Link::Found(info) => Some(info.clone()),
        _ => None,
    };
    let household = household_of(r, row, target, found, households);
    let (written, breaks) = match (client_id, &project) {
        (Some(client_id), Some(project)) if !target.present => {
            let size = row.household.as_ref().map_or(1, |key| households.size(key));
            let relationship = households::relationship_of(row, size);
            if household.add {
                plan.households.push(household_row(
                    row,
                    household.id,
                    household.hud_id.clone(),
                    project.id,
                ));
                // Planned once: the household's other members join it.
                if let Some(group) = row.household.as_ref().and_then(|k| households.group(k)) {
                    group.id = Some(household.id);
                }
            }
            let ids = (target.id, household.id, relationship);
            let record = record(r, row, ids, (client_id, project.id), exit);
            let breaks = plan.add_enrollment(record, &project_facts(project), r.today)?;
            (breaks.is_empty(), breaks)
        }
        // A record Hearth has is not written again, but its row keeps the same rules.
        (_, Some(project)) => (
            target.present,
            rules::enrollment::record(
                row.entry_date,
                row.move_in_date,
                &project_facts(project),
                r.today,
            ),
        ),
        _ => (target.present, Vec::new()),
    };
    for broken in breaks {
        r.problems.add(
            &columns::ENROLLMENT_FILE,
            row.line,
            broken.describe(Wording::Hud),
        );
    }
    if !written {
        r.enrollments.0.insert(row.key.text());
    }
    let (Some(client), Some(project_identity)) = (
        identity(&client_link, &row.client, |id| *id),
        identity(&project_link, &row.project, |p| p.id),
    ) else {
        return Ok(None);
    };
    Ok(Some(Span {
        client,
        project: project_identity,
        enrollment_id: target.id,
        label: row.key.text(),
        entry_date: row.entry_date,
        exit_date: exit.map(|e| e.exit_date),
        line: Some(row.line),
        written: false,
        live: row.audit.date_deleted.is_none(),
    }))
}

/// Where a row's household is, and whether its row is to be added.
struct HouseholdTarget {
    id: Uuid,
    hud_id: Option<String>,
    add: bool,
}

/// The household of `row`: of one (without HouseholdID: it takes the enrollment's id and HUD ID),
/// Hearth's, planned by an earlier member, or new. Notes what is wrong with it.
fn household_of(
    r: &mut Resolver<'_>,
    row: &EnrollmentRow,
    target: Target,
    found: &Found,
    households: &mut Households,
) -> HouseholdTarget {
    let Some(key) = &row.household else {
        return HouseholdTarget {
            id: target.id,
            hud_id: row.key.imported(),
            add: true,
        };
    };
    let text = key.text();
    let stored = found.households.get(&text);
    let new_id = || match key {
        HudKey::Uuid(id) => *id,
        HudKey::Hud(_) => crate::service::new_id(),
    };
    let (id, add) = match households.group(key) {
        // A household of one headed by its member: Hearth's, or new.
        None => match stored {
            Some(model) => (model.id, false),
            None => (new_id(), true),
        },
        Some(group) => {
            // Hearth's before the import when found as its first member is resolved (no member
            // has written it yet).
            group.stored.get_or_insert(stored.is_some());
            match (group.id, stored) {
                (Some(id), _) => (id, false),
                (None, Some(model)) => (model.id, false),
                (None, None) => (new_id(), true),
            }
        }
    };
    if let Some(group) = households.group(key) {
        Households::check(r, row, group);
    }
    HouseholdTarget {
        id,
        hud_id: key.imported(),
        add,
    }
}

/// A household to add: of one (taking the enrollment's id and HUD ID) or as HouseholdID names it.
fn household_row(
    row: &EnrollmentRow,
    id: Uuid,
    hud_id: Option<String>,
    project_id: Uuid,
) -> household::ActiveModel {
    household::ActiveModel {
        id: Set(id),
        project_id: Set(project_id),
        hud_id: Set(hud_id),
        date_created: Set(row.audit.date_created),
        date_updated: Set(row.audit.date_updated),
    }
}

fn record(
    r: &Resolver<'_>,
    row: &EnrollmentRow,
    (id, household_id, relationship): (Uuid, Uuid, RelationshipToHoH),
    (client_id, project_id): (Uuid, Uuid),
    exit: Option<&ExitFacts>,
) -> enrollment::ActiveModel {
    imported!(
        r.users,
        row,
        enrollment::ActiveModel {
            id: Set(id),
            client_id: Set(client_id),
            project_id: Set(project_id),
            entry_date: Set(row.entry_date),
            exit_date: Set(exit.map(|e| e.exit_date)),
            destination: Set(exit.and_then(|e| e.destination)),
            move_in_date: Set(row.move_in_date),
            // An exit whose ExitID is not the EnrollmentID keeps it, so that exports write it back.
            exit_hud_id: Set(exit.and_then(|e| e.own_id.clone())),
            enrollment_coc: Set(row.enrollment_coc.clone()),
            household_id: Set(household_id),
            relationship_to_hoh: Set(relationship),
        }
    )
}

/// What the enrollment rules read of its project.
fn project_facts(project: &ProjectInfo) -> rules::enrollment::ProjectFacts {
    rules::enrollment::ProjectFacts {
        project_type: project.project_type,
        operating_start_date: project.operating_start_date,
        operating_end_date: project.operating_end_date,
    }
}

/// Who or what a link names, to group enrollments by: the record's id, or the row of the file set
/// that did not parse (the same row for every link naming it); nothing when the link is missing.
fn identity<T>(link: &Link<T>, key: &HudKey, id: impl Fn(&T) -> Uuid) -> Option<String> {
    match link {
        Link::Found(found) => Some(id(found).simple().to_string()),
        Link::BadRow => Some(format!("row {}", key.text())),
        Link::Missing => None,
    }
}
