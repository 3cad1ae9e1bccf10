//! Limits, token lifecycle, CORS, APQ and production switches, through HTTP.

mod common;

use common::process::{hearth, run};
use common::*;
use hearth::config::ServerSettings;
use sea_orm::{
    ConnectionTrait, Database, DbBackend, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use serde_json::json;
use std::time::Duration;

const ME: &str = "{ me { role } }";

fn settings() -> ServerSettings {
    server_settings()
}

/// Holds the database's write lock (SQLite) or a lock on the client table (PostgreSQL) from another
/// connection, so that a `createClient` stays in flight until the returned transaction ends.
async fn block_client_writes(server: &TestServer) -> sea_orm::DatabaseTransaction {
    let db = Database::connect(&server.database.url)
        .await
        .expect("connect");
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let txn = db.begin_with_options(options).await.expect("begin");
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE client IN EXCLUSIVE MODE")
            .await
            .expect("lock");
    }
    txn
}

const CREATE_CLIENT: &str =
    "mutation { createClient(input: {firstName: \"Slow\", lastName: \"Write\"}) { id } }";

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_per_token() {
    let server = TestServer::start_with(ServerSettings {
        rate_limit_per_minute: 3,
        ..settings()
    })
    .await;
    let admin = server.admin();
    // Three requests (an organization, a user, its role and token) use the admin's quota of three.
    let org = create_organization(&admin, "Limited").await;
    let other = create_member_token_only(&admin, &org).await;
    let response = server
        .http
        .post(server.url("/graphql"))
        .bearer_auth(&server.admin_token)
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);
    // Another token has its own quota.
    server.as_user(&other, None).ok(ME, json!({})).await;
}

/// A housing staff member of `org` and a token for them, in two requests.
async fn create_member_token_only(admin: &Gql, org: &str) -> String {
    let user = admin
        .ok(
            "mutation { createUser(input: {email: \"quota@org.test\", name: \"Quota\"}) { id } }",
            json!({}),
        )
        .await;
    let user = id(&user["createUser"]);
    let token = admin
        .ok(
            "mutation($u: ID!, $o: ID!) {
               grantRole(input: {userId: $u, organizationId: $o, role: HOUSING_STAFF}) { role }
               createApiToken(input: {userId: $u, label: \"quota\"}) { token } }",
            json!({ "u": user, "o": org }),
        )
        .await;
    token["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn admin_user_id(server: &TestServer) -> String {
    let me = server.admin().ok("{ me { user { id } } }", json!({})).await;
    me["me"]["user"]["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn no_rate_limit_by_default() {
    let server = TestServer::start().await;
    let admin = server.admin();
    for _ in 0..30 {
        admin.ok(ME, json!({})).await;
    }
}

#[tokio::test]
async fn oversized_body_is_refused_with_413() {
    let server = TestServer::start_with(ServerSettings {
        body_limit: 2048,
        ..settings()
    })
    .await;
    let padding = "x".repeat(4096);
    let response = server
        .http
        .post(server.url("/graphql"))
        .bearer_auth(&server.admin_token)
        .json(&json!({ "query": format!("{{ me {{ role }} }} # {padding}") }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn a_request_running_past_the_timeout_is_answered_503_and_writes_nothing() {
    let server = TestServer::start_with(ServerSettings {
        request_timeout_secs: 1,
        ..settings()
    })
    .await;
    let blocker = block_client_writes(&server).await;
    let response = server
        .http
        .post(server.url("/graphql"))
        .bearer_auth(&server.admin_token)
        .json(&json!({ "query": CREATE_CLIENT }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 503);
    blocker.rollback().await.expect("release");
    let clients = server
        .admin()
        .ok("{ clients { totalCount } }", json!({}))
        .await;
    assert_eq!(clients["clients"]["totalCount"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_concurrency_limit_requests_are_shed_with_503() {
    let server = TestServer::start_with(ServerSettings {
        max_concurrent_requests: 1,
        ..settings()
    })
    .await;
    let blocker = block_client_writes(&server).await;
    let http = server.http.clone();
    let (url, token) = (server.url("/graphql"), server.admin_token.clone());
    // The slow request may itself be shed while a probe below holds the slot: it retries until it is
    // let in, and then holds the only slot until the blocker lets it write.
    let slow = tokio::spawn(async move {
        loop {
            let response = http
                .post(&url)
                .bearer_auth(&token)
                .json(&json!({ "query": CREATE_CLIENT }))
                .send()
                .await
                .expect("send");
            if response.status().as_u16() != 503 {
                return response.json::<serde_json::Value>().await.expect("json");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    // Wait (up to ten seconds) until the slow request holds the only slot.
    let mut shed = None;
    for _ in 0..500 {
        let response = server
            .http
            .get(server.url("/healthz"))
            .send()
            .await
            .expect("send");
        if response.status().as_u16() == 503 {
            shed = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let shed = shed.expect("a request past the limit was shed");
    assert!(shed.headers().contains_key("retry-after"));
    blocker.rollback().await.expect("release");
    let reply = slow.await.expect("join");
    assert!(reply["errors"].is_null(), "{reply}");
}

#[tokio::test]
async fn a_revoked_token_is_unauthenticated_on_its_next_request() {
    let community = Community::new().await;
    let admin = community.admin();
    let user = admin
        .ok(
            "mutation { createUser(input: {email: \"rev@hope.test\", name: \"Rev\"}) { id } }",
            json!({}),
        )
        .await;
    let user = id(&user["createUser"]);
    grant_role(&admin, &user, &community.housing_a, "HOUSING_STAFF").await;
    let created = admin
        .ok(
            "mutation($u: ID!) { createApiToken(input: {userId: $u, label: \"laptop\"}) { token apiToken { id label revokedAt } } }",
            json!({ "u": user }),
        )
        .await;
    let token = created["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let token_id = created["createApiToken"]["apiToken"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let staff = community.server.as_user(&token, None);
    staff.ok(ME, json!({})).await;

    // Another housing user may not revoke it; its owner may.
    let reply = community
        .staff_b
        .run(
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { id } }",
            json!({ "id": token_id }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    let revoked = staff
        .ok(
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { revokedAt } }",
            json!({ "id": token_id }),
        )
        .await;
    assert!(revoked["revokeApiToken"]["revokedAt"].is_string());
    staff
        .run(ME, json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
}

#[tokio::test]
async fn an_expired_token_is_unauthenticated() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let org = create_organization(&admin, "Expiring").await;
    let token = create_member(&admin, "exp@org.test", &org, "HOUSING_STAFF").await;
    server.as_user(&token, None).ok(ME, json!({})).await;
    server
        .services
        .db
        .execute_unprepared(
            "UPDATE api_token SET expires_at = '2020-01-01T00:00:00Z' WHERE label = 'test'",
        )
        .await
        .expect("expire the token");
    // Staged behind the server's back, which nothing tells it of: forget the sign-in it kept, as
    // the kept sign-in's age (a second) would. An expiry the clock reaches is checked on each use.
    server.services.sessions.forget_all();
    server
        .as_user(&token, None)
        .run(ME, json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
    let reply = admin
        .run(
            "mutation($u: ID!) { createApiToken(input: {userId: $u, label: \"old\", expiresAt: \"2020-01-01T00:00:00Z\"}) { token } }",
            json!({ "u": admin_user_id(&server).await }),
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn hearth_token_revoke_revokes_by_token() {
    let database = TestDatabase::create().await;
    let output = run(hearth(&database.url).args(["create-admin", "--email", "cli@hearth.test"]));
    let token = output.lines().last().expect("token").to_owned();
    let revoked = run(hearth(&database.url).args(["token", "revoke", &token]));
    assert!(revoked.contains("Revoked"), "{revoked}");
    let again = hearth(&database.url)
        .args(["token", "revoke", &token])
        .output()
        .expect("run");
    assert!(!again.status.success(), "revoking twice must fail");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let server = TestServer::start_with(ServerSettings {
        cors_origins: vec!["https://app.example.org".to_owned()],
        ..settings()
    })
    .await;
    let preflight = |origin: &'static str| {
        server
            .http
            .request(reqwest::Method::OPTIONS, server.url("/graphql"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type,x-organization-id",
            )
            .send()
    };
    let allowed = preflight("https://app.example.org").await.expect("send");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.org"
    );
    let refused = preflight("https://evil.example.com").await.expect("send");
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
}

#[tokio::test]
async fn introspection_and_playground_can_be_switched_off() {
    let server = TestServer::start_with(ServerSettings {
        introspection: false,
        playground: false,
        ..settings()
    })
    .await;
    let reply = server
        .admin()
        .run("{ __schema { queryType { name } } }", json!({}))
        .await;
    reply.expect_error("BAD_USER_INPUT");
    let page = server
        .http
        .get(server.url("/graphql"))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("send");
    assert_eq!(page.status().as_u16(), 404);
    // The API itself still answers.
    server.admin().ok(ME, json!({})).await;
}

#[tokio::test]
async fn introspection_is_on_by_default() {
    let server = TestServer::start().await;
    let data = server
        .admin()
        .ok("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn automatic_persisted_queries_remember_a_query_by_its_hash() {
    let server = TestServer::start().await;
    let query = "{ me { role } }";
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(query.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let send = |body: serde_json::Value| {
        server
            .http
            .post(server.url("/graphql"))
            .bearer_auth(&server.admin_token)
            .json(&body)
            .send()
    };
    let miss: serde_json::Value = send(json!({ "extensions": extensions }))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        miss["errors"][0]["message"], "PersistedQueryNotFound",
        "{miss}"
    );
    let first: serde_json::Value = send(json!({ "query": query, "extensions": extensions }))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(first["data"]["me"]["role"], "ADMIN");
    let hit: serde_json::Value = send(json!({ "extensions": extensions }))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(hit["data"]["me"]["role"], "ADMIN", "{hit}");
}

#[tokio::test]
async fn metrics_can_move_to_their_own_address() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let metrics_address = probe.local_addr().expect("address");
    drop(probe);
    let server = TestServer::start_with(ServerSettings {
        metrics_bind: Some(metrics_address),
        ..settings()
    })
    .await;
    let on_api = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("send");
    assert_eq!(on_api.status().as_u16(), 404);
    let mut body = String::new();
    for _ in 0..50 {
        if let Ok(response) = server
            .http
            .get(format!("http://{metrics_address}/metrics"))
            .send()
            .await
        {
            body = response.text().await.expect("text");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(body.contains("hearth_db_statements_total"), "{body}");
}
