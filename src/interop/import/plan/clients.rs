//! Client.csv: its clients' targets first (enrollments and events link to them), then their records,
//! each seen by the organization of the client's first enrollment in the file set.

use super::enrollments::Span;
use super::{Link, Resolver, Target, find_keyed, missing, target};
use crate::domain::values;
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::import::parse::ClientRow;
use entity::client;
use sea_orm::ActiveValue::Set;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Each Client.csv row's target, in row order; the Hearth clients that enrollments and events name.
pub(super) async fn link(r: &mut Resolver<'_>) -> AppResult<Vec<Target>> {
    let set = r.set;
    let existing =
        find_keyed::<client::Entity>(r.txn, set.clients.rows.iter().map(|c| c.key.clone())).await?;
    let targets: Vec<Target> = set
        .clients
        .rows
        .iter()
        .map(|row| target::<client::Entity>(&row.key, &existing))
        .collect();
    for (row, target) in set.clients.rows.iter().zip(&targets) {
        r.clients.file.insert(row.key.text(), target.id);
    }
    let outside = r.clients.outside(
        set.enrollments
            .rows
            .iter()
            .map(|e| &e.client)
            .chain(set.events.rows.iter().map(|e| &e.client))
            .chain(set.enrollments.unparsed_links("PersonalID").map(|(_, k)| k))
            .chain(set.events.unparsed_links("PersonalID").map(|(_, k)| k)),
    );
    for (key, model) in find_keyed::<client::Entity>(r.txn, outside).await? {
        r.clients.hearth.insert(key, model.id);
    }
    for (line, key) in set.enrollments.unparsed_links("PersonalID") {
        if let Link::Missing = r.clients.link(key) {
            let reason = missing("PersonalID", key, &columns::CLIENT_FILE, "client");
            r.problems.add(&columns::ENROLLMENT_FILE, line, reason);
        }
    }
    Ok(targets)
}

/// Plans the new clients, `targets` being [`link`]'s and `spans` the file set's enrollments.
pub(super) fn resolve(r: &mut Resolver<'_>, targets: &[Target], spans: &[Span]) {
    let set = r.set;
    let first_enrollment = first_enrollments(spans);
    let enrolled: HashSet<String> = set
        .enrollments
        .rows
        .iter()
        .map(|e| e.client.text())
        .chain(
            set.enrollments
                .unparsed_links("PersonalID")
                .map(|(_, key)| key.text()),
        )
        .collect();
    for (row, target) in set.clients.rows.iter().zip(targets) {
        if target.present {
            continue;
        }
        let organization_id = first_enrollment
            .get(target.id.simple().to_string().as_str())
            .and_then(|span| span.organization_id);
        let Some(organization_id) = organization_id else {
            if !enrolled.contains(&row.key.text()) {
                r.problems.add(
                    &columns::CLIENT_FILE,
                    row.line,
                    format!(
                        "PersonalID \"{}\" has no enrollment in Enrollment.csv: Hearth needs one to \
                         know which organization's staff may see the client",
                        row.key.text()
                    ),
                );
            }
            continue;
        };
        let record = record(r, row, target.id, organization_id);
        r.plan.clients.push(record);
    }
    r.plan
        .tally(set, &columns::CLIENT_FILE, set.clients.read, targets);
}

/// Each client's first enrollment in the file set (the earliest entry, then the first line).
fn first_enrollments(spans: &[Span]) -> HashMap<&str, &Span> {
    let mut first: HashMap<&str, &Span> = HashMap::new();
    for span in spans.iter().filter(|s| s.line.is_some()) {
        let earlier = first
            .get(span.client.as_str())
            .is_some_and(|f| (f.entry_date, f.line) <= (span.entry_date, span.line));
        if !earlier {
            first.insert(&span.client, span);
        }
    }
    first
}

fn record(
    r: &Resolver<'_>,
    row: &ClientRow,
    id: Uuid,
    organization_id: Uuid,
) -> client::ActiveModel {
    let (user_id, hud_user_id) = r.users.of(&row.audit.user);
    client::ActiveModel {
        id: Set(id),
        // FY2024 files carry no 4.21 Sex.
        sex: Set(row.sex.code()),
        first_name_search: Set(values::name_search_key(&row.first_name)),
        last_name_search: Set(values::name_search_key(&row.last_name)),
        first_name: Set(row.first_name.clone()),
        last_name: Set(row.last_name.clone()),
        date_of_birth: Set(row.date_of_birth),
        created_by_organization_id: Set(organization_id),
        date_created: Set(row.audit.date_created),
        date_updated: Set(row.audit.date_updated),
        user_id: Set(user_id),
        date_deleted: Set(row.audit.date_deleted),
        hud_id: Set(row.key.imported()),
        hud_user_id: Set(hud_user_id),
    }
}
