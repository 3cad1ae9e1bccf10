//! Event.csv: each CE event's enrollment (of the file set or of Hearth) and client, the project a
//! referral names, createCeEvent's rules (`domain::rules`, rule D4 against the project's 2.09
//! periods), and the guide's Resulting Enrollment of a successful referral.

use super::{
    CHUNK, EnrollmentInfo, Known, Link, ProjectInfo, Resolver, Target, find_keyed, missing, target,
};
use crate::domain::ReferralResult;
use crate::domain::rules::{self, Wording};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::parse::EventRow;
use crate::service;
use chrono::NaiveDate;
use entity::{ce_event, enrollment, project};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(super) async fn resolve(r: &mut Resolver<'_>) -> AppResult<()> {
    let set = r.set;
    named_hearth_enrollments(r).await?;
    for (line, key) in set.events.unparsed_links("EnrollmentID") {
        if let Link::Missing = r.enrollments.link(key) {
            let reason = missing("EnrollmentID", key, &columns::ENROLLMENT_FILE, "enrollment");
            r.problems.add(&columns::EVENT_FILE, line, reason);
        }
    }
    for (line, key) in set.events.unparsed_links("PersonalID") {
        if let Link::Missing = r.clients.link(key) {
            let reason = missing("PersonalID", key, &columns::CLIENT_FILE, "client");
            r.problems.add(&columns::EVENT_FILE, line, reason);
        }
    }
    let existing =
        find_keyed::<ce_event::Entity>(r.txn, set.events.rows.iter().map(|e| e.key.clone()))
            .await?;
    let resulting = resulting_enrollments(
        r.txn,
        &set.events.rows,
        &r.enrollments,
        &r.clients,
        &r.projects,
    )
    .await?;
    let mut targets = Vec::new();
    for (index, row) in set.events.rows.iter().enumerate() {
        let target = target::<ce_event::Entity>(&row.key, &existing);
        targets.push(target);
        resolve_row(r, row, target, resulting.get(&index).copied());
    }
    r.plan
        .tally(set, &columns::EVENT_FILE, set.events.read, &targets);
    Ok(())
}

/// The Hearth enrollments that events name, with their projects.
async fn named_hearth_enrollments(r: &mut Resolver<'_>) -> AppResult<()> {
    let set = r.set;
    let outside = r.enrollments.outside(
        set.events
            .rows
            .iter()
            .map(|e| &e.enrollment)
            .chain(set.events.unparsed_links("EnrollmentID").map(|(_, k)| k)),
    );
    let stored = find_keyed::<enrollment::Entity>(r.txn, outside).await?;
    let project_ids: Vec<Uuid> = stored.values().map(|e| e.project_id).collect();
    let mut stored_projects = HashMap::new();
    for chunk in project_ids.chunks(CHUNK) {
        for model in project::Entity::find()
            .filter(project::Column::Id.is_in(chunk.to_vec()))
            .all(r.txn)
            .await?
        {
            stored_projects.insert(model.id, model);
        }
    }
    for (key, model) in stored {
        let project = stored_projects
            .get(&model.project_id)
            .and_then(ProjectInfo::of);
        r.enrollments.hearth.insert(
            key,
            EnrollmentInfo {
                id: model.id,
                household_id: model.household_id,
                client_id: Some(model.client_id),
                project,
                entry_date: model.entry_date,
                exit_date: model.exit_date,
            },
        );
    }
    Ok(())
}

/// Links, checks and plans one event row (`resulting`: its Resulting Enrollment, if found).
fn resolve_row(r: &mut Resolver<'_>, row: &EventRow, target: Target, resulting: Option<Uuid>) {
    let mut reasons = Vec::new();
    let enrollment = match r.enrollments.link(&row.enrollment) {
        Link::Found(info) => Some(info),
        Link::BadRow => None,
        Link::Missing => {
            reasons.push(missing(
                "EnrollmentID",
                &row.enrollment,
                &columns::ENROLLMENT_FILE,
                "enrollment",
            ));
            None
        }
    };
    let client_id = match r.clients.link(&row.client) {
        Link::Found(id) => Some(id),
        Link::BadRow => None,
        Link::Missing => {
            reasons.push(missing(
                "PersonalID",
                &row.client,
                &columns::CLIENT_FILE,
                "client",
            ));
            None
        }
    };
    let referred_project = referred_project(r, row, &mut reasons);
    if let Some(enrollment) = &enrollment {
        reasons.extend(rule_breaks(row, enrollment, client_id, r.set.today));
    }
    if let Some(project) = &referred_project {
        reasons.extend(referral_breaks(row, project));
    }
    for reason in reasons {
        r.problems.add(&columns::EVENT_FILE, row.line, reason);
    }
    let (Some(enrollment), Some(client_id)) = (enrollment, client_id) else {
        return;
    };
    if target.present {
        return;
    }
    let (user_id, hud_user_id) = r.users.of(&row.audit.user);
    r.plan.events.push(ce_event::ActiveModel {
        id: Set(target.id),
        enrollment_id: Set(enrollment.id),
        household_id: Set(enrollment.household_id),
        client_id: Set(client_id),
        event_date: Set(row.event_date),
        event_type: Set(row.event_type.code()),
        prob_sol_div_rr_result: Set(row.prob_sol_div_rr_result),
        referral_case_manage_after: Set(row.referral_case_manage_after),
        referred_project_id: Set(referred_project.map(|p| p.id)),
        referral_result: Set(row.referral_result.map(ReferralResult::code)),
        result_date: Set(row.result_date),
        resulting_enrollment_id: Set(resulting),
        resolved_by_user_id: Set(None),
        resolved_as_organization_id: Set(None),
        date_created: Set(row.audit.date_created),
        date_updated: Set(row.audit.date_updated),
        user_id: Set(user_id),
        date_deleted: Set(row.audit.date_deleted),
        hud_id: Set(row.key.imported()),
        hud_user_id: Set(hud_user_id),
        // Event.csv carries none of the lifecycle; a DateDeleted row is imported as deleted.
        acknowledged_at: Set(None),
        acknowledged_by_user_id: Set(None),
        decline_reason: Set(None),
        cancelled_at: Set(None),
        cancellation_reason: Set(None),
    });
}

/// The project a referral names in LocationCrisisOrPHHousing, if any and known.
fn referred_project(
    r: &Resolver<'_>,
    row: &EventRow,
    reasons: &mut Vec<String>,
) -> Option<ProjectInfo> {
    let key = row.referred_project.as_ref()?;
    match r.projects.link(key) {
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

/// createCeEvent's rules on the project referred to: its type fits the event (rule D2), and it
/// receives referrals on the event date (rule D4, by its 2.09 periods).
fn referral_breaks(row: &EventRow, project: &ProjectInfo) -> Vec<String> {
    let location = row
        .referred_project
        .as_ref()
        .map(HudKey::text)
        .unwrap_or_default();
    let receives = service::ce_participation::receives_on(&project.participation, row.event_date);
    let breaks = [
        rules::ce_event::referred_project(row.event_type, project.project_type),
        rules::ce_event::receiving_project(receives, &location, row.event_date),
    ];
    breaks
        .iter()
        .flatten()
        .map(|b| b.describe(Wording::Hud))
        .collect()
}

/// Otherwise the referral is imported without one.
async fn resulting_enrollments(
    txn: &DatabaseTransaction,
    events: &[EventRow],
    enrollments: &Known<EnrollmentInfo>,
    clients: &Known<Uuid>,
    projects: &Known<ProjectInfo>,
) -> AppResult<HashMap<usize, Uuid>> {
    let mut by_start: HashMap<(Uuid, Uuid, NaiveDate), Vec<Uuid>> = HashMap::new();
    for info in enrollments.file.values() {
        if let (Some(client), Some(project)) = (info.client_id, &info.project) {
            by_start
                .entry((client, project.id, info.entry_date))
                .or_default()
                .push(info.id);
        }
    }
    let mut candidates = Vec::new();
    for (index, row) in events.iter().enumerate() {
        let (Some(ReferralResult::SuccessfulClientAccepted), Some(result_date), Some(location)) =
            (row.referral_result, row.result_date, &row.referred_project)
        else {
            continue;
        };
        let (Link::Found(client), Link::Found(project)) =
            (clients.link(&row.client), projects.link(location))
        else {
            continue;
        };
        if let Some([only]) = by_start
            .get(&(client, project.id, result_date))
            .map(Vec::as_slice)
        {
            candidates.push((index, *only));
        }
    }
    let ids: Vec<Uuid> = candidates.iter().map(|(_, id)| *id).collect();
    let mut taken: HashSet<Uuid> = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let resolving = ce_event::Entity::find()
            .filter(ce_event::Column::ResultingEnrollmentId.is_in(chunk.to_vec()))
            .all(txn)
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

/// createCeEvent's rules (`domain::rules`) against the CE enrollment the event is recorded in, and
/// the file set's own: the event's PersonalID is the enrollment's client.
fn rule_breaks(
    row: &EventRow,
    enrollment: &EnrollmentInfo,
    client_id: Option<Uuid>,
    today: NaiveDate,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if let (Some(client), Some(owner)) = (client_id, enrollment.client_id)
        && client != owner
    {
        reasons.push(format!(
            "PersonalID \"{}\" is not the client of enrollment \"{}\"",
            row.client.text(),
            row.enrollment.text()
        ));
    }
    // An enrollment whose project did not resolve is reported on its own row.
    if let Some(project) = &enrollment.project {
        let facts = rules::ce_event::CeEnrollmentFacts {
            project_type: project.project_type,
            entry_date: enrollment.entry_date,
            exit_date: enrollment.exit_date,
        };
        reasons.extend(
            rules::ce_event::event(row.event_date, &facts, today)
                .iter()
                .map(|broken| broken.describe(Wording::Hud)),
        );
    }
    reasons
}
