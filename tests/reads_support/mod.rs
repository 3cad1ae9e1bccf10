//! Helpers shared by the read-path and limits tests: the Prometheus endpoint (the SQL statement counter
//! and the request counter) and small JSON accessors. Include with `mod common; mod reads_support;`.

#![allow(dead_code)]

use crate::common::{Gql, Reply, TestServer};
use serde_json::{Value, json};

/// The body of `GET /metrics`, asserting it is served as Prometheus text.
pub async fn metrics_text(server: &TestServer) -> String {
    let response = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics");
    assert_eq!(response.status().as_u16(), 200, "GET /metrics");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain"),
        "/metrics content type: {content_type}"
    );
    response.text().await.expect("metrics text")
}

/// The value of the sample line `name{labels} value` (or `name value` when `labels` is empty).
pub fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let wanted = if labels.is_empty() {
        name.to_owned()
    } else {
        format!("{name}{{{labels}}}")
    };
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            (key == wanted).then(|| value.parse().ok()).flatten()
        })
}

/// `hearth_db_statements_total`: the SQL statements this server has run so far.
pub async fn statements(server: &TestServer) -> u64 {
    let text = metrics_text(server).await;
    sample(&text, "hearth_db_statements_total", "")
        .unwrap_or_else(|| panic!("no hearth_db_statements_total in /metrics:\n{text}")) as u64
}

/// Runs `query` as `who` and returns its reply and how many SQL statements the server ran for it.
pub async fn counting(
    server: &TestServer,
    who: &Gql,
    query: &str,
    variables: Value,
) -> (Reply, u64) {
    // Signed in a moment ago, as most requests are: the sign-in is kept (`service::sessions`) and
    // costs nothing, rather than a look-up or not depending on how long ago it was kept.
    server.services.sessions.forget_all();
    warm_up(who).await;
    let before = statements(server).await;
    let reply = who.run(query, variables).await;
    let after = statements(server).await;
    (reply, after - before)
}

/// One request that needs authentication and nothing else, so that the token's last-used time is
/// fresh and the next requests are not charged for updating it.
pub async fn warm_up(who: &Gql) {
    // Not `{ __typename }`: a schema-only document is answered without signing in.
    who.ok("{ me { role } }", json!({})).await;
}

/// The `id`s of an array of objects.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .map(|item| {
            item["id"]
                .as_str()
                .unwrap_or_else(|| panic!("expected an id in {item}"))
                .to_owned()
        })
        .collect()
}

/// Owned copies of borrowed ids, to compare with [`ids`].
pub fn owned(list: &[&String]) -> Vec<String> {
    list.iter().map(|s| (*s).clone()).collect()
}

/// Sorted, for comparing sets.
pub fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list
}

/// A list field's entries' ids, sorted (for comparing sets that may come in any order).
pub fn id_set(list: &Value) -> Vec<String> {
    sorted(ids(list))
}

/// `totalCount` of a connection.
pub fn total(connection: &Value) -> i64 {
    connection["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected totalCount in {connection}"))
}
