//! Enrollment.csv: each enrollment's client and project, createEnrollment's and recordMoveIn's rules
//! (`domain::rules`), its exit (from Exit.csv), and the overlap rule: no two enrollments of a client
//! in one project overlap, in the file set or with Hearth's.

use super::{
    CHUNK, EnrollmentInfo, Link, ProjectInfo, Resolver, Target, find_keyed, missing, target,
};
use crate::domain::RelationshipToHoH;
use crate::domain::rules::{self, RuleBreak, Wording};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::{self, HudKey};
use crate::interop::import::parse::{EnrollmentRow, ExitRow};
use crate::interop::import::report::FileTally;
use chrono::NaiveDate;
use entity::{enrollment, household};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Resolves every enrollment row (`exits` by enrollment ID), plans the new ones, and answers the
/// file set's enrollments as spans, for the overlap rule and each client's organization.
pub(super) async fn resolve(
    r: &mut Resolver<'_>,
    exits: &HashMap<String, &ExitRow>,
) -> AppResult<Vec<Span>> {
    let set = r.set;
    let existing =
        find_keyed::<enrollment::Entity>(r.txn, set.enrollments.rows.iter().map(|e| e.key.clone()))
            .await?;
    let mut households = households(r, &set.enrollments.rows).await?;
    let mut targets = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for row in &set.enrollments.rows {
        let target = target::<enrollment::Entity>(&row.key, &existing);
        let exit = exits.get(&row.key.text()).copied();
        spans.extend(resolve_row(r, row, target, exit, &mut households));
        targets.push(target);
    }
    r.plan.tally(
        set,
        &columns::ENROLLMENT_FILE,
        set.enrollments.read,
        &targets,
    );
    tally_exits(r, exits, &targets);
    Ok(spans)
}

/// The households Enrollment.csv names (HouseholdID), by key: where each goes, and whether its row
/// is already planned or in Hearth.
struct Households {
    by_key: HashMap<String, HouseholdEntry>,
}

struct HouseholdEntry {
    id: Uuid,
    /// Its row is in Hearth already, or planned by an earlier member.
    written: bool,
    /// Members in the file set.
    size: usize,
}

/// Groups the rows by HouseholdID and checks each household has one head (rule H1) and one project.
async fn households(r: &mut Resolver<'_>, rows: &[EnrollmentRow]) -> AppResult<Households> {
    let mut groups: HashMap<String, Vec<&EnrollmentRow>> = HashMap::new();
    for row in rows {
        if let Some(key) = &row.household {
            groups.entry(key.text()).or_default().push(row);
        }
    }
    let stored =
        find_keyed::<household::Entity>(r.txn, rows.iter().filter_map(|row| row.household.clone()))
            .await?;
    let mut by_key = HashMap::new();
    for (text, members) in &groups {
        let heads = members
            .iter()
            .filter(|m| relationship_of(m, members.len()) == RelationshipToHoH::SelfHeadOfHousehold)
            .count();
        // A household already in Hearth has its head there: the file adds members to it.
        let present = stored.get(text);
        if present.is_none()
            && let Some(broken) = rules::household::heads(text, heads)
        {
            for member in members {
                r.problems.add(
                    &columns::ENROLLMENT_FILE,
                    member.line,
                    broken.describe(Wording::Hud),
                );
            }
        }
        let projects: HashSet<String> = members.iter().map(|m| m.project.text()).collect();
        if projects.len() > 1 {
            for member in members {
                r.problems.add(
                    &columns::ENROLLMENT_FILE,
                    member.line,
                    format!(
                        "HouseholdID {text} spans {} projects; a household is in one",
                        projects.len()
                    ),
                );
            }
        }
        let id = match (present, &members[0].household) {
            (Some(model), _) => model.id,
            (None, Some(HudKey::Uuid(id))) => *id,
            _ => crate::service::new_id(),
        };
        by_key.insert(
            text.clone(),
            HouseholdEntry {
                id,
                written: present.is_some(),
                size: members.len(),
            },
        );
    }
    Ok(Households { by_key })
}

/// HUD 3.15 as given; empty: the head of a household of one, else not collected (99).
fn relationship_of(row: &EnrollmentRow, household_size: usize) -> RelationshipToHoH {
    match row.relationship {
        Some(relationship) => relationship,
        None if household_size <= 1 => RelationshipToHoH::SelfHeadOfHousehold,
        None => RelationshipToHoH::DataNotCollected,
    }
}

/// Links, checks and plans one enrollment row; its span when its client and project are known.
fn resolve_row(
    r: &mut Resolver<'_>,
    row: &EnrollmentRow,
    target: Target,
    exit: Option<&ExitRow>,
    households: &mut Households,
) -> Option<Span> {
    // A row without HouseholdID heads a household of one that takes the enrollment's id.
    let household = row.household.as_ref().and_then(|key| {
        households
            .by_key
            .get(&key.text())
            .map(|entry| (entry.id, entry.written, entry.size, key.clone()))
    });
    let household_id = household.as_ref().map_or(target.id, |h| h.0);
    let size = household.as_ref().map_or(1, |h| h.2);
    let client_link = r.clients.link(&row.client);
    if let Link::Missing = client_link {
        let reason = missing("PersonalID", &row.client, &columns::CLIENT_FILE, "client");
        r.problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
    }
    let project_link = r.projects.link(&row.project);
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
    if let Some(project) = &project {
        for broken in rule_breaks(row, project, r.set.today) {
            r.problems.add(
                &columns::ENROLLMENT_FILE,
                row.line,
                broken.describe(Wording::Hud),
            );
        }
    }
    let exit_date = exit.map(|e| e.exit_date);
    r.enrollments.file.insert(
        row.key.text(),
        EnrollmentInfo {
            id: target.id,
            household_id,
            client_id,
            project: project.clone(),
            entry_date: row.entry_date,
            exit_date,
        },
    );
    if let (Some(client_id), Some(project)) = (client_id, &project)
        && !target.present
    {
        let relationship = relationship_of(row, size);
        let record = record(
            r,
            row,
            (target.id, household_id, relationship),
            client_id,
            project.id,
            exit,
        );
        match &household {
            None => r.plan.households.push(household_row(
                row,
                target.id,
                row.key.imported(),
                project.id,
            )),
            Some((id, false, _, key)) => {
                r.plan
                    .households
                    .push(household_row(row, *id, key.imported(), project.id));
                // Planned once: the household's other members join it.
                if let Some(entry) = households.by_key.get_mut(&key.text()) {
                    entry.written = true;
                }
            }
            Some(_) => {}
        }
        r.plan.enrollments.push(record);
    }
    let (client, project_identity) = (
        identity(&client_link, &row.client, |id| *id)?,
        identity(&project_link, &row.project, |p| p.id)?,
    );
    Some(Span {
        client,
        project: project_identity,
        organization_id: project.as_ref().and_then(|p| p.organization_id),
        enrollment_id: target.id,
        label: row.key.text(),
        entry_date: row.entry_date,
        exit_date,
        line: Some(row.line),
        live: row.audit.date_deleted.is_none(),
    })
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
    client_id: Uuid,
    project_id: Uuid,
    exit: Option<&ExitRow>,
) -> enrollment::ActiveModel {
    let (user_id, hud_user_id) = r.users.of(&row.audit.user);
    // An exit whose ExitID is not the EnrollmentID keeps it, so that exports write it back.
    let exit_hud_id = exit
        .map(|e| e.key.text())
        .filter(|id| *id != row.key.text());
    enrollment::ActiveModel {
        id: Set(id),
        client_id: Set(client_id),
        project_id: Set(project_id),
        entry_date: Set(row.entry_date),
        exit_date: Set(exit.map(|e| e.exit_date)),
        destination: Set(exit.and_then(|e| e.destination)),
        move_in_date: Set(row.move_in_date),
        date_created: Set(row.audit.date_created),
        date_updated: Set(row.audit.date_updated),
        user_id: Set(user_id),
        date_deleted: Set(row.audit.date_deleted),
        hud_id: Set(row.key.imported()),
        hud_user_id: Set(hud_user_id),
        exit_hud_id: Set(exit_hud_id),
        enrollment_coc: Set(row.enrollment_coc.clone()),
        household_id: Set(household_id),
        relationship_to_hoh: Set(relationship.code()),
    }
}

/// Exit.csv's tally: an exit is added with its enrollment, or already in Hearth with it.
fn tally_exits(r: &mut Resolver<'_>, exits: &HashMap<String, &ExitRow>, targets: &[Target]) {
    let set = r.set;
    if !set.present.contains(&columns::EXIT_FILE.name) {
        return;
    }
    let present_enrollments: HashSet<String> = set
        .enrollments
        .rows
        .iter()
        .zip(targets)
        .filter(|(_, t)| t.present)
        .map(|(row, _)| row.key.text())
        .collect();
    let present = exits
        .keys()
        .filter(|key| present_enrollments.contains(*key))
        .count();
    r.plan.tallies.push(FileTally {
        file: columns::EXIT_FILE.name,
        rows: set.exits.read,
        added: exits.len() - present,
        present,
    });
}

/// The overlap rule over the file set's `spans` and the stored enrollments of their clients that
/// Hearth has (`client_targets` being Client.csv's).
pub(super) async fn check_overlaps(
    r: &mut Resolver<'_>,
    client_targets: &[Target],
    spans: &[Span],
) -> AppResult<()> {
    let stored_clients: Vec<Uuid> = client_targets
        .iter()
        .filter(|t| t.present)
        .map(|t| t.id)
        .chain(r.clients.hearth.values().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let in_file: HashSet<Uuid> = spans.iter().map(|s| s.enrollment_id).collect();
    let mut stored_spans = Vec::new();
    for chunk in stored_clients.chunks(CHUNK) {
        let stored = enrollment::Entity::find()
            .filter(enrollment::Column::ClientId.is_in(chunk.to_vec()))
            .filter(enrollment::Column::DateDeleted.is_null())
            .all(r.txn)
            .await?;
        stored_spans.extend(
            stored
                .into_iter()
                .filter(|e| !in_file.contains(&e.id))
                .map(|e| Span {
                    client: e.client_id.simple().to_string(),
                    project: e.project_id.simple().to_string(),
                    organization_id: None,
                    enrollment_id: e.id,
                    label: format::hud_id(e.id, e.hud_id.as_deref()),
                    entry_date: e.entry_date,
                    exit_date: e.exit_date,
                    line: None,
                    live: true,
                }),
        );
    }
    for (line, reason) in overlaps(spans.iter().chain(&stored_spans)) {
        r.problems.add(&columns::ENROLLMENT_FILE, line, reason);
    }
    Ok(())
}

/// createEnrollment's and recordMoveIn's rules (`domain::rules`), against the enrollment's project.
/// A move-in after the exit is the exit's break (ExitDate before MoveInDate), reported on Exit.csv.
fn rule_breaks(row: &EnrollmentRow, project: &ProjectInfo, today: NaiveDate) -> Vec<RuleBreak> {
    let facts = rules::enrollment::ProjectFacts {
        project_type: project.project_type,
        operating_start_date: project.operating_start_date,
        operating_end_date: project.operating_end_date,
    };
    let mut breaks = rules::enrollment::entry(row.entry_date, &facts, today);
    if let Some(move_in) = row.move_in_date {
        breaks.extend(rules::enrollment::move_in(
            move_in,
            project.project_type,
            row.entry_date,
            None,
            today,
        ));
    }
    breaks
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

/// An enrollment's days in a project, for the overlap rule: from the file set (with its line) or
/// already in Hearth.
pub(super) struct Span {
    /// The client and the project, as [`identity`] names them.
    pub(super) client: String,
    project: String,
    pub(super) organization_id: Option<Uuid>,
    enrollment_id: Uuid,
    label: String,
    pub(super) entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
    pub(super) line: Option<u64>,
    live: bool,
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
            if let Some((open, end)) = reach
                && end.is_none_or(|end| end > span.entry_date)
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
