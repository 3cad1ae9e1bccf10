//! Logging and tracing with `tracing`. Logs carry operation names and ids, never names, birth dates
//! or tokens.
//!
//! Every request runs in one span ([`request_span`]) that carries its request id (the caller's
//! `x-request-id`, or one made here), so every log line written while serving it names it; the
//! GraphQL handlers record the operation, the organization acted as and the outcome on it, and
//! [`record_response`] the status and duration. `HEARTH_LOG_FORMAT=json` writes one JSON object a
//! line (with the span's fields) instead of text. With `OTEL_EXPORTER_OTLP_ENDPOINT` set, the spans
//! are exported over OTLP/HTTP (protobuf) too, and a caller's W3C `traceparent` becomes the parent of
//! the request's span. The exporter reads the standard `OTEL_*` variables (`OTEL_SERVICE_NAME`,
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_BSP_SCHEDULE_DELAY`, ...).

use axum::http::{HeaderMap, Request, Response};
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::time::Duration;
use tracing::Span;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The header that carries a request's id, in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// The longest request id taken from a caller; a longer one is replaced by one made here (it is
/// written on every log line of the request).
pub const MAX_REQUEST_ID: usize = 128;

/// What [`init`] set up that must be flushed at exit: the span exporter, when OTLP is on.
#[must_use = "call shutdown() at exit, or the last spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still buffered. The OTLP client blocks, which the async runtime forbids
    /// on its own threads: it runs on a thread of its own.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            let _ = std::thread::spawn(move || {
                if let Err(err) = provider.shutdown() {
                    eprintln!("hearth: exporting the last spans failed: {err}");
                }
            })
            .join();
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default: info for Hearth, warn for the rest), as text or
/// (`HEARTH_LOG_FORMAT=json`) JSON; exports spans over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
pub fn init() -> Telemetry {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,hearth=info,tower_http=info"));
    let format = std::env::var("HEARTH_LOG_FORMAT").unwrap_or_default();
    let json = format.trim().eq_ignore_ascii_case("json");
    // Colours only for a person at a terminal, not in a log file.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let text = (!json).then(|| {
        tracing_subscriber::fmt::layer()
            .with_ansi(ansi)
            .with_writer(std::io::stderr)
    });
    let json_layer = json.then(|| {
        tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(std::io::stderr)
    });
    let endpoint = [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .iter()
    .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()));
    let (provider, exporter_error) = if endpoint {
        match otlp_provider() {
            Ok(provider) => (Some(provider), None),
            Err(err) => (None, Some(err)),
        }
    } else {
        (None, None)
    };
    let otel = provider
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("hearth")));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(text)
        .with(json_layer)
        .with(otel)
        .try_init();
    if !json && !format.trim().is_empty() && !format.trim().eq_ignore_ascii_case("text") {
        tracing::warn!(format = %format, "HEARTH_LOG_FORMAT is text or json; writing text");
    }
    if let Some(err) = exporter_error {
        tracing::error!(error = %err, "OTLP export is off: the exporter could not be built");
    }
    Telemetry { provider }
}

/// The OTLP/HTTP exporter and the provider that batches spans to it. Built on a thread of its own:
/// the blocking HTTP client must not be made (nor dropped) on the async runtime's threads.
fn otlp_provider() -> Result<SdkTracerProvider, String> {
    std::thread::spawn(|| {
        use opentelemetry_otlp::{Protocol, WithExportConfig};
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .build()
            .map_err(|err| err.to_string())?;
        let mut resource = opentelemetry_sdk::Resource::builder();
        if std::env::var("OTEL_SERVICE_NAME").is_err() {
            resource = resource.with_service_name("hearth");
        }
        Ok(SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build())
    })
    .join()
    .map_err(|_| "the exporter's set-up panicked".to_owned())?
}

/// Reads W3C trace context from HTTP headers.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}

/// The span of one HTTP request (a WebSocket's lasts as long as the socket): its request id, method
/// and path (never the query string: a GET carries a document and variables), the GraphQL fields
/// the handlers fill in, and the caller's trace as its parent.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let path = request.uri().path();
    let span = tracing::info_span!(
        "request",
        otel.name = format!("{} {path}", request.method()),
        otel.kind = "server",
        request_id,
        method = %request.method(),
        path,
        operation = Empty,
        organization_id = Empty,
        outcome = Empty,
        status = Empty,
        duration_ms = Empty,
    );
    let parent = TraceContextPropagator::new().extract(&Headers(request.headers()));
    // Without OTLP there is no OpenTelemetry layer, and nothing to set.
    let _ = span.set_parent(parent);
    span
}

/// Records a response's status and the request's duration on its span, and logs it (at debug).
pub fn record_response<B>(response: &Response<B>, latency: Duration, span: &Span) {
    let status = response.status().as_u16();
    let duration_ms = latency.as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("duration_ms", duration_ms);
    tracing::debug!(status, duration_ms, "request finished");
}

/// Records the GraphQL operation(s) and their outcome on the current request's span.
pub fn record_operation(operations: &[Option<String>], outcome: &str) {
    let span = Span::current();
    let names: Vec<&str> = operations
        .iter()
        .map(|name| name.as_deref().unwrap_or("anonymous"))
        .collect();
    span.record("operation", names.join(",").as_str());
    span.record("outcome", outcome);
}

/// Records the organization a request acts as on the current request's span.
pub fn record_organization(organization_id: uuid::Uuid) {
    Span::current().record("organization_id", tracing::field::display(organization_id));
}

/// A span per SQL statement, a child of the request's span (over OTLP too). SeaORM reports each
/// statement once it has run (its metric callback, which also counts statements for /metrics), so
/// the span is made then: its `duration_ms` is the statement's own time, taken by SeaORM, and its
/// start is when it finished. It names the statement's kind (`SELECT`, `INSERT` …), never its text
/// or values, which may hold client data.
pub fn record_statement(info: &sea_orm::metric::Info<'_>) {
    let operation = info
        .statement
        .sql
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let span = tracing::info_span!(
        "db.statement",
        otel.kind = "client",
        db.operation = operation,
        duration_ms = info.elapsed.as_secs_f64() * 1000.0,
        failed = info.failed,
    );
    drop(span);
}
