//! The load generator: a fixed number of workers, each sending its next request as soon as its last
//! one is answered (a closed loop, so the concurrency is exactly the number of requests in flight),
//! for a fixed duration; the latency of every request is kept.

use futures_util::future::BoxFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What one request came to.
pub enum Outcome {
    Ok,
    /// The request failed: transport error, HTTP status or GraphQL errors.
    Failed(String),
    /// Nothing left to do (W4 ran out of pending referrals): the worker stops.
    Exhausted,
}

/// One request: given its sequence number, the future that sends it.
pub type Op = Arc<dyn Fn(u64) -> BoxFuture<'static, Outcome> + Send + Sync>;

/// The result of running an [`Op`] at one concurrency for a while.
pub struct Phase {
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// Latency of every answered request, in microseconds, sorted.
    pub latencies_us: Vec<u32>,
    pub first_error: Option<String>,
    pub exhausted: bool,
}

impl Phase {
    pub fn requests(&self) -> u64 {
        self.ok + self.failed
    }

    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.requests() as f64 / secs
        } else {
            0.0
        }
    }

    /// The `p`-th percentile latency (0 < p <= 1), in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let n = self.latencies_us.len();
        let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
        f64::from(self.latencies_us[rank - 1]) / 1000.0
    }
}

/// Runs `op` with `concurrency` workers until `duration` has passed (requests in flight then are
/// awaited and counted), or every worker is exhausted.
pub async fn run(op: Op, concurrency: usize, duration: Duration) -> Phase {
    let started = Instant::now();
    let deadline = started + duration;
    let sequence = Arc::new(AtomicU64::new(0));
    let exhausted = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let op = op.clone();
        let sequence = sequence.clone();
        let exhausted = exhausted.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failed = 0u64;
            let mut first_error = None;
            while Instant::now() < deadline && !exhausted.load(Ordering::Relaxed) {
                let seq = sequence.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let outcome = op(seq).await;
                let micros = sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                match outcome {
                    Outcome::Ok => latencies.push(micros),
                    Outcome::Failed(error) => {
                        latencies.push(micros);
                        failed += 1;
                        first_error.get_or_insert(error);
                    }
                    Outcome::Exhausted => {
                        exhausted.store(true, Ordering::Relaxed);
                        break;
                    }
                }
            }
            (latencies, failed, first_error)
        }));
    }
    let mut phase = Phase {
        ok: 0,
        failed: 0,
        elapsed: Duration::ZERO,
        latencies_us: Vec::new(),
        first_error: None,
        exhausted: false,
    };
    for worker in workers {
        match worker.await {
            Ok((latencies, failed, first_error)) => {
                phase.ok += latencies.len() as u64 - failed;
                phase.failed += failed;
                phase.latencies_us.extend(latencies);
                if phase.first_error.is_none() {
                    phase.first_error = first_error;
                }
            }
            Err(err) => {
                phase.failed += 1;
                phase
                    .first_error
                    .get_or_insert(format!("worker panicked: {err}"));
            }
        }
    }
    phase.elapsed = started.elapsed();
    phase.exhausted = exhausted.load(Ordering::Relaxed);
    phase.latencies_us.sort_unstable();
    phase
}
