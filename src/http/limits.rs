//! Per-token rate limiting: HEARTH_RATE_LIMIT requests per minute per API token, counted alike for
//! every transport (an HTTP request, an operation over WebSocket, a download: rules F1, F3) and
//! refused with RATE_LIMITED past it. Keyed by the token's id once authenticated, so unknown tokens
//! cannot grow it.

use crate::error::{AppError, AppResult};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
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

    /// Counts one request of the token; RATE_LIMITED (with the wait) once it has used up its quota.
    pub fn check(&self, token_id: Uuid) -> AppResult<()> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&token_id).map_err(|not_until| {
            AppError::rate_limited(not_until.wait_time_from(DefaultClock::default().now()))
        })
    }
}
