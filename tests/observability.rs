//! Observability: a request id on every response (HTTP and WebSocket) and every log line of the
//! request, JSON logs, and the request spans exported over OTLP to a receiver the test runs, with a
//! caller's W3C `traceparent` continued.

mod common;

use common::TestServer;
use common::process::{self, hearth};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const ME: &str = r#"{"query":"query Me { me { role } }"}"#;

#[tokio::test]
async fn every_response_carries_a_request_id_made_or_taken_from_the_caller() {
    let server = TestServer::start().await;
    let post = |request_id: Option<&str>| {
        let mut request = server
            .http
            .post(server.url("/graphql"))
            .bearer_auth(&server.admin_token)
            .header("Content-Type", "application/json")
            .body(ME);
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        request.send()
    };
    let made = post(None).await.expect("send");
    let id = made.headers()["x-request-id"].to_str().expect("ascii");
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "a made id is a UUID: {id}"
    );
    let other = post(None).await.expect("send");
    assert_ne!(other.headers()["x-request-id"], id, "each request its own");

    let taken = post(Some("checkout-42.a")).await.expect("send");
    assert_eq!(taken.headers()["x-request-id"], "checkout-42.a");
    // An id that would spoil the logs (too long, or with spaces) is replaced by a made one.
    for unusable in ["a".repeat(200), "two words".to_owned()] {
        let replaced = post(Some(&unusable)).await.expect("send");
        let id = replaced.headers()["x-request-id"].to_str().expect("ascii");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{unusable:?} was kept");
    }
    // Refusals, probes and downloads too.
    for path in ["/healthz", "/export/hmis-csv"] {
        let response = server
            .http
            .get(server.url(path))
            .send()
            .await
            .expect("send");
        assert!(response.headers().contains_key("x-request-id"), "{path}");
    }
    let anonymous = server
        .http
        .post(server.url("/graphql"))
        .body(ME)
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status().as_u16(), 415);
    assert!(anonymous.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn a_websocket_upgrade_carries_its_request_id() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let server = TestServer::start().await;
    let mut request = server.ws_url().into_client_request().expect("request");
    let headers = request.headers_mut();
    headers.insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    headers.insert("x-request-id", "socket-7".parse().expect("header"));
    let (_socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    assert_eq!(response.headers()["x-request-id"], "socket-7");
}

/// A `hearth serve` process whose stderr the test reads.
struct Logged {
    child: Child,
    url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Logged {
    fn start(database_url: &str, env: &[(&str, &str)]) -> Logged {
        let mut command = hearth(database_url);
        command
            .arg("serve")
            .env("HEARTH_BIND", "127.0.0.1:0")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start hearth serve");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (found, url) = std::sync::mpsc::channel();
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("listening")
                    && let Some(at) = line.find("http://")
                {
                    let end = line[at..]
                        .find(|c: char| c == '"' || c.is_whitespace())
                        .map_or(line.len(), |end| at + end);
                    let _ = found.send(line[at..end].to_owned());
                }
                kept.lock().expect("lines").push(line);
            }
        });
        let url = url
            .recv_timeout(Duration::from_secs(30))
            .expect("hearth serve printed its address");
        Logged { child, url, lines }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("lines").clone()
    }
}

fn admin_token(database_url: &str) -> String {
    let out = process::run(hearth(database_url).args(["create-admin", "--email", "o@example.org"]));
    out.trim()
        .lines()
        .last()
        .expect("a token")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn json_logs_name_the_request_on_every_line_of_it() {
    let database = common::TestDatabase::create().await;
    let token = admin_token(&database.url);
    let server = Logged::start(
        &database.url,
        &[
            ("HEARTH_LOG_FORMAT", "json"),
            ("RUST_LOG", "warn,hearth=debug"),
        ],
    );
    let response = reqwest::Client::new()
        .post(&server.url)
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .header("x-request-id", "log-line-1")
        .body(ME)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    let finished = loop {
        let lines = server.lines();
        // Every log line is JSON, at start-up too (the announcement of the address is no log:
        // scripts read it as it is).
        for line in lines
            .iter()
            .filter(|l| !l.starts_with("Hearth is listening"))
        {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
        }
        let finished = lines
            .iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|log| {
                log["span"]["request_id"] == "log-line-1"
                    && log["fields"]["message"] == "request finished"
            });
        if let Some(found) = finished {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "no log line of the request: {lines:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let span = &finished["span"];
    assert_eq!(span["operation"], "Me", "{finished}");
    assert_eq!(span["outcome"], "ok", "{finished}");
    assert_eq!(span["path"], "/graphql");
    assert!(span["organization_id"].is_string(), "{finished}");
    assert_eq!(finished["fields"]["status"], 200);
    assert!(
        !finished.to_string().contains(&token),
        "a token is never logged"
    );
}

/// An OTLP/HTTP receiver: `POST /v1/traces` with protobuf bodies; every span received is sent on.
async fn otlp_receiver() -> (String, mpsc::UnboundedReceiver<Span>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let sender = sender.clone();
            async move {
                let request = ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
                for span in request
                    .resource_spans
                    .into_iter()
                    .flat_map(|r| r.scope_spans)
                    .flat_map(|s| s.spans)
                {
                    let _ = sender.send(span);
                }
                // An empty ExportTraceServiceResponse.
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), receiver)
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    let value = span
        .attributes
        .iter()
        .find(|kv| kv.key == key)?
        .value
        .as_ref()?;
    match value.value.as_ref()? {
        AnyValue::StringValue(text) => Some(text.clone()),
        AnyValue::IntValue(n) => Some(n.to_string()),
        AnyValue::DoubleValue(x) => Some(x.to_string()),
        AnyValue::BoolValue(b) => Some(b.to_string()),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn request_spans_reach_an_otlp_receiver_continuing_the_callers_trace() {
    let (endpoint, mut spans) = otlp_receiver().await;
    let database = common::TestDatabase::create().await;
    let token = admin_token(&database.url);
    let server = Logged::start(
        &database.url,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let response = reqwest::Client::new()
        .post(&server.url)
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .header("x-request-id", "traced-1")
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .body(ME)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    // A refused request is a span too, with its outcome.
    let refused = reqwest::Client::new()
        .post(&server.url)
        .header("Content-Type", "application/json")
        .header("x-request-id", "traced-2")
        .body(ME)
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status().as_u16(), 401);

    let mut found = std::collections::HashMap::new();
    let mut statements = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while found.len() < 2 || statements.is_empty() {
        let span = tokio::time::timeout_at(deadline, spans.recv())
            .await
            .unwrap_or_else(|_| panic!("spans not received; logs: {:?}", server.lines()))
            .expect("the receiver runs");
        if let Some(id) = attribute(&span, "request_id") {
            found.insert(id, span);
        } else if span.name == "db.statement" && hex(&span.trace_id) == trace_id {
            statements.push(span);
        }
    }
    let traced = &found["traced-1"];
    assert_eq!(traced.name, "POST /graphql");
    assert_eq!(
        hex(&traced.trace_id),
        trace_id,
        "the caller's trace goes on"
    );
    assert_eq!(hex(&traced.parent_span_id), caller_span);
    assert_eq!(attribute(traced, "operation").as_deref(), Some("Me"));
    assert_eq!(attribute(traced, "outcome").as_deref(), Some("ok"));
    assert_eq!(attribute(traced, "status").as_deref(), Some("200"));
    assert!(attribute(traced, "organization_id").is_some());
    assert!(attribute(traced, "duration_ms").is_some());
    assert!(traced.end_time_unix_nano > traced.start_time_unix_nano);
    // Each SQL statement the request ran is a span of its own within the request's.
    let statement = &statements[0];
    assert_eq!(hex(&statement.parent_span_id), hex(&traced.span_id));
    assert_eq!(
        attribute(statement, "db.operation").as_deref(),
        Some("SELECT")
    );
    assert!(attribute(statement, "duration_ms").is_some());
    let refused = &found["traced-2"];
    assert_eq!(
        attribute(refused, "outcome").as_deref(),
        Some("UNAUTHENTICATED")
    );
    assert_ne!(hex(&refused.trace_id), trace_id, "a trace of its own");
}
