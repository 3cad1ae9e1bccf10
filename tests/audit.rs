//! The audit trail: each step of the workflow with the right user and organization, failed mutations
//! leave nothing, and housing staff's reads of client records are recorded.

mod common;

use common::*;
use serde_json::{Value, json};

const AUDIT: &str = "query($record: ID) {
  auditEvents(recordId: $record, first: 100) {
    totalCount
    nodes { operation recordType recordId changes user { email } organization { id } }
  }
}";

async fn audit_of(c: &Community, record: Option<&str>) -> Value {
    let data = c.admin().ok(AUDIT, json!({ "record": record })).await;
    data["auditEvents"].clone()
}

fn operations(page: &Value) -> Vec<String> {
    page["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["operation"].as_str().expect("operation").to_owned())
        .collect()
}

#[tokio::test]
async fn the_audit_trail_shows_each_step_of_a_referral_with_its_user_and_organization() {
    let c = Community::new().await;
    let (client, _, referral) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let enrollment = create_enrollment(&c.staff_a, &client, &c.psh_a, "2026-02-10").await;
    c.staff_a
        .ok(
            RESOLVE_REFERRAL,
            json!({ "input": { "ceEventId": referral, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
                "resultingEnrollmentId": enrollment } }),
        )
        .await;

    let trail = audit_of(&c, Some(&referral)).await;
    assert_eq!(operations(&trail), ["createCeEvent", "resolveReferral"]);
    let created = &trail["nodes"][0];
    assert_eq!(created["user"]["email"], "plm@ce.test");
    assert_eq!(created["organization"]["id"], c.ce_org.as_str());
    assert_eq!(created["changes"]["event_type"]["new"], 14);
    let resolved = &trail["nodes"][1];
    assert_eq!(resolved["recordType"], "ce_event");
    assert_eq!(resolved["user"]["email"], "staff@hope.test");
    assert_eq!(resolved["organization"]["id"], c.housing_a.as_str());
    assert_eq!(
        resolved["changes"]["referral_result"],
        json!({ "old": null, "new": 1 })
    );
    assert_eq!(resolved["changes"]["result_date"]["new"], "2026-02-10");
    assert_eq!(
        resolved["changes"]["resulting_enrollment_id"]["new"],
        enrollment.as_str()
    );

    let intake = audit_of(&c, Some(&enrollment)).await;
    assert_eq!(operations(&intake), ["createEnrollment"]);
    assert_eq!(
        intake["nodes"][0]["organization"]["id"],
        c.housing_a.as_str()
    );

    // The same history through the record's own field.
    let field = c
        .admin()
        .ok(
            "query($id: ID!) { ceEvent(id: $id) { auditTrail { operation } } }",
            json!({ "id": referral }),
        )
        .await;
    assert_eq!(
        field["ceEvent"]["auditTrail"].as_array().map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn a_failed_mutation_leaves_no_audit_row() {
    let c = Community::new().await;
    let (_, _, referral) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let count = || async {
        audit_of(&c, None).await["totalCount"]
            .as_i64()
            .expect("count")
    };
    let before = count().await;
    // (case, who resolves the referral, the result date, the code answered, what it says)
    #[rustfmt::skip]
    let cases = [
        ("dated before the referral", &c.staff_a, "2026-01-01", "BAD_USER_INPUT", "before the eventDate 2026-02-01"),
        ("by another organization", &c.staff_b, "2026-03-01", "NOT_FOUND", "is visible to you"),
    ];
    for (name, who, result_date, code, says) in cases {
        let reply = who
            .run(
                RESOLVE_REFERRAL,
                json!({ "input": {
                    "ceEventId": referral, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
                    "resultDate": result_date
                }}),
            )
            .await;
        reply.expect_refused(name, code, says);
        assert_eq!(count().await, before, "case {name}");
    }
}

#[tokio::test]
async fn housing_staff_reads_of_client_records_are_recorded_and_plm_reads_are_not() {
    let c = Community::new().await;
    let (client, _, _) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let read = "query($id: ID!) { client(id: $id) { firstName lastName } }";
    c.plm.ok(read, json!({ "id": client })).await;
    assert!(
        operations(&audit_of(&c, Some(&client)).await)
            .iter()
            .all(|op| op != "read")
    );

    c.staff_a.ok(read, json!({ "id": client })).await;
    let trail = audit_of(&c, Some(&client)).await;
    let reads: Vec<&Value> = trail["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["operation"] == "read")
        .collect();
    assert_eq!(reads.len(), 1, "{trail}");
    assert_eq!(reads[0]["user"]["email"], "staff@hope.test");
    assert_eq!(reads[0]["organization"]["id"], c.housing_a.as_str());
}

/// Reads at the same time share the read audit's INSERT (group commit): every one is still
/// recorded, once, each with its own user and organization.
#[tokio::test]
async fn concurrent_reads_are_each_recorded_once() {
    let c = Community::new().await;
    let (client_a, _, _) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let (client_b, _, _) = c.referral("REFERRAL_TO_PSH", &c.psh_b, "2026-02-01").await;
    let read = "query($id: ID!) { client(id: $id) { firstName } }";
    let reads = (0..16).map(|i| {
        let (who, client) = match i % 2 {
            0 => (&c.staff_a, &client_a),
            _ => (&c.staff_b, &client_b),
        };
        async move { who.ok(read, json!({ "id": client })).await }
    });
    futures_util::future::join_all(reads).await;
    for (client, email) in [
        (&client_a, "staff@hope.test"),
        (&client_b, "staff@harbor.test"),
    ] {
        let trail = audit_of(&c, Some(client)).await;
        let readers: Vec<&Value> = trail["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter(|n| n["operation"] == "read")
            .map(|n| &n["user"]["email"])
            .collect();
        assert_eq!(readers.len(), 8, "{trail}");
        assert!(readers.iter().all(|reader| *reader == email), "{trail}");
    }
}

#[tokio::test]
async fn only_admin_reads_the_whole_audit_trail() {
    let c = Community::new().await;
    for who in [&c.plm, &c.staff_a] {
        who.run(AUDIT, json!({})).await.expect_error("FORBIDDEN");
    }
}

/// `auditEvents` is a Relay connection: `edges` and `pageInfo` page through the whole trail, and
/// the deprecated `endCursor`/`hasNextPage` still answer as before (null cursor on the last page).
#[tokio::test]
async fn the_audit_trail_pages_as_a_relay_connection() {
    let c = Community::new().await;
    let everything = audit_of(&c, None).await;
    let all = operations(&everything);
    assert!(all.len() > 5, "the community's set-up is audited: {all:?}");
    const PAGE: &str = "query($after: String) {
      auditEvents(first: 2, after: $after) {
        edges { cursor node { id operation } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        endCursor hasNextPage totalCount
      }
    }";
    let (mut after, mut seen, mut pages) = (Value::Null, Vec::new(), 0);
    loop {
        let data = c.admin().ok(PAGE, json!({ "after": after })).await;
        let page = &data["auditEvents"];
        let edges = page["edges"].as_array().expect("edges");
        let info = &page["pageInfo"];
        assert_eq!(info["startCursor"], edges[0]["cursor"]);
        assert_eq!(info["endCursor"], edges[edges.len() - 1]["cursor"]);
        assert_eq!(info["hasPreviousPage"], json!(pages > 0));
        assert_eq!(page["hasNextPage"], info["hasNextPage"]);
        assert_eq!(page["totalCount"], json!(all.len()));
        seen.extend(edges.iter().map(|e| e["node"]["operation"].clone()));
        pages += 1;
        if info["hasNextPage"] != json!(true) {
            assert!(
                page["endCursor"].is_null(),
                "the old endCursor is null on the last page"
            );
            break;
        }
        assert_eq!(page["endCursor"], info["endCursor"]);
        after = info["endCursor"].clone();
    }
    assert_eq!(seen, all.iter().map(|o| json!(o)).collect::<Vec<_>>());
    assert_eq!(pages, all.len().div_ceil(2));
}
