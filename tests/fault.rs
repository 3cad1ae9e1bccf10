//! Fault test: `hearth serve` killed with SIGKILL in the middle of a stream of workflow mutations, then
//! restarted on the same database. Every acknowledged mutation must be there, complete and audited;
//! nothing half-written may be; at most the one request each client had in flight may have landed
//! without its acknowledgement. On SQLite (a file) by default, on PostgreSQL with TEST_DATABASE_URL.

mod common;

use common::process::{Served, hearth, run, serve_url};
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Concurrent clients of the server, each running referral flows one step after another.
const WORKERS: usize = 4;
/// Acknowledged mutations after which the server is killed, in each of the rounds (kill, restart,
/// carry on); different counts land the kill on different steps.
const KILL_AFTER: &[usize] = &[60, 37, 71];

/// One step of a flow. Flow A (even-numbered): client, CE enrollment, referral to PSH, intake,
/// successful resolution, move-in. Flow B (odd-numbered): client, CE enrollment, referral, rejection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Client,
    CeEnrollment,
    Referral,
    Intake,
    Resolution,
    MoveIn,
}

fn steps(flow: usize) -> &'static [Step] {
    if flow.is_multiple_of(2) {
        &[
            Step::Client,
            Step::CeEnrollment,
            Step::Referral,
            Step::Intake,
            Step::Resolution,
            Step::MoveIn,
        ]
    } else {
        &[
            Step::Client,
            Step::CeEnrollment,
            Step::Referral,
            Step::Resolution,
        ]
    }
}

fn last_name(worker: usize, flow: usize) -> String {
    format!("W{worker}N{flow}")
}

/// What the clients were told, per worker: the acknowledged steps of each flow (with the ids they
/// returned) and the step that was in flight when the connection broke.
#[derive(Default, Debug)]
struct Log {
    acked: BTreeMap<(usize, usize), Vec<(Step, String)>>,
    /// Per worker, the (flow, step) in flight at each kill.
    in_flight: BTreeMap<usize, Vec<(usize, Step)>>,
    /// GraphQL errors before the kill: there must be none.
    refused: Vec<String>,
}

struct Setup {
    plm: Gql,
    staff: Gql,
    ce_project: String,
    psh: String,
}

fn client_for(served: &Served, token: &str) -> Gql {
    Gql {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client"),
        url: served.url.clone(),
        token: Some(token.to_owned()),
        organization: None,
    }
}

/// The community the stream works in: (CE project, PSH project, PLM token, staff token).
async fn community(served: &Served, admin_token: &str) -> (String, String, String, String) {
    let admin = client_for(served, admin_token);
    let ce_org = create_organization(&admin, "Fault CE Agency").await;
    let ce_project = create_project(&admin, &ce_org, "Fault CE", "COORDINATED_ENTRY").await;
    let housing = create_organization(&admin, "Fault Housing").await;
    let psh = create_project(
        &admin,
        &housing,
        "Fault PSH",
        "PH_PERMANENT_SUPPORTIVE_HOUSING",
    )
    .await;
    let plm_token = create_member(&admin, "plm@fault.test", &ce_org, "PRIORITY_LIST_MANAGER").await;
    let staff_token = create_member(&admin, "staff@fault.test", &housing, "HOUSING_STAFF").await;
    (ce_project, psh, plm_token, staff_token)
}

/// Sends one step; `Ok(Some(id))` when acknowledged, `Ok(None)` when the connection broke (the
/// server is gone), `Err` for an answer that is not a success.
async fn send(
    setup: &Setup,
    step: Step,
    worker: usize,
    flow: usize,
    ids: &BTreeMap<Step, String>,
) -> Result<Option<String>, String> {
    let id = |s: Step| ids.get(&s).cloned().unwrap_or_default();
    let (who, query, variables, field) = match step {
        Step::Client => (
            &setup.plm,
            "mutation($input: CreateClientInput!) { createClient(input: $input) { id } }",
            json!({ "firstName": "Fault", "lastName": last_name(worker, flow) }),
            "createClient",
        ),
        Step::CeEnrollment => (
            &setup.plm,
            CREATE_ENROLLMENT,
            json!({ "clientId": id(Step::Client), "projectId": setup.ce_project, "entryDate": "2026-01-05" }),
            "createEnrollment",
        ),
        Step::Referral => (
            &setup.plm,
            CREATE_CE_EVENT,
            json!({ "enrollmentId": id(Step::CeEnrollment), "eventDate": "2026-03-01",
                    "eventType": "REFERRAL_TO_PSH", "referredProjectId": setup.psh }),
            "createCeEvent",
        ),
        Step::Intake => (
            &setup.staff,
            CREATE_ENROLLMENT,
            json!({ "clientId": id(Step::Client), "projectId": setup.psh, "entryDate": "2026-04-01" }),
            "createEnrollment",
        ),
        Step::Resolution if ids.contains_key(&Step::Intake) => (
            &setup.staff,
            RESOLVE_REFERRAL,
            json!({ "ceEventId": id(Step::Referral), "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
                    "resultingEnrollmentId": id(Step::Intake) }),
            "resolveReferral",
        ),
        Step::Resolution => (
            &setup.staff,
            RESOLVE_REFERRAL,
            json!({ "ceEventId": id(Step::Referral), "referralResult": "UNSUCCESSFUL_PROVIDER_REJECTED",
                    "resultDate": "2026-03-10" }),
            "resolveReferral",
        ),
        Step::MoveIn => (
            &setup.staff,
            RECORD_MOVE_IN,
            json!({ "enrollmentId": id(Step::Intake), "moveInDate": "2026-04-15" }),
            "recordMoveIn",
        ),
    };
    let mut request = who
        .http
        .post(&who.url)
        .json(&json!({ "query": query, "variables": { "input": variables } }));
    if let Some(token) = &who.token {
        request = request.bearer_auth(token);
    }
    let Ok(response) = request.send().await else {
        return Ok(None);
    };
    let Ok(body) = response.json::<Value>().await else {
        return Ok(None);
    };
    match body["data"][field]["id"].as_str() {
        Some(id) if body.get("errors").is_none_or(Value::is_null) => Ok(Some(id.to_owned())),
        _ => Err(format!("{field} of W{worker}N{flow} answered {body}")),
    }
}

/// Runs flows, numbered from `first_flow`, until the server goes away.
async fn worker(
    setup: Arc<Setup>,
    worker: usize,
    first_flow: usize,
    log: Arc<Mutex<Log>>,
    acks: Arc<AtomicUsize>,
) {
    for flow in first_flow.. {
        let mut ids = BTreeMap::new();
        for &step in steps(flow) {
            match send(&setup, step, worker, flow, &ids).await {
                Ok(Some(id)) => {
                    ids.insert(step, id.clone());
                    log.lock()
                        .expect("log")
                        .acked
                        .entry((worker, flow))
                        .or_default()
                        .push((step, id));
                    acks.fetch_add(1, Ordering::SeqCst);
                }
                Ok(None) => {
                    log.lock()
                        .expect("log")
                        .in_flight
                        .entry(worker)
                        .or_default()
                        .push((flow, step));
                    return;
                }
                Err(refusal) => {
                    log.lock().expect("log").refused.push(refusal);
                    return;
                }
            }
        }
    }
}

const CLIENT_STATE: &str = "query($after: String) {
  clients(first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id firstName lastName
      enrollments { id entryDate moveInDate project { id } client { id } resolvedReferral { id } }
      ceEvents { id eventDate eventType status referralResult resultDate referredProject { id }
        enrollment { id } resultingEnrollment { id entryDate client { id } project { id } } }
    }
  }
}";

/// Every client as ADMIN sees them after the restart.
async fn all_clients(admin: &Gql) -> Vec<Value> {
    let mut clients = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = admin.ok(CLIENT_STATE, json!({ "after": after })).await;
        let page = &data["clients"];
        clients.extend(page["nodes"].as_array().expect("nodes").iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            return clients;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// The audit operations recorded for `record`.
async fn audit_operations(admin: &Gql, record: &str) -> Vec<String> {
    let data = admin
        .ok(
            "query($id: ID!) { auditEvents(recordId: $id, first: 100) { nodes { operation } } }",
            json!({ "id": record }),
        )
        .await;
    data["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["operation"].as_str().map(str::to_owned))
        .collect()
}

/// The steps whose effects a client's records show, each with the record that shows it, checking on
/// the way that every effect is whole.
fn effects(client: &Value, ce_project: &str, psh: &str) -> Result<Vec<(Step, String)>, String> {
    let mut found = vec![(Step::Client, client["id"].as_str().unwrap_or("").to_owned())];
    let enrollments = client["enrollments"].as_array().ok_or("no enrollments")?;
    let events = client["ceEvents"].as_array().ok_or("no ceEvents")?;
    let in_project = |project: &str| -> Vec<&Value> {
        enrollments
            .iter()
            .filter(|e| e["project"]["id"] == project)
            .collect()
    };
    let ce = in_project(ce_project);
    let housing = in_project(psh);
    if ce.len() > 1 || housing.len() > 1 || events.len() > 1 {
        return Err(format!("a step ran twice: {client}"));
    }
    if let Some(e) = ce.first() {
        if e["entryDate"] != "2026-01-05" || e["client"]["id"] != client["id"] {
            return Err(format!("CE enrollment half-written: {e}"));
        }
        found.push((
            Step::CeEnrollment,
            e["id"].as_str().unwrap_or("").to_owned(),
        ));
    }
    if let Some(event) = events.first() {
        if event["eventDate"] != "2026-03-01"
            || event["eventType"] != "REFERRAL_TO_PSH"
            || event["referredProject"]["id"] != psh
            || ce
                .first()
                .is_none_or(|e| event["enrollment"]["id"] != e["id"])
        {
            return Err(format!("referral half-written: {event}"));
        }
        found.push((
            Step::Referral,
            event["id"].as_str().unwrap_or("").to_owned(),
        ));
    }
    if let Some(e) = housing.first() {
        if e["entryDate"] != "2026-04-01" || e["client"]["id"] != client["id"] {
            return Err(format!("intake half-written: {e}"));
        }
        found.push((Step::Intake, e["id"].as_str().unwrap_or("").to_owned()));
    }
    if let Some(event) = events.first() {
        match event["status"].as_str() {
            Some("PENDING") => {
                if !event["referralResult"].is_null()
                    || !event["resultDate"].is_null()
                    || !event["resultingEnrollment"].is_null()
                {
                    return Err(format!("pending referral carries a result: {event}"));
                }
            }
            Some("SUCCESSFUL") => {
                let resulting = &event["resultingEnrollment"];
                if event["referralResult"] != "SUCCESSFUL_CLIENT_ACCEPTED"
                    || housing.first().is_none_or(|e| resulting["id"] != e["id"])
                    || event["resultDate"] != "2026-04-01"
                    || resulting["entryDate"] != "2026-04-01"
                    || resulting["client"]["id"] != client["id"]
                    || resulting["project"]["id"] != psh
                    || housing
                        .first()
                        .is_none_or(|e| e["resolvedReferral"]["id"] != event["id"])
                {
                    return Err(format!("successful referral half-written: {event}"));
                }
                found.push((
                    Step::Resolution,
                    event["id"].as_str().unwrap_or("").to_owned(),
                ));
            }
            Some("UNSUCCESSFUL") => {
                if event["referralResult"] != "UNSUCCESSFUL_PROVIDER_REJECTED"
                    || event["resultDate"] != "2026-03-10"
                    || !event["resultingEnrollment"].is_null()
                {
                    return Err(format!("rejected referral half-written: {event}"));
                }
                found.push((
                    Step::Resolution,
                    event["id"].as_str().unwrap_or("").to_owned(),
                ));
            }
            other => return Err(format!("referral with status {other:?}: {event}")),
        }
    }
    if let Some(e) = housing.first()
        && !e["moveInDate"].is_null()
    {
        if e["moveInDate"] != "2026-04-15" {
            return Err(format!("move-in half-written: {e}"));
        }
        found.push((Step::MoveIn, e["id"].as_str().unwrap_or("").to_owned()));
    }
    Ok(found)
}

fn operation(step: Step) -> &'static str {
    match step {
        Step::Client => "createClient",
        Step::CeEnrollment | Step::Intake => "createEnrollment",
        Step::Referral => "createCeEvent",
        Step::Resolution => "resolveReferral",
        Step::MoveIn => "recordMoveIn",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_stream_loses_no_acknowledged_mutation_and_half_writes_none() {
    let database = TestDatabase::create().await;
    let output = run(hearth(&database.url).args(["create-admin", "--email", "admin@fault.test"]));
    let admin_token = output.lines().last().expect("a token").trim().to_owned();
    let start = |url: String| async move {
        tokio::task::spawn_blocking(move || serve_url(&url))
            .await
            .expect("start hearth serve")
    };

    let mut served = start(database.url.clone()).await;
    let (ce_project, psh, plm_token, staff_token) = community(&served, &admin_token).await;
    let setup_for = |served: &Served| Setup {
        plm: client_for(served, &plm_token),
        staff: client_for(served, &staff_token),
        ce_project: ce_project.clone(),
        psh: psh.clone(),
    };

    let log = Arc::new(Mutex::new(Log::default()));
    let acks = Arc::new(AtomicUsize::new(0));
    let mut next_flow = [0usize; WORKERS];
    for (round, &kill_after) in KILL_AFTER.iter().enumerate() {
        // The stream, and a killer that SIGKILLs the server once `kill_after` more mutations were
        // acknowledged.
        let setup = Arc::new(setup_for(&served));
        let target = acks.load(Ordering::SeqCst) + kill_after;
        let killer = {
            let acks = acks.clone();
            tokio::spawn(async move {
                let mut served = served;
                while acks.load(Ordering::SeqCst) < target {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                // std's Child::kill is SIGKILL on Unix: no shutdown code runs.
                served.child.kill().expect("SIGKILL hearth");
                let status = served.child.wait().expect("reap hearth");
                (acks.load(Ordering::SeqCst), status)
            })
        };
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                tokio::spawn(worker(
                    setup.clone(),
                    w,
                    next_flow[w],
                    log.clone(),
                    acks.clone(),
                ))
            })
            .collect();
        let (acked_at_kill, status) = tokio::time::timeout(Duration::from_secs(120), killer)
            .await
            .expect("the stream reached the kill point in time")
            .expect("killer");
        for w in workers {
            tokio::time::timeout(Duration::from_secs(60), w)
                .await
                .expect("workers stop once the server is gone")
                .expect("worker");
        }
        assert!(
            !status.success(),
            "hearth was killed, not stopped: {status:?}"
        );
        {
            let log = log.lock().expect("log");
            assert!(
                log.refused.is_empty(),
                "refused before the kill: {:?}",
                log.refused
            );
            for (w, next) in next_flow.iter_mut().enumerate() {
                let stopped = log.in_flight.get(&w).and_then(|f| f.get(round));
                let (flow, _) =
                    stopped.unwrap_or_else(|| panic!("worker {w} did not see round {round} end"));
                *next = flow + 1;
            }
            eprintln!(
                "{} round {round}: killed after {acked_at_kill} acknowledgements ({} in the end); \
                 in flight: {:?}",
                backend_name(),
                acks.load(Ordering::SeqCst),
                log.in_flight.values().map(|f| f[round]).collect::<Vec<_>>()
            );
        }
        // Restart on the same database; the tokens still work.
        served = start(database.url.clone()).await;
    }
    let log = Arc::try_unwrap(log)
        .expect("workers are done")
        .into_inner()
        .expect("log");
    let admin = client_for(&served, &admin_token);

    // What the database holds, per flow (clients are named after their worker and flow).
    let clients = all_clients(&admin).await;
    let mut found: BTreeMap<(usize, usize), Vec<(Step, String)>> = BTreeMap::new();
    for client in &clients {
        let name = client["lastName"].as_str().expect("name");
        let (w, n) = name
            .strip_prefix('W')
            .and_then(|rest| rest.split_once('N'))
            .and_then(|(w, n)| Some((w.parse().ok()?, n.parse().ok()?)))
            .unwrap_or_else(|| panic!("a client nobody made: {client}"));
        let effects =
            effects(client, &ce_project, &psh).unwrap_or_else(|problem| panic!("{problem}"));
        assert!(
            found.insert((w, n), effects).is_none(),
            "two clients for one createClient: {name}"
        );
    }

    // Every acknowledged step is there, with the id it was acknowledged with; anything beyond is a
    // step the worker had in flight at a kill, and is whole.
    let flows: std::collections::BTreeSet<(usize, usize)> =
        log.acked.keys().chain(found.keys()).copied().collect();
    let mut landed_in_flight = 0;
    for key @ (w, n) in flows {
        let acked = log.acked.get(&key).cloned().unwrap_or_default();
        let present = found.get(&key).cloned().unwrap_or_default();
        for (step, id) in &acked {
            assert!(
                present.iter().any(|(s, i)| s == step && i == id),
                "acknowledged {step:?} {id} of W{w}N{n} is missing after the restart: {present:?}"
            );
        }
        let extra: Vec<&(Step, String)> = present
            .iter()
            .filter(|(s, _)| !acked.iter().any(|(a, _)| a == s))
            .collect();
        match extra.as_slice() {
            [] => {}
            [(step, _)] => {
                assert!(
                    log.in_flight
                        .get(&w)
                        .is_some_and(|f| f.contains(&(n, *step))),
                    "W{w}N{n}: {step:?} is in the database but was neither acknowledged nor in flight"
                );
                landed_in_flight += 1;
            }
            more => panic!("W{w}N{n}: unacknowledged steps {more:?}"),
        }
        // Steps land in order: no effect without the one before it.
        let landed: Vec<Step> = present.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            landed,
            steps(n)[..landed.len()].to_vec(),
            "W{w}N{n}: steps landed out of order"
        );
        // And each landed step carries its audit row (written in the same transaction).
        for (step, id) in &present {
            let operations = audit_operations(&admin, id).await;
            assert!(
                operations.iter().any(|o| o == operation(*step)),
                "W{w}N{n}: {step:?} {id} landed without its audit row: {operations:?}"
            );
        }
    }
    let acked_total: usize = log.acked.values().map(Vec::len).sum();
    eprintln!(
        "{}: {acked_total} acknowledged mutations all present; {landed_in_flight} of {} in-flight \
         requests landed whole, the others not at all",
        backend_name(),
        log.in_flight.values().map(Vec::len).sum::<usize>()
    );

    // The restarted server carries on: a whole new flow, and the referrals left pending are resolved.
    let setup = setup_for(&served);
    let mut ids = BTreeMap::new();
    for &step in steps(0) {
        let id = send(&setup, step, 99, 0, &ids)
            .await
            .expect("the restarted server answers")
            .expect("the restarted server is up");
        ids.insert(step, id);
    }
    let pending = admin
        .ok(
            "{ referrals(status: PENDING, first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    for referral in pending["referrals"]["nodes"].as_array().expect("nodes") {
        let reply = resolve(
            &setup.staff,
            referral["id"].as_str().expect("id"),
            "UNSUCCESSFUL_CLIENT_REJECTED",
            Some("2026-06-01"),
            None,
        )
        .await;
        assert_eq!(reply.data()["resolveReferral"]["status"], "UNSUCCESSFUL");
    }
    drop(served);
}
