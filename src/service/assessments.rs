//! HUD 4.19 Coordinated Entry Assessments (rule A1) and the community's priority list they feed
//! (rule A2).
//!
//! An assessment is about a household: the Priority List Manager records it in the head of
//! household's CE enrollment. The priority list is read, never stored: each open head's CE
//! enrollment whose latest assessment placed the household on the list and that has had no
//! successful referral since. Reading it from the facts means no write path (a resolution, a
//! correction, an exit, an import) can leave it stale.

use super::page::{Page, PageRequest};
use super::{Services, admin, audit, obey, reports, scope};
use crate::domain::rules::assessment::{AssessedEnrollment, location};
use crate::domain::{
    Actor, AssessmentLevel, AssessmentType, HouseholdType, PrioritizationStatus, ProjectType,
    ReferralResult, Role, rules,
};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::{assessment, enrollment};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, Statement, Value,
};
use uuid::Uuid;

/// What `recordAssessment` is given.
pub struct NewAssessment {
    pub enrollment_id: Uuid,
    pub assessment_date: NaiveDate,
    pub location: String,
    pub assessment_type: AssessmentType,
    pub assessment_level: AssessmentLevel,
    pub prioritization_status: PrioritizationStatus,
}

/// Only the CE side assesses and reads the list: PLM or ADMIN.
fn require_ce_side(actor: &Actor, what: &str) -> AppResult<()> {
    if matches!(actor.role, Role::PriorityListManager | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "Only a PRIORITY_LIST_MANAGER (or ADMIN) {what}"
        )))
    }
}

/// Records a 4.19 assessment (rule A1).
pub async fn record(
    services: &Services,
    actor: &Actor,
    input: NewAssessment,
) -> AppResult<assessment::Model> {
    require_ce_side(actor, "records assessments")?;
    let location = location(&input.location)
        .map_err(|broken| AppError::bad_input(broken.describe(rules::Wording::Api)))?;
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let enrollment = scope::get::<enrollment::Entity, _>(&txn, actor, input.enrollment_id).await?;
    let project = admin::project_of(&txn, &enrollment).await?;
    let facts = AssessedEnrollment {
        project_type: project.project_type,
        relationship: enrollment.relationship_to_hoh,
        entry_date: enrollment.entry_date,
        exit_date: enrollment.exit_date,
        in_acting_organization: actor.is_admin()
            || project.organization_id == actor.organization_id,
    };
    obey(rules::assessment::assessment(
        &facts,
        input.assessment_date,
        today,
    ))?;
    let row = audit::new_record!(
        Some(actor.user_id),
        assessment::ActiveModel {
            enrollment_id: Set(enrollment.id),
            household_id: Set(enrollment.household_id),
            client_id: Set(enrollment.client_id),
            assessment_date: Set(input.assessment_date),
            assessment_location: Set(location),
            assessment_type: Set(input.assessment_type),
            assessment_level: Set(input.assessment_level),
            prioritization_status: Set(input.prioritization_status),
        }
    )
    .insert(&txn)
    .await?;
    audit::commit_created(txn, actor, "recordAssessment", row).await
}

/// Which households the priority list shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct PriorityListFilter {
    pub household_type: Option<HouseholdType>,
}

/// Rule A2 as the FROM and WHERE of a query whose rows are `assessment`: the latest live assessment
/// of each open head's CE enrollment, when it placed the household on the list and no successful
/// referral of the household is dated on or after it.
///
/// The query starts from the open heads' enrollments (the partial index `ix_enrollment_open_heads`
/// holds exactly those) and probes each one's latest assessment (`ix_assessment_enrollment_date`),
/// so its cost follows the households still enrolled, not every assessment the community ever
/// recorded. PostgreSQL is told so with LATERAL (measured at 100k clients: 94 ms against 370 ms for
/// the planner's hash join over every assessment, BENCHMARKS.md); SQLite, which has no LATERAL,
/// runs the correlated subquery as the nested loop it is.
fn waiting(backend: DbBackend) -> String {
    let placed = PrioritizationStatus::PlacedOnPrioritizationList.code();
    let successful = ReferralResult::SuccessfulClientAccepted.code();
    let ce = ProjectType::CoordinatedEntry.code();
    let latest_of_e = "FROM assessment x WHERE x.enrollment_id = e.id AND x.date_deleted IS NULL \
                       ORDER BY x.assessment_date DESC, x.id DESC LIMIT 1";
    let latest = match backend {
        DbBackend::Postgres => format!("CROSS JOIN LATERAL (SELECT * {latest_of_e}) assessment"),
        _ => format!("JOIN assessment ON assessment.id = (SELECT x.id {latest_of_e})"),
    };
    format!(
        "FROM enrollment e JOIN project p ON p.id = e.project_id {latest} \
         WHERE e.exit_date IS NULL AND e.relationship_to_hoh = 1 AND e.date_deleted IS NULL \
         AND p.project_type = {ce} AND assessment.prioritization_status = {placed} \
         AND NOT EXISTS (SELECT 1 FROM ce_event ev \
             WHERE ev.household_id = assessment.household_id AND ev.date_deleted IS NULL \
             AND ev.cancelled_at IS NULL AND ev.referral_result = {successful} \
             AND ev.event_date >= assessment.assessment_date)"
    )
}

/// One page of the priority list (rule A2): oldest assessment first, then id; the cursor is the
/// assessment's id. PLM and ADMIN only.
pub async fn priority_list<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    filter: PriorityListFilter,
    request: PageRequest,
) -> AppResult<Page<assessment::Model>> {
    require_ce_side(actor, "reads the priority list")?;
    let backend = conn.get_database_backend();
    let mut query = waiting(backend);
    if let Some(wanted) = filter.household_type {
        query.push_str(" AND ");
        query.push_str(&reports::households_of_type(
            backend,
            wanted,
            "assessment.household_id",
        ));
    }
    let total_count = if request.count_total {
        let count = Statement::from_string(backend, format!("SELECT COUNT(*) {query}"));
        let row = conn.query_one_raw(count).await?;
        let total: i64 = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        u64::try_from(total).unwrap_or(0)
    } else {
        0
    };
    let mut values: Vec<Value> = Vec::new();
    if let Some(after) = request.after {
        let Some(cursor) = assessment::Entity::find_by_id(after).one(conn).await? else {
            return Err(AppError::bad_input(
                "after names no assessment of the priority list; start again without it",
            ));
        };
        query.push_str(
            " AND (assessment.assessment_date > $1 \
             OR (assessment.assessment_date = $1 AND assessment.id > $2))",
        );
        values = vec![cursor.assessment_date.into(), cursor.id.into()];
    }
    // One row more than asked tells whether another page follows.
    let page = Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT assessment.* {query} \
             ORDER BY assessment.assessment_date, assessment.id LIMIT {}",
            request.first + 1
        ),
        values,
    );
    let rows = assessment::Entity::find()
        .from_raw_sql(page)
        .all(conn)
        .await?;
    Ok(Page::of(rows, request, total_count))
}
