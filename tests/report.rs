//! The referral report (HUD CE APR Q9d / Q10 style) against a hand-made dataset, in each role's scope.

mod common;

use common::*;
use serde_json::{Value, json};

const REPORT: &str = "query($from: Date!, $to: Date!, $project: ID) {
  referralReport(from: $from, to: $to, projectId: $project) {
    from to
    rows { eventType referredProject { id } total successful clientRejected providerRejected noResult
           medianDaysToResult p90DaysToResult }
    totals { total successful clientRejected providerRejected noResult medianDaysToResult p90DaysToResult }
  }
}";

async fn resolve_successfully(
    staff: &Gql,
    client: &str,
    project: &str,
    referral: &str,
    entry: &str,
) {
    let enrollment = create_enrollment(staff, client, project, entry).await;
    staff
        .ok(
            RESOLVE_REFERRAL,
            json!({ "input": { "ceEventId": referral, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
                "resultingEnrollmentId": enrollment } }),
        )
        .await;
}

async fn resolve_unsuccessfully(staff: &Gql, referral: &str, result: &str, date: &str) {
    staff
        .ok(
            RESOLVE_REFERRAL,
            json!({ "input": { "ceEventId": referral, "referralResult": result, "resultDate": date } }),
        )
        .await;
}

/// Builds the dataset of the module doc: returns the community.
async fn dataset() -> Community {
    let c = Community::new().await;
    let mut psh_a_referrals = Vec::new();
    for i in 0..5 {
        let (client, ce) = c
            .client_in_ce("Case", &format!("Number{i}"), "2026-01-05")
            .await;
        let event =
            create_ce_event(&c.plm, &ce, "2026-02-01", "REFERRAL_TO_PSH", Some(&c.psh_a)).await;
        psh_a_referrals.push((client, event));
    }
    // Days to result at PSH A: 3, 10 (successful), 5 (client rejected), 20 (provider rejected), one pending.
    resolve_successfully(
        &c.staff_a,
        &psh_a_referrals[0].0,
        &c.psh_a,
        &psh_a_referrals[0].1,
        "2026-02-04",
    )
    .await;
    resolve_successfully(
        &c.staff_a,
        &psh_a_referrals[1].0,
        &c.psh_a,
        &psh_a_referrals[1].1,
        "2026-02-11",
    )
    .await;
    resolve_unsuccessfully(
        &c.staff_a,
        &psh_a_referrals[2].1,
        "UNSUCCESSFUL_CLIENT_REJECTED",
        "2026-02-06",
    )
    .await;
    resolve_unsuccessfully(
        &c.staff_a,
        &psh_a_referrals[3].1,
        "UNSUCCESSFUL_PROVIDER_REJECTED",
        "2026-02-21",
    )
    .await;

    let (_, ce) = c.client_in_ce("Rapid", "Pending", "2026-01-05").await;
    create_ce_event(&c.plm, &ce, "2026-03-01", "REFERRAL_TO_RRH", Some(&c.rrh_a)).await;

    let (_, ce) = c.client_in_ce("Harbor", "Declined", "2026-01-05").await;
    let to_b = create_ce_event(&c.plm, &ce, "2026-02-01", "REFERRAL_TO_PSH", Some(&c.psh_b)).await;
    resolve_unsuccessfully(
        &c.staff_b,
        &to_b,
        "UNSUCCESSFUL_PROVIDER_REJECTED",
        "2026-02-03",
    )
    .await;

    let (_, ce) = c.client_in_ce("Assessed", "Only", "2026-01-05").await;
    create_ce_event(
        &c.plm,
        &ce,
        "2026-01-20",
        "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
        None,
    )
    .await;
    // Before the period: not counted.
    create_ce_event(
        &c.plm,
        &ce,
        "2026-01-10",
        "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
        None,
    )
    .await;
    c
}

fn row<'a>(report: &'a Value, event_type: &str, project: Option<&str>) -> &'a Value {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["eventType"] == event_type && r["referredProject"]["id"].as_str() == project)
        .unwrap_or_else(|| panic!("no row {event_type} {project:?} in {report}"))
}

fn counts(row: &Value) -> [i64; 5] {
    [
        "total",
        "successful",
        "clientRejected",
        "providerRejected",
        "noResult",
    ]
    .map(|field| {
        row[field]
            .as_i64()
            .unwrap_or_else(|| panic!("{field} in {row}"))
    })
}

#[tokio::test]
async fn report_counts_and_days_to_result_match_the_dataset_for_the_plm() {
    let c = dataset().await;
    let data = c
        .plm
        .ok(REPORT, json!({ "from": "2026-01-15", "to": "2026-06-15" }))
        .await;
    let report = &data["referralReport"];
    assert_eq!(report["from"], "2026-01-15");
    assert_eq!(report["rows"].as_array().map(Vec::len), Some(4), "{report}");

    let psh_a = row(report, "REFERRAL_TO_PSH", Some(&c.psh_a));
    assert_eq!(counts(psh_a), [5, 2, 1, 1, 1]);
    assert_eq!(psh_a["medianDaysToResult"], 7.5);
    assert_eq!(psh_a["p90DaysToResult"], 17.0);

    let psh_b = row(report, "REFERRAL_TO_PSH", Some(&c.psh_b));
    assert_eq!(counts(psh_b), [1, 0, 0, 1, 0]);
    assert_eq!(psh_b["medianDaysToResult"], 2.0);

    let rrh = row(report, "REFERRAL_TO_RRH", Some(&c.rrh_a));
    assert_eq!(counts(rrh), [1, 0, 0, 0, 1]);
    assert!(rrh["medianDaysToResult"].is_null());

    let assessment = row(report, "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT", None);
    assert_eq!(counts(assessment), [1, 0, 0, 0, 1]);

    let totals = &report["totals"];
    assert_eq!(counts(totals), [8, 2, 1, 2, 3]);
    assert_eq!(totals["medianDaysToResult"], 5.0);
    assert_eq!(totals["p90DaysToResult"], 16.0);
}

#[tokio::test]
async fn report_is_scoped_to_the_housing_organizations_referrals() {
    let c = dataset().await;
    let data = c
        .staff_a
        .ok(REPORT, json!({ "from": "2026-01-15", "to": "2026-06-15" }))
        .await;
    let report = &data["referralReport"];
    assert_eq!(report["rows"].as_array().map(Vec::len), Some(2), "{report}");
    assert_eq!(
        counts(row(report, "REFERRAL_TO_PSH", Some(&c.psh_a))),
        [5, 2, 1, 1, 1]
    );
    assert_eq!(counts(&report["totals"]), [6, 2, 1, 1, 2]);
}

#[tokio::test]
async fn report_filters_by_project_and_period() {
    let c = dataset().await;
    let data = c
        .plm
        .ok(
            REPORT,
            json!({ "from": "2026-01-15", "to": "2026-06-15", "project": c.psh_b }),
        )
        .await;
    let report = &data["referralReport"];
    assert_eq!(report["rows"].as_array().map(Vec::len), Some(1));
    assert_eq!(counts(&report["totals"]), [1, 0, 0, 1, 0]);

    let early = c
        .plm
        .ok(REPORT, json!({ "from": "2026-01-01", "to": "2026-01-31" }))
        .await;
    assert_eq!(counts(&early["referralReport"]["totals"]), [2, 0, 0, 0, 2]);
}

#[tokio::test]
async fn report_period_must_be_ordered() {
    let c = Community::new().await;
    let reply = c
        .plm
        .run(REPORT, json!({ "from": "2026-05-01", "to": "2026-04-01" }))
        .await;
    reply.expect_error("BAD_USER_INPUT");
}
