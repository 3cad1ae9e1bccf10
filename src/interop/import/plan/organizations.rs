//! Organization.csv: its organizations, and the Hearth organizations that Project.csv names.

use super::{Link, Resolver, SmallFiles, find_keyed, missing};
use crate::error::AppResult;
use crate::interop::columns;
use crate::service::batch::Batch;
use entity::organization;
use sea_orm::ActiveValue::Set;

pub(super) async fn resolve(
    r: &mut Resolver<'_>,
    small: &SmallFiles,
    plan: &mut Batch,
) -> AppResult<()> {
    r.each_row::<organization::Entity, _>(
        (&columns::ORGANIZATION_FILE, &small.organizations),
        |o| (&o.key, &o.audit.user),
        |r, row, target| {
            r.organizations.file.insert(row.key.text(), target.id);
            if !target.present {
                plan.organizations.push(imported!(
                    r.users,
                    row,
                    organization::ActiveModel {
                        id: Set(target.id),
                        name: Set(row.name.clone()),
                        victim_service_provider: Set(row.victim_service_provider),
                    }
                ));
            }
            Ok(())
        },
    )
    .await?;
    let projects = &small.projects;
    let outside = r.organizations.outside(
        projects
            .rows
            .iter()
            .map(|p| &p.organization)
            .chain(projects.unparsed_links("OrganizationID").map(|(_, k)| k)),
        &Default::default(),
    );
    for (key, org) in find_keyed::<organization::Entity>(r.txn, &outside).await? {
        r.organizations.hearth.insert(key, org.id);
    }
    for (line, key) in projects.unparsed_links("OrganizationID") {
        if let Link::Missing = r.organizations.link(key) {
            let reason = missing(
                "OrganizationID",
                key,
                &columns::ORGANIZATION_FILE,
                "organization",
            );
            r.problems.add(&columns::PROJECT_FILE, line, reason);
        }
    }
    Ok(())
}
