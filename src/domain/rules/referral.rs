//! The referral's lifecycle (rules L1-L6): which state each change starts from, and the reasons and
//! notes it carries. The service layer applies these to each mutation, after locking the referral,
//! so each change is judged against the state it finds once racing changes have committed (L7).

use super::RuleBreak;
use crate::domain::{DeclineReason, ReferralResult};

/// Where a referral stands for the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Resolved,
    Cancelled,
}

impl State {
    pub fn of(resolved: bool, cancelled: bool) -> State {
        match (cancelled, resolved) {
            (true, _) => State::Cancelled,
            (false, true) => State::Resolved,
            (false, false) => State::Pending,
        }
    }
}

/// A change to a referral's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Acknowledge,
    Resolve,
    Reopen,
    Correct,
    Cancel,
}

/// Why `change` cannot start from `state` (a CONFLICT), if it cannot: acknowledging, resolving and
/// cancelling need a pending referral (L1, L6); reopening and correcting a resolved one (L4, L5).
pub fn conflict(change: Change, state: State) -> Option<String> {
    let needs = match change {
        Change::Acknowledge | Change::Resolve | Change::Cancel => State::Pending,
        Change::Reopen | Change::Correct => State::Resolved,
    };
    if state == needs {
        return None;
    }
    let now = match state {
        State::Pending => "still pending",
        State::Resolved => {
            "already resolved (reopenReferral or correctReferral changes a resolution)"
        }
        State::Cancelled => "cancelled",
    };
    let wanted = match needs {
        State::Pending => "a pending referral",
        _ => "a resolved referral",
    };
    Some(format!("{change:?} applies to {wanted}; this one is {now}"))
}

/// L3: a decline reason goes with an unsuccessful result it agrees with; the "other" reasons need a
/// note.
pub fn decline(
    result: ReferralResult,
    reason: Option<DeclineReason>,
    note_given: bool,
) -> Vec<RuleBreak> {
    let Some(reason) = reason else {
        return Vec::new();
    };
    if result.is_successful() {
        return vec![RuleBreak::DeclineReasonWithSuccess];
    }
    let mut breaks = Vec::new();
    if reason.result() != result {
        breaks.push(RuleBreak::DeclineReasonDisagrees { reason, result });
    }
    if reason.needs_note() && !note_given {
        breaks.push(RuleBreak::DeclineReasonNeedsNote { reason });
    }
    breaks
}

/// Longest reason for a reopen, correction or cancellation (L4-L6).
pub const REASON_MAX: usize = 500;
/// Longest note on a referral (L2).
pub const NOTE_MAX: usize = 2000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_starts_from_its_state() {
        let pending = State::of(false, false);
        let resolved = State::of(true, false);
        let cancelled = State::of(false, true);
        for change in [Change::Acknowledge, Change::Resolve, Change::Cancel] {
            assert_eq!(conflict(change, pending), None);
            assert!(conflict(change, resolved).is_some());
            assert!(conflict(change, cancelled).is_some());
        }
        for change in [Change::Reopen, Change::Correct] {
            assert!(conflict(change, pending).is_some());
            assert_eq!(conflict(change, resolved), None);
            assert!(conflict(change, cancelled).is_some());
        }
    }

    #[test]
    fn a_decline_reason_agrees_with_its_result() {
        use DeclineReason::*;
        use ReferralResult::*;
        assert!(decline(SuccessfulClientAccepted, None, false).is_empty());
        assert_eq!(
            decline(SuccessfulClientAccepted, Some(ClientDeclined), false),
            [RuleBreak::DeclineReasonWithSuccess]
        );
        assert!(decline(UnsuccessfulClientRejected, Some(ClientDeclined), false).is_empty());
        assert_eq!(
            decline(UnsuccessfulProviderRejected, Some(ClientDeclined), false).len(),
            1
        );
        assert_eq!(
            decline(UnsuccessfulProviderRejected, Some(ProviderOther), false),
            [RuleBreak::DeclineReasonNeedsNote {
                reason: ProviderOther
            }]
        );
        assert!(decline(UnsuccessfulProviderRejected, Some(ProviderOther), true).is_empty());
    }
}
