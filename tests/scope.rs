//! One place decides visibility (`service::scope`): a soft-deleted project is invisible to everyone
//! wherever it would appear, looked up, listed or nested.

mod common;

use common::*;
use sea_orm::ConnectionTrait;
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

    let sql = format!(
        "UPDATE project SET date_deleted = '2026-03-01T00:00:00Z' WHERE id = '{}'",
        c.rrh_a
    );
    let db = &c.server.services.db;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // SQLite keeps UUIDs as 16-byte blobs.
        let hex = c.rrh_a.replace('-', "");
        db.execute_unprepared(&format!(
            "UPDATE project SET date_deleted = '2026-03-01T00:00:00Z' WHERE id = x'{hex}'"
        ))
        .await
        .expect("soft-delete");
    } else {
        db.execute_unprepared(&sql).await.expect("soft-delete");
    }
    for who in [c.plm.clone(), c.staff_a.clone()] {
        let (referred, looked_up, listed) = read(who).await;
        assert_eq!(referred, Value::Null, "referredProject");
        assert_eq!(looked_up, Value::Null, "project(id)");
        assert!(!listed, "organization.projects");
    }
}
