//! HUD 3.14/3.15 households (rules H1-H5): one head per household, members who enter with or after
//! the head, move-in on the head, the head's exit, and referrals on the head.

use super::{DateField, Owner, RuleBreak, not_before};
use crate::domain::RelationshipToHoH;
use chrono::NaiveDate;
use std::collections::HashSet;
use uuid::Uuid;

/// A member entering a household, as the intake gives it.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub client_id: Uuid,
    pub relationship: RelationshipToHoH,
    pub entry_date: NaiveDate,
}

/// H1/H2: members are not heads, each client is in the household once (the head and `present`
/// included), and no member enters before the head.
pub fn members(
    head_entry: NaiveDate,
    present: impl IntoIterator<Item = Uuid>,
    members: &[Member],
) -> Vec<RuleBreak> {
    let mut seen: HashSet<Uuid> = present.into_iter().collect();
    let mut breaks = Vec::new();
    for (index, member) in members.iter().enumerate() {
        if member.relationship == RelationshipToHoH::SelfHeadOfHousehold {
            breaks.push(RuleBreak::MemberIsHead { index });
        }
        if !seen.insert(member.client_id) {
            breaks.push(RuleBreak::ClientTwiceInHousehold {
                index,
                client: member.client_id,
            });
        }
        breaks.extend(not_before(
            (DateField::EntryDate, member.entry_date),
            (DateField::EntryDate, Owner::HeadOfHousehold, head_entry),
        ));
    }
    breaks
}

/// H1: a household (as an HMIS file gives it) has exactly one head.
pub fn heads(household: &str, heads: usize) -> Option<RuleBreak> {
    (heads != 1).then(|| RuleBreak::HouseholdHeads {
        household: household.to_owned(),
        heads,
    })
}

/// H3: the Housing Move-In Date is the head's.
pub fn move_in(relationship: RelationshipToHoH) -> Option<RuleBreak> {
    (relationship != RelationshipToHoH::SelfHeadOfHousehold).then_some(RuleBreak::MoveInNotOnHead)
}

/// How the head's exit leaves the household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadExit {
    /// Every open member exits too.
    WholeHousehold,
    /// This open member's enrollment becomes the head.
    NewHead(Uuid),
    /// Neither was asked.
    Alone,
}

/// H4: who may exit, given the household's other open enrollments (`open_members`, with their
/// clients' names for the message). A member may exit alone; the head only with no other member
/// enrolled, or with the whole household, or naming a new head among the open members.
pub fn exit(
    relationship: RelationshipToHoH,
    open_members: &[(Uuid, String)],
    how: HeadExit,
) -> Option<RuleBreak> {
    let head = relationship == RelationshipToHoH::SelfHeadOfHousehold;
    match how {
        HeadExit::NewHead(_) if !head => Some(RuleBreak::NewHeadForMemberExit),
        HeadExit::NewHead(id) if !open_members.iter().any(|(member, _)| *member == id) => {
            Some(RuleBreak::NewHeadNotInHousehold { enrollment: id })
        }
        HeadExit::Alone if head && !open_members.is_empty() => {
            Some(RuleBreak::HeadExitsBeforeMembers {
                remaining: open_members.iter().map(|(_, name)| name.clone()).collect(),
            })
        }
        _ => None,
    }
}

/// H5: a housing referral is recorded in the head's CE enrollment.
pub fn referral_on_head(relationship: RelationshipToHoH) -> Option<RuleBreak> {
    (relationship != RelationshipToHoH::SelfHeadOfHousehold).then_some(RuleBreak::ReferralNotOnHead)
}

/// H5: a successful referral's resulting enrollment is the head's.
pub fn resulting_enrollment_is_head(relationship: RelationshipToHoH) -> Option<RuleBreak> {
    (relationship != RelationshipToHoH::SelfHeadOfHousehold)
        .then_some(RuleBreak::ResultingEnrollmentNotHead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::on;
    use crate::domain::rules::Wording;

    #[test]
    fn members_are_not_heads_enter_once_and_not_before_the_head() {
        let head = Uuid::from_u128(1);
        let child = Uuid::from_u128(2);
        let member = |client_id, relationship, entry: &str| Member {
            client_id,
            relationship,
            entry_date: on(entry),
        };
        assert!(
            members(
                on("2026-03-01"),
                [head],
                &[member(child, RelationshipToHoH::Child, "2026-03-01")]
            )
            .is_empty()
        );
        let breaks = members(
            on("2026-03-01"),
            [head],
            &[
                member(child, RelationshipToHoH::SelfHeadOfHousehold, "2026-03-01"),
                member(head, RelationshipToHoH::SpouseOrPartner, "2026-02-28"),
            ],
        );
        assert_eq!(breaks.len(), 3, "{breaks:?}");
        assert!(breaks[0].describe(Wording::Api).contains("members[0]"));
        assert!(breaks[1].describe(Wording::Api).contains("more than once"));
        assert_eq!(
            breaks[2].describe(Wording::Api),
            "entryDate 2026-02-28 is before the head of household's entryDate 2026-03-01"
        );
    }

    #[test]
    fn the_head_exits_last_with_the_household_or_hands_over() {
        let head = RelationshipToHoH::SelfHeadOfHousehold;
        let member = Uuid::from_u128(7);
        let open = [(member, "Mia Moss".to_owned())];
        let refused = exit(head, &open, HeadExit::Alone).expect("refused");
        assert!(refused.describe(Wording::Api).contains("Mia Moss"));
        assert_eq!(exit(head, &open, HeadExit::WholeHousehold), None);
        assert_eq!(exit(head, &open, HeadExit::NewHead(member)), None);
        assert!(exit(head, &open, HeadExit::NewHead(Uuid::from_u128(8))).is_some());
        assert_eq!(exit(head, &[], HeadExit::Alone), None);
        assert_eq!(exit(RelationshipToHoH::Child, &open, HeadExit::Alone), None);
        assert!(exit(RelationshipToHoH::Child, &open, HeadExit::NewHead(member)).is_some());
    }

    #[test]
    fn move_in_and_referrals_are_the_head_s() {
        assert_eq!(move_in(RelationshipToHoH::SelfHeadOfHousehold), None);
        assert_eq!(
            move_in(RelationshipToHoH::Child),
            Some(RuleBreak::MoveInNotOnHead)
        );
        assert!(referral_on_head(RelationshipToHoH::SpouseOrPartner).is_some());
        assert!(resulting_enrollment_is_head(RelationshipToHoH::Child).is_some());
    }
}
