//! Project.csv: its projects, each with its first HUD 2.09 period, and the Hearth projects that
//! enrollments and referrals name, with their stored periods (rule D4).

use super::{Link, ProjectInfo, Resolver, SmallFiles, Target, missing, stored_participation};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::import::parse::ProjectRow;
use crate::service;
use crate::service::batch::Batch;
use entity::project;
use sea_orm::ActiveValue::Set;
use sea_orm::TryIntoModel;
use uuid::Uuid;

pub(super) async fn resolve(
    r: &mut Resolver<'_>,
    small: &SmallFiles,
    plan: &mut Batch,
) -> AppResult<()> {
    let mut stored = Vec::new();
    r.each_row::<project::Entity, _>(
        (&columns::PROJECT_FILE, &small.projects),
        |p| (&p.key, &p.audit.user),
        |r, row, target| {
            let organization_id = organization_of(r, row);
            let mut info = ProjectInfo {
                id: target.id,
                organization_id,
                project_type: row.project_type,
                operating_start_date: row.operating_start_date,
                operating_end_date: row.operating_end_date,
                participation: Vec::new(),
            };
            if !target.present
                && let Some(organization_id) = organization_id
            {
                add(r, small, plan, row, (target, organization_id), &mut info)?;
            }
            if target.present {
                stored.push(target.id);
            }
            r.projects.by_id.insert(info.id, Some(info.clone()));
            r.projects.known.file.insert(row.key.text(), info);
            Ok(())
        },
    )
    .await?;
    // A project Hearth has already keeps its stored 2.09 periods.
    let mut periods = stored_participation(r.txn, stored).await?;
    for info in r.projects.known.file.values_mut() {
        if let Some(stored) = periods.remove(&info.id) {
            info.participation = stored;
            r.projects.by_id.insert(info.id, Some(info.clone()));
        }
    }
    Ok(())
}

/// The project's organization, or `None` (reported when it names none).
fn organization_of(r: &mut Resolver<'_>, row: &ProjectRow) -> Option<Uuid> {
    match r.organizations.link(&row.organization) {
        Link::Found(id) => Some(id),
        Link::BadRow => None,
        Link::Missing => {
            r.problems.add(
                &columns::PROJECT_FILE,
                row.line,
                missing(
                    "OrganizationID",
                    &row.organization,
                    &columns::ORGANIZATION_FILE,
                    "organization",
                ),
            );
            None
        }
    }
}

/// Plans the new project and its first 2.09 period (the FY2024 files carry no 2.09: the project
/// takes the roles a new one gets).
fn add(
    r: &mut Resolver<'_>,
    small: &SmallFiles,
    plan: &mut Batch,
    row: &ProjectRow,
    (target, organization_id): (Target, Uuid),
    info: &mut ProjectInfo,
) -> AppResult<()> {
    let imported = imported!(
        r.users,
        row,
        project::ActiveModel {
            id: Set(target.id),
            organization_id: Set(organization_id),
            name: Set(row.name.clone()),
            project_type: Set(row.project_type),
            operating_start_date: Set(row.operating_start_date),
            operating_end_date: Set(row.operating_end_date),
            // Project.csv carries no CoC code (ProjectCoC.csv does, which Hearth does not read): an
            // imported project is in the community's CoC.
            coc_code: Set(None),
            continuum_project: Set(row.continuum_project),
        }
    );
    let imported = imported.try_into_model()?;
    // A FY2024 file carries no 2.09: the project takes the roles a new one gets. A FY2026 file's
    // CEParticipation.csv periods are its own (`participation`).
    let key = row.key.text();
    let periods_in_file = small
        .participations
        .rows
        .iter()
        .any(|p| p.project.text() == key);
    if !periods_in_file {
        let first = service::ce_participation::first_period(
            &imported,
            service::ce_participation::Roles::default_for(row.project_type),
        );
        info.participation.push(first.clone().try_into_model()?);
        plan.participations.push(first);
    }
    plan.projects.push(imported.into());
    Ok(())
}
