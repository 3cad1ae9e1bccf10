//! Projects and organizations kept in memory for nested fields (`service::catalog`), through HTTP
//! on one server: a project or organization read a moment ago costs a nested field no statement;
//! one not found is never kept, so a row that appears is seen on the very next request; a row changed
//! behind the servers' back is seen within a second.

mod common;
mod reads_support;

use common::*;
use reads_support::statements;
use serde_json::{Value, json};
use std::time::Duration;

const BARE: &str = "query($e: ID!) { ceEvent(id: $e) { id } }";
const NESTED: &str =
    "query($e: ID!) { ceEvent(id: $e) { id referredProject { name organization { name } } } }";

/// The statements `query` costs the PLM for the referral `event`.
async fn cost(c: &Community, query: &str, event: &str) -> (Value, u64) {
    let before = statements(&c.server).await;
    let data = c.plm.ok(query, json!({ "e": event })).await;
    (data, statements(&c.server).await - before)
}

#[tokio::test]
async fn a_project_and_organization_read_a_moment_ago_cost_a_nested_field_no_statement() {
    let c = Community::new().await;
    let (_, _, referral) = c.referral("REFERRAL_TO_RRH", &c.rrh_a, "2026-02-01").await;
    // Warm the sign-in, so that only the nested fields differ.
    cost(&c, BARE, &referral).await;
    let (_, bare) = cost(&c, BARE, &referral).await;
    c.server.services.sessions.forget_all();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    cost(&c, BARE, &referral).await;
    let (_, cold) = cost(&c, NESTED, &referral).await;
    assert_eq!(
        cold,
        bare + 2,
        "the project, then its organization, read once"
    );
    let (data, warm) = cost(&c, NESTED, &referral).await;
    assert_eq!(warm, bare, "both kept: the nested fields cost nothing");
    assert!(
        data["ceEvent"]["referredProject"]["organization"]["name"].is_string(),
        "{data}"
    );
}

#[tokio::test]
async fn a_project_not_found_is_not_kept_and_one_changed_behind_the_api_is_seen_within_a_second() {
    let c = Community::new().await;
    let (_, _, referral) = c.referral("REFERRAL_TO_RRH", &c.rrh_a, "2026-02-01").await;
    let referred = |data: Value| data["ceEvent"]["referredProject"].clone();
    assert!(referred(cost(&c, NESTED, &referral).await.0).is_object());

    update_behind_the_api(
        &c.server,
        "project",
        "date_deleted = '2026-03-01T00:00:00Z'",
        &c.rrh_a,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(referred(cost(&c, NESTED, &referral).await.0), Value::Null);

    // Not found a moment ago, and back now: seen at once, since a miss is never kept.
    update_behind_the_api(&c.server, "project", "date_deleted = NULL", &c.rrh_a).await;
    assert!(referred(cost(&c, NESTED, &referral).await.0).is_object());
}
