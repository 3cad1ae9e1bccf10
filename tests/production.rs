//! PostgreSQL in production: several stateless `hearth serve` processes on one database.
//!
//! These tests need a real PostgreSQL server and run only with `TEST_DATABASE_URL=postgres://...`
//! and `--include-ignored` (as `.ci/run` does).

mod common;

use common::process::{Served, hearth, run, serve_command, serve_url};
use common::ws::Subscriber;
use common::*;
use futures_util::future::join_all;
use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, Database, Statement, TransactionTrait};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const NEEDS_POSTGRES: &str =
    "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored";
const WAIT: Duration = Duration::from_secs(10);
const REFERRAL_UPDATED: &str =
    "subscription { referralUpdated { id status referredProject { id } } }";

fn require_postgres() {
    assert_eq!(backend_name(), "postgres", "{NEEDS_POSTGRES}");
}

fn client_for(url: &str, token: &str) -> Gql {
    Gql {
        http: reqwest::Client::new(),
        url: url.to_owned(),
        token: Some(token.to_owned()),
        organization: None,
    }
}

/// A community made through server `a`: a CE agency with a PLM, housing org A (staff, a PSH project)
/// and housing org B (staff), and one pending referral of a client to A's project.
struct Setup {
    plm: String,
    staff_a: String,
    staff_b: String,
    psh_a: String,
    client: String,
    ce_enrollment: String,
    referral: String,
}

async fn setup(database_url: &str, a: &Served) -> Setup {
    let output = run(hearth(database_url).args(["create-admin", "--email", "ops@hearth.test"]));
    let admin_token = output.lines().last().expect("token line").to_owned();
    let admin = client_for(&a.url, &admin_token);
    let ce_org = create_organization(&admin, "CE Agency").await;
    let ce_project = create_project(&admin, &ce_org, "CE", "COORDINATED_ENTRY").await;
    let org_a = create_organization(&admin, "Housing A").await;
    let psh_a = create_project(&admin, &org_a, "A PSH", "PH_PERMANENT_SUPPORTIVE_HOUSING").await;
    let org_b = create_organization(&admin, "Housing B").await;
    let plm = create_member(&admin, "plm@ce.test", &ce_org, "PRIORITY_LIST_MANAGER").await;
    let staff_a = create_member(&admin, "staff@a.test", &org_a, "HOUSING_STAFF").await;
    let staff_b = create_member(&admin, "staff@b.test", &org_b, "HOUSING_STAFF").await;
    let plm_client = client_for(&a.url, &plm);
    let client = create_client(&plm_client, "Pat", "Placed").await;
    let ce_enrollment = create_enrollment(&plm_client, &client, &ce_project, "2026-01-10").await;
    let referral = create_ce_event(
        &plm_client,
        &ce_enrollment,
        "2026-02-01",
        "REFERRAL_TO_PSH",
        Some(&psh_a),
    )
    .await;
    Setup {
        plm,
        staff_a,
        staff_b,
        psh_a,
        client,
        ce_enrollment,
        referral,
    }
}

fn unsuccessful(referral: &str) -> serde_json::Value {
    json!({ "input": { "ceEventId": referral, "referralResult": "UNSUCCESSFUL_PROVIDER_REJECTED",
        "resultDate": "2026-03-01" } })
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn a_resolution_through_one_server_reaches_subscribers_of_another_in_scope_only() {
    require_postgres();
    let database = TestDatabase::create().await;
    let a = serve_url(&database.url);
    let b = serve_url(&database.url);
    let s = setup(&database.url, &a).await;

    let mut staff_a_on_b = Subscriber::connect(&b.ws_url(), &s.staff_a, None).await;
    staff_a_on_b.subscribe("1", REFERRAL_UPDATED).await;
    let mut staff_b_on_b = Subscriber::connect(&b.ws_url(), &s.staff_b, None).await;
    staff_b_on_b.subscribe("1", REFERRAL_UPDATED).await;
    let mut plm_on_a = Subscriber::connect(&a.ws_url(), &s.plm, None).await;
    plm_on_a.subscribe("1", REFERRAL_UPDATED).await;
    // Let the subscriptions register before the change is made.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Intake on server A, then the resolution on server A, in the guide's order.
    let staff_a = client_for(&a.url, &s.staff_a);
    let enrollment = create_enrollment(&staff_a, &s.client, &s.psh_a, "2026-03-02").await;
    let resolved = staff_a
        .ok(
            RESOLVE_REFERRAL,
            json!({ "input": { "ceEventId": s.referral, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
                "resultingEnrollmentId": enrollment } }),
        )
        .await;
    assert_eq!(resolved["resolveReferral"]["status"], "SUCCESSFUL");

    let seen = staff_a_on_b.next_data(WAIT).await;
    assert_eq!(seen["referralUpdated"]["id"], s.referral.as_str());
    assert_eq!(seen["referralUpdated"]["status"], "SUCCESSFUL");
    let seen_by_plm = plm_on_a.next_data(WAIT).await;
    assert_eq!(seen_by_plm["referralUpdated"]["id"], s.referral.as_str());
    // Org B's staff are never sent a referral to org A's project.
    staff_b_on_b.expect_silence(Duration::from_secs(1)).await;

    // A new referral created through server B reaches A's staff on server B too.
    let plm_b = client_for(&b.url, &s.plm);
    let second = create_ce_event(
        &plm_b,
        &s.ce_enrollment,
        "2026-04-01",
        "REFERRAL_TO_PSH",
        Some(&s.psh_a),
    )
    .await;
    let seen = staff_a_on_b.next_data(WAIT).await;
    assert_eq!(seen["referralUpdated"]["id"], second.as_str());
    assert_eq!(seen["referralUpdated"]["status"], "PENDING");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn a_token_revoked_by_another_process_closes_its_sockets_on_every_server() {
    require_postgres();
    let database = TestDatabase::create().await;
    let a = serve_url(&database.url);
    let b = serve_url(&database.url);
    let s = setup(&database.url, &a).await;
    let mut on_b = Subscriber::connect(&b.ws_url(), &s.staff_a, None).await;
    on_b.subscribe("1", REFERRAL_UPDATED).await;
    let mut on_a = Subscriber::connect(&a.ws_url(), &s.staff_a, None).await;
    on_a.subscribe("1", REFERRAL_UPDATED).await;
    let mut plm_on_b = Subscriber::connect(&b.ws_url(), &s.plm, None).await;
    plm_on_b.subscribe("1", REFERRAL_UPDATED).await;

    // An operator revokes it from another process (`hearth token revoke`): neither server made the
    // change, so B hears of it from the database.
    let revoked_at = Instant::now();
    run(hearth(&database.url).args(["token", "revoke", &s.staff_a]));
    let closed = on_b.next_message(WAIT).await;
    assert_eq!(closed["type"], "__closed", "{closed}");
    assert_eq!(closed["code"], 4401, "{closed}");
    let closed_on_a = on_a.next_message(WAIT).await;
    assert_eq!(closed_on_a["code"], 4401, "{closed_on_a}");
    // Within a second of the revocation's commit (the command's own start-up included here).
    assert!(
        revoked_at.elapsed() < Duration::from_secs(3),
        "closed {:?} after the revocation began",
        revoked_at.elapsed()
    );
    // Another token's socket on the same server lives on.
    let plm_a = client_for(&a.url, &s.plm);
    create_ce_event(
        &plm_a,
        &s.ce_enrollment,
        "2026-04-01",
        "REFERRAL_TO_PSH",
        Some(&s.psh_a),
    )
    .await;
    let seen = plm_on_b.next_data(WAIT).await;
    assert_eq!(seen["referralUpdated"]["status"], "PENDING");
}

/// The role `who` signs in with, or None when refused as UNAUTHENTICATED (any other error fails).
async fn role_of(who: &Gql) -> Option<String> {
    let reply = who.run("{ me { role } }", json!({})).await;
    if reply.body.get("errors").is_none_or(|e| e.is_null()) {
        return reply.data()["me"]["role"].as_str().map(str::to_owned);
    }
    reply.expect_error("UNAUTHENTICATED");
    None
}

/// Asks `who` until it signs in as `expected` (None: refused), for at most a second from now.
async fn within_a_second(who: &Gql, expected: Option<&str>, what: &str) {
    let since = Instant::now();
    while role_of(who).await.as_deref() != expected {
        assert!(
            since.elapsed() < Duration::from_secs(1),
            "{what}: not seen after {:?}",
            since.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn sign_in_changes_through_one_server_reach_another_that_kept_the_sign_in() {
    require_postgres();
    let database = TestDatabase::create().await;
    let a = serve_url(&database.url);
    let b = serve_url(&database.url);
    let output = run(hearth(&database.url).args(["create-admin", "--email", "ops@hearth.test"]));
    let admin = client_for(&a.url, output.lines().last().expect("token line"));
    let org = create_organization(&admin, "Housing A").await;
    // A few tries: each needs the role seen on B before B's kept sign-in would have aged out
    // (`sessions::AGE`, a second), or the new role could be that age and not the notification.
    for attempt in 0..3 {
        let user = admin
            .ok(
                "mutation($email: String!) { createUser(input: {email: $email, name: \"Kept\"}) { id } }",
                json!({ "email": format!("kept{attempt}@a.test") }),
            )
            .await;
        let user = id(&user["createUser"]);
        grant_role(&admin, &user, &org, "HOUSING_STAFF").await;
        let created = admin
            .ok(
                "mutation($u: ID!) { createApiToken(input: {userId: $u, label: \"kept\"}) { token apiToken { id } } }",
                json!({ "u": user }),
            )
            .await;
        let token = created["createApiToken"]["token"].as_str().expect("token");
        let token_id = created["createApiToken"]["apiToken"]["id"].clone();
        let on_a = client_for(&a.url, token);
        let on_b = client_for(&b.url, token);
        // B signs the token in for the first time: kept from (just after) now.
        let kept = Instant::now();
        assert_eq!(role_of(&on_b).await.as_deref(), Some("HOUSING_STAFF"));
        // A new role, granted through A: only the notification tells B (no poll looks for roles).
        grant_role(&admin, &user, &org, "PRIORITY_LIST_MANAGER").await;
        within_a_second(&on_b, Some("PRIORITY_LIST_MANAGER"), "the new role on B").await;
        let told = kept.elapsed() < Duration::from_millis(900);
        // Revoked through A: refused at once there, and within a second on B.
        on_a.ok(
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { revokedAt } }",
            json!({ "id": token_id }),
        )
        .await;
        assert_eq!(role_of(&on_a).await, None, "the server that revoked it");
        within_a_second(&on_b, None, "the revocation on B").await;
        if told {
            return;
        }
    }
    panic!("too slow three times to tell the notification from the kept sign-in's age");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn racing_resolutions_split_across_two_servers_end_with_exactly_one_success() {
    require_postgres();
    let database = TestDatabase::create().await;
    let a = serve_url(&database.url);
    let b = serve_url(&database.url);
    let s = setup(&database.url, &a).await;
    let clients = [
        client_for(&a.url, &s.staff_a),
        client_for(&b.url, &s.staff_a),
    ];
    let attempts = (0..12).map(|i| {
        let client = clients[i % 2].clone();
        let variables = unsuccessful(&s.referral);
        async move { client.run(RESOLVE_REFERRAL, variables).await }
    });
    let replies = join_all(attempts).await;
    let successes = replies
        .iter()
        .filter(|r| r.body["errors"].is_null())
        .count();
    let conflicts = replies
        .iter()
        .filter(|r| r.body["errors"][0]["extensions"]["code"] == "CONFLICT")
        .count();
    assert_eq!((successes, conflicts), (1, 11), "{replies:?}");
    let event = clients[1]
        .ok(
            "query($id: ID!) { ceEvent(id: $id) { status referralResult resultDate } }",
            json!({ "id": s.referral }),
        )
        .await;
    assert_eq!(event["ceEvent"]["status"], "UNSUCCESSFUL");
    assert_eq!(event["ceEvent"]["resultDate"], "2026-03-01");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn instances_starting_together_on_an_empty_database_migrate_it_once() {
    require_postgres();
    let database = TestDatabase::create().await;
    let starts: Vec<_> = (0..3)
        .map(|_| {
            hearth(&database.url)
                .arg("migrate")
                .spawn()
                .expect("start hearth migrate")
        })
        .collect();
    for mut start in starts {
        assert!(start.wait().expect("wait for migrate").success());
    }
    let a = serve_url(&database.url);
    let b = serve_url(&database.url);
    for server in [&a, &b] {
        let ready = reqwest::get(format!("{}/readyz", server.base()))
            .await
            .expect("readyz");
        assert_eq!(ready.status().as_u16(), 200);
    }
    let db = Database::connect(&database.url).await.expect("connect");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM seaql_migrations",
        ))
        .await
        .expect("count migrations")
        .expect("a row");
    let applied: i64 = row.try_get("", "n").expect("n");
    assert_eq!(applied as usize, migration::Migrator::migrations().len());
}

#[tokio::test]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn sigterm_finishes_the_request_in_flight_and_closes_subscriptions() {
    require_postgres();
    let database = TestDatabase::create().await;
    let a = serve_url(&database.url);
    let s = setup(&database.url, &a).await;
    let mut subscriber = Subscriber::connect(&a.ws_url(), &s.staff_a, None).await;
    subscriber.subscribe("1", REFERRAL_UPDATED).await;

    // Hold the referral's row lock so that the resolution stays in flight until we let it go.
    let db = Database::connect(&database.url).await.expect("connect");
    let blocker = db.begin().await.expect("begin");
    blocker
        .execute_raw(Statement::from_sql_and_values(
            blocker.get_database_backend(),
            "SELECT id FROM ce_event WHERE id = $1 FOR UPDATE",
            [uuid::Uuid::parse_str(&s.referral).expect("uuid").into()],
        ))
        .await
        .expect("lock the row");
    let staff = client_for(&a.url, &s.staff_a);
    let variables = unsuccessful(&s.referral);
    let in_flight = tokio::spawn(async move { staff.run(RESOLVE_REFERRAL, variables).await });
    wait_for_lock_waiter(&db).await;

    a.terminate();
    // Shutdown has begun: the subscription is closed with 1001 "going away".
    let closed = subscriber.next_message(WAIT).await;
    assert_eq!(closed["type"], "__closed", "{closed}");
    assert_eq!(closed["code"], 1001);
    blocker.commit().await.expect("release the row");

    let reply = in_flight.await.expect("the request task");
    assert_eq!(reply.data()["resolveReferral"]["status"], "UNSUCCESSFUL");
    let mut child = a;
    let status = tokio::task::spawn_blocking(move || child.child.wait())
        .await
        .expect("join")
        .expect("wait for hearth");
    assert!(status.success(), "hearth exited with {status}");
}

/// Waits until some session of the test database waits on a lock (the resolution in flight).
async fn wait_for_lock_waiter(db: &sea_orm::DatabaseConnection) {
    let deadline = Instant::now() + WAIT;
    loop {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock'",
            ))
            .await
            .expect("pg_stat_activity")
            .expect("a row");
        let waiting: i64 = row.try_get("", "n").expect("n");
        if waiting > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the resolution never reached the row lock"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A TCP proxy in front of PostgreSQL that the test can cut and restore, as a database restart does.
struct Proxy {
    port: u16,
    stop: watch::Sender<bool>,
}

impl Proxy {
    async fn start(port: u16, target: String) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("address").port();
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(async move {
            loop {
                let mut stopped_accepting = stopped.clone();
                let (mut inbound, _) = tokio::select! {
                    accepted = listener.accept() => match accepted { Ok(c) => c, Err(_) => return },
                    _ = stopped_accepting.changed() => return,
                };
                let target = target.clone();
                let mut stopped_conn = stopped.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {},
                        _ = stopped_conn.changed() => {},
                    }
                });
            }
        });
        Proxy { port, stop }
    }

    fn cut(&self) {
        let _ = self.stop.send(true);
    }
}

// Multi-threaded: the proxy must keep serving while the test waits on the `hearth` CLI.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs PostgreSQL: TEST_DATABASE_URL=postgres://... cargo test -- --include-ignored"]
async fn a_database_outage_gives_clear_errors_and_the_server_recovers_by_itself() {
    require_postgres();
    let database = TestDatabase::create().await;
    let (host_part, db_name) = database.url.rsplit_once('/').expect("a database name");
    let target = host_part
        .rsplit_once('@')
        .map_or(host_part, |(_, host)| host)
        .to_owned();
    let proxy = Proxy::start(0, target.clone()).await;
    let proxied_url = format!("postgres://postgres@127.0.0.1:{}/{db_name}", proxy.port);
    let output = run(hearth(&proxied_url).args(["create-admin", "--email", "ops@hearth.test"]));
    let token = output.lines().last().expect("token line").to_owned();
    let mut command = hearth(&proxied_url);
    command.env("HEARTH_DB_ACQUIRE_TIMEOUT", "2");
    let server = serve_command(command);
    let admin = client_for(&server.url, &token);
    let me = "{ me { role } }";
    assert_eq!(admin.ok(me, json!({})).await["me"]["role"], "ADMIN");
    // A read of the database: `me` alone may be answered from the sign-in the server keeps.
    let reads = "{ me { role } organizations { name } }";

    proxy.cut();
    let reply = admin.run(reads, json!({})).await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"], "INTERNAL_SERVER_ERROR",
        "{:?}",
        reply
    );
    assert!(reply.error_message().contains("database"), "{:?}", reply);
    let health = reqwest::get(format!("{}/healthz", server.base()))
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 503);

    let _restored = Proxy::start(proxy.port, target).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = admin.run(reads, json!({})).await;
        if reply.body["data"]["me"]["role"] == "ADMIN"
            && reply.body["data"]["organizations"].is_array()
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not recover: {:?}",
            reply
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let health = reqwest::get(format!("{}/healthz", server.base()))
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
}
