//! Households (HUD 3.14 Household ID, 3.15 Relationship to Head of Household; rules H1-H4): the
//! head and members who enter a project together, in one transaction, and the member who joins later.
//! The rules themselves are `domain::rules::household`; this module loads their facts and writes.

use super::{Services, admin, audit, obey, scope};
use crate::db::ReadModels;
use crate::domain::rules::household::{self as rule, Member};
use crate::domain::{Actor, RelationshipToHoH, rules};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::{client, enrollment, household, project};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// A member entering with the head (`createEnrollment`'s `members`).
#[derive(Clone, Copy, Debug)]
pub struct NewMember {
    pub client_id: Uuid,
    pub relationship: RelationshipToHoH,
    /// Default: the head's entry date.
    pub entry_date: Option<NaiveDate>,
}

/// Someone joining an existing household (`addHouseholdMember`).
pub struct NewHouseholdMember {
    pub household_id: Uuid,
    pub client_id: Uuid,
    pub relationship: RelationshipToHoH,
    pub entry_date: NaiveDate,
}

/// A new, empty household in `project`.
pub(super) async fn create<C: ConnectionTrait>(
    conn: &C,
    project_id: Uuid,
) -> AppResult<household::Model> {
    Ok(audit::new_row!(household::ActiveModel {
        project_id: Set(project_id),
        hud_id: Set(None),
    })
    .insert(conn)
    .await?)
}

/// Refuses breaks of one member's rules, naming the member.
fn obey_member(index: usize, breaks: Vec<rules::RuleBreak>) -> AppResult<()> {
    obey(breaks).map_err(|err| match err {
        AppError::BadUserInput(message) => {
            AppError::bad_input(format!("members[{index}]: {message}"))
        }
        other => other,
    })
}

/// Checks the members entering a household whose head entered on `head_entry` (H1/H2): each
/// client visible, not the head, once, entering on or after the head under the project's date rules.
pub(super) async fn check_members<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    project: &project::Model,
    head_entry: NaiveDate,
    present: Vec<Uuid>,
    members: &[Member],
    today: NaiveDate,
) -> AppResult<()> {
    for member in members {
        scope::get::<client::Entity, _>(conn, actor, member.client_id).await?;
    }
    obey(rule::members(head_entry, present, members))?;
    let facts = admin::project_facts(project);
    for (index, member) in members.iter().enumerate() {
        obey_member(
            index,
            rules::enrollment::entry(member.entry_date, &facts, today),
        )?;
    }
    Ok(())
}

/// Where a household's people are enrolled: its project and the household, in the mutation's
/// transaction, by `actor`.
pub(super) struct Intake<'a> {
    pub services: &'a Services,
    pub txn: &'a DatabaseTransaction,
    pub actor: &'a Actor,
    pub project: &'a project::Model,
    pub household_id: Uuid,
}

impl Intake<'_> {
    /// Enrolls one person of the household: the overlap rule (CONFLICT), the insert and its audit
    /// record, as `operation`.
    pub(super) async fn enroll(
        &self,
        member: Member,
        operation: &str,
    ) -> AppResult<enrollment::Model> {
        let Intake {
            services,
            txn,
            actor,
            project,
            household_id,
        } = *self;
        // Two intakes of one client racing on PostgreSQL: lock the client's row so the overlap
        // check and the insert see each other. SQLite's write transaction already serialises them.
        if services.backend() == DbBackend::Postgres {
            client::Entity::find_by_id(member.client_id)
                .lock(LockType::Update)
                .one(txn)
                .await?;
        }
        // An existing enrollment leaves room only if it exited on or before the new entry date.
        let overlapping = enrollment::Entity::find()
            .filter(enrollment::Column::DateDeleted.is_null())
            .filter(enrollment::Column::ClientId.eq(member.client_id))
            .filter(enrollment::Column::ProjectId.eq(project.id))
            .filter(
                Condition::any()
                    .add(enrollment::Column::ExitDate.is_null())
                    .add(enrollment::Column::ExitDate.gt(member.entry_date)),
            )
            .count(txn)
            .await?;
        if overlapping > 0 {
            return Err(AppError::conflict(format!(
                "Client {} already has an enrollment in project {} that overlaps entryDate {}; \
                 exit it first",
                member.client_id, project.id, member.entry_date
            )));
        }
        let enrollment = audit::new_record!(
            Some(actor.user_id),
            enrollment::ActiveModel {
                client_id: Set(member.client_id),
                project_id: Set(project.id),
                entry_date: Set(member.entry_date),
                exit_date: Set(None),
                destination: Set(None),
                move_in_date: Set(None),
                exit_hud_id: Set(None),
                enrollment_coc: Set(Some(admin::coc_code(services, project).to_owned())),
                household_id: Set(household_id),
                relationship_to_hoh: Set(member.relationship),
            }
        )
        .insert(txn)
        .await?;
        audit::created(txn, actor, operation, &enrollment).await?;
        Ok(enrollment)
    }
}

/// The live enrollments of a household, head first, then by entry.
pub async fn members<C: ConnectionTrait>(
    conn: &C,
    household_id: Uuid,
) -> AppResult<Vec<enrollment::Model>> {
    let mut members = enrollment::Entity::find()
        .filter(enrollment::Column::HouseholdId.eq(household_id))
        .filter(enrollment::Column::DateDeleted.is_null())
        .order_by_asc(enrollment::Column::EntryDate)
        .order_by_asc(enrollment::Column::Id)
        .read_all(conn)
        .await?;
    members.sort_by_key(|e| e.relationship_to_hoh != RelationshipToHoH::SelfHeadOfHousehold);
    Ok(members)
}

/// Locks a household's row on PostgreSQL, so that concurrent joins and exits of one household
/// take turns (SQLite's write transaction already serialises them).
pub(super) async fn lock(
    services: &Services,
    txn: &DatabaseTransaction,
    household_id: Uuid,
) -> AppResult<()> {
    if services.backend() == DbBackend::Postgres {
        household::Entity::find_by_id(household_id)
            .lock(LockType::Update)
            .one(txn)
            .await?;
    }
    Ok(())
}

/// H2: someone joins a household after its head entered (a baby born after entry).
pub async fn add_member(
    services: &Services,
    actor: &Actor,
    input: NewHouseholdMember,
) -> AppResult<enrollment::Model> {
    let today = services.clock.today();
    let txn = services.write_transaction().await?;
    let household = scope::get::<household::Entity, _>(&txn, actor, input.household_id).await?;
    lock(services, &txn, household.id).await?;
    let project = admin::find_project(&txn, household.project_id)
        .await?
        .ok_or_else(|| {
            AppError::internal(format!("household {} has no live project", household.id))
        })?;
    super::enrollments::require_project_staff(actor, &project)?;
    let members = members(&txn, household.id).await?;
    let head = members
        .iter()
        .find(|e| e.relationship_to_hoh == RelationshipToHoH::SelfHeadOfHousehold)
        .ok_or_else(|| AppError::internal(format!("household {} has no head", household.id)))?;
    if let Some(exited) = head.exit_date {
        return Err(AppError::bad_input(format!(
            "The household's head exited on {exited}; a member joins a household whose head is \
             still enrolled"
        )));
    }
    let member = Member {
        client_id: input.client_id,
        relationship: input.relationship,
        entry_date: input.entry_date,
    };
    check_members(
        &txn,
        actor,
        &project,
        head.entry_date,
        members.iter().map(|e| e.client_id).collect(),
        &[member],
        today,
    )
    .await?;
    let intake = Intake {
        services,
        txn: &txn,
        actor,
        project: &project,
        household_id: household.id,
    };
    let enrollment = intake.enroll(member, "addHouseholdMember").await?;
    txn.commit().await?;
    Ok(enrollment)
}
