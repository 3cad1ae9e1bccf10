//! Limits on what one request may ask (depth, aliases; the contract's "Limits"), checked before
//! anything runs, and the Prometheus endpoint that counts requests and SQL statements.
//! (The cap on batch size is covered in `foundation.rs`.)

mod common;
mod reads_support;

use common::*;
use reads_support::*;
use serde_json::{Value, json};

/// The statements a request costs that only authenticates (`me { role }` reads no data; a
/// schema-only document such as `{ __typename }` does not even authenticate).
async fn authentication_cost(server: &TestServer, who: &Gql) -> u64 {
    let (reply, cost) = counting(server, who, "{ me { role } }", json!({})).await;
    reply.data();
    cost
}

/// Asserts `reply` was refused as a whole: BAD_USER_INPUT and no data.
fn assert_refused(reply: &Reply, what: &str) {
    assert_eq!(
        reply.error_code(),
        "BAD_USER_INPUT",
        "{what}: {}",
        reply.body
    );
    assert!(
        reply.body["data"].is_null(),
        "{what}: a refused query must return no data: {}",
        reply.body
    );
}

/// A successful referral and its resulting enrollment point at each other, so a chain
/// `ceEvent { resultingEnrollment { resolvedReferral { resultingEnrollment { ... } } } }` has data at
/// every level. Returns (community, CE event, resulting enrollment).
async fn referral_cycle() -> (Community, String, String) {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-02-01")
        .await;
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-01").await;
    community
        .staff_a
        .ok(
            RESOLVE_REFERRAL,
            json!({ "input": {
                "ceEventId": event, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
                "resultingEnrollmentId": housing
            }}),
        )
        .await;
    (community, event, housing)
}

/// A query `depth` fields deep: `ceEvent` at depth 1, `id` at depth `depth`, and in between
/// alternately `resultingEnrollment` and `resolvedReferral` (single objects, so its cost stays low:
/// only the depth limit can refuse it).
fn chain(depth: usize) -> String {
    assert!(depth >= 2);
    let mut query = String::from("query($id: ID!) { ceEvent(id: $id) { ");
    for level in 2..depth {
        query.push_str(if level % 2 == 0 {
            "resultingEnrollment { "
        } else {
            "resolvedReferral { "
        });
    }
    query.push_str("id");
    for _ in 1..depth {
        query.push_str(" }");
    }
    query.push_str(" }");
    query
}

/// The innermost object of a [`chain`] reply.
fn innermost(data: &Value, depth: usize) -> Value {
    let mut node = data["ceEvent"].clone();
    for level in 2..depth {
        let field = if level % 2 == 0 {
            "resultingEnrollment"
        } else {
            "resolvedReferral"
        };
        node = node[field].clone();
    }
    node
}

// ---------------------------------------------------------------------------------------------------
// Depth
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn query_nested_fifteen_deep_runs() {
    let (community, event, housing) = referral_cycle().await;
    let data = community.plm.ok(&chain(15), json!({ "id": event })).await;
    // The field at depth 14 is a resultingEnrollment: the housing enrollment, reached through the
    // referral and back six times.
    let bottom = innermost(&data, 15);
    assert_eq!(bottom["id"], housing.as_str(), "{data}");
}

// ---------------------------------------------------------------------------------------------------
// The benchmark queries and aliases
// ---------------------------------------------------------------------------------------------------

const BENCHMARK_FIELDS: &str = "clients(first: 100) {
    totalCount
    nodes {
      id
      enrollments {
        project { organization { name } }
        ceEvents { referredProject { name } resultingEnrollment { entryDate } }
      }
      ceEvents { id }
    }
  }";

const REFERRALS_BENCHMARK: &str = "{
  referrals(first: 100) {
    totalCount
    nodes {
      status
      client { enrollments { project { organization { name } } } }
      enrollment { ceEvents { referredProject { organization { name } } } }
      resultingEnrollment { project { name } }
    }
  }
}";

/// The benchmark query under `count` aliases in one request.
fn aliased_benchmark(count: usize) -> String {
    let fields: Vec<String> = (0..count)
        .map(|i| format!("c{i}: {BENCHMARK_FIELDS}"))
        .collect();
    format!("{{ {} }}", fields.join("\n"))
}

#[tokio::test]
async fn benchmark_queries_nested_four_levels_with_first_100_pass() {
    let (community, _, _) = referral_cycle().await;
    for who in [&community.plm, &community.staff_a, &community.admin()] {
        let data = who
            .ok(&format!("{{ {BENCHMARK_FIELDS} }}"), json!({}))
            .await;
        assert_eq!(total(&data["clients"]), 1, "{data}");
        let text = data.to_string();
        assert!(
            text.contains("Hope Housing") && text.contains("2026-03-01"),
            "{text}"
        );
        let data = who.ok(REFERRALS_BENCHMARK, json!({})).await;
        assert_eq!(total(&data["referrals"]), 1, "{data}");
        assert_eq!(data["referrals"]["nodes"][0]["status"], "SUCCESSFUL");
    }
}

#[tokio::test]
async fn queries_past_the_depth_or_alias_limit_are_refused_before_they_run() {
    let (community, event, _) = referral_cycle().await;
    let server = &community.server;
    let plm = &community.plm;
    warm_up(plm).await;
    let auth_only = authentication_cost(server, plm).await;
    let id = json!({ "id": event });
    // (case, query, variables): each refused runs no statement beyond authenticating the caller.
    #[rustfmt::skip]
    let cases = [
        ("depth 16", chain(16), id.clone()),
        ("depth 17", chain(17), id.clone()),
        ("depth 40", chain(40), id.clone()),
        ("the benchmark query aliased ten times", aliased_benchmark(10), json!({})),
    ];
    for (name, query, variables) in cases {
        let (reply, cost) = counting(server, plm, &query, variables).await;
        assert_refused(&reply, name);
        assert_eq!(
            cost, auth_only,
            "case {name}: {cost} statements, authentication alone costs {auth_only}"
        );
    }
    // ...while the same chain within the limit reads the database, and the benchmark once is fine.
    let (reply, cost) = counting(server, plm, &chain(15), id).await;
    reply.data();
    assert!(cost > auth_only, "{cost} vs {auth_only}");
    plm.ok(&aliased_benchmark(1), json!({})).await;
}
/// `{ a1: me { role } ... }` with `count` aliases.
fn aliased_me(count: usize) -> String {
    let fields: Vec<String> = (1..=count)
        .map(|i| format!("a{i}: me {{ role }}"))
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

/// `{ me { ...Roles } o1: me { role } ... }` with `operation` aliases there and `fragment` in Roles.
fn aliased_through_a_fragment(operation: usize, fragment: usize) -> String {
    let fields: Vec<String> = (1..=operation)
        .map(|i| format!("o{i}: me {{ role }}"))
        .collect();
    let roles: Vec<String> = (1..=fragment).map(|i| format!("f{i}: role")).collect();
    format!(
        "query {{ me {{ ...Roles }} {} }} fragment Roles on Viewer {{ {} }}",
        fields.join(" "),
        roles.join(" ")
    )
}

/// `{ me { ... on Viewer { i1: role ... } } }` with `count` aliases.
fn aliased_in_an_inline_fragment(count: usize) -> String {
    let fields: Vec<String> = (1..=count).map(|i| format!("i{i}: role")).collect();
    format!("{{ me {{ ... on Viewer {{ {} }} }} }}", fields.join(" "))
}

/// `{ viewer: me { r1: role ... } }`: one alias at the root and `count` below it.
fn aliased_below_the_root(count: usize) -> String {
    let fields: Vec<String> = (1..=count).map(|i| format!("r{i}: role")).collect();
    format!("{{ viewer: me {{ {} }} }}", fields.join(" "))
}

#[tokio::test]
async fn eight_aliases_pass_and_nine_are_refused_wherever_they_are() {
    let server = TestServer::start().await;
    let admin = server.admin();
    // (case, query, for one that passes: (JSON pointers, ADMIN at each))
    #[rustfmt::skip]
    let cases: [(&str, String, &[&str]); 8] = [
        ("eight at the root", aliased_me(8), &["/a8/role"]),
        ("nine at the root", aliased_me(9), &[]),
        ("ten at the root", aliased_me(10), &[]),
        ("thirty at the root", aliased_me(30), &[]),
        // Aliases below the root count too: 1 + 8 = 9.
        ("one at the root and eight below", aliased_below_the_root(8), &[]),
        // Aliases inside a fragment count: 5 in the fragment and 4 in the operation.
        ("four in the operation and five in a fragment", aliased_through_a_fragment(4, 5), &[]),
        ("nine in an inline fragment", aliased_in_an_inline_fragment(9), &[]),
        // Eight spread over the operation and a fragment are fine.
        ("three in the operation and five in a fragment", aliased_through_a_fragment(3, 5), &["/me/f5", "/o3/role"]),
    ];
    for (name, query, passes) in cases {
        let reply = admin.run(&query, json!({})).await;
        if passes.is_empty() {
            assert_refused(&reply, name);
        } else {
            let data = reply.expect_ok(name);
            for pointer in passes {
                assert_eq!(
                    data.pointer(pointer),
                    Some(&json!("ADMIN")),
                    "case {name}: {data}"
                );
            }
        }
    }
}
// ---------------------------------------------------------------------------------------------------
// /metrics
// ---------------------------------------------------------------------------------------------------

/// POSTs a GraphQL request body as-is (to set `operationName`), with `token`.
async fn post(server: &TestServer, token: Option<&str>, body: Value) -> Value {
    let mut request = server.http.post(server.url("/graphql")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("a JSON body")
}

fn requests_total(text: &str, operation: &str, outcome: &str) -> Option<f64> {
    sample(
        text,
        "hearth_graphql_requests_total",
        &format!("operation=\"{operation}\",outcome=\"{outcome}\""),
    )
}

#[tokio::test]
async fn metrics_are_served_as_prometheus_text_without_a_token() {
    let server = TestServer::start().await;
    server.admin().ok("{ me { role } }", json!({})).await;
    // metrics_text asserts 200 and text/plain; no Authorization header is sent.
    let text = metrics_text(&server).await;
    for metric in [
        "hearth_graphql_requests_total",
        "hearth_db_statements_total",
        "hearth_graphql_request_duration_seconds",
    ] {
        assert!(
            text.contains(&format!("# HELP {metric} ")),
            "{metric}:\n{text}"
        );
    }
    assert!(
        text.contains("# TYPE hearth_graphql_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE hearth_db_statements_total counter"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE hearth_graphql_request_duration_seconds histogram"),
        "{text}"
    );
    assert!(statements(&server).await > 0);
    // The statement counter moves when queries run.
    let before = statements(&server).await;
    server
        .admin()
        .ok("{ organizations { name } }", json!({}))
        .await;
    assert!(statements(&server).await > before);
}

#[tokio::test]
async fn metrics_count_requests_by_operation_name_and_outcome() {
    let server = TestServer::start().await;
    let token = server.admin_token.clone();
    let ok_body = json!({ "query": "query MyOp { me { role } }", "operationName": "MyOp" });
    let body = post(&server, Some(&token), ok_body.clone()).await;
    assert_eq!(body["data"]["me"]["role"], "ADMIN");
    let text = metrics_text(&server).await;
    assert_eq!(requests_total(&text, "MyOp", "ok"), Some(1.0), "{text}");
    post(&server, Some(&token), ok_body).await;
    let text = metrics_text(&server).await;
    assert_eq!(requests_total(&text, "MyOp", "ok"), Some(2.0), "{text}");
    assert!(
        sample(
            &text,
            "hearth_graphql_request_duration_seconds_count",
            "operation=\"MyOp\""
        ) == Some(2.0),
        "{text}"
    );

    // A refused argument: counted under its error code.
    let body = post(
        &server,
        Some(&token),
        json!({
            "query": "query TooBig { clients(first: 101) { totalCount } }",
            "operationName": "TooBig"
        }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    // No token: counted as UNAUTHENTICATED.
    let body = post(
        &server,
        None,
        json!({ "query": "query NoToken { me { role } }", "operationName": "NoToken" }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    // An operation without a name.
    server.admin().ok("{ me { role } }", json!({})).await;

    let text = metrics_text(&server).await;
    assert_eq!(
        requests_total(&text, "TooBig", "BAD_USER_INPUT"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(requests_total(&text, "TooBig", "ok"), None, "{text}");
    assert_eq!(
        requests_total(&text, "NoToken", "UNAUTHENTICATED"),
        Some(1.0),
        "{text}"
    );
    assert!(
        requests_total(&text, "anonymous", "ok").is_some_and(|n| n >= 1.0),
        "{text}"
    );
}

#[tokio::test]
async fn metrics_name_an_operation_by_its_name_in_the_document() {
    // Many clients send `query MyOp { ... }` without repeating the name in `operationName`.
    let server = TestServer::start().await;
    let data = server
        .admin()
        .ok("query MyOp { me { role } }", json!({}))
        .await;
    assert_eq!(data["me"]["role"], "ADMIN");
    let text = metrics_text(&server).await;
    assert_eq!(requests_total(&text, "MyOp", "ok"), Some(1.0), "{text}");
}
