//! The front door (rules F1-F6): every transport (POST /graphql, /graphql/ws, the download) checked
//! alike, and no document, socket or request able to exhaust the server.

mod common;

use common::ws::Subscriber;
use common::*;
use hearth::config::ServerSettings;
use serde_json::{Value, json};
use std::time::Duration;

/// Long enough for anything the server must do; far shorter than a fragment bomb would take.
const WAIT: Duration = Duration::from_secs(10);
const REFERRAL_UPDATED: &str =
    "subscription { referralUpdated { id client { firstName dateOfBirth } } }";

/// `levels` fragments, each spreading the next `fanout` times, the last selecting `bottom`: the
/// operation expands to `fanout^levels` copies of it.
fn fragment_bomb(levels: usize, fanout: usize, bottom: &str) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for level in 0..levels {
        let spreads = format!(" ...F{}", level + 1).repeat(fanout);
        query.push_str(&format!("fragment F{level} on Query {{{spreads} }}\n"));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ {bottom} }}\n"));
    query
}

async fn with_limit(per_minute: u32) -> TestServer {
    TestServer::start_with(ServerSettings {
        rate_limit_per_minute: per_minute,
        ..server_settings()
    })
    .await
}

// ---------------------------------------------------------------------------------------------------
// F2: a document is priced before it runs
// ---------------------------------------------------------------------------------------------------

/// A document the server refuses before running it: what its message must say, and how long it may
/// be at most (a refusal does not echo the document).
struct Refused {
    name: &'static str,
    query: String,
    says: &'static [&'static str],
    at_most: Option<usize>,
}

#[tokio::test]
async fn hostile_documents_are_refused_at_once_with_a_short_message() {
    let server = TestServer::start().await;
    let admin = server.admin();
    // 10^8 `__typename`s (the issue's 646 bytes took the process to 24 GB), then 10^8 real fields;
    // almost a megabyte on one line, broken at its end; a name of 100,000 characters.
    #[rustfmt::skip]
    let cases = [
        Refused { name: "a fragment bomb", query: fragment_bomb(8, 10, "__typename"), says: &["fragments expanded", "HEARTH_MAX_SELECTIONS"], at_most: None },
        Refused { name: "a fragment bomb of real fields", query: fragment_bomb(8, 10, "me { role }"), says: &["fragments expanded", "HEARTH_MAX_SELECTIONS"], at_most: None },
        Refused { name: "a fragment that spreads itself", query: "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }".into(), says: &["spreads itself"], at_most: None },
        Refused { name: "a syntax error at the end of a long line", query: format!("{{ me {{ role {} }} }} }}}}", "__typename ".repeat(90_000)), says: &["line 1, column"], at_most: Some(300) },
        Refused { name: "an unknown field of a long name", query: format!("{{ {} }}", "x".repeat(100_000)), says: &[], at_most: Some(400) },
    ];
    for case in cases {
        let reply = tokio::time::timeout(WAIT, admin.run(&case.query, json!({})))
            .await
            .unwrap_or_else(|_| panic!("case {}: not refused within {WAIT:?}", case.name));
        for says in case.says {
            reply.expect_refused(case.name, "BAD_USER_INPUT", says);
        }
        let message = reply.expect_refused(case.name, "BAD_USER_INPUT", "");
        if let Some(at_most) = case.at_most {
            assert!(
                message.len() < at_most,
                "case {}: {} bytes: {message:.200}",
                case.name,
                message.len()
            );
        }
    }
    // The server is answering.
    let health = server.http.get(server.url("/healthz")).send().await;
    assert_eq!(health.expect("healthz").status().as_u16(), 200);
}

#[tokio::test]
async fn a_fragment_bomb_over_a_socket_is_refused_too() {
    let server = TestServer::start().await;
    let mut socket = Subscriber::connect(&server.ws_url(), &server.admin_token, None).await;
    let payload = tokio::time::timeout(
        WAIT,
        socket.execute("bomb", &fragment_bomb(8, 10, "__typename")),
    )
    .await
    .expect("refused without expanding the fragments");
    assert_eq!(
        payload["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{payload}"
    );
}

#[tokio::test]
async fn spreads_count_as_often_as_they_are_spread() {
    let server = TestServer::start_with(ServerSettings {
        max_selections: 100,
        ..server_settings()
    })
    .await;
    let admin = server.admin();
    // 10 x 10 = 100 fields: at the limit. One more level of two spreads doubles it: refused.
    let at_limit = fragment_bomb(2, 10, "__typename");
    admin.ok(&at_limit, json!({})).await;
    let over = fragment_bomb(3, 5, "__typename");
    let message = admin.run(&over, json!({})).await;
    let message = message.expect_error("BAD_USER_INPUT");
    assert!(message.contains("125 fields"), "{message}");
    // Aliases spread through fragments count each time: 3 spreads of 3 aliases.
    let aliased = "query { ...A ...A ...A } fragment A on Query { a: __typename b: __typename c: __typename }";
    let reply = admin.run(aliased, json!({})).await;
    assert!(
        reply.expect_error("BAD_USER_INPUT").contains("aliases"),
        "{}",
        reply.body
    );
}

// ---------------------------------------------------------------------------------------------------
// F3: a socket lives no longer than its token
// ---------------------------------------------------------------------------------------------------

/// Housing staff of org A with a token of their own, and its id.
async fn staff_token(community: &Community) -> (String, String) {
    let user = user_id(&community.staff_a).await;
    let created = community
        .admin()
        .ok(
            "mutation($u: ID!) { createApiToken(input: {userId: $u, label: \"socket\"}) { token apiToken { id } } }",
            json!({ "u": user }),
        )
        .await;
    (
        created["createApiToken"]["token"]
            .as_str()
            .expect("token")
            .to_owned(),
        id(&created["createApiToken"]["apiToken"]),
    )
}

async fn assert_closed_with(socket: &mut Subscriber, code: u16) {
    // Whatever the server sent before, the socket ends with `code`, and nothing after it.
    loop {
        let message = socket.next_message(WAIT).await;
        if message["type"] == "__closed" {
            assert_eq!(message["code"], code, "{message}");
            return;
        }
        assert_ne!(
            message["type"], "next",
            "an event after the token ended: {message}"
        );
    }
}

#[tokio::test]
async fn revoking_a_token_closes_its_socket() {
    let community = Community::new().await;
    let (token, token_id) = staff_token(&community).await;
    let mut socket = Subscriber::connect(
        &community.server.ws_url(),
        &token,
        Some(&community.housing_a),
    )
    .await;
    socket.subscribe("1", REFERRAL_UPDATED).await;
    // The subscription is live: a referral to A's project arrives.
    community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-02-01")
        .await;
    let event = socket.next_data(WAIT).await;
    assert_eq!(event["referralUpdated"]["client"]["firstName"], "Rae");

    community
        .admin()
        .ok(
            "mutation($id: ID!) { revokeApiToken(input: {id: $id}) { id } }",
            json!({ "id": token_id }),
        )
        .await;
    community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-02-02")
        .await;
    assert_closed_with(&mut socket, 4401).await;
}

#[tokio::test]
async fn a_token_revoked_by_another_process_closes_the_socket() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let org = create_organization(&admin, "Far Away").await;
    let user = create_member(&admin, "far@away.test", &org, "HOUSING_STAFF").await;
    let mut socket = Subscriber::connect(&server.ws_url(), &user, None).await;
    // Another process on the same database (an operator's `hearth token revoke`, another server):
    // its announcements do not reach this server; the server's watch of the database does.
    let elsewhere = hearth::open(&server.database.settings(), &community())
        .await
        .expect("open the database again");
    hearth::service::tokens::revoke_by_operator(&elsewhere, &user)
        .await
        .expect("revoke");
    assert_closed_with(&mut socket, 4401).await;
}

#[tokio::test]
async fn an_expired_token_closes_its_socket() {
    let server = TestServer::start().await;
    let admin_id = user_id(&server.admin()).await;
    let (token, _) = hearth::service::tokens::issue(
        &server.services.db,
        admin_id.parse().expect("a uuid"),
        "short-lived".to_owned(),
        Some(chrono::Utc::now() + chrono::Duration::seconds(2)),
    )
    .await
    .expect("issue a token");
    let mut socket = Subscriber::connect(&server.ws_url(), &token, None).await;
    let data = socket.execute("1", "{ me { role } }").await;
    assert_eq!(data["data"]["me"]["role"], "ADMIN", "{data}");
    assert_closed_with(&mut socket, 4401).await;
}

/// What a client does first on a new socket, before the server closes it.
#[derive(Clone, Copy)]
enum Opening {
    /// connection_init with a token that is no token.
    InvalidToken,
    /// Nothing at all.
    Silence,
    /// An operation before connection_init.
    OperationFirst,
}

#[tokio::test]
async fn a_socket_that_does_not_sign_in_first_is_closed() {
    use Opening::*;
    let server = TestServer::start().await;
    // (case, the opening, the close code)
    let cases = [
        ("an invalid token", InvalidToken, 4401),
        ("no connection_init for ten seconds", Silence, 4408),
        ("an operation before connection_init", OperationFirst, 4401),
    ];
    for (name, opening, code) in cases {
        let mut socket = Subscriber::open(&server.ws_url()).await;
        let closed = match opening {
            InvalidToken => socket.init("hth_not-a-token", None).await,
            Silence => socket.next_message(Duration::from_secs(15)).await,
            OperationFirst => {
                socket.subscribe("1", "{ me { role } }").await;
                socket.next_message(WAIT).await
            }
        };
        assert_eq!(closed["type"], "__closed", "case {name}: {closed}");
        assert_eq!(closed["code"], code, "case {name}: {closed}");
    }
}

// ---------------------------------------------------------------------------------------------------
// F1, F4: the rate limit and the read audit apply to every transport
// ---------------------------------------------------------------------------------------------------

/// The audit trail's reads of `client` by housing staff, as the ADMIN sees it.
async fn reads_of(community: &Community, client: &str) -> usize {
    let data = community
        .admin()
        .ok(
            "query($id: ID!) { client(id: $id) { auditTrail { operation } } }",
            json!({ "id": client }),
        )
        .await;
    data["client"]["auditTrail"]
        .as_array()
        .expect("a trail")
        .iter()
        .filter(|event| event["operation"] == "read")
        .count()
}

#[tokio::test]
async fn housing_staff_reads_over_a_socket_are_audited() {
    let community = Community::new().await;
    let (client, _, _) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-02-01")
        .await;
    let token = community.staff_a.token.clone().expect("a token");
    let mut socket = Subscriber::connect(&community.server.ws_url(), &token, None).await;
    assert_eq!(reads_of(&community, &client).await, 0);

    // Only cursors: they carry the client's id.
    let page = socket
        .execute("1", "{ clients(search: \"Ra\") { edges { cursor } } }")
        .await;
    assert_eq!(
        page["data"]["clients"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(reads_of(&community, &client).await, 1);
    // Only the total of a name search: it says the client exists.
    let total = socket
        .execute("2", "{ clients(search: \"Ra\") { totalCount } }")
        .await;
    assert_eq!(total["data"]["clients"]["totalCount"], 1, "{total}");
    assert_eq!(reads_of(&community, &client).await, 2);
    // And the same total over HTTP.
    community
        .staff_a
        .ok("{ clients(search: \"Ra\") { totalCount } }", json!({}))
        .await;
    assert_eq!(reads_of(&community, &client).await, 3);
}

#[tokio::test]
async fn subscription_events_read_by_housing_staff_are_audited() {
    let community = Community::new().await;
    let token = community.staff_a.token.clone().expect("a token");
    let mut socket = Subscriber::connect(&community.server.ws_url(), &token, None).await;
    socket.subscribe("1", REFERRAL_UPDATED).await;
    let (client, _, _) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-02-01")
        .await;
    let event = socket.next_data(WAIT).await;
    assert_eq!(event["referralUpdated"]["client"]["firstName"], "Rae");
    assert_eq!(reads_of(&community, &client).await, 1);
}

#[tokio::test]
async fn socket_operations_count_against_the_rate_limit() {
    let server = with_limit(5).await;
    let mut socket = Subscriber::connect(&server.ws_url(), &server.admin_token, None).await;
    for id in 1..=5 {
        let answer = socket.execute(&id.to_string(), "{ me { role } }").await;
        assert_eq!(answer["data"]["me"]["role"], "ADMIN", "{answer}");
    }
    let refused = socket.execute("6", "{ me { role } }").await;
    let error = &refused["errors"][0];
    assert_eq!(error["extensions"]["code"], "RATE_LIMITED", "{refused}");
    let retry_after = error["extensions"]["retryAfter"].as_u64().expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // The same quota as HTTP: that is spent too.
    let reply = server.admin().run("{ me { role } }", json!({})).await;
    assert_eq!(reply.status, 429);
    reply.expect_error("RATE_LIMITED");
}

#[tokio::test]
async fn the_download_counts_against_the_rate_limit() {
    let server = with_limit(1).await;
    let download = || {
        server
            .http
            .get(server.url("/export/hmis-csv?from=2026-01-01&to=2026-06-30"))
            .bearer_auth(&server.admin_token)
            .send()
    };
    let first = download().await.expect("download");
    assert_eq!(first.status().as_u16(), 200);
    first.bytes().await.expect("the zip");
    let second = download().await.expect("download");
    assert_eq!(second.status().as_u16(), 429);
    assert!(second.headers().contains_key("retry-after"));
    let body: Value = second.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
}

#[tokio::test]
async fn downloads_are_in_the_audit_trail() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/export/hmis-csv?from=2026-01-01&to=2026-06-30"))
        .bearer_auth(&server.admin_token)
        .send()
        .await
        .expect("download");
    response.bytes().await.expect("the zip");
    let data = server
        .admin()
        .ok(
            "{ auditEvents(first: 100) { nodes { operation recordType changes } } }",
            json!({}),
        )
        .await;
    let exports: Vec<&Value> = data["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|node| node["operation"] == "exportHmisCsv")
        .collect();
    assert_eq!(exports.len(), 1, "{data}");
    assert_eq!(exports[0]["recordType"], "export");
    assert_eq!(exports[0]["changes"]["from"], "2026-01-01");
}

// ---------------------------------------------------------------------------------------------------
// F5: exports are safe to open in a spreadsheet
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn formulas_in_names_are_quoted_in_the_download() {
    let community = Community::new().await;
    let formulas = [
        "=HYPERLINK(\"http://evil.test\",\"x\")",
        "+SUM(1+1)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
    ];
    for formula in formulas {
        community
            .client_in_ce(formula, "-Minus", "2026-01-05")
            .await;
    }
    let response = community
        .server
        .http
        .get(
            community
                .server
                .url("/export/hmis-csv?from=2026-01-01&to=2026-06-30"),
        )
        .bearer_auth(community.plm.token.as_deref().expect("a token"))
        .send()
        .await
        .expect("download");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("the zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let client_csv = zip.by_name("Client.csv").expect("Client.csv");
    let mut rows = csv::Reader::from_reader(client_csv);
    let headers = rows.headers().expect("a header").clone();
    let first = headers
        .iter()
        .position(|h| h == "FirstName")
        .expect("FirstName");
    let last = headers
        .iter()
        .position(|h| h == "LastName")
        .expect("LastName");
    let mut first_names = Vec::new();
    for row in rows.records() {
        let row = row.expect("a row");
        assert_eq!(&row[last], "'-Minus");
        first_names.push(row[first].to_owned());
    }
    for formula in formulas {
        assert!(
            first_names.contains(&format!("'{formula}")),
            "{formula} not quoted in {first_names:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// F6 and the rest of the door: persisted queries, 413, empty reports
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn persisted_queries_are_kept_per_token() {
    let community = Community::new().await;
    let query = "query Secret { organizations { name } }";
    let hash = {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(query.as_bytes()))
    };
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let send = |token: &str, body: Value| {
        community
            .server
            .http
            .post(community.server.url("/graphql"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let admin = community.server.admin_token.clone();
    let staff = community.staff_b.token.clone().expect("a token");
    let first: Value = send(&admin, json!({ "query": query, "extensions": persisted }))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(first["data"]["organizations"].is_array(), "{first}");
    // The admin's hash alone runs it again; another caller learns nothing of it.
    let again: Value = send(&admin, json!({ "extensions": persisted }))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(again["data"]["organizations"].is_array(), "{again}");
    let other: Value = send(&staff, json!({ "extensions": persisted }))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        other["errors"][0]["message"], "PersistedQueryNotFound",
        "{other}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413() {
    let server = TestServer::start_with(ServerSettings {
        body_limit: 4096,
        ..server_settings()
    })
    .await;
    let big = json!({ "query": format!("{{ me {{ role }} }} # {}", "x".repeat(8192)) });
    let response = server
        .http
        .post(server.url("/graphql"))
        .bearer_auth(&server.admin_token)
        .json(&big)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("HEARTH_BODY_LIMIT")),
        "{body}"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_a_json_413_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start_with(ServerSettings {
        body_limit: 4096,
        ..server_settings()
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(server.address)
        .await
        .expect("connect");
    let chunk = format!(
        "{{\"query\": \"{{ me {{ role }} }} #{}\"}}",
        "x".repeat(8192)
    );
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: hearth\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         {:x}\r\n{chunk}\r\n0\r\n\r\n",
        server.admin_token,
        chunk.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:.300}");
    assert!(answer.contains("\"BAD_USER_INPUT\""), "{answer:.600}");
}

#[tokio::test]
async fn an_empty_reports_totals_still_have_an_event_type() {
    let community = Community::new().await;
    let data = community
        .plm
        .ok(
            "{ referralReport(from: \"2020-01-01\", to: \"2020-12-31\") { rows { total } totals { eventType total } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["referralReport"]["rows"], json!([]));
    assert_eq!(data["referralReport"]["totals"]["total"], 0);
    assert!(data["referralReport"]["totals"]["eventType"].is_string());
}

#[tokio::test]
async fn a_socket_message_over_the_body_limit_ends_the_socket() {
    let server = TestServer::start_with(ServerSettings {
        body_limit: 4096,
        ..server_settings()
    })
    .await;
    let mut socket = Subscriber::connect(&server.ws_url(), &server.admin_token, None).await;
    socket
        .subscribe("1", &format!("{{ me {{ role }} }} # {}", "x".repeat(8192)))
        .await;
    assert!(
        socket.ends_within(WAIT).await,
        "the server kept a socket that sent more than HEARTH_BODY_LIMIT"
    );
}

#[tokio::test]
async fn a_token_holds_a_bounded_number_of_sockets() {
    let server = TestServer::start_with(ServerSettings {
        max_sockets_per_token: 2,
        ..server_settings()
    })
    .await;
    let first = Subscriber::connect(&server.ws_url(), &server.admin_token, None).await;
    let _second = Subscriber::connect(&server.ws_url(), &server.admin_token, None).await;
    let mut third = Subscriber::open(&server.ws_url()).await;
    let refused = third.init(&server.admin_token, None).await;
    assert_eq!(refused["type"], "__closed", "{refused}");
    assert_eq!(refused["code"], 4429, "{refused}");
    // A closed socket gives its place back.
    drop(first);
    let mut again = Subscriber::open(&server.ws_url()).await;
    let mut answer = again.init(&server.admin_token, None).await;
    for _ in 0..20 {
        if answer["type"] == "connection_ack" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        again = Subscriber::open(&server.ws_url()).await;
        answer = again.init(&server.admin_token, None).await;
    }
    assert_eq!(answer["type"], "connection_ack", "{answer}");
}

#[tokio::test]
async fn a_socket_runs_a_bounded_number_of_operations() {
    let server = TestServer::start().await;
    let mut socket = Subscriber::connect(&server.ws_url(), &server.admin_token, None).await;
    let limit = hearth::http::sockets::MAX_OPERATIONS_PER_SOCKET;
    for id in 0..limit {
        socket.subscribe(&id.to_string(), REFERRAL_UPDATED).await;
    }
    socket.subscribe("one-too-many", REFERRAL_UPDATED).await;
    // The socket starts its operations in no set order: one of them, whichever comes last, is
    // refused; the others run.
    let refused = socket.next_message(WAIT).await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    let complete = socket.next_message(WAIT).await;
    assert_eq!(complete["type"], "complete", "{complete}");
    assert_eq!(complete["id"], refused["id"]);
    socket.expect_silence(Duration::from_millis(500)).await;
}
