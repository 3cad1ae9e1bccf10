//! A CE event (HUD 4.20): recorded in the client's CE enrollment, dated within it and not in the
//! future; a referral names a housing project of a type that fits the event (4.20.C).

use super::{
    DateField as F, DependentField, Owner, RuleBreak, not_after, not_before, not_in_future,
};
use crate::domain::codes::ReferredProjectRule;
use crate::domain::{CeEventType, ProjectType};
use chrono::NaiveDate;

/// What the rules need of the enrollment an event is recorded in.
#[derive(Clone, Copy, Debug)]
pub struct CeEnrollmentFacts {
    pub project_type: ProjectType,
    pub entry_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
}

/// An event dated `event_date` in `enrollment`.
pub fn event(
    event_date: NaiveDate,
    enrollment: &CeEnrollmentFacts,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let event = (F::EventDate, event_date);
    [
        (enrollment.project_type != ProjectType::CoordinatedEntry)
            .then_some(RuleBreak::EventOutsideCoordinatedEntry),
        not_in_future(F::EventDate, event_date, today),
        not_before(
            event,
            (F::EntryDate, Owner::CeEnrollment, enrollment.entry_date),
        ),
        not_after(
            event,
            (F::ExitDate, Owner::CeEnrollment, enrollment.exit_date),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A new event of `event_type` (API only: stored and imported events of a type no longer collected
/// stay as they are).
pub fn collected(event_type: CeEventType) -> Option<RuleBreak> {
    (!event_type.is_collected()).then_some(RuleBreak::EventTypeNotCollected { event_type })
}

/// HUD 4.20.A and 4.20.B: each given (`true` in `given`) only for its event type (rule D3).
pub fn dependent_fields(
    event_type: CeEventType,
    given: &[(DependentField, bool)],
) -> Vec<RuleBreak> {
    given
        .iter()
        .filter(|(field, present)| *present && field.event_type() != event_type)
        .map(|(field, _)| RuleBreak::DependentFieldNotApplicable {
            field: *field,
            event_type,
        })
        .collect()
}

/// HUD 4.20.C for `event_type`: whether it must, may or must not name a project (`named`).
pub fn names_project(event_type: CeEventType, named: bool) -> Option<RuleBreak> {
    match (event_type.referred_project_rule(), named) {
        (ReferredProjectRule::Required(_), false) => {
            Some(RuleBreak::ReferredProjectRequired { event_type })
        }
        (ReferredProjectRule::Forbidden, true) => {
            Some(RuleBreak::ReferredProjectForbidden { event_type })
        }
        _ => None,
    }
}

/// A referral's result (HUD 4.20.D) dated `result_date` (4.20.E), for an event of `event_type` dated
/// `event_date`: only housing referrals carry one, and it is dated from the event to today.
pub fn result(
    event_type: CeEventType,
    event_date: NaiveDate,
    result_date: NaiveDate,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    if !event_type.carries_result() {
        return vec![RuleBreak::ResultNotCarried { event_type }];
    }
    [
        not_before(
            (F::ResultDate, result_date),
            (F::EventDate, Owner::Record, event_date),
        ),
        not_in_future(F::ResultDate, result_date, today),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// HUD 2.09 for the project a referral names (`receives`: whether its participation on the event's
/// date says it receives CE referrals; rule D4).
pub fn receiving_project(receives: bool, project: &str, date: NaiveDate) -> Option<RuleBreak> {
    (!receives).then(|| RuleBreak::ProjectNotReceivingReferrals {
        project: project.to_owned(),
        date,
    })
}

/// HUD 4.20.C for the project an event of `event_type` names: a housing project of a type that
/// fits the event.
pub fn referred_project(event_type: CeEventType, project_type: ProjectType) -> Option<RuleBreak> {
    if project_type == ProjectType::CoordinatedEntry {
        return Some(RuleBreak::ReferredToCoordinatedEntry);
    }
    match event_type.referred_project_rule() {
        ReferredProjectRule::Required(fitting) if !fitting.contains(&project_type) => {
            Some(RuleBreak::ReferredProjectDoesNotFit {
                event_type,
                project_type,
                fitting,
            })
        }
        _ => None,
    }
}

/// The project a referral names, as the rules read it: its type (4.20.C) and whether it receives
/// referrals on the event's date (2.09, rule D4), with the name a break is worded with.
#[derive(Clone, Copy, Debug)]
pub struct ReferredFacts<'f> {
    pub project_type: ProjectType,
    pub receives: bool,
    pub location: &'f str,
}

/// A CE event record written whole (by the HMIS import or a seeder): createCeEvent's rules against
/// the CE enrollment it is recorded in (when that is known) and the project it refers to (when it
/// names one).
pub fn record(
    event_type: CeEventType,
    event_date: NaiveDate,
    enrollment: Option<&CeEnrollmentFacts>,
    referred: Option<&ReferredFacts<'_>>,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let mut breaks = enrollment
        .map(|enrollment| event(event_date, enrollment, today))
        .unwrap_or_default();
    if let Some(referred) = referred {
        breaks.extend(referred_project(event_type, referred.project_type));
        breaks.extend(receiving_project(
            referred.receives,
            referred.location,
            event_date,
        ));
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::on as at;

    fn ce() -> CeEnrollmentFacts {
        CeEnrollmentFacts {
            project_type: ProjectType::CoordinatedEntry,
            entry_date: at("2026-01-05"),
            exit_date: Some(at("2026-05-01")),
        }
    }

    #[test]
    fn a_whole_record_keeps_the_enrollment_the_fit_and_the_participation_rules() {
        let today = at("2026-06-30");
        let psh = ReferredFacts {
            project_type: ProjectType::PhPermanentSupportiveHousing,
            receives: true,
            location: "Hope PSH",
        };
        let psh_referral = CeEventType::ReferralToPsh;
        let date = at("2026-02-01");
        assert!(record(psh_referral, date, Some(&ce()), Some(&psh), today).is_empty());
        let closed = ReferredFacts {
            receives: false,
            ..psh
        };
        assert!(matches!(
            record(psh_referral, date, Some(&ce()), Some(&closed), today).as_slice(),
            [RuleBreak::ProjectNotReceivingReferrals { .. }]
        ));
        let shelter = ReferredFacts {
            project_type: ProjectType::EsEntryExit,
            ..psh
        };
        assert!(matches!(
            record(psh_referral, date, Some(&ce()), Some(&shelter), today).as_slice(),
            [RuleBreak::ReferredProjectDoesNotFit { .. }]
        ));
        // Without its CE enrollment's facts only the referral's own rules apply.
        assert_eq!(
            record(psh_referral, at("2025-01-01"), None, Some(&psh), today).len(),
            0
        );
        assert_eq!(
            record(psh_referral, at("2025-01-01"), Some(&ce()), None, today).len(),
            1
        );
    }

    #[test]
    fn events_are_dated_within_the_ce_enrollment() {
        let today = at("2026-06-30");
        assert!(event(at("2026-02-01"), &ce(), today).is_empty());
        let at_entry = event(at("2026-01-04"), &ce(), today);
        assert!(matches!(at_entry.as_slice(), [RuleBreak::Before { .. }]));
        let after_exit = event(at("2026-05-02"), &ce(), today);
        assert!(matches!(after_exit.as_slice(), [RuleBreak::After { .. }]));
        let open = CeEnrollmentFacts {
            exit_date: None,
            ..ce()
        };
        let future = event(at("2026-07-01"), &open, today);
        assert!(matches!(future.as_slice(), [RuleBreak::InFuture { .. }]));
    }

    #[test]
    fn events_are_recorded_in_a_ce_enrollment() {
        let shelter = CeEnrollmentFacts {
            project_type: ProjectType::EsEntryExit,
            ..ce()
        };
        assert_eq!(
            event(at("2026-02-01"), &shelter, at("2026-06-30")),
            [RuleBreak::EventOutsideCoordinatedEntry]
        );
    }

    #[test]
    fn results_are_for_referrals_dated_from_the_event_to_today() {
        let today = at("2026-06-30");
        let psh = CeEventType::ReferralToPsh;
        assert!(result(psh, at("2026-03-01"), at("2026-03-01"), today).is_empty());
        assert!(matches!(
            result(psh, at("2026-03-01"), at("2026-02-28"), today).as_slice(),
            [RuleBreak::Before { .. }]
        ));
        assert!(matches!(
            result(psh, at("2026-03-01"), at("2026-07-01"), today).as_slice(),
            [RuleBreak::InFuture { .. }]
        ));
        let outreach = CeEventType::ReferralToStreetOutreach;
        assert_eq!(
            result(outreach, at("2026-03-01"), at("2026-03-02"), today),
            [RuleBreak::ResultNotCarried {
                event_type: outreach
            }]
        );
    }

    #[test]
    fn dependent_fields_apply_to_their_event_type_only() {
        use DependentField as D;
        let diversion = CeEventType::ProblemSolvingDiversionRapidResolution;
        let aftercare = CeEventType::ReferralToPostPlacementCaseManagement;
        let both = [
            (D::SafeAlternativeHoused, true),
            (D::EnrolledInAftercare, true),
        ];
        assert_eq!(
            dependent_fields(diversion, &both),
            [RuleBreak::DependentFieldNotApplicable {
                field: D::EnrolledInAftercare,
                event_type: diversion
            }]
        );
        assert_eq!(dependent_fields(aftercare, &both).len(), 1);
        assert_eq!(dependent_fields(CeEventType::ReferralToPsh, &both).len(), 2);
        let none = [
            (D::SafeAlternativeHoused, false),
            (D::EnrolledInAftercare, false),
        ];
        assert!(dependent_fields(CeEventType::ReferralToPsh, &none).is_empty());
    }

    #[test]
    fn referrals_name_a_fitting_housing_project() {
        use CeEventType as E;
        use ProjectType as P;
        let psh = E::ReferralToPsh;
        assert_eq!(names_project(psh, true), None);
        assert_eq!(
            names_project(psh, false),
            Some(RuleBreak::ReferredProjectRequired { event_type: psh })
        );
        assert_eq!(referred_project(psh, P::PhPermanentSupportiveHousing), None);
        assert!(matches!(
            referred_project(psh, P::PhRapidReHousing),
            Some(RuleBreak::ReferredProjectDoesNotFit { .. })
        ));
        assert_eq!(
            referred_project(psh, P::CoordinatedEntry),
            Some(RuleBreak::ReferredToCoordinatedEntry)
        );
        assert_eq!(
            referred_project(E::ReferralToEmergencyShelter, P::SafeHaven),
            None
        );
        let voucher = E::ReferralToHousingStabilityVoucher;
        assert_eq!(
            names_project(voucher, true),
            Some(RuleBreak::ReferredProjectForbidden {
                event_type: voucher
            })
        );
        assert!(collected(E::ReferralToEmergencyHousingVoucher).is_some());
        assert!(collected(voucher).is_none());
        let outreach = E::ReferralToStreetOutreach;
        assert_eq!(names_project(outreach, false), None);
        assert_eq!(
            names_project(outreach, true),
            Some(RuleBreak::ReferredProjectForbidden {
                event_type: outreach
            })
        );
    }
}
