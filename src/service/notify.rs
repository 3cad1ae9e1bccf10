//! The feed behind the `referralUpdated` subscription: a referral was created or resolved.
//!
//! Changes are published after their transaction commits, and each subscriber keeps only those in its
//! own scope. This is the in-process fan-out; a server on PostgreSQL can also relay changes between
//! processes.

use tokio::sync::broadcast;
use uuid::Uuid;

/// A referral (a CE event that carries a result) was created or resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralChanged {
    pub ce_event_id: Uuid,
    /// The organization owning the referred project, if the referral names one.
    pub referred_organization_id: Option<Uuid>,
}

#[derive(Clone)]
pub struct ReferralNotifier {
    sender: broadcast::Sender<ReferralChanged>,
}

impl ReferralNotifier {
    pub fn new() -> Self {
        // A subscriber more than this many changes behind skips ahead rather than slowing writers.
        let (sender, _) = broadcast::channel(1024);
        ReferralNotifier { sender }
    }

    pub fn publish(&self, change: ReferralChanged) {
        // No subscriber is not an error: the change is simply not delivered to anyone.
        let _ = self.sender.send(change);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ReferralChanged> {
        self.sender.subscribe()
    }
}

impl Default for ReferralNotifier {
    fn default() -> Self {
        Self::new()
    }
}
