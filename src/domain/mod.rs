//! Pure domain types: HUD codes with their readable names, validated values, the workflow's rules,
//! the clock and the request's actor. Nothing here touches the database or the network.

pub mod actor;
pub mod clock;
pub mod codes;
pub mod household;
pub mod rules;
pub mod values;

pub use actor::{Actor, Role};
pub use clock::Clock;
pub use codes::{
    AssessmentLevel, AssessmentType, CeEventType, DeclineReason, Destination, NoYes,
    PrioritizationStatus, ProjectType, ReferralResult, ReferralStatus, RelationshipToHoH, Sex,
};
pub use household::HouseholdType;

/// A day written as the rule tests write their communities' dates ("2026-03-01"): one helper for
/// every module's tests, so that they all read a date the same way.
#[cfg(test)]
pub(crate) fn on(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}
