//! One place decides visibility (`service::scope`): a soft-deleted project is invisible to everyone
//! wherever it would appear, looked up, listed or nested; a stored HUD code is decoded in one
//! place, and one outside HUD's list is a fault, never a default.

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_soft_deleted_project_is_null_looked_up_and_nested() {
    let c = Community::new().await;
    let (_, _, referral) = c.referral("REFERRAL_TO_RRH", &c.rrh_a, "2026-02-01").await;
    let read = |who: Gql| {
        let (referral, project, org) = (referral.clone(), c.rrh_a.clone(), c.housing_a.clone());
        async move {
            who.ok(
                "query($e: ID!, $p: ID!) { ceEvent(id: $e) { referredProject { id } }
                   project(id: $p) { id } organizations { id projects { id } } }",
                json!({ "e": referral, "p": project }),
            )
            .await
            .as_object()
            .map(|data| {
                let projects: Vec<Value> = data["organizations"]
                    .as_array()
                    .expect("organizations")
                    .iter()
                    .filter(|o| o["id"] == org.as_str())
                    .flat_map(|o| o["projects"].as_array().cloned().unwrap_or_default())
                    .map(|p| p["id"].clone())
                    .collect();
                (
                    data["ceEvent"]["referredProject"].clone(),
                    data["project"].clone(),
                    projects.contains(&json!(project)),
                )
            })
            .expect("data")
        }
    };
    let (referred, looked_up, listed) = read(c.plm.clone()).await;
    assert_eq!(referred["id"], c.rrh_a.as_str());
    assert_eq!(looked_up["id"], c.rrh_a.as_str());
    assert!(listed);

    update_behind_the_api(
        &c.server,
        "project",
        "date_deleted = '2026-03-01T00:00:00Z'",
        &c.rrh_a,
    )
    .await;
    // A project changed behind the servers' back is seen by nested fields within a second: the
    // catalog of projects and organizations keeps a row that long (`service::catalog::AGE`).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for who in [c.plm.clone(), c.staff_a.clone()] {
        let (referred, looked_up, listed) = read(who).await;
        assert_eq!(referred, Value::Null, "referredProject");
        assert_eq!(looked_up, Value::Null, "project(id)");
        assert!(!listed, "organization.projects");
    }
}

#[tokio::test]
async fn an_unknown_stored_code_is_one_clear_internal_error_never_pending() {
    let c = Community::new().await;
    let (_, _, referral) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    update_behind_the_api(&c.server, "ce_event", "referral_result = 9", &referral).await;
    for field in ["status", "referralResult"] {
        let reply = c
            .plm
            .run(
                &format!("query($id: ID!) {{ ceEvent(id: $id) {{ id {field} }} }}"),
                json!({ "id": referral }),
            )
            .await;
        reply.expect_error("INTERNAL_SERVER_ERROR");
    }
}
