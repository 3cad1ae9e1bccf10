//! The workflow's rules, once: pure functions over the facts already loaded (the project, the
//! enrollment, the event, today) that return the rules a change would break, as typed
//! [`RuleBreak`]s.
//!
//! The service layer applies them to each mutation and the HMIS CSV import to each row; neither
//! holds a rule of its own. A break is worded by its caller: in the API's argument names
//! (`entryDate`) or in HUD's CSV columns (`EntryDate`), see [`Wording`].
//!
//! - `enrollment`: intake (3.10 against the project's operating period), move-in (3.20), exit (3.11).
//! - `ce_event`: the CE event in its CE enrollment (4.20.1) and the referred project (4.20.C).
//! - `household`: 3.14/3.15, one head per household and what only the head does (H1-H5).
//! - `referral`: the referral's lifecycle, what may follow what and with which reasons (L1-L6).
//! - `assessment`: 4.19 assessments, recorded in the head's CE enrollment (A1).

pub mod assessment;
pub mod ce_event;
pub mod enrollment;
pub mod household;
pub mod referral;

use super::{CeEventType, ProjectType};
use chrono::NaiveDate;

/// Whose names a break is worded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wording {
    /// GraphQL argument names: `entryDate`, `referredProjectId`.
    Api,
    /// HUD HMIS CSV columns: `EntryDate`, `LocationCrisisOrPHHousing`.
    Hud,
}

impl Wording {
    /// The name of one thing in this wording: `api` (the GraphQL argument) or `hud` (the CSV
    /// column). Every name a break uses is given both ways, side by side.
    pub fn pick(self, api: &'static str, hud: &'static str) -> &'static str {
        match self {
            Wording::Api => api,
            Wording::Hud => hud,
        }
    }
}

/// A dated data element the rules compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateField {
    /// HUD 3.10 Project Start Date.
    EntryDate,
    /// HUD 3.20 Housing Move-In Date.
    MoveInDate,
    /// HUD 3.11 Project Exit Date.
    ExitDate,
    /// HUD 4.20.1 Date of Event.
    EventDate,
    /// HUD 4.20.E Date of Result.
    ResultDate,
    /// HUD 2.02.3 Operating Start Date.
    OperatingStartDate,
    /// HUD 2.02.4 Operating End Date.
    OperatingEndDate,
    /// HUD 4.19.1 Date of Assessment.
    AssessmentDate,
}

impl DateField {
    pub fn name(self, wording: Wording) -> &'static str {
        let (api, hud) = match self {
            DateField::EntryDate => ("entryDate", "EntryDate"),
            DateField::MoveInDate => ("moveInDate", "MoveInDate"),
            DateField::ExitDate => ("exitDate", "ExitDate"),
            DateField::EventDate => ("eventDate", "EventDate"),
            DateField::ResultDate => ("resultDate", "ResultDate"),
            DateField::OperatingStartDate => ("operatingStartDate", "OperatingStartDate"),
            DateField::OperatingEndDate => ("operatingEndDate", "OperatingEndDate"),
            DateField::AssessmentDate => ("assessmentDate", "AssessmentDate"),
        };
        wording.pick(api, hud)
    }
}

/// HUD 4.20's fields that depend on the event type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependentField {
    /// 4.20.A ProbSolDivRRResult, for event 2 (problem solving / diversion) only.
    SafeAlternativeHoused,
    /// 4.20.B ReferralCaseManageAfter, for event 5 (post-placement case management) only.
    EnrolledInAftercare,
}

impl DependentField {
    pub fn name(self, wording: Wording) -> &'static str {
        let (api, hud) = match self {
            DependentField::SafeAlternativeHoused => {
                ("safeAlternativeHoused", "ProbSolDivRRResult")
            }
            DependentField::EnrolledInAftercare => {
                ("enrolledInAftercare", "ReferralCaseManageAfter")
            }
        };
        wording.pick(api, hud)
    }

    /// The one event type the field applies to.
    pub fn event_type(self) -> CeEventType {
        match self {
            DependentField::SafeAlternativeHoused => {
                CeEventType::ProblemSolvingDiversionRapidResolution
            }
            DependentField::EnrolledInAftercare => {
                CeEventType::ReferralToPostPlacementCaseManagement
            }
        }
    }
}

/// Whose date a comparison is with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The same record's.
    Record,
    /// The project's.
    Project,
    /// The client's CE enrollment's.
    CeEnrollment,
    /// The head of household's enrollment's.
    HeadOfHousehold,
}

impl Owner {
    fn prefix(self) -> &'static str {
        match self {
            Owner::Record => "the ",
            Owner::Project => "the project's ",
            Owner::CeEnrollment => "the CE enrollment's ",
            Owner::HeadOfHousehold => "the head of household's ",
        }
    }
}

/// A rule a change would break.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleBreak {
    /// A date that has not happened yet.
    InFuture {
        field: DateField,
        date: NaiveDate,
        today: NaiveDate,
    },
    /// `field` falls before `other` (of `owner`), which it may not precede.
    Before {
        field: DateField,
        date: NaiveDate,
        other: DateField,
        owner: Owner,
        bound: NaiveDate,
    },
    /// `field` falls after `other` (of `owner`), which it may not follow.
    After {
        field: DateField,
        date: NaiveDate,
        other: DateField,
        owner: Owner,
        bound: NaiveDate,
    },
    /// HUD 3.20 applies to permanent housing only.
    MoveInOutsidePermanentHousing { project_type: ProjectType },
    /// CE events are recorded in the client's CE enrollment.
    EventOutsideCoordinatedEntry,
    /// HUD no longer collects events of this type (rule D1).
    EventTypeNotCollected { event_type: CeEventType },
    /// A dependent field of 4.20 given for an event type it does not apply to (rule D3).
    DependentFieldNotApplicable {
        field: DependentField,
        event_type: CeEventType,
    },
    /// HUD 4.20.C: a referral of this event type names a project.
    ReferredProjectRequired { event_type: CeEventType },
    /// HUD 4.20.C: this event type is not a referral to a project.
    ReferredProjectForbidden { event_type: CeEventType },
    /// A referral is to a housing project, not to Coordinated Entry.
    ReferredToCoordinatedEntry,
    /// HUD 4.20.D-E: this event type carries no referral result (rule D2).
    ResultNotCarried { event_type: CeEventType },
    /// HUD 2.09: the referred project does not receive CE referrals on the event's date (rule D4).
    ProjectNotReceivingReferrals { project: String, date: NaiveDate },
    /// L3: a decline reason with a successful result.
    DeclineReasonWithSuccess,
    /// L3: a decline reason that implies the other unsuccessful result.
    DeclineReasonDisagrees {
        reason: crate::domain::DeclineReason,
        result: crate::domain::ReferralResult,
    },
    /// L3: CLIENT_OTHER / PROVIDER_OTHER without a note saying what.
    DeclineReasonNeedsNote {
        reason: crate::domain::DeclineReason,
    },
    /// H1: a member given as the head; the household has one, the enrollment's client.
    MemberIsHead { index: usize },
    /// H1: a client entered twice in one household.
    ClientTwiceInHousehold { index: usize, client: uuid::Uuid },
    /// H1: a household with no head or more than one.
    HouseholdHeads { household: String, heads: usize },
    /// H3: a move-in recorded on a member's enrollment.
    MoveInNotOnHead,
    /// H4: the head exits alone while these members remain enrolled.
    HeadExitsBeforeMembers { remaining: Vec<String> },
    /// H4: the new head is not an open member of the household.
    NewHeadNotInHousehold { enrollment: uuid::Uuid },
    /// H4: a new head is named for a member's exit.
    NewHeadForMemberExit,
    /// H5: a housing referral recorded in a member's CE enrollment.
    ReferralNotOnHead,
    /// H5: a successful referral naming a member's enrollment.
    ResultingEnrollmentNotHead,
    /// A1: an assessment is recorded in a Coordinated Entry enrollment.
    AssessmentOutsideCoordinatedEntry,
    /// A1: an assessment is about the household, recorded in its head's enrollment.
    AssessmentNotOnHead,
    /// A1: the PLM records assessments in their own organization's CE projects.
    AssessmentInOtherOrganization,
    /// A1: the location (HUD 4.19.2) is 1..250 characters, trimmed.
    AssessmentLocation { chars: usize },
    /// The referred project's type does not fit the event type.
    ReferredProjectDoesNotFit {
        event_type: CeEventType,
        project_type: ProjectType,
        fitting: &'static [ProjectType],
    },
}

impl RuleBreak {
    /// The break as a person reads it, in `wording`'s names.
    pub fn describe(&self, wording: Wording) -> String {
        let referred = wording.pick("referredProjectId", "LocationCrisisOrPHHousing");
        let codes = |types: &[ProjectType]| {
            types
                .iter()
                .map(|t| t.code().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            RuleBreak::InFuture { field, date, today } => format!(
                "{} {date} is in the future (today is {today})",
                field.name(wording)
            ),
            RuleBreak::Before {
                field,
                date,
                other,
                owner,
                bound,
            }
            | RuleBreak::After {
                field,
                date,
                other,
                owner,
                bound,
            } => {
                let side = match self {
                    RuleBreak::Before { .. } => "before",
                    _ => "after",
                };
                format!(
                    "{} {date} is {side} {}{} {bound}",
                    field.name(wording),
                    owner.prefix(),
                    other.name(wording)
                )
            }
            RuleBreak::MoveInOutsidePermanentHousing { project_type } => format!(
                "{} applies only to permanent housing projects (HUD project types 3, 9, 10, 13); \
                 this project is of type {}",
                DateField::MoveInDate.name(wording),
                project_type.code()
            ),
            RuleBreak::EventOutsideCoordinatedEntry => "the enrollment is not in a Coordinated \
                Entry project (HUD project type 14); CE events are recorded in the client's CE \
                enrollment"
                .to_owned(),
            RuleBreak::EventTypeNotCollected { event_type } => format!(
                "event type {event_type:?} (HUD 4.20.2 code {}) is no longer collected: HUD's \
                 FY2024 HMIS Data Dictionary removed it; record the referral as another event type",
                event_type.code()
            ),
            RuleBreak::DependentFieldNotApplicable { field, event_type } => format!(
                "{} (HUD {}) is only for event type {:?} (HUD 4.20.2 code {}), not {event_type:?} \
                 (code {})",
                field.name(wording),
                match field {
                    DependentField::SafeAlternativeHoused => "4.20.A",
                    DependentField::EnrolledInAftercare => "4.20.B",
                },
                field.event_type(),
                field.event_type().code(),
                event_type.code()
            ),
            RuleBreak::ReferredProjectRequired { event_type } => format!(
                "{referred} is required for event type {event_type:?} (HUD 4.20.2 code {})",
                event_type.code()
            ),
            RuleBreak::ReferredProjectForbidden { event_type } => format!(
                "{referred} is not allowed for event type {event_type:?} (HUD 4.20.2 code {}): it \
                 is not a housing referral",
                event_type.code()
            ),
            RuleBreak::ResultNotCarried { event_type } => format!(
                "event type {event_type:?} (HUD 4.20.2 code {}) carries no referral result: only \
                 housing referrals (10-15, 18) do",
                event_type.code()
            ),
            RuleBreak::ProjectNotReceivingReferrals { project, date } => format!(
                "project \"{project}\" does not receive CE referrals on {date} (HUD 2.09 \
                 ReceivesReferrals; an ADMIN sets it with setCeParticipation)"
            ),
            RuleBreak::DeclineReasonWithSuccess => "declineReason is only for an unsuccessful \
                referral; leave it out with SUCCESSFUL_CLIENT_ACCEPTED"
                .to_owned(),
            RuleBreak::DeclineReasonDisagrees { reason, result } => format!(
                "declineReason {} means {}, not {}: CLIENT_* reasons go with \
                 UNSUCCESSFUL_CLIENT_REJECTED, PROVIDER_* with UNSUCCESSFUL_PROVIDER_REJECTED",
                api_name(reason),
                api_name(&reason.result()),
                api_name(result)
            ),
            RuleBreak::DeclineReasonNeedsNote { reason } => format!(
                "declineReason {} needs a note saying what happened",
                api_name(reason)
            ),
            RuleBreak::MemberIsHead { index } => format!(
                "members[{index}].relationshipToHoH is SELF_HEAD_OF_HOUSEHOLD; the household's \
                 head is the enrollment's client (clientId): give each member's relationship to them"
            ),
            RuleBreak::ClientTwiceInHousehold { index, client } => {
                format!("members[{index}]: client {client} is in the household more than once")
            }
            RuleBreak::HouseholdHeads { household, heads } => format!(
                "household {household} has {heads} heads ({}); a household has exactly one \
                 (1 Self)",
                wording.pick(
                    "relationshipToHoH SELF_HEAD_OF_HOUSEHOLD",
                    "RelationshipToHoH 1"
                )
            ),
            RuleBreak::MoveInNotOnHead => "a Housing Move-In Date (HUD 3.20) is recorded on the \
                head of household's enrollment; this enrollment is a member's"
                .to_owned(),
            RuleBreak::HeadExitsBeforeMembers { remaining } => format!(
                "the head of household cannot exit while {} remain(s) enrolled: exit them first, \
                 set wholeHousehold: true to exit everyone on this date, or name \
                 newHeadOfHouseholdId",
                remaining.join(", ")
            ),
            RuleBreak::NewHeadNotInHousehold { enrollment } => format!(
                "newHeadOfHouseholdId {enrollment} is not the enrollment of a member still enrolled \
                 in this household"
            ),
            RuleBreak::NewHeadForMemberExit => "newHeadOfHouseholdId is only for the head of \
                household's exit; this enrollment is a member's"
                .to_owned(),
            RuleBreak::ReferralNotOnHead => "a referral is recorded in the head of household's CE \
                enrollment; this enrollment is a member's"
                .to_owned(),
            RuleBreak::ResultingEnrollmentNotHead => "resultingEnrollmentId names a member's \
                enrollment; a household's referral results in the head of household's enrollment"
                .to_owned(),
            RuleBreak::AssessmentOutsideCoordinatedEntry => "the enrollment is not in a \
                Coordinated Entry project (HUD project type 14); a 4.19 assessment is recorded in \
                the household's CE enrollment"
                .to_owned(),
            RuleBreak::AssessmentNotOnHead => "a 4.19 assessment is recorded in the head of \
                household's CE enrollment; this enrollment is a member's"
                .to_owned(),
            RuleBreak::AssessmentInOtherOrganization => "the enrollment is in another \
                organization's CE project; record the assessment in a CE enrollment of the \
                organization you act as"
                .to_owned(),
            RuleBreak::AssessmentLocation { chars } => format!(
                "{} must be 1 to {} characters without control characters once trimmed (got {chars})",
                wording.pick("location", "AssessmentLocation"),
                assessment::MAX_LOCATION_CHARS
            ),
            RuleBreak::ReferredToCoordinatedEntry => format!(
                "{referred} names a Coordinated Entry project; a referral is to a housing project"
            ),
            RuleBreak::ReferredProjectDoesNotFit {
                event_type,
                project_type,
                fitting,
            } => format!(
                "{referred} names a project of type {project_type:?} (HUD 2.02.6 code {}), which \
                 does not fit event type {event_type:?} (HUD 4.20.2 code {}); expected project \
                 type {}",
                project_type.code(),
                event_type.code(),
                codes(fitting)
            ),
        }
    }
}

/// A code's GraphQL name (`ClientDeclined` is `CLIENT_DECLINED`), for messages in the API's words.
fn api_name(value: &impl std::fmt::Debug) -> String {
    let mut name = String::new();
    for (i, c) in format!("{value:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

/// `date` is not after `today`.
pub fn not_in_future(field: DateField, date: NaiveDate, today: NaiveDate) -> Option<RuleBreak> {
    (date > today).then_some(RuleBreak::InFuture { field, date, today })
}

/// `date` is not before `bound`.
fn not_before(
    (field, date): (DateField, NaiveDate),
    (other, owner, bound): (DateField, Owner, NaiveDate),
) -> Option<RuleBreak> {
    (date < bound).then_some(RuleBreak::Before {
        field,
        date,
        other,
        owner,
        bound,
    })
}

/// `date` is not after `bound`, if there is one.
fn not_after(
    (field, date): (DateField, NaiveDate),
    (other, owner, bound): (DateField, Owner, Option<NaiveDate>),
) -> Option<RuleBreak> {
    let bound = bound?;
    (date > bound).then_some(RuleBreak::After {
        field,
        date,
        other,
        owner,
        bound,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_are_worded_in_the_callers_names() {
        let at = crate::domain::on;
        let broken = RuleBreak::Before {
            field: DateField::EntryDate,
            date: at("2019-12-31"),
            other: DateField::OperatingStartDate,
            owner: Owner::Project,
            bound: at("2020-01-01"),
        };
        assert_eq!(
            broken.describe(Wording::Api),
            "entryDate 2019-12-31 is before the project's operatingStartDate 2020-01-01"
        );
        assert_eq!(
            broken.describe(Wording::Hud),
            "EntryDate 2019-12-31 is before the project's OperatingStartDate 2020-01-01"
        );
    }
}
