//! Assessment.csv (HUD 4.19), streamed: each assessment's enrollment (of Enrollment.csv or of
//! Hearth) and client, and recordAssessment's rule A1 (`domain::rules::assessment`): the head's
//! enrollment in a CE project, dated within it and not in the future. The location and codes were
//! checked as the row was parsed.

use super::{
    Resolver, Tally, clients_named, find_keyed, missing_client, missing_enrollment, target,
};
use crate::domain::rules::Wording;
use crate::domain::rules::assessment::{AssessedEnrollment, assessment};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::import::parse::{AssessmentRow, parse_assessment};
use crate::interop::import::read::Chunk;
use crate::service::batch::Batch;
use entity::{assessment as assessment_table, enrollment};
use sea_orm::ActiveValue::Set;
use std::collections::HashMap;
use uuid::Uuid;

/// Streams Assessment.csv: plans and writes its assessments chunk by chunk.
pub(super) async fn resolve(r: &mut Resolver<'_>) -> AppResult<()> {
    r.check_in_chunks(
        (&columns::ASSESSMENT_FILE, 0),
        parse_assessment,
        resolve_chunk,
    )
    .await
}

/// What rule A1 needs of an assessment's enrollment.
#[derive(Clone)]
struct Assessed {
    id: Uuid,
    household_id: Uuid,
    client_id: Uuid,
    facts: Option<AssessedEnrollment>,
}

async fn resolve_chunk(
    r: &mut Resolver<'_>,
    chunk: &Chunk<AssessmentRow>,
    tally: &mut Tally,
) -> AppResult<()> {
    let rows = &chunk.rows;
    let stored = find_keyed::<enrollment::Entity>(
        r.txn,
        rows.iter()
            .map(|a| &a.enrollment)
            .chain(chunk.unparsed_keys("EnrollmentID")),
    )
    .await?;
    r.projects
        .load_ids(r.txn, stored.values().map(|e| e.project_id).collect())
        .await?;
    let mut enrollments: HashMap<String, Assessed> = HashMap::with_capacity(stored.len());
    for (key, e) in stored {
        let relationship = e.relationship_to_hoh;
        let facts = r
            .projects
            .of_id(e.project_id)
            .map(|project| AssessedEnrollment {
                project_type: project.project_type,
                relationship,
                entry_date: e.entry_date,
                exit_date: e.exit_date,
                // An import acts for the whole community, as an ADMIN does.
                in_acting_organization: true,
            });
        let assessed = Assessed {
            id: e.id,
            household_id: e.household_id,
            client_id: e.client_id,
            facts,
        };
        enrollments.insert(key, assessed);
    }
    let clients: HashMap<String, Uuid> = clients_named(r.txn, chunk, |row| &row.client).await?;
    r.users
        .load(r.txn, rows.iter().map(|a| &a.audit.user))
        .await?;
    let existing =
        find_keyed::<assessment_table::Entity>(r.txn, rows.iter().map(|a| &a.key)).await?;
    let mut plan = Batch::default();
    for row in rows {
        let target = target::<assessment_table::Entity>(&row.key, &existing);
        tally.count(target);
        let mut reasons = Vec::new();
        let enrollment = r
            .enrollments
            .link(&row.enrollment, &enrollments)
            .or_note(&mut reasons, || missing_enrollment(&row.enrollment));
        let client_id = r
            .clients
            .link(&row.client, &clients)
            .or_note(&mut reasons, || missing_client(&row.client));
        if let Some(found) = &enrollment {
            if let Some(facts) = &found.facts {
                reasons.extend(
                    assessment(facts, row.assessment_date, r.today)
                        .iter()
                        .map(|b| b.describe(Wording::Hud)),
                );
            }
            if client_id.is_some_and(|client| client != found.client_id) {
                reasons.push(
                    "PersonalID is not the client of the enrollment EnrollmentID names".to_owned(),
                );
            }
        }
        let failed = !reasons.is_empty();
        for reason in reasons {
            r.problems.add(&columns::ASSESSMENT_FILE, row.line, reason);
        }
        let (Some(found), Some(client_id)) = (enrollment, client_id) else {
            continue;
        };
        if failed || target.present {
            continue;
        }
        plan.assessments.push(imported!(
            r.users,
            row,
            assessment_table::ActiveModel {
                id: Set(target.id),
                enrollment_id: Set(found.id),
                household_id: Set(found.household_id),
                client_id: Set(client_id),
                assessment_date: Set(row.assessment_date),
                assessment_location: Set(row.location.clone()),
                assessment_type: Set(row.assessment_type),
                assessment_level: Set(row.assessment_level),
                prioritization_status: Set(row.prioritization_status),
            }
        ));
    }
    r.flush(&mut plan).await
}
