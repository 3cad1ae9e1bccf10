//! HUD 4.19 Coordinated Entry Assessment (rule A1): an assessment is about the household, so it is
//! recorded in the head's enrollment in a CE project, within that enrollment and not ahead of today,
//! at a named location.

use super::{DateField, Owner, RuleBreak, not_after, not_before, not_in_future};
use crate::domain::{ProjectType, RelationshipToHoH};
use chrono::NaiveDate;

/// HUD 4.19.2: the location is free text of at most this many characters.
pub const MAX_LOCATION_CHARS: usize = 250;

/// What A1 needs to know about the enrollment an assessment is recorded in.
#[derive(Clone, Copy, Debug)]
pub struct AssessedEnrollment {
    pub project_type: ProjectType,
    pub relationship: RelationshipToHoH,
    pub entry_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    /// Whether the CE project is the acting organization's (always true for an ADMIN or an import).
    pub in_acting_organization: bool,
}

/// A1: the rules an assessment dated `date` in `enrollment` would break.
pub fn assessment(
    enrollment: &AssessedEnrollment,
    date: NaiveDate,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let mut breaks = Vec::new();
    if enrollment.project_type != ProjectType::CoordinatedEntry {
        breaks.push(RuleBreak::AssessmentOutsideCoordinatedEntry);
    }
    if enrollment.relationship != RelationshipToHoH::SelfHeadOfHousehold {
        breaks.push(RuleBreak::AssessmentNotOnHead);
    }
    if !enrollment.in_acting_organization {
        breaks.push(RuleBreak::AssessmentInOtherOrganization);
    }
    let dated = (DateField::AssessmentDate, date);
    breaks.extend(not_in_future(DateField::AssessmentDate, date, today));
    breaks.extend(not_before(
        dated,
        (
            DateField::EntryDate,
            Owner::CeEnrollment,
            enrollment.entry_date,
        ),
    ));
    breaks.extend(not_after(
        dated,
        (
            DateField::ExitDate,
            Owner::CeEnrollment,
            enrollment.exit_date,
        ),
    ));
    breaks
}

/// A1: HUD 4.19.2 Assessment Location, trimmed, 1..250 characters.
pub fn location(raw: &str) -> Result<String, RuleBreak> {
    let trimmed = raw.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > MAX_LOCATION_CHARS || trimmed.chars().any(char::is_control) {
        return Err(RuleBreak::AssessmentLocation { chars });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::on;

    fn head_in_ce() -> AssessedEnrollment {
        AssessedEnrollment {
            project_type: ProjectType::CoordinatedEntry,
            relationship: RelationshipToHoH::SelfHeadOfHousehold,
            entry_date: on("2026-03-01"),
            exit_date: Some(on("2026-06-30")),
            in_acting_organization: true,
        }
    }

    #[test]
    fn each_part_of_a1_is_its_own_break() {
        let today = on("2026-12-01");
        let ok = head_in_ce();
        assert_eq!(assessment(&ok, on("2026-03-01"), today), vec![]);
        assert_eq!(assessment(&ok, on("2026-06-30"), today), vec![]);
        type Case = (AssessedEnrollment, &'static str, fn(&RuleBreak) -> bool);
        let cases: Vec<Case> = vec![
            (
                AssessedEnrollment {
                    project_type: ProjectType::PhRapidReHousing,
                    ..ok
                },
                "2026-04-01",
                |b| matches!(b, RuleBreak::AssessmentOutsideCoordinatedEntry),
            ),
            (
                AssessedEnrollment {
                    relationship: RelationshipToHoH::Child,
                    ..ok
                },
                "2026-04-01",
                |b| matches!(b, RuleBreak::AssessmentNotOnHead),
            ),
            (
                AssessedEnrollment {
                    in_acting_organization: false,
                    ..ok
                },
                "2026-04-01",
                |b| matches!(b, RuleBreak::AssessmentInOtherOrganization),
            ),
            (ok, "2026-02-28", |b| {
                matches!(
                    b,
                    RuleBreak::Before {
                        other: DateField::EntryDate,
                        ..
                    }
                )
            }),
            (ok, "2026-07-01", |b| {
                matches!(
                    b,
                    RuleBreak::After {
                        other: DateField::ExitDate,
                        ..
                    }
                )
            }),
            (
                AssessedEnrollment {
                    exit_date: None,
                    ..ok
                },
                "2026-12-02",
                |b| matches!(b, RuleBreak::InFuture { .. }),
            ),
        ];
        for (enrollment, date, expected) in cases {
            let breaks = assessment(&enrollment, on(date), today);
            assert_eq!(breaks.len(), 1, "{date}: {breaks:?}");
            assert!(expected(&breaks[0]), "{date}: {breaks:?}");
        }
    }

    #[test]
    fn the_location_is_trimmed_and_bounded() {
        assert_eq!(
            location("  Downtown drop-in ").as_deref(),
            Ok("Downtown drop-in")
        );
        assert!(location("   ").is_err());
        assert!(location(&"x".repeat(251)).is_err());
        assert!(location(&"x".repeat(250)).is_ok());
    }
}
