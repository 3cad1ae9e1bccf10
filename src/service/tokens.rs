//! API tokens (rule R1): 256 random bits, shown once, stored only as a SHA-256 hash, never logged.
//! A hash of a high-entropy secret needs no slow KDF: there is nothing to guess.

use super::{Services, new_id};
use crate::error::{AppError, AppResult};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use entity::{api_token, app_user, membership};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QueryTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Tokens start with this so that they are recognisable in a leaked file or a secret scanner.
const TOKEN_PREFIX: &str = "hth_";

/// How stale `last_used_at` may get: updating it on every request would make every read a write.
const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Issues a new token for `user_id` inside the caller's transaction; returns the token in clear, once.
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    user_id: Uuid,
    label: String,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<(String, TokenInfo)> {
    let token = generate();
    let row = api_token::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        token_hash: Set(hash(&token)),
        label: Set(label),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok((token, row))
}

/// A signed-in user and all of their memberships.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The API token used, by id (for per-token rate limits; never the token itself).
    pub token_id: Uuid,
    /// When the token stops signing in, if ever (a WebSocket closes then).
    pub expires_at: Option<DateTime<Utc>>,
    pub user: app_user::Model,
    pub memberships: Vec<membership::Model>,
}

/// Resolves a bearer token to its user: UNAUTHENTICATED when the token is unknown, revoked, expired
/// or its user deleted. The same message for each, so that a probe learns nothing.
///
/// A token signed in within the last second is answered from `services.sessions` with no statement
/// (its expiry checked all the same); only successful sign-ins are kept.
pub async fn authenticate(services: &Services, token: &str) -> AppResult<SignedIn> {
    let invalid = || {
        AppError::unauthenticated(
            "The API token is not valid (unknown, revoked or expired); sign in for a new one",
        )
    };
    let now = Utc::now();
    let token_hash = hash(token);
    if let Some(kept) = services.sessions.get(&token_hash) {
        if kept.expires_at.is_none_or(|at| at > now) {
            return Ok(SignedIn::clone(&kept));
        }
        return Err(invalid());
    }
    let began = services.sessions.now();
    let Some((token_row, Some(user))) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash.as_str()))
        .find_also_related(app_user::Entity)
        .one(&services.db)
        .await?
    else {
        return Err(invalid());
    };
    let expired = token_row.expires_at.is_some_and(|at| at <= now);
    if token_row.revoked_at.is_some() || expired || user.date_deleted.is_some() {
        return Err(invalid());
    }
    if token_row
        .last_used_at
        .is_none_or(|at| now - at > LAST_USED_RESOLUTION)
    {
        // A write like any other: on SQLite it waits its turn with the mutations (`writer`).
        let _turn = services.write_turn().await;
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token_row.id))
            .exec(&services.db)
            .await?;
    }
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id))
        .order_by_asc(membership::Column::DateCreated)
        .all(&services.db)
        .await?;
    let signed_in = SignedIn {
        token_id: token_row.id,
        expires_at: token_row.expires_at,
        user,
        memberships,
    };
    services
        .sessions
        .keep(began, token_hash, std::sync::Arc::new(signed_in.clone()));
    Ok(signed_in)
}

/// A token as its owner and admins see it (never the secret).
pub type TokenInfo = api_token::Model;

/// Revokes a token, effective on its next request. ADMIN may revoke any token, a user their own;
/// another user's token is NOT_FOUND. Revoking twice is a CONFLICT.
pub async fn revoke(
    services: &super::Services,
    actor: &crate::domain::Actor,
    token_id: Uuid,
) -> AppResult<TokenInfo> {
    let txn = services.write_transaction().await?;
    let token = api_token::Entity::find_by_id(token_id)
        .one(&txn)
        .await?
        .filter(|t| actor.is_admin() || t.user_id == actor.user_id)
        .ok_or_else(|| AppError::not_found(format!("No API token of yours has id {token_id}")))?;
    revoke_and_announce(services, txn, token, actor.into(), "revokeApiToken").await
}

/// Revokes a token from the command line (an operator on the server needs no token), by its id or
/// by the token itself.
pub async fn revoke_by_operator(
    services: &super::Services,
    id_or_token: &str,
) -> AppResult<TokenInfo> {
    let txn = services.write_transaction().await?;
    let found = match Uuid::parse_str(id_or_token.trim()) {
        Ok(id) => api_token::Entity::find_by_id(id).one(&txn).await?,
        Err(_) => {
            api_token::Entity::find()
                .filter(api_token::Column::TokenHash.eq(hash(id_or_token.trim())))
                .one(&txn)
                .await?
        }
    };
    let token = found.ok_or_else(|| AppError::not_found("No such API token"))?;
    // An operator command on the server: recorded under the token's own user, as no organization.
    let who = super::audit::Who {
        user_id: token.user_id,
        organization_id: None,
    };
    revoke_and_announce(services, txn, token, who, "hearth token revoke").await
}

/// Both revocations' ending: the row revoked and audited as `operation` by `who`, the sign-in
/// change staged, committed, and every server told the token is gone.
async fn revoke_and_announce(
    services: &Services,
    txn: super::WriteTransaction,
    token: api_token::Model,
    who: super::audit::Who,
    operation: &str,
) -> AppResult<TokenInfo> {
    let revoked = revoke_row(&txn, token.clone()).await?;
    super::audit::record(&txn, who, operation, Some(&token), &revoked).await?;
    let change = services.stage_sign_in_change(&txn).await?;
    txn.commit().await?;
    change.deliver();
    services.notifier.announce_revoked(revoked.id);
    Ok(revoked)
}

async fn revoke_row<C: ConnectionTrait>(conn: &C, token: api_token::Model) -> AppResult<TokenInfo> {
    if token.revoked_at.is_some() {
        return Err(AppError::conflict(format!(
            "API token {} is already revoked",
            token.id
        )));
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(active.update(conn).await?)
}

/// Whether the token `token_id` still signs its user in (not revoked, not expired, user not
/// deleted): what a WebSocket re-checks when it may have missed a revocation.
pub async fn still_valid(services: &Services, token_id: Uuid) -> AppResult<bool> {
    let found = api_token::Entity::find_by_id(token_id)
        .find_also_related(app_user::Entity)
        .one(&services.db)
        .await?;
    let now = Utc::now();
    Ok(matches!(found, Some((token, Some(user)))
        if token.revoked_at.is_none()
            && token.expires_at.is_none_or(|at| at > now)
            && user.date_deleted.is_none()))
}

/// How often every server looks for tokens revoked elsewhere.
const REVOCATION_POLL: std::time::Duration = std::time::Duration::from_millis(400);

/// How far back each look reaches: `revoked_at` is stamped by the clock of the process that revoked
/// (another server, `hearth token revoke`), which may run behind this one's.
const CLOCK_SKEW: Duration = Duration::seconds(30);

/// Announces to this process's sockets every token revoked by any process on the database (another
/// server on the same PostgreSQL, `hearth token revoke` on the server's SQLite file), within
/// [`REVOCATION_POLL`], until `stop` (rule F3). A revocation made by this process is announced at
/// once by [`revoke`]; this catches the rest with one indexed query per poll, whatever the number of
/// open sockets.
pub async fn watch_revocations(services: Services, stop: tokio_util::sync::CancellationToken) {
    let mut announced: std::collections::HashMap<Uuid, DateTime<Utc>> = Default::default();
    let mut since = Utc::now() - CLOCK_SKEW;
    let mut ticks = tokio::time::interval(REVOCATION_POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let looked_at = Utc::now();
        let look = api_token::Entity::find()
            .filter(api_token::Column::RevokedAt.gte(since))
            .build(services.backend());
        let revoked = api_token::Entity::find()
            .from_raw_sql(crate::db::background(look))
            .all(&services.db)
            .await;
        match revoked {
            Ok(tokens) => {
                for token in tokens {
                    if let (Some(at), None) = (token.revoked_at, announced.get(&token.id)) {
                        announced.insert(token.id, at);
                        // Revoked by a process that could not notify (`hearth token revoke` on
                        // a SQLite file): forget sooner than the sign-ins' age would.
                        services.sessions.forget_all();
                        services.notifier.announce_revoked(token.id);
                    }
                }
                since = looked_at - CLOCK_SKEW;
                announced.retain(|_, at| *at >= since);
            }
            Err(err) => tracing::warn!(error = %err, "cannot look for revoked API tokens"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let (a, b) = (generate(), generate());
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_ne!(a, b);
        // 32 bytes of base64url without padding.
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 43);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
    }
}
