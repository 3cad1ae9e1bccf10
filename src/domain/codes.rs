//! HUD HMIS code lists, from the entity crate (`entity::codes`, where the stored code is decoded, in
//! SeaORM's `TryGetable`), and what Hearth derives from them: a CE event's ReferralStatus.

use async_graphql::Enum;

pub use entity::codes::{
    AssessmentLevel, AssessmentType, CeEventType, DeclineReason, Destination, NoYes,
    PrioritizationStatus, ProjectType, ReferralResult, ReferredProjectRule, RelationshipToHoH, Sex,
};

/// Where a CE event stands, derived from its type and HUD 4.20.D Referral Result.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReferralStatus {
    /// A housing referral with no result yet: the housing program still has to resolve it.
    Pending,
    /// Referral Result 1: the client was accepted and enrolled.
    Successful,
    /// Referral Result 2 or 3: the client or the provider rejected the referral.
    Unsuccessful,
    /// An event type that carries no referral result (HUD 4.20.2 codes 1-9 and 16).
    NotAReferral,
    /// A referral the CE side withdrew as made in error (cancelReferral, rule L6).
    Cancelled,
}

impl ReferralStatus {
    /// The status of an event of `event_type` whose Referral Result is `result`, withdrawn when
    /// `cancelled`.
    pub fn derive(
        event_type: CeEventType,
        result: Option<ReferralResult>,
        cancelled: bool,
    ) -> Self {
        match (event_type.carries_result(), result) {
            (false, _) => ReferralStatus::NotAReferral,
            _ if cancelled => ReferralStatus::Cancelled,
            (true, None) => ReferralStatus::Pending,
            (true, Some(r)) if r.is_successful() => ReferralStatus::Successful,
            (true, Some(_)) => ReferralStatus::Unsuccessful,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_type_codes_round_trip_in_hud_order() {
        let codes: Vec<i32> = ProjectType::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(codes, vec![0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
        for t in ProjectType::ALL {
            assert_eq!(ProjectType::from_code(t.code()), Some(*t));
        }
        assert_eq!(ProjectType::from_code(5), None);
    }

    #[test]
    fn event_types_carrying_a_result_are_10_to_15_17_18() {
        let carrying: Vec<i32> = CeEventType::ALL
            .iter()
            .filter(|t| t.carries_result())
            .map(|t| t.code())
            .collect();
        assert_eq!(carrying, vec![10, 11, 12, 13, 14, 15, 17, 18]);
    }

    #[test]
    fn only_events_10_to_15_name_a_project_and_17_is_no_longer_collected() {
        let naming: Vec<i32> = CeEventType::ALL
            .iter()
            .filter(|t| matches!(t.referred_project_rule(), ReferredProjectRule::Required(_)))
            .map(|t| t.code())
            .collect();
        assert_eq!(naming, vec![10, 11, 12, 13, 14, 15]);
        let collected: Vec<i32> = CeEventType::ALL
            .iter()
            .filter(|t| !t.is_collected())
            .map(|t| t.code())
            .collect();
        assert_eq!(collected, vec![17]);
        let ReferredProjectRule::Required(shelters) =
            CeEventType::ReferralToEmergencyShelter.referred_project_rule()
        else {
            panic!("event 10 names a project");
        };
        assert!(shelters.contains(&ProjectType::SafeHaven));
    }

    #[test]
    fn an_unknown_stored_code_is_one_internal_error_naming_list_and_code() {
        use sea_orm::ActiveEnum;
        let err = ReferralResult::try_from_value(&9).expect_err("9 is no Referral Result");
        assert!(
            matches!(&err, sea_orm::DbErr::Type(detail) if detail.contains("ReferralResult") && detail.contains('9'))
        );
        let err = crate::error::AppError::from(err);
        assert_eq!(err.code(), "INTERNAL_SERVER_ERROR");
        assert_eq!(
            err.public_message(),
            "Internal server error; the failure has been logged"
        );
    }

    #[test]
    fn a_code_serializes_as_its_hud_integer() {
        assert_eq!(
            serde_json::to_value(CeEventType::ReferralToPsh).ok(),
            Some(serde_json::json!(14))
        );
    }

    #[test]
    fn status_is_derived_from_the_result() {
        let psh = CeEventType::ReferralToPsh;
        assert_eq!(
            ReferralStatus::derive(psh, None, false),
            ReferralStatus::Pending
        );
        assert_eq!(
            ReferralStatus::derive(
                psh,
                Some(ReferralResult::UnsuccessfulProviderRejected),
                false
            ),
            ReferralStatus::Unsuccessful
        );
        assert_eq!(
            ReferralStatus::derive(psh, Some(ReferralResult::SuccessfulClientAccepted), false),
            ReferralStatus::Successful
        );
        assert_eq!(
            ReferralStatus::derive(CeEventType::ReferralToStreetOutreach, None, false),
            ReferralStatus::NotAReferral
        );
    }
}
