//! Recent sign-ins, kept in memory so that a request authenticated a moment ago runs no statement
//! to authenticate again.
//!
//! Why: every request (HTTP, each WebSocket operation, each download) presents its API token, and
//! looking it up cost two statements (the token with its user, then the memberships): two of W2's
//! nine. Tokens change rarely, so a sign-in is kept for a short while, keyed by the token's SHA-256
//! hash (never the token), at most [`CAPACITY`] of them.
//!
//! A revocation must still take effect within a second on every server on the database, so:
//! - a change to who may sign in as what (a token revoked, a role granted, an admin made) makes
//!   every server forget every sign-in it keeps: the change's transaction sends a notification on
//!   [`notify::SIGN_IN_CHANNEL`](super::notify::SIGN_IN_CHANNEL), which PostgreSQL delivers on
//!   commit to each server's listener; the process that made it forgets at once after its commit
//!   (and on SQLite, one process, that is all it takes);
//! - a sign-in is kept [`AGE`] at most however it was (not) told, so a notification lost while a
//!   listener reconnects, or a change made by another process on a SQLite file (`hearth token
//!   revoke`), cannot keep a revoked token working for longer;
//! - a token's expiry is checked on every use, kept or not.
//!
//! Forgetting everything rather than the one token is deliberate: such changes are an
//! administrator's rare acts, and each token costs one look-up to be kept again.

use super::Services;
use super::tokens::SignedIn;
use crate::error::AppResult;
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a sign-in is kept: the longest a change missed by every notification goes unseen.
pub const AGE: Duration = Duration::from_secs(1);

/// How many sign-ins are kept (the least recently used go first): far more tokens than a server
/// sees in [`AGE`].
pub const CAPACITY: u64 = 10_000;

/// The sign-ins this process keeps (cheap to clone: clones share them).
#[derive(Clone)]
pub struct Sessions {
    kept: moka::sync::Cache<String, Arc<SignedIn>>,
    /// Counts the times everything was forgotten, so that a look-up which began before a change
    /// and ends after it does not keep what it read (see [`Sessions::keep`]).
    forgotten: Arc<AtomicU64>,
}

/// When a look-up began, as [`Sessions::now`] tells it.
#[derive(Clone, Copy)]
pub struct Epoch(u64);

impl Sessions {
    pub fn new() -> Self {
        Sessions {
            kept: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(AGE)
                .build(),
            forgotten: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The sign-in kept for the token whose hash is `token_hash`, if any.
    pub fn get(&self, token_hash: &str) -> Option<Arc<SignedIn>> {
        self.kept.get(token_hash)
    }

    /// Taken before a look-up in the database, then handed to [`Sessions::keep`].
    pub fn now(&self) -> Epoch {
        Epoch(self.forgotten.load(Ordering::SeqCst))
    }

    /// Keeps what a look-up begun at `began` found, unless everything was forgotten meanwhile:
    /// the look-up may have read the rows as they were before the change.
    pub fn keep(&self, began: Epoch, token_hash: String, signed_in: Arc<SignedIn>) {
        if self.forgotten.load(Ordering::SeqCst) != began.0 {
            return;
        }
        self.kept.insert(token_hash.clone(), signed_in);
        // Forgotten between the check and the insert: what was just kept may be from before.
        if self.forgotten.load(Ordering::SeqCst) != began.0 {
            self.kept.invalidate(&token_hash);
        }
    }

    /// Forgets every sign-in kept: who may sign in as what has changed.
    pub fn forget_all(&self) {
        self.forgotten.fetch_add(1, Ordering::SeqCst);
        self.kept.invalidate_all();
    }
}

impl Default for Sessions {
    fn default() -> Self {
        Self::new()
    }
}

/// A change to who may sign in, sent inside its transaction; [`SignInChange::deliver`] after the
/// commit makes this process forget at once.
#[must_use = "deliver the change after the transaction commits"]
pub struct SignInChange {
    sessions: Sessions,
}

impl SignInChange {
    pub fn deliver(self) {
        self.sessions.forget_all();
    }
}

impl Services {
    /// Tells every server, when `txn` commits, that tokens, users or memberships changed; call
    /// [`SignInChange::deliver`] after the commit.
    pub async fn stage_sign_in_change<C: ConnectionTrait>(
        &self,
        txn: &C,
    ) -> AppResult<SignInChange> {
        self.notifier.stage_sign_in_change(txn).await?;
        Ok(SignInChange {
            sessions: self.sessions.clone(),
        })
    }
}
