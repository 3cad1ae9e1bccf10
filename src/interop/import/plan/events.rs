//! Event.csv, streamed: each CE event's enrollment (of Enrollment.csv or of Hearth) and client, the
//! project a referral names, createCeEvent's rules (`domain::rules`, rule D4 against the project's
//! 2.09 periods), and the guide's Resulting Enrollment of a successful referral. Each chunk's links
//! are looked up in bulk (earlier files are written), checked, planned and written.

use super::{
    CHUNK, EnrollmentInfo, Link, ProjectInfo, Resolver, Tally, Target, clients_named, find_keyed,
    missing_client, missing_enrollment, target,
};
use crate::domain::ReferralResult;
use crate::domain::rules::ce_event::ReferredFacts;
use crate::domain::rules::{self, Wording};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::parse::{EventRow, parse_event};
use crate::interop::import::read::Chunk;
use crate::service;
use crate::service::batch::Batch;
use crate::service::ce_events;
use chrono::NaiveDate;
use entity::{ce_event, enrollment};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Streams Event.csv: plans and writes its events chunk by chunk.
pub(super) async fn resolve(r: &mut Resolver<'_>) -> AppResult<()> {
    r.check_in_chunks((&columns::EVENT_FILE, 0), parse_event, resolve_chunk)
        .await
}

/// What a chunk's rows link to, looked up in bulk.
struct Found {
    enrollments: HashMap<String, EnrollmentInfo>,
    clients: HashMap<String, Uuid>,
}

async fn resolve_chunk(
    r: &mut Resolver<'_>,
    chunk: &Chunk<EventRow>,
    tally: &mut Tally,
) -> AppResult<()> {
    let rows = &chunk.rows;
    let found = Found {
        enrollments: enrollments(
            r,
            rows.iter()
                .map(|e| &e.enrollment)
                .chain(chunk.unparsed_keys("EnrollmentID")),
        )
        .await?,
        clients: clients_named(r.txn, chunk, |row| &row.client).await?,
    };
    r.projects
        .load(
            r.txn,
            rows.iter().filter_map(|e| e.referred_project.as_ref()),
        )
        .await?;
    r.users
        .load(r.txn, rows.iter().map(|e| &e.audit.user))
        .await?;
    for row in &chunk.unparsed {
        if let Some(key) = row.link("EnrollmentID")
            && let Link::Missing = r.enrollments.link(key, &found.enrollments)
        {
            let reason = missing_enrollment(key);
            r.problems.add(&columns::EVENT_FILE, row.line, reason);
        }
        if let Some(key) = row.link("PersonalID")
            && let Link::Missing = r.clients.link(key, &found.clients)
        {
            let reason = missing_client(key);
            r.problems.add(&columns::EVENT_FILE, row.line, reason);
        }
    }
    let existing = find_keyed::<ce_event::Entity>(r.txn, rows.iter().map(|e| &e.key)).await?;
    let resulting = resulting_enrollments(r, rows, &found).await?;
    let mut plan = Batch::default();
    for (index, row) in rows.iter().enumerate() {
        let target = target::<ce_event::Entity>(&row.key, &existing);
        tally.count(target);
        let resulting = resulting.get(&index).copied();
        resolve_row(r, row, (target, resulting), &found, &mut plan)?;
    }
    r.flush(&mut plan).await
}

/// The enrollments `keys` name (written by the import, or Hearth's), with their projects.
async fn enrollments<'k>(
    r: &mut Resolver<'_>,
    keys: impl Iterator<Item = &'k HudKey>,
) -> AppResult<HashMap<String, EnrollmentInfo>> {
    let stored = find_keyed::<enrollment::Entity>(r.txn, keys).await?;
    let project_ids: Vec<Uuid> = stored.values().map(|e| e.project_id).collect();
    r.projects.load_ids(r.txn, project_ids).await?;
    Ok(stored
        .into_iter()
        .map(|(key, model)| {
            let info = EnrollmentInfo {
                id: model.id,
                household_id: model.household_id,
                client_id: Some(model.client_id),
                project: r.projects.of_id(model.project_id),
                entry_date: model.entry_date,
                exit_date: model.exit_date,
            };
            (key, info)
        })
        .collect())
}

/// Links, checks and plans one event row (`resulting`: its Resulting Enrollment, if found).
fn resolve_row(
    r: &mut Resolver<'_>,
    row: &EventRow,
    (target, resulting): (Target, Option<Uuid>),
    found: &Found,
    plan: &mut Batch,
) -> AppResult<()> {
    let mut reasons = Vec::new();
    let enrollment = r
        .enrollments
        .link(&row.enrollment, &found.enrollments)
        .or_note(&mut reasons, || missing_enrollment(&row.enrollment));
    let client_id = r
        .clients
        .link(&row.client, &found.clients)
        .or_note(&mut reasons, || missing_client(&row.client));
    let referred_project = referred_project(r, row, &mut reasons);
    if let Some(enrollment) = &enrollment {
        reasons.extend(client_mismatch(row, enrollment, client_id));
    }
    // The rules read the CE enrollment (when its project resolved: otherwise that is reported on
    // its own row) and the project referred to.
    let ce_enrollment = enrollment.as_ref().and_then(ce_enrollment_facts);
    let location = row
        .referred_project
        .as_ref()
        .map(HudKey::text)
        .unwrap_or_default();
    let referred = referred_project.as_ref().map(|project| ReferredFacts {
        project_type: project.project_type,
        receives: service::ce_participation::receives_on(&project.participation, row.event_date),
        location: &location,
    });
    let breaks = match (&enrollment, client_id, &ce_enrollment) {
        (Some(enrollment), Some(client_id), Some(facts)) if !target.present => {
            let record = record(
                r,
                row,
                (target, resulting),
                enrollment,
                client_id,
                &referred_project,
            );
            plan.add_event(record, facts, referred.as_ref(), r.today)?
        }
        _ => rules::ce_event::record(
            row.event_type,
            row.event_date,
            ce_enrollment.as_ref(),
            referred.as_ref(),
            r.today,
        ),
    };
    reasons.extend(breaks.iter().map(|broken| broken.describe(Wording::Hud)));
    for reason in reasons {
        r.problems.add(&columns::EVENT_FILE, row.line, reason);
    }
    Ok(())
}

/// The record of an event row, linked.
fn record(
    r: &Resolver<'_>,
    row: &EventRow,
    (target, resulting): (Target, Option<Uuid>),
    enrollment: &EnrollmentInfo,
    client_id: Uuid,
    referred_project: &Option<ProjectInfo>,
) -> ce_event::ActiveModel {
    imported!(
        r.users,
        row,
        ce_event::ActiveModel {
            id: Set(target.id),
            enrollment_id: Set(enrollment.id),
            household_id: Set(enrollment.household_id),
            client_id: Set(client_id),
            event_date: Set(row.event_date),
            event_type: Set(row.event_type),
            prob_sol_div_rr_result: Set(row.prob_sol_div_rr_result),
            referral_case_manage_after: Set(row.referral_case_manage_after),
            referred_project_id: Set(referred_project.as_ref().map(|p| p.id)),
            referral_result: Set(row.referral_result),
            result_date: Set(row.result_date),
            resulting_enrollment_id: Set(resulting),
            // Event.csv carries none of the lifecycle; a DateDeleted row is imported as deleted.
            ..ce_events::without_lifecycle()
        }
    )
}

/// The project a referral names in LocationCrisisOrPHHousing, if any and known.
fn referred_project(
    r: &Resolver<'_>,
    row: &EventRow,
    reasons: &mut Vec<String>,
) -> Option<ProjectInfo> {
    let key = row.referred_project.as_ref()?;
    match r.projects.known.link(key) {
        Link::Found(info) => Some(info),
        Link::BadRow => None,
        Link::Missing => {
            reasons.push(format!(
                "LocationCrisisOrPHHousing \"{}\" names no project in Project.csv or in Hearth \
                 (Hearth reads it as the ProjectID of the project referred to)",
                key.text()
            ));
            None
        }
    }
}

/// Each successful referral's Resulting Enrollment, by the guide's rule: the client's one enrollment
/// in the referred project entered on the ResultDate (imported or Hearth's), that no other referral
/// claims (in this chunk) or already resolves (Hearth's, or an earlier chunk's: the first keeps it).
/// Otherwise the referral is imported without one.
async fn resulting_enrollments(
    r: &Resolver<'_>,
    events: &[EventRow],
    found: &Found,
) -> AppResult<HashMap<usize, Uuid>> {
    let mut wanted = Vec::new();
    for (index, row) in events.iter().enumerate() {
        let (Some(ReferralResult::SuccessfulClientAccepted), Some(result_date), Some(location)) =
            (row.referral_result, row.result_date, &row.referred_project)
        else {
            continue;
        };
        let (Link::Found(client), Link::Found(project)) = (
            r.clients.link(&row.client, &found.clients),
            r.projects.known.link(location),
        ) else {
            continue;
        };
        wanted.push((index, (client, project.id, result_date)));
    }
    let clients: Vec<Uuid> = wanted
        .iter()
        .map(|(_, (client, _, _))| *client)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut by_start: HashMap<(Uuid, Uuid, NaiveDate), Vec<Uuid>> = HashMap::new();
    for chunk in clients.chunks(CHUNK) {
        for model in enrollment::Entity::find()
            .filter(enrollment::Column::ClientId.is_in(chunk.to_vec()))
            .all(r.txn)
            .await?
        {
            by_start
                .entry((model.client_id, model.project_id, model.entry_date))
                .or_default()
                .push(model.id);
        }
    }
    let candidates: Vec<(usize, Uuid)> = wanted
        .into_iter()
        .filter_map(
            |(index, start)| match by_start.get(&start).map(Vec::as_slice) {
                Some([only]) => Some((index, *only)),
                _ => None,
            },
        )
        .collect();
    let ids: Vec<Uuid> = candidates.iter().map(|(_, id)| *id).collect();
    let mut taken: HashSet<Uuid> = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let resolving = ce_event::Entity::find()
            .filter(ce_event::Column::ResultingEnrollmentId.is_in(chunk.to_vec()))
            .all(r.txn)
            .await?;
        taken.extend(
            resolving
                .into_iter()
                .filter_map(|e| e.resulting_enrollment_id),
        );
    }
    let mut claims: HashMap<Uuid, usize> = HashMap::new();
    for (_, id) in &candidates {
        *claims.entry(*id).or_default() += 1;
    }
    Ok(candidates
        .into_iter()
        .filter(|(_, id)| !taken.contains(id) && claims.get(id) == Some(&1))
        .collect())
}

/// The file set's own rule: the event's PersonalID is the client of the enrollment it names.
fn client_mismatch(
    row: &EventRow,
    enrollment: &EnrollmentInfo,
    client_id: Option<Uuid>,
) -> Option<String> {
    let (Some(client), Some(owner)) = (client_id, enrollment.client_id) else {
        return None;
    };
    (client != owner).then(|| {
        format!(
            "PersonalID \"{}\" is not the client of enrollment \"{}\"",
            row.client.text(),
            row.enrollment.text()
        )
    })
}

/// What createCeEvent's rules read of the enrollment an event is recorded in.
fn ce_enrollment_facts(enrollment: &EnrollmentInfo) -> Option<rules::ce_event::CeEnrollmentFacts> {
    let project = enrollment.project.as_ref()?;
    Some(rules::ce_event::CeEnrollmentFacts {
        project_type: project.project_type,
        entry_date: enrollment.entry_date,
        exit_date: enrollment.exit_date,
    })
}
