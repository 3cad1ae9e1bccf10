//! HUD 2.09 Coordinated Entry Participation Status: each project's CE roles over time (rule D4).
//!
//! A project gets its first period when it is created (or imported): a Coordinated Entry project is
//! an access point, any other project receives CE referrals, from its operating start.
//! `setCeParticipation` (ADMIN) opens a new period from its start date and ends the one before it
//! the day before, so that periods never overlap; given the start date of the latest period, it
//! corrects that period's roles instead.

use super::{Services, audit, require_admin, scope};
use crate::domain::{Actor, ProjectType, values};
use crate::error::{AppError, AppResult};
use chrono::{Days, NaiveDate, Utc};
use entity::{ce_participation, project};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// A period's CE roles (HUD 2.09.1, 2.09.A-D, 2.09.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Roles {
    pub access_point: bool,
    pub prevention_assessment: bool,
    pub crisis_assessment: bool,
    pub housing_assessment: bool,
    pub direct_services: bool,
    pub receives_referrals: bool,
}

impl Roles {
    /// What a project takes on when nobody said otherwise: a CE project is an access point that
    /// does housing assessments; any other project receives referrals.
    pub fn default_for(project_type: ProjectType) -> Roles {
        let ce = project_type == ProjectType::CoordinatedEntry;
        Roles {
            access_point: ce,
            prevention_assessment: false,
            crisis_assessment: false,
            housing_assessment: ce,
            direct_services: false,
            receives_referrals: !ce,
        }
    }
}

/// The period a new project starts with, from its operating start to its operating end.
pub fn first_period(project: &project::Model, roles: Roles) -> ce_participation::ActiveModel {
    period(
        project.id,
        roles,
        project.operating_start_date,
        project.operating_end_date,
        project.user_id,
    )
}

fn period(
    project_id: Uuid,
    roles: Roles,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    user_id: Option<Uuid>,
) -> ce_participation::ActiveModel {
    let mut period = audit::new_record!(
        user_id,
        ce_participation::ActiveModel {
            project_id: Set(project_id),
            start_date: Set(start_date),
            end_date: Set(end_date),
            ..Default::default()
        }
    );
    set_roles(&mut period, roles);
    period
}

fn set_roles(period: &mut ce_participation::ActiveModel, roles: Roles) {
    period.access_point = Set(roles.access_point);
    period.prevention_assessment = Set(roles.prevention_assessment);
    period.crisis_assessment = Set(roles.crisis_assessment);
    period.housing_assessment = Set(roles.housing_assessment);
    period.direct_services = Set(roles.direct_services);
    period.receives_referrals = Set(roles.receives_referrals);
}

/// Whether `project_id` receives CE referrals on `date` (HUD 2.09.2 of the period covering it).
pub async fn receives_referrals<C: ConnectionTrait>(
    conn: &C,
    project_id: Uuid,
    date: NaiveDate,
) -> AppResult<bool> {
    let covering = ce_participation::Entity::find()
        .filter(ce_participation::Column::ProjectId.eq(project_id))
        .filter(ce_participation::Column::DateDeleted.is_null())
        .filter(ce_participation::Column::StartDate.lte(date))
        .filter(
            sea_orm::Condition::any()
                .add(ce_participation::Column::EndDate.is_null())
                .add(ce_participation::Column::EndDate.gte(date)),
        )
        .one(conn)
        .await?;
    Ok(covering.is_some_and(|period| period.receives_referrals))
}

/// Whether `periods` (of one project) make it receive referrals on `date`.
pub fn receives_on(periods: &[ce_participation::Model], date: NaiveDate) -> bool {
    periods.iter().any(|p| {
        p.receives_referrals && p.start_date <= date && p.end_date.is_none_or(|end| end >= date)
    })
}

/// Saves `changed` (of the period `latest`) as changed by `actor` now, with its audit row.
async fn update<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    latest: &ce_participation::Model,
    mut changed: ce_participation::ActiveModel,
) -> AppResult<ce_participation::Model> {
    changed.date_updated = Set(Utc::now());
    changed.user_id = Set(Some(actor.user_id));
    let changed = changed.update(txn).await?;
    audit::record(
        txn,
        actor.into(),
        "setCeParticipation",
        Some(latest),
        &changed,
    )
    .await?;
    Ok(changed)
}

/// setCeParticipation (ADMIN): opens a period of `roles` from `start_date`, ending the one before.
pub async fn set(
    services: &Services,
    actor: &Actor,
    project_id: Uuid,
    roles: Roles,
    start_date: NaiveDate,
) -> AppResult<ce_participation::Model> {
    require_admin(actor)?;
    values::not_before_1900("startDate", start_date)?;
    let txn = services.write_transaction().await?;
    let project = scope::get_live::<project::Entity>(&txn, project_id).await?;
    // Two changes of one project racing on PostgreSQL: the project's row orders them.
    if services.backend() == DbBackend::Postgres {
        project::Entity::find_by_id(project_id)
            .lock(LockType::Update)
            .one(&txn)
            .await?;
    }
    if start_date < project.operating_start_date {
        return Err(AppError::bad_input(format!(
            "startDate {start_date} is before the project's operatingStartDate {}",
            project.operating_start_date
        )));
    }
    let latest = ce_participation::Entity::find()
        .filter(ce_participation::Column::ProjectId.eq(project_id))
        .filter(ce_participation::Column::DateDeleted.is_null())
        .order_by_desc(ce_participation::Column::StartDate)
        .one(&txn)
        .await?;
    if let Some(latest) = latest {
        if latest.start_date > start_date {
            return Err(AppError::bad_input(format!(
                "A CE participation period of this project starts on {}, after startDate \
                 {start_date}; a new one must start on or after it (periods never overlap)",
                latest.start_date
            )));
        }
        if latest.start_date == start_date {
            // The same start: the period's roles are corrected in place.
            let mut corrected: ce_participation::ActiveModel = latest.clone().into();
            set_roles(&mut corrected, roles);
            let corrected = update(&txn, actor, &latest, corrected).await?;
            txn.commit().await?;
            return Ok(corrected);
        }
        if latest.end_date.is_none_or(|end| end >= start_date) {
            let day_before = start_date
                .checked_sub_days(Days::new(1))
                .ok_or_else(|| AppError::bad_input("startDate has no day before it"))?;
            let mut ended: ce_participation::ActiveModel = latest.clone().into();
            ended.end_date = Set(Some(day_before));
            update(&txn, actor, &latest, ended).await?;
        }
    }
    let opened = period(
        project_id,
        roles,
        start_date,
        project.operating_end_date,
        Some(actor.user_id),
    )
    .insert(&txn)
    .await?;
    audit::created(&txn, actor, "setCeParticipation", &opened).await?;
    txn.commit().await?;
    Ok(opened)
}
