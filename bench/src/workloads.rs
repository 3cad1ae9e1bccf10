//! The workloads, sent over HTTP as a client would:
//! - W1 inbox: a housing staff user's `referrals(status: PENDING, first: 50)`;
//! - W2 traversal: a PLM's `clients(first: 50)` -> enrollments -> project -> organization, and
//!   ceEvents -> referredProject, resultingEnrollment;
//! - W3 lookup: `client(id)` with W2's nesting, random ids;
//! - W4 workflow writes: `createEnrollment` then `resolveReferral` by staff of the referred project's
//!   organization, one pending referral each (the guide's order for a successful referral).
//!
//! Every response is checked: HTTP 200 and no `errors`.

use crate::baseline::{Baseline, EVENT_TYPE_NAMES};
use crate::load::{self, Op, Outcome};
use crate::peer::PostGraphile;
use crate::report::{Cell, CellKind, Probe};
use crate::seed::{Community, PendingReferral};
use crate::server::{self, Hearth};
use crate::{Result, Workload, fail};
use futures_util::FutureExt;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const W1_QUERY: &str = "query W1Inbox { referrals(status: PENDING, first: 50) { nodes { \
    id eventDate client { firstName lastName } referredProject { name } } } }";

const CLIENT_NESTING: &str = "id firstName lastName \
    enrollments { id entryDate project { name organization { name } } } \
    ceEvents { id eventType referredProject { name } resultingEnrollment { id entryDate } }";

pub fn w2_query() -> String {
    format!("query W2Traversal {{ clients(first: 50) {{ nodes {{ {CLIENT_NESTING} }} }} }}")
}

pub fn w3_query() -> String {
    format!("query W3Lookup($id: ID!) {{ client(id: $id) {{ {CLIENT_NESTING} }} }}")
}

const W4_INTAKE: &str = "mutation W4Intake($input: CreateEnrollmentInput!) { \
    createEnrollment(input: $input) { id entryDate } }";
const W4_RESOLVE: &str = "mutation W4Resolve($input: ResolveReferralInput!) { \
    resolveReferral(input: $input) { id status resultDate resultingEnrollment { id } } }";

/// W2's data in PostGraphile's own query shape (its generated names for the same tables and
/// foreign keys; live rows only, oldest first, as Hearth answers).
pub const POSTGRAPHILE_W2: &str = "query W2Traversal { \
  allClients(first: 50, orderBy: PRIMARY_KEY_ASC, condition: { dateDeleted: null }) { nodes { \
    id firstName lastName \
    enrollments: enrollmentsByClientId(orderBy: PRIMARY_KEY_ASC, condition: { dateDeleted: null }) { \
      nodes { id entryDate project: projectByProjectId { name \
        organization: organizationByOrganizationId { name } } } } \
    ceEvents: ceEventsByClientId(orderBy: PRIMARY_KEY_ASC, condition: { dateDeleted: null }) { \
      nodes { id eventType referredProject: projectByReferredProjectId { name } \
        resultingEnrollment: enrollmentByResultingEnrollmentId { id entryDate } } } } } }";

/// An HTTP client for the load: keep-alive connections, no Nagle delay.
fn http_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// Posts a GraphQL request body; the answer's body when it is a 200 without errors.
async fn post(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> std::result::Result<impl AsRef<[u8]>, String> {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.map_err(|err| err.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|err| err.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    if contains(&body, b"\"errors\"") {
        return Err(String::from_utf8_lossy(&body[..body.len().min(500)]).into_owned());
    }
    Ok(body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn body(query: &str, variables: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "query": query, "variables": variables })).unwrap_or_default()
}

/// A small deterministic generator for the request mix (W3's ids), seeded per request.
fn mix(seed: u64, seq: u64) -> u64 {
    let mut x = seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The body and token of request `seq` of a read workload: W1 cycles through every staff member
/// (so through every housing organization's inbox), W3 picks a random client.
fn read_request(
    community: &Community,
    seed: u64,
    workload: Workload,
    seq: u64,
) -> (Vec<u8>, String) {
    match workload {
        Workload::W1 => {
            let staff = &community.staff[(seq as usize) % community.staff.len()];
            (body(W1_QUERY, json!({})), staff.token.clone())
        }
        Workload::W2 => (body(&w2_query(), json!({})), community.plm.token.clone()),
        _ => {
            let ids = &community.client_ids;
            let id = ids[(mix(seed, seq) % ids.len() as u64) as usize];
            (
                body(&w3_query(), json!({ "id": id.to_string() })),
                community.plm.token.clone(),
            )
        }
    }
}

pub struct Bench {
    http: reqwest::Client,
    url: Arc<str>,
    base: String,
    pid: u32,
    community: Arc<Community>,
    rng_seed: u64,
    /// Pending referrals not yet handed to a W4 cell.
    pending: Mutex<VecDeque<PendingReferral>>,
    /// How many W4 cells will share the pending referrals.
    w4_cells: usize,
}

impl Bench {
    pub fn new(
        hearth: &Hearth,
        community: Community,
        rng_seed: u64,
        w4_cells: usize,
    ) -> Result<Bench> {
        let mut pending: Vec<PendingReferral> = community.pending.clone();
        // Shuffle deterministically so that every cell resolves referrals of every organization.
        pending.sort_by_key(|p| mix(rng_seed, p.ce_event_id.as_u128() as u64));
        Ok(Bench {
            http: http_client()?,
            url: hearth.url.clone().into(),
            base: hearth.base.clone(),
            pid: hearth.pid(),
            community: Arc::new(community),
            rng_seed,
            pending: Mutex::new(pending.into()),
            w4_cells: w4_cells.max(1),
        })
    }

    async fn statements(&self) -> Result<u64> {
        server::statements_total(&self.http, &self.base).await
    }

    /// One request with every token, so that none updates its `last_used_at` during the probes.
    pub async fn warm_tokens(&self) -> Result<()> {
        let tokens = std::iter::once(&self.community.plm).chain(self.community.staff.iter());
        for member in tokens {
            post(
                &self.http,
                &self.url,
                Some(&member.token),
                body("{ me { user { id } } }", json!({})),
            )
            .await
            .map_err(|err| format!("warm-up request failed: {err}"))?;
        }
        Ok(())
    }

    /// Statements per request of a read workload, measured one request at a time (8 requests, with
    /// different staff or ids): the figure must not depend on the data. Each request finds the
    /// server's caches cold (its sign-ins and its catalog of projects and organizations keep a row
    /// for a moment only), so that each costs the whole of its shape, as the first request of a
    /// newly started server does: under load most requests cost less.
    pub async fn probe_statements(&self, workload: Workload) -> Result<Probe> {
        let forgotten = hearth::service::sessions::AGE.max(hearth::service::catalog::AGE)
            + std::time::Duration::from_millis(100);
        let mut statements = Vec::new();
        for seq in 0..8u64 {
            tokio::time::sleep(forgotten).await;
            let (body, token) = read_request(&self.community, self.rng_seed, workload, seq * 7 + 1);
            let before = self.statements().await?;
            post(&self.http, &self.url, Some(&token), body)
                .await
                .map_err(|err| format!("{workload:?} probe failed: {err}"))?;
            statements.push(self.statements().await? - before);
        }
        Ok(Probe {
            workload,
            statements,
        })
    }

    /// Hearth's `data` for W1 (first staff member of an organization) or W2.
    async fn hearth_data(&self, workload: Workload, token: &str) -> Result<Value> {
        let query = match workload {
            Workload::W1 => W1_QUERY.to_owned(),
            _ => w2_query(),
        };
        let answer = post(&self.http, &self.url, Some(token), body(&query, json!({})))
            .await
            .map_err(|err| format!("{workload:?}: {err}"))?;
        let value: Value = serde_json::from_slice(answer.as_ref())?;
        Ok(value["data"].clone())
    }

    /// Whether the baseline statement returns exactly Hearth's `data`.
    pub async fn compare_with_baseline(
        &self,
        workload: Workload,
        baseline: &Baseline,
    ) -> std::result::Result<(), String> {
        let check = async {
            let (hearth, sql) = match workload {
                Workload::W1 => {
                    let staff = &self.community.staff[0];
                    (
                        self.hearth_data(workload, &staff.token).await?,
                        baseline.w1(staff.organization_id, staff.user_id).await?,
                    )
                }
                _ => (
                    self.hearth_data(workload, &self.community.plm.token)
                        .await?,
                    baseline.w2().await?,
                ),
            };
            let sql: Value = serde_json::from_str(&sql)?;
            same(&hearth, &sql)
        };
        check.await.map_err(|err: crate::Error| err.to_string())
    }

    /// Whether PostGraphile's W2 answer holds the same clients, enrollments and events as Hearth's.
    pub async fn compare_with_peer(&self, peer: &PostGraphile) -> std::result::Result<(), String> {
        let check = async {
            let hearth = self
                .hearth_data(Workload::W2, &self.community.plm.token)
                .await?;
            let answer = post(
                &self.http,
                &peer.url,
                None,
                body(POSTGRAPHILE_W2, json!({})),
            )
            .await
            .map_err(|err| format!("PostGraphile: {err}"))?;
            let value: Value = serde_json::from_slice(answer.as_ref())?;
            same(&hearth, &postgraphile_as_hearth(&value["data"]))
        };
        check.await.map_err(|err: crate::Error| err.to_string())
    }

    fn op(&self, workload: Workload, cell_queue: Arc<Mutex<VecDeque<PendingReferral>>>) -> Op {
        let http = self.http.clone();
        let url = self.url.clone();
        match workload {
            Workload::W4 => {
                let community = self.community.clone();
                Arc::new(move |_seq| {
                    let next = cell_queue
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .pop_front();
                    let http = http.clone();
                    let url = url.clone();
                    let community = community.clone();
                    async move {
                        let Some(referral) = next else {
                            return Outcome::Exhausted;
                        };
                        match resolve_referral(&http, &url, &community, &referral).await {
                            Ok(()) => Outcome::Ok,
                            Err(err) => Outcome::Failed(err),
                        }
                    }
                    .boxed()
                })
            }
            read => {
                let community = self.community.clone();
                let seed = self.rng_seed;
                Arc::new(move |seq| {
                    let (body, token) = read_request(&community, seed, read, seq);
                    let http = http.clone();
                    let url = url.clone();
                    async move {
                        match post(&http, &url, Some(&token), body).await {
                            Ok(_) => Outcome::Ok,
                            Err(err) => Outcome::Failed(err),
                        }
                    }
                    .boxed()
                })
            }
        }
    }

    /// The W4 referrals of one cell: an equal share of those left.
    fn w4_share(&self) -> Arc<Mutex<VecDeque<PendingReferral>>> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let share = pending.len() / self.w4_cells.max(1);
        let cell: VecDeque<PendingReferral> = pending.drain(..share).collect();
        Arc::new(Mutex::new(cell))
    }

    /// One cell against Hearth: warm-up, then `duration` measured, statements from `/metrics`.
    pub async fn hearth_cell(
        &self,
        workload: Workload,
        concurrency: usize,
        warmup: Duration,
        duration: Duration,
    ) -> Result<Cell> {
        let queue = if workload == Workload::W4 {
            self.w4_share()
        } else {
            Arc::new(Mutex::new(VecDeque::new()))
        };
        let available = queue.lock().map(|q| q.len()).unwrap_or(0);
        let op = self.op(workload, queue);
        // W4 is not warmed up: every referral it resolved would be one fewer to measure (the reads
        // before it have warmed the server).
        let warm = if workload == Workload::W4 {
            Duration::ZERO
        } else {
            warmup
        };
        if !warm.is_zero() {
            load::run(op.clone(), concurrency, warm).await;
        }
        let before = self.statements().await?;
        let cpu = Cpu::now(Some(self.pid));
        let phase = load::run(op, concurrency, duration).await;
        let cpu = cpu.since(Some(self.pid), phase.requests());
        let after = self.statements().await?;
        let mut cell = Cell::new(workload, CellKind::Hearth, concurrency, &phase);
        cell.cpu = cpu;
        cell.statements_per_request =
            (phase.requests() > 0).then(|| (after - before) as f64 / phase.requests() as f64);
        cell.peak_rss_kb = server::proc_status_kb(self.pid, "VmHWM:");
        if workload == Workload::W4 {
            cell.note = Some(format!(
                "1 op = createEnrollment + resolveReferral (2 HTTP requests); {available} pending \
                 referrals for this cell{}",
                if phase.exhausted {
                    ", all used before the time was up"
                } else {
                    ""
                }
            ));
        }
        Ok(cell)
    }

    /// The same W1 or W2 data by the baseline SQL statement, at the same concurrency.
    pub async fn baseline_cell(
        &self,
        workload: Workload,
        baseline: &Arc<Baseline>,
        concurrency: usize,
        warmup: Duration,
        duration: Duration,
    ) -> Result<Cell> {
        let community = self.community.clone();
        let baseline = baseline.clone();
        let op: Op = Arc::new(move |seq| {
            let baseline = baseline.clone();
            let staff = &community.staff[(seq as usize) % community.staff.len()];
            let (organization, user) = (staff.organization_id, staff.user_id);
            async move {
                let answer = match workload {
                    Workload::W1 => baseline.w1(organization, user).await,
                    _ => baseline.w2().await,
                };
                match answer {
                    Ok(_) => Outcome::Ok,
                    Err(err) => Outcome::Failed(err),
                }
            }
            .boxed()
        });
        if !warmup.is_zero() {
            load::run(op.clone(), concurrency, warmup).await;
        }
        let cpu = Cpu::now(None);
        let phase = load::run(op, concurrency, duration).await;
        let cpu = cpu.since(None, phase.requests());
        let mut cell = Cell::new(workload, CellKind::Baseline, concurrency, &phase);
        cell.cpu = cpu;
        // W1's baseline is an audited read: its INSERT and its SELECT, in one transaction.
        cell.statements_per_request = Some(match workload {
            Workload::W1 => 2.0,
            _ => 1.0,
        });
        Ok(cell)
    }

    /// W2 in PostGraphile's shape against PostGraphile, at the same concurrency.
    pub async fn peer_cell(
        &self,
        peer: &PostGraphile,
        concurrency: usize,
        warmup: Duration,
        duration: Duration,
    ) -> Result<Cell> {
        let http = self.http.clone();
        let url: Arc<str> = peer.url.clone().into();
        let request = body(POSTGRAPHILE_W2, json!({}));
        let op: Op = Arc::new(move |_seq| {
            let http = http.clone();
            let url = url.clone();
            let request = request.clone();
            async move {
                match post(&http, &url, None, request).await {
                    Ok(_) => Outcome::Ok,
                    Err(err) => Outcome::Failed(err),
                }
            }
            .boxed()
        });
        if !warmup.is_zero() {
            load::run(op.clone(), concurrency, warmup).await;
        }
        let cpu = Cpu::now(peer.pid());
        let phase = load::run(op, concurrency, duration).await;
        let cpu = cpu.since(peer.pid(), phase.requests());
        let mut cell = Cell::new(Workload::W2, CellKind::PostGraphile, concurrency, &phase);
        cell.cpu = cpu;
        cell.peak_rss_kb = peer.peak_rss_kb();
        Ok(cell)
    }
}

/// CPU used during a cell, per request, in ms: by the server process, by PostgreSQL (all its
/// processes; 0 on SQLite) and by this process (the load generator, and the baseline's SQL).
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuPerRequest {
    pub server_ms: Option<f64>,
    pub postgres_ms: f64,
    pub bench_ms: f64,
}

struct Cpu {
    server: Option<f64>,
    postgres: HashMap<u32, f64>,
    bench: f64,
}

impl Cpu {
    fn now(server: Option<u32>) -> Cpu {
        Cpu {
            server: server.and_then(server::cpu_ms),
            postgres: server::postgres_cpu_ms(),
            bench: server::cpu_ms(std::process::id()).unwrap_or(0.0),
        }
    }

    fn since(self, server: Option<u32>, requests: u64) -> CpuPerRequest {
        let n = requests.max(1) as f64;
        let later = Cpu::now(server);
        CpuPerRequest {
            server_ms: match (self.server, later.server) {
                (Some(a), Some(b)) => Some((b - a) / n),
                _ => None,
            },
            postgres_ms: server::postgres_cpu_between(&self.postgres, &later.postgres) / n,
            bench_ms: (later.bench - self.bench) / n,
        }
    }
}

/// W4 for one pending referral, as the guide does it: the referred project's organization enrolls
/// the client (intake), then resolves the referral as successful with that enrollment.
async fn resolve_referral(
    http: &reqwest::Client,
    url: &str,
    community: &Community,
    referral: &PendingReferral,
) -> std::result::Result<(), String> {
    let staff = community
        .staff_of(referral.organization_id)
        .ok_or("no staff for the referred organization")?;
    let entry_date = community.today.max(referral.event_date);
    let intake = body(
        W4_INTAKE,
        json!({ "input": {
            "clientId": referral.client_id.to_string(),
            "projectId": referral.project_id.to_string(),
            "entryDate": entry_date.to_string(),
        } }),
    );
    let answer = post(http, url, Some(&staff.token), intake).await?;
    let value: Value = serde_json::from_slice(answer.as_ref()).map_err(|err| err.to_string())?;
    let enrollment_id = value["data"]["createEnrollment"]["id"]
        .as_str()
        .ok_or("createEnrollment answered no id")?
        .to_owned();
    let resolve = body(
        W4_RESOLVE,
        json!({ "input": {
            "ceEventId": referral.ce_event_id.to_string(),
            "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
            "resultingEnrollmentId": enrollment_id,
        } }),
    );
    let answer = post(http, url, Some(&staff.token), resolve).await?;
    let value: Value = serde_json::from_slice(answer.as_ref()).map_err(|err| err.to_string())?;
    if value["data"]["resolveReferral"]["status"] != "SUCCESSFUL" {
        return Err(format!("resolveReferral answered {value}"));
    }
    Ok(())
}

/// Equal JSON, or where they first differ.
fn same(hearth: &Value, other: &Value) -> Result<()> {
    if hearth == other {
        return Ok(());
    }
    let (a, b) = (hearth.to_string(), other.to_string());
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(120);
    fail(format!(
        "the answers differ at byte {at}: Hearth …{}… vs …{}…",
        &a[from..(at + 120).min(a.len())],
        &b[from..(at + 120).min(b.len())]
    ))
}

/// PostGraphile's W2 `data` in Hearth's shape: connections' `nodes` unwrapped, `eventType` named.
fn postgraphile_as_hearth(data: &Value) -> Value {
    let nodes = |v: &Value| -> Vec<Value> { v["nodes"].as_array().cloned().unwrap_or_default() };
    let clients: Vec<Value> = nodes(&data["allClients"])
        .into_iter()
        .map(|client| {
            let enrollments: Vec<Value> = nodes(&client["enrollments"])
                .into_iter()
                .map(|e| {
                    json!({
                        "id": e["id"], "entryDate": e["entryDate"],
                        "project": { "name": e["project"]["name"],
                            "organization": { "name": e["project"]["organization"]["name"] } },
                    })
                })
                .collect();
            let events: Vec<Value> = nodes(&client["ceEvents"])
                .into_iter()
                .map(|v| {
                    let name = v["eventType"]
                        .as_u64()
                        .and_then(|code| EVENT_TYPE_NAMES.get((code as usize).wrapping_sub(1)))
                        .map_or(Value::Null, |name| Value::from(*name));
                    json!({
                        "id": v["id"], "eventType": name,
                        "referredProject": v["referredProject"],
                        "resultingEnrollment": v["resultingEnrollment"],
                    })
                })
                .collect();
            json!({
                "id": client["id"], "firstName": client["firstName"],
                "lastName": client["lastName"], "enrollments": enrollments, "ceEvents": events,
            })
        })
        .collect();
    json!({ "clients": { "nodes": clients } })
}
