//! Per-token rate limiting: HEARTH_RATE_LIMIT requests per minute per API token, answered 429 with
//! Retry-After past it. Keyed by the token's id once authenticated, so unknown tokens cannot grow it.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

#[derive(Clone)]
pub struct TokenRateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<Uuid>>>,
}

impl TokenRateLimit {
    /// A limit of `per_minute` requests per token; 0 means none.
    pub fn new(per_minute: u32) -> Self {
        let limiter =
            NonZeroU32::new(per_minute).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n))));
        TokenRateLimit { limiter }
    }

    /// `Err(wait)` when the token has used up its quota: retry after `wait`.
    pub fn check(&self, token_id: Uuid) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter
            .check_key(&token_id)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}
