//! HUD 4.19 Coordinated Entry Assessments (rule A1) and the community's priority list they feed
//! (rule A2).
//!
//! An assessment is about a household: the Priority List Manager records it in the head of
//! household's CE enrollment. The priority list is read, never stored: each open head's CE
//! enrollment whose latest assessment placed the household on the list and that has had no
//! successful referral since. Reading it from the facts means no write path (a resolution, a
//! correction, an exit, an import) can leave it stale.

use super::page::{self, Page, PageRequest};
use super::{Services, admin, audit, households, new_id, obey, reports, scope};
use crate::domain::rules::assessment::{AssessedEnrollment, location};
use crate::domain::{
    Actor, AssessmentLevel, AssessmentType, HouseholdType, PrioritizationStatus, ReferralResult,
    Role, rules,
};
use crate::error::{AppError, AppResult};
use chrono::{NaiveDate, Utc};
use entity::{assessment, enrollment};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
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
    let project = admin::find_project(&txn, enrollment.project_id)
        .await?
        .ok_or_else(|| AppError::internal("enrollment without a live project"))?;
    let facts = AssessedEnrollment {
        project_type: admin::project_type(&project)?,
        relationship: households::relationship(&enrollment)?,
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
    let now = Utc::now();
    let row = assessment::ActiveModel {
        id: Set(new_id()),
        enrollment_id: Set(enrollment.id),
        household_id: Set(enrollment.household_id),
        client_id: Set(enrollment.client_id),
        assessment_date: Set(input.assessment_date),
        assessment_location: Set(location),
        assessment_type: Set(input.assessment_type.code()),
        assessment_level: Set(input.assessment_level.code()),
        prioritization_status: Set(input.prioritization_status.code()),
        date_created: Set(now),
        date_updated: Set(now),
        user_id: Set(Some(actor.user_id)),
        date_deleted: Set(None),
        hud_id: Set(None),
        hud_user_id: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor.into(),
        "recordAssessment",
        "assessment",
        row.id,
        None,
        &row,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The HUD codes stored on a row, decoded; a code outside HUD's lists is a data fault.
pub fn codes(
    row: &assessment::Model,
) -> AppResult<(AssessmentType, AssessmentLevel, PrioritizationStatus)> {
    let record = || format!("assessment {}", row.id);
    Ok((
        AssessmentType::stored(row.assessment_type, record())?,
        AssessmentLevel::stored(row.assessment_level, record())?,
        PrioritizationStatus::stored(row.prioritization_status, record())?,
    ))
}

/// Which households the priority list shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct PriorityListFilter {
    pub household_type: Option<HouseholdType>,
}

/// Rule A2 as SQL over the outer `assessment` row: it is the latest live assessment of an open
/// head's CE enrollment, it placed the household on the list, and no successful referral of the
/// household is dated on or after it.
///
/// The candidates are found from the open heads' enrollments (the partial index
/// `ix_enrollment_open_heads` holds exactly those) and each one's latest assessment (an index probe
/// of `ix_assessment_enrollment_date`), so the list's cost follows the households still enrolled,
/// not every assessment the community ever recorded.
fn waiting() -> Condition {
    let placed = PrioritizationStatus::PlacedOnPrioritizationList.code();
    let successful = ReferralResult::SuccessfulClientAccepted.code();
    let ce = crate::domain::ProjectType::CoordinatedEntry.code();
    Condition::all()
        .add(Expr::cust(format!(
            "assessment.id IN (SELECT (SELECT a.id FROM assessment a \
               WHERE a.enrollment_id = e.id AND a.date_deleted IS NULL \
               ORDER BY a.assessment_date DESC, a.id DESC LIMIT 1) \
             FROM enrollment e JOIN project p ON p.id = e.project_id \
             WHERE e.exit_date IS NULL AND e.relationship_to_hoh = 1 AND e.date_deleted IS NULL \
             AND p.project_type = {ce})"
        )))
        .add(assessment::Column::PrioritizationStatus.eq(placed))
        .add(Expr::cust(format!(
            "NOT EXISTS (SELECT 1 FROM ce_event ev \
             WHERE ev.household_id = assessment.household_id AND ev.date_deleted IS NULL \
             AND ev.cancelled_at IS NULL AND ev.referral_result = {successful} \
             AND ev.event_date >= assessment.assessment_date)"
        )))
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
    let mut select = assessment::Entity::find().filter(waiting());
    if let Some(wanted) = filter.household_type {
        select = select.filter(Expr::cust(reports::households_of_type(
            backend,
            wanted,
            "assessment.household_id",
        )));
    }
    let total_count = if request.count_total {
        select.clone().count(conn).await?
    } else {
        0
    };
    if let Some(after) = request.after {
        let Some(cursor) = assessment::Entity::find_by_id(after).one(conn).await? else {
            return Err(AppError::bad_input(
                "after names no assessment of the priority list; start again without it",
            ));
        };
        select = select.filter(
            Condition::any()
                .add(assessment::Column::AssessmentDate.gt(cursor.assessment_date))
                .add(
                    Condition::all()
                        .add(assessment::Column::AssessmentDate.eq(cursor.assessment_date))
                        .add(assessment::Column::Id.gt(cursor.id)),
                ),
        );
    }
    let ordered = select
        .order_by_asc(assessment::Column::AssessmentDate)
        .order_by_asc(assessment::Column::Id);
    page::read_page(conn, ordered, request, total_count).await
}
