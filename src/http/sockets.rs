//! What one API token may hold open over WebSocket (rule F1: a request's work is bounded before it
//! is done): at most HEARTH_MAX_SOCKETS_PER_TOKEN sockets at once, each running at most
//! [`MAX_OPERATIONS_PER_SOCKET`] operations (subscriptions, mostly) at once. Without these, one
//! signed-in user could hold thousands of subscriptions, each re-reading every referral change.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// The default of HEARTH_MAX_SOCKETS_PER_TOKEN: a dashboard or an SPA in several tabs needs a few.
pub const DEFAULT_MAX_SOCKETS_PER_TOKEN: usize = 32;

/// Operations one socket may run at once.
pub const MAX_OPERATIONS_PER_SOCKET: usize = 64;

/// The sockets open per API token, on this server.
#[derive(Clone)]
pub struct OpenSockets {
    counts: Arc<Mutex<HashMap<Uuid, usize>>>,
    per_token: usize,
}

impl OpenSockets {
    pub fn new(per_token: usize) -> Self {
        OpenSockets {
            counts: Arc::default(),
            per_token: per_token.max(1),
        }
    }

    /// A place for one more socket of `token`, held until dropped; `None` when the token has its
    /// most open already.
    pub fn admit(&self, token: Uuid) -> Option<SocketSlot> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = counts.entry(token).or_insert(0);
        if *count >= self.per_token {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            sockets: self.clone(),
            token,
        })
    }

    pub fn per_token(&self) -> usize {
        self.per_token
    }
}

/// One open socket's place in [`OpenSockets`].
pub struct SocketSlot {
    sockets: OpenSockets,
    token: Uuid,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut counts = self
            .sockets
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = counts.get_mut(&self.token) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.token);
            }
        }
    }
}

/// The operations running on one socket.
#[derive(Clone, Default)]
pub struct RunningOperations(Arc<AtomicUsize>);

impl RunningOperations {
    /// A place for one more operation, held until dropped; `None` when the socket runs its most.
    pub fn start(&self) -> Option<RunningOperation> {
        let started = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |running| {
                (running < MAX_OPERATIONS_PER_SOCKET).then_some(running + 1)
            });
        started.ok().map(|_| RunningOperation(self.0.clone()))
    }
}

/// One running operation's place in [`RunningOperations`].
pub struct RunningOperation(Arc<AtomicUsize>);

impl Drop for RunningOperation {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_holds_at_most_its_sockets_and_gets_them_back_on_close() {
        let sockets = OpenSockets::new(2);
        let token = Uuid::now_v7();
        let first = sockets.admit(token).expect("one");
        let _second = sockets.admit(token).expect("two");
        assert!(sockets.admit(token).is_none());
        assert!(
            sockets.admit(Uuid::now_v7()).is_some(),
            "another token has its own"
        );
        drop(first);
        assert!(sockets.admit(token).is_some());
    }

    #[test]
    fn a_socket_runs_at_most_its_operations() {
        let running = RunningOperations::default();
        let held: Vec<_> = (0..MAX_OPERATIONS_PER_SOCKET)
            .map(|_| running.start().expect("room"))
            .collect();
        assert!(running.start().is_none());
        drop(held);
        assert!(running.start().is_some());
    }
}
