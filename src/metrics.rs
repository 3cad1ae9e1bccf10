//! Prometheus metrics served at `GET /metrics`: GraphQL requests by operation and outcome, their
//! latency, and the SQL statements run (counted by SeaORM's metric callback on the connection).
//!
//! Each server has its own registry (not a process-global one), so that tests running several
//! servers in one process read their own figures.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// Operation names are chosen by clients: past this many distinct names, the rest count as "other",
/// so a client cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    statements: IntCounter,
    operation_names: Mutex<HashSet<String>>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "hearth_graphql_requests_total",
                "GraphQL operations by operation name and outcome (ok or the error code)",
            ),
            &["operation", "outcome"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "hearth_graphql_request_duration_seconds",
                "Time to answer a GraphQL request, by operation name",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["operation"],
        )
        .expect("valid metric");
        let statements = IntCounter::new(
            "hearth_db_statements_total",
            "SQL statements run against the database",
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(statements.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        Metrics {
            registry,
            requests,
            latency,
            statements,
            operation_names: Mutex::new(HashSet::new()),
        }
    }

    /// Counts one SQL statement (called from the database connection's metric callback).
    pub fn statement_executed(&self) {
        self.statements.inc();
    }

    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// Records one GraphQL operation's outcome and latency.
    pub fn observe(&self, operation: Option<&str>, outcome: &str, elapsed: Duration) {
        let operation = self.operation_label(operation);
        self.requests
            .with_label_values(&[operation.as_str(), outcome])
            .inc();
        self.latency
            .with_label_values(&[operation.as_str()])
            .observe(elapsed.as_secs_f64());
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation.filter(|n| !n.is_empty()) else {
            return "anonymous".to_owned();
        };
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        let mut seen = match self.operation_names.lock() {
            Ok(seen) => seen,
            Err(poisoned) => poisoned.into_inner(),
        };
        if seen.contains(&name) || seen.len() < MAX_OPERATION_NAMES {
            seen.insert(name.clone());
            name
        } else {
            "other".to_owned()
        }
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %err, "cannot encode metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
