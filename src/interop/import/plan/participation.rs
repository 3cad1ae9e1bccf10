//! CEParticipation.csv (HUD 2.09, FY2026): each project's periods of CE roles. A project of the file
//! set takes the file's periods instead of the default first one (`projects`); they must not overlap.
//! The referral rule D4 on Event.csv then reads them.

use super::{Link, Resolver, SmallFiles, missing};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::import::parse::ParticipationRow;
use crate::service::batch::Batch;
use entity::ce_participation;
use sea_orm::ActiveValue::Set;
use sea_orm::TryIntoModel;
use std::collections::HashMap;

pub(super) async fn resolve(
    r: &mut Resolver<'_>,
    small: &SmallFiles,
    plan: &mut Batch,
) -> AppResult<()> {
    let table = &small.participations;
    r.projects
        .load(r.txn, table.rows.iter().map(|p| &p.project))
        .await?;
    let mut by_project: HashMap<String, Vec<&ParticipationRow>> = HashMap::new();
    r.each_row::<ce_participation::Entity, _>(
        (&columns::CE_PARTICIPATION_FILE, table),
        |p| (&p.key, &p.audit.user),
        |r, row, target| {
            let project = match r.projects.known.link(&row.project) {
                Link::Found(info) => info,
                Link::BadRow => return Ok(()),
                Link::Missing => {
                    let reason =
                        missing("ProjectID", &row.project, &columns::PROJECT_FILE, "project");
                    r.problems
                        .add(&columns::CE_PARTICIPATION_FILE, row.line, reason);
                    return Ok(());
                }
            };
            by_project.entry(row.project.text()).or_default().push(row);
            if target.present {
                return Ok(());
            }
            let [access, prevention, crisis, housing, direct, receives] = row.roles;
            let period = imported!(
                r.users,
                row,
                ce_participation::ActiveModel {
                    id: Set(target.id),
                    project_id: Set(project.id),
                    access_point: Set(access),
                    prevention_assessment: Set(prevention),
                    crisis_assessment: Set(crisis),
                    housing_assessment: Set(housing),
                    direct_services: Set(direct),
                    receives_referrals: Set(receives),
                    start_date: Set(row.start_date),
                    end_date: Set(row.end_date),
                }
            );
            // The file's project reads its periods for rule D4; a Hearth project keeps its stored ones.
            if let Some(info) = r.projects.known.file.get_mut(&row.project.text()) {
                info.participation.push(period.clone().try_into_model()?);
                r.projects.by_id.insert(info.id, Some(info.clone()));
            }
            plan.participations.push(period);
            Ok(())
        },
    )
    .await?;
    for periods in by_project.values_mut() {
        for (line, reason) in overlaps(periods) {
            r.problems
                .add(&columns::CE_PARTICIPATION_FILE, line, reason);
        }
    }
    Ok(())
}

/// A project's periods never overlap (HUD 2.09: one status at a time): each period that starts
/// before the one before it ends, with its line.
fn overlaps(periods: &mut [&ParticipationRow]) -> Vec<(u64, String)> {
    periods.sort_by_key(|p| (p.start_date, p.line));
    periods
        .windows(2)
        .filter(|pair| pair[0].end_date.is_none_or(|end| pair[1].start_date <= end))
        .map(|pair| {
            (
                pair[1].line,
                format!(
                    "CEParticipationStatusStartDate {} is within the period of line {} for the \
                     same project; a project's periods do not overlap",
                    pair[1].start_date, pair[0].line
                ),
            )
        })
        .collect()
}
