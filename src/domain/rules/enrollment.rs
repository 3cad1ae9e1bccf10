//! An enrollment's dates: intake within the project's operating period (HUD 3.10, 2.02.3-4), the
//! move-in of permanent housing (3.20), the exit (3.11); none in the future.

use super::{DateField as F, Owner, RuleBreak, not_after, not_before, not_in_future};
use crate::domain::ProjectType;
use chrono::NaiveDate;

/// What the rules need of a project.
#[derive(Clone, Copy, Debug)]
pub struct ProjectFacts {
    pub project_type: ProjectType,
    pub operating_start_date: NaiveDate,
    pub operating_end_date: Option<NaiveDate>,
}

/// Intake on `entry_date` into `project`.
pub fn entry(entry_date: NaiveDate, project: &ProjectFacts, today: NaiveDate) -> Vec<RuleBreak> {
    let entry = (F::EntryDate, entry_date);
    [
        not_in_future(F::EntryDate, entry_date, today),
        not_before(
            entry,
            (
                F::OperatingStartDate,
                Owner::Project,
                project.operating_start_date,
            ),
        ),
        not_after(
            entry,
            (
                F::OperatingEndDate,
                Owner::Project,
                project.operating_end_date,
            ),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// An enrollment record written whole (by the HMIS import or a seeder): createEnrollment's rules on
/// its entry and, if it has one, recordMoveIn's on its move-in (before any exit: a move-in after the
/// exit is the exit's break).
pub fn record(
    entry_date: NaiveDate,
    move_in_date: Option<NaiveDate>,
    project: &ProjectFacts,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let mut breaks = entry(entry_date, project, today);
    if let Some(move_in_date) = move_in_date {
        breaks.extend(move_in(
            move_in_date,
            project.project_type,
            entry_date,
            None,
            today,
        ));
    }
    breaks
}

/// The Housing Move-In Date of an enrollment of `project_type` that entered on `entry_date` (and
/// exited on `exit_date`, if it has).
pub fn move_in(
    move_in_date: NaiveDate,
    project_type: ProjectType,
    entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let move_in = (F::MoveInDate, move_in_date);
    [
        (!project_type.is_permanent_housing())
            .then_some(RuleBreak::MoveInOutsidePermanentHousing { project_type }),
        not_before(move_in, (F::EntryDate, Owner::Record, entry_date)),
        not_after(move_in, (F::ExitDate, Owner::Record, exit_date)),
        not_in_future(F::MoveInDate, move_in_date, today),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The exit on `exit_date` of an enrollment that entered on `entry_date` (and moved in on
/// `move_in_date`, if it has).
pub fn exit(
    exit_date: NaiveDate,
    entry_date: NaiveDate,
    move_in_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let exit = (F::ExitDate, exit_date);
    [
        not_before(exit, (F::EntryDate, Owner::Record, entry_date)),
        move_in_date.and_then(|at| not_before(exit, (F::MoveInDate, Owner::Record, at))),
        not_in_future(F::ExitDate, exit_date, today),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::on as at;

    const TODAY: &str = "2026-06-30";

    fn psh() -> ProjectFacts {
        ProjectFacts {
            project_type: ProjectType::PhPermanentSupportiveHousing,
            operating_start_date: at("2020-01-01"),
            operating_end_date: Some(at("2026-12-31")),
        }
    }

    fn broken(breaks: Vec<RuleBreak>) -> Vec<String> {
        breaks
            .iter()
            .map(|b| b.describe(super::super::Wording::Api))
            .collect()
    }

    #[test]
    fn a_whole_record_keeps_the_entry_and_the_move_in_rules() {
        let shelter = ProjectFacts {
            project_type: ProjectType::EsEntryExit,
            ..psh()
        };
        assert!(record(at("2026-01-01"), Some(at("2026-02-01")), &psh(), at(TODAY)).is_empty());
        assert_eq!(
            record(
                at("2019-12-31"),
                Some(at("2026-02-01")),
                &shelter,
                at(TODAY)
            )
            .len(),
            2,
            "the entry before the operating period and a move-in outside permanent housing"
        );
        assert!(record(at("2026-01-01"), None, &shelter, at(TODAY)).is_empty());
    }

    #[test]
    fn entry_within_the_operating_period_and_not_in_the_future() {
        assert!(entry(at("2026-01-01"), &psh(), at(TODAY)).is_empty());
        assert_eq!(
            broken(entry(at("2019-12-31"), &psh(), at(TODAY))),
            ["entryDate 2019-12-31 is before the project's operatingStartDate 2020-01-01"]
        );
        let closed = ProjectFacts {
            operating_end_date: Some(at("2025-12-31")),
            ..psh()
        };
        assert_eq!(
            broken(entry(at("2026-01-01"), &closed, at(TODAY))),
            ["entryDate 2026-01-01 is after the project's operatingEndDate 2025-12-31"]
        );
        assert_eq!(
            broken(entry(at("2026-07-01"), &psh(), at(TODAY))),
            ["entryDate 2026-07-01 is in the future (today is 2026-06-30)"]
        );
    }

    #[test]
    fn move_in_only_in_permanent_housing_between_entry_and_exit() {
        let psh = ProjectType::PhPermanentSupportiveHousing;
        assert!(move_in(at("2026-02-01"), psh, at("2026-01-01"), None, at(TODAY)).is_empty());
        assert!(matches!(
            move_in(
                at("2026-02-01"),
                ProjectType::EsEntryExit,
                at("2026-01-01"),
                None,
                at(TODAY)
            )
            .as_slice(),
            [RuleBreak::MoveInOutsidePermanentHousing { .. }]
        ));
        assert_eq!(
            broken(move_in(
                at("2025-12-31"),
                psh,
                at("2026-01-01"),
                None,
                at(TODAY)
            )),
            ["moveInDate 2025-12-31 is before the entryDate 2026-01-01"]
        );
        assert_eq!(
            broken(move_in(
                at("2026-03-01"),
                psh,
                at("2026-01-01"),
                Some(at("2026-02-01")),
                at(TODAY)
            )),
            ["moveInDate 2026-03-01 is after the exitDate 2026-02-01"]
        );
        assert_eq!(
            move_in(at("2026-07-01"), psh, at("2026-01-01"), None, at(TODAY)).len(),
            1
        );
    }

    #[test]
    fn exit_after_entry_and_move_in_and_not_in_the_future() {
        assert!(exit(at("2026-03-01"), at("2026-01-01"), None, at(TODAY)).is_empty());
        assert_eq!(
            broken(exit(at("2025-12-31"), at("2026-01-01"), None, at(TODAY))),
            ["exitDate 2025-12-31 is before the entryDate 2026-01-01"]
        );
        assert_eq!(
            broken(exit(
                at("2026-01-15"),
                at("2026-01-01"),
                Some(at("2026-02-01")),
                at(TODAY)
            )),
            ["exitDate 2026-01-15 is before the moveInDate 2026-02-01"]
        );
        assert_eq!(
            exit(at("2026-07-01"), at("2026-01-01"), None, at(TODAY)).len(),
            1
        );
    }
}
