//! In-process feeds of changes that open WebSockets must hear of: a referral was created or resolved
//! (the `referralUpdated` subscription), an API token was revoked (its sockets close, rule F3).
//!
//! Referral changes:
//! A change is published only once its transaction commits, and each subscriber keeps only the
//! changes in its own scope (see the subscription resolver).
//!
//! Sign-in changes (a token revoked, a role granted) travel the same way on their own channel,
//! [`SIGN_IN_CHANNEL`]: each server forgets the sign-ins it keeps (`sessions`).
//!
//! - SQLite (one process): changes fan out in-process, after the commit.
//! - PostgreSQL (many stateless server processes on one database): the change is sent with
//!   `pg_notify` inside the mutation's transaction, so PostgreSQL delivers it exactly when (and only
//!   if) the transaction commits, to every server process; each process LISTENs and fans the changes
//!   out to its own subscribers, including the changes it made itself.

use super::sessions::Sessions;
use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "hearth_referral_updated";

/// The PostgreSQL channel of changes to who may sign in as what; its payload is empty.
pub const SIGN_IN_CHANNEL: &str = "hearth_sign_in_changed";

/// A referral (a CE event that carries a result) was created or resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralChanged {
    pub ce_event_id: Uuid,
    /// The organization owning the referred project, if the referral names one.
    pub referred_organization_id: Option<Uuid>,
}

#[derive(Clone)]
pub struct Notifier {
    sender: broadcast::Sender<ReferralChanged>,
    /// Ids of API tokens just revoked (see `tokens::watch_revocations`).
    revoked: broadcast::Sender<Uuid>,
}

/// A change sent inside a transaction; [`Staged::deliver`] after the commit completes it.
#[must_use = "deliver the change after the transaction commits"]
pub struct Staged {
    local: Option<(broadcast::Sender<ReferralChanged>, ReferralChanged)>,
}

impl Staged {
    /// Delivers an in-process change (SQLite); on PostgreSQL the commit already did.
    pub fn deliver(self) {
        if let Some((sender, change)) = self.local {
            // No subscriber is not an error: the change is simply not delivered to anyone.
            let _ = sender.send(change);
        }
    }
}

impl Notifier {
    pub fn new() -> Self {
        // A subscriber more than this many changes behind skips ahead rather than slowing writers.
        let (sender, _) = broadcast::channel(1024);
        let (revoked, _) = broadcast::channel(256);
        Notifier { sender, revoked }
    }

    /// Tells this process's sockets that `token_id` was revoked.
    pub fn announce_revoked(&self, token_id: Uuid) {
        // No socket open is not an error.
        let _ = self.revoked.send(token_id);
    }

    /// The ids of tokens revoked from now on. A receiver that lags must re-check its own token.
    pub fn revocations(&self) -> broadcast::Receiver<Uuid> {
        self.revoked.subscribe()
    }

    /// Sends `change` as part of the transaction `txn`; call [`Staged::deliver`] after committing.
    pub async fn stage<C: ConnectionTrait>(
        &self,
        txn: &C,
        change: ReferralChanged,
    ) -> AppResult<Staged> {
        if txn.get_database_backend() == DbBackend::Postgres {
            let payload = serde_json::to_string(&change)
                .map_err(|err| crate::error::AppError::internal(err.to_string()))?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
            return Ok(Staged { local: None });
        }
        Ok(Staged {
            local: Some((self.sender.clone(), change)),
        })
    }

    /// Sends, as part of the transaction `txn`, that tokens, users or memberships changed: on
    /// PostgreSQL every server hears it when (and only if) `txn` commits; SQLite has one process,
    /// which forgets by itself after its commit (`sessions::SignInChange`).
    pub async fn stage_sign_in_change<C: ConnectionTrait>(&self, txn: &C) -> AppResult<()> {
        if txn.get_database_backend() == DbBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, '')",
                [SIGN_IN_CHANNEL.into()],
            ))
            .await?;
        }
        Ok(())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ReferralChanged> {
        self.sender.subscribe()
    }

    /// On PostgreSQL, listens for every server's changes and fans them out to this process's
    /// subscribers, and makes `sessions` forget on every sign-in change, until the process ends.
    /// The listener reconnects by itself if the database goes away; changes made while it is
    /// disconnected are not replayed (a sign-in kept meanwhile still ages out, `sessions::AGE`).
    pub async fn listen(&self, db: &DatabaseConnection, sessions: Sessions) -> AppResult<()> {
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let pool = db.get_postgres_connection_pool().clone();
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(&pool)
            .await
            .map_err(|err| crate::error::AppError::internal(format!("cannot LISTEN: {err}")))?;
        listener
            .listen_all([CHANNEL, SIGN_IN_CHANNEL])
            .await
            .map_err(|err| crate::error::AppError::internal(format!("cannot LISTEN: {err}")))?;
        let sender = self.sender.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) if notification.channel() == SIGN_IN_CHANNEL => {
                        sessions.forget_all();
                    }
                    Ok(notification) => {
                        match serde_json::from_str::<ReferralChanged>(notification.payload()) {
                            Ok(change) => {
                                let _ = sender.send(change);
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "ignoring a malformed referral notification")
                            }
                        }
                    }
                    Err(err) => {
                        // Sign-in changes may be missed until it is back: forget what may be stale.
                        sessions.forget_all();
                        // recv reconnects on its next call; wait a little so an outage is not a busy loop.
                        tracing::warn!(error = %err, "referral notifications interrupted; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}

impl Default for Notifier {
    fn default() -> Self {
        Self::new()
    }
}
