//! Organizations, projects, users, memberships and tokens: the ADMIN mutations (rules R2, R3) and
//! the reads of organizations and projects, which every signed-in user may see.

use super::scope::{self, Shared};
use super::{Services, audit, require_admin, tokens};
use crate::domain::rules;
use crate::domain::{Actor, ProjectType, Role, values};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{app_user, membership, organization, project};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// The organization `hearth create-admin` puts administrators in.
pub const ADMIN_ORGANIZATION_NAME: &str = "Hearth Administration";

pub struct NewProject {
    pub organization_id: Uuid,
    pub name: String,
    pub project_type: ProjectType,
    pub operating_start_date: NaiveDate,
    pub operating_end_date: Option<NaiveDate>,
    /// ContinuumProject (HUD 2.02.5); default true.
    pub continuum_project: Option<bool>,
    /// The project's CoC (HUD 2.03.1) when it is not the community's.
    pub coc_code: Option<String>,
}

/// A project's CoC code (HUD 2.03.1): its own, else the community's (HEARTH_COC_CODE).
pub fn coc_code<'a>(services: &'a Services, project: &'a project::Model) -> &'a str {
    project.coc_code.as_deref().unwrap_or(&services.coc_code)
}

pub async fn create_organization(
    services: &Services,
    actor: &Actor,
    name: &str,
    victim_service_provider: bool,
) -> AppResult<organization::Model> {
    require_admin(actor)?;
    let name = values::display_name("name", name)?;
    let txn = services.write_transaction().await?;
    let org = insert_organization(&txn, name, victim_service_provider, Some(actor.user_id)).await?;
    audit::commit_created(txn, actor, "createOrganization", org).await
}

async fn insert_organization<C: ConnectionTrait>(
    conn: &C,
    name: String,
    victim_service_provider: bool,
    user_id: Option<Uuid>,
) -> AppResult<organization::Model> {
    Ok(audit::new_record!(
        user_id,
        organization::ActiveModel {
            name: Set(name),
            victim_service_provider: Set(victim_service_provider),
        }
    )
    .insert(conn)
    .await?)
}

pub async fn create_project(
    services: &Services,
    actor: &Actor,
    input: NewProject,
) -> AppResult<project::Model> {
    require_admin(actor)?;
    let name = values::display_name("name", &input.name)?;
    values::not_before_1900("operatingStartDate", input.operating_start_date)?;
    if let Some(end) = input.operating_end_date
        && end < input.operating_start_date
    {
        return Err(AppError::bad_input(format!(
            "operatingEndDate {end} is before operatingStartDate {}",
            input.operating_start_date
        )));
    }
    let coc_code = input
        .coc_code
        .as_deref()
        .map(|code| values::coc_code("cocCode", code))
        .transpose()?;
    let txn = services.write_transaction().await?;
    scope::get_live::<organization::Entity>(&txn, input.organization_id).await?;
    let project = audit::new_record!(
        Some(actor.user_id),
        project::ActiveModel {
            organization_id: Set(input.organization_id),
            name: Set(name),
            project_type: Set(input.project_type),
            operating_start_date: Set(input.operating_start_date),
            operating_end_date: Set(input.operating_end_date),
            coc_code: Set(coc_code),
            continuum_project: Set(input.continuum_project.unwrap_or(true)),
        }
    )
    .insert(&txn)
    .await?;
    audit::created(&txn, actor, "createProject", &project).await?;
    let period = super::ce_participation::first_period(
        &project,
        super::ce_participation::Roles::default_for(input.project_type),
    )
    .insert(&txn)
    .await?;
    audit::created(&txn, actor, "createProject", &period).await?;
    txn.commit().await?;
    Ok(project)
}

pub async fn create_user(
    services: &Services,
    actor: &Actor,
    email: &str,
    name: &str,
) -> AppResult<app_user::Model> {
    require_admin(actor)?;
    let email = values::email(email)?;
    let name = values::display_name("name", name)?;
    let txn = services.write_transaction().await?;
    let user = insert_user(&txn, email, name).await?;
    audit::commit_created(txn, actor, "createUser", user).await
}

async fn insert_user<C: ConnectionTrait>(
    conn: &C,
    email: String,
    name: String,
) -> AppResult<app_user::Model> {
    let taken = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(&email))
        .one(conn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::conflict(format!(
            "A user with email {email} already exists"
        )));
    }
    Ok(new_user(email, name).insert(conn).await?)
}

/// A new user's row: signed up in Hearth, so live and with no UserID from an import.
pub(super) fn new_user(email: String, name: String) -> app_user::ActiveModel {
    audit::new_row!(app_user::ActiveModel {
        email: Set(email),
        name: Set(name),
        date_deleted: Set(None),
        hud_id: Set(None),
    })
}

/// Grants `role` in an organization; granting again for the same pair changes the role (R2).
pub async fn grant_role(
    services: &Services,
    actor: &Actor,
    user_id: Uuid,
    organization_id: Uuid,
    role: Role,
) -> AppResult<membership::Model> {
    require_admin(actor)?;
    let txn = services.write_transaction().await?;
    scope::get_live::<app_user::Entity>(&txn, user_id).await?;
    scope::get_live::<organization::Entity>(&txn, organization_id).await?;
    let (before, membership) = upsert_membership(&txn, user_id, organization_id, role).await?;
    audit::record(
        &txn,
        actor.into(),
        "grantRole",
        before.as_ref(),
        &membership,
    )
    .await?;
    // The user's servers must sign them in with the new role from now on.
    let change = services.stage_sign_in_change(&txn).await?;
    txn.commit().await?;
    change.deliver();
    Ok(membership)
}

async fn upsert_membership<C: ConnectionTrait>(
    conn: &C,
    user_id: Uuid,
    organization_id: Uuid,
    role: Role,
) -> AppResult<(Option<membership::Model>, membership::Model)> {
    let existing = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await?;
    let saved = match existing.clone() {
        Some(found) => {
            let mut changed: membership::ActiveModel = found.into();
            changed.role = Set(role.as_str().to_owned());
            changed.date_updated = Set(Utc::now());
            changed.update(conn).await?
        }
        None => {
            audit::new_row!(membership::ActiveModel {
                user_id: Set(user_id),
                organization_id: Set(organization_id),
                role: Set(role.as_str().to_owned()),
            })
            .insert(conn)
            .await?
        }
    };
    Ok((existing, saved))
}

pub async fn create_api_token(
    services: &Services,
    actor: &Actor,
    user_id: Uuid,
    label: &str,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<(String, tokens::TokenInfo)> {
    require_admin(actor)?;
    let label = values::display_name("label", label)?;
    if let Some(at) = expires_at
        && at <= Utc::now()
    {
        return Err(AppError::bad_input(format!(
            "expiresAt {at} is in the past"
        )));
    }
    let txn = services.write_transaction().await?;
    scope::get_live::<app_user::Entity>(&txn, user_id).await?;
    let (token, info) = tokens::issue(&txn, user_id, label, expires_at).await?;
    let info = audit::commit_created(txn, actor, "createApiToken", info).await?;
    Ok((token, info))
}

/// What `hearth create-admin` made: the admin user and a token shown once.
pub struct CreatedAdmin {
    pub user: app_user::Model,
    pub organization: organization::Model,
    pub token: String,
}

/// Bootstraps an administrator (R3): the user (made if absent) gets an ADMIN membership in the
/// administrative organization (made if absent) and a new API token. Run from the CLI, with no actor.
pub async fn create_admin(
    services: &Services,
    email: &str,
    name: Option<&str>,
) -> AppResult<CreatedAdmin> {
    let email = values::email(email)?;
    let name = match name {
        Some(name) => values::display_name("name", name)?,
        None => email.clone(),
    };
    let txn = services.write_transaction().await?;
    let mut created_organization = None;
    let organization = match organization::Entity::find()
        .filter(organization::Column::Name.eq(ADMIN_ORGANIZATION_NAME))
        .filter(organization::Column::DateDeleted.is_null())
        .order_by_asc(organization::Column::Id)
        .one(&txn)
        .await?
    {
        Some(found) => found,
        None => {
            let org =
                insert_organization(&txn, ADMIN_ORGANIZATION_NAME.to_owned(), false, None).await?;
            created_organization = Some(org.clone());
            org
        }
    };
    let mut created_user = None;
    let user = match app_user::Entity::find()
        .filter(app_user::Column::Email.eq(&email))
        .one(&txn)
        .await?
    {
        Some(found) => found,
        None => {
            let user = insert_user(&txn, email, name).await?;
            created_user = Some(user.clone());
            user
        }
    };
    // An operator command: the new admin is recorded as the author, acting as no organization.
    let who = audit::Who {
        user_id: user.id,
        organization_id: None,
    };
    const OPERATION: &str = "hearth create-admin";
    if let Some(org) = &created_organization {
        audit::record(&txn, who, OPERATION, None, org).await?;
    }
    if let Some(user) = &created_user {
        audit::record(&txn, who, OPERATION, None, user).await?;
    }
    let (before, membership) =
        upsert_membership(&txn, user.id, organization.id, Role::Admin).await?;
    audit::record(&txn, who, OPERATION, before.as_ref(), &membership).await?;
    let (token, info) =
        tokens::issue(&txn, user.id, "hearth create-admin".to_owned(), None).await?;
    audit::record(&txn, who, OPERATION, None, &info).await?;
    // An existing user may have just become ADMIN: their servers must sign them in as one.
    let change = services.stage_sign_in_change(&txn).await?;
    txn.commit().await?;
    change.deliver();
    Ok(CreatedAdmin {
        user,
        organization,
        token,
    })
}

/// The live project with this id, if any (see [`scope::find_live`]).
pub async fn find_project(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<project::Model>> {
    scope::find_live::<project::Entity>(conn, id).await
}

/// The live project `enrollment` is in: an enrollment's project is never deleted while it is
/// (INTERNAL when it is).
pub async fn project_of(
    conn: &impl ConnectionTrait,
    enrollment: &entity::enrollment::Model,
) -> AppResult<project::Model> {
    find_project(conn, enrollment.project_id)
        .await?
        .ok_or_else(|| AppError::internal("enrollment without a live project"))
}

/// Every live organization, by name: organizations are visible to every signed-in user.
pub async fn list_organizations(services: &Services) -> AppResult<Vec<organization::Model>> {
    Ok(organization::Entity::find()
        .filter(organization::Entity::live())
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .all(&services.db)
        .await?)
}

/// What the workflow's rules need of a project.
pub fn project_facts(project: &project::Model) -> rules::enrollment::ProjectFacts {
    rules::enrollment::ProjectFacts {
        project_type: project.project_type,
        operating_start_date: project.operating_start_date,
        operating_end_date: project.operating_end_date,
    }
}

/// The live user with this email (compared lower-cased).
pub async fn find_user_by_email<C: ConnectionTrait>(
    conn: &C,
    email: &str,
) -> AppResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Email.eq(email.trim().to_lowercase()))
        .filter(app_user::Column::DateDeleted.is_null())
        .one(conn)
        .await?)
}
