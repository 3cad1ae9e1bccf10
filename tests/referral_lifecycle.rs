//! The referral's lifecycle (rules L1-L7) through the API: acknowledge, notes, decline with a reason,
//! reopen, correct, cancel; races settled by the database; every change audited and announced.

mod common;

use common::ws::Subscriber;
use common::*;
use serde_json::{Value, json};

const ACKNOWLEDGE: &str = "mutation($id: ID!) {
  acknowledgeReferral(input: { ceEventId: $id }) { id status acknowledgedAt acknowledgedBy { email } }
}";
const NOTE: &str = "mutation($id: ID!, $text: String!) {
  addReferralNote(input: { ceEventId: $id, text: $text }) { id text author { email } organization { name } }
}";
const REOPEN: &str = "mutation($id: ID!, $reason: String!) {
  reopenReferral(input: { ceEventId: $id, reason: $reason }) { id status referralResult resultDate resultingEnrollment { id } declineReason }
}";
const CANCEL: &str = "mutation($id: ID!, $reason: String!) {
  cancelReferral(input: { ceEventId: $id, reason: $reason }) { id status cancelledAt cancellationReason }
}";
const CORRECT: &str = "mutation($input: CorrectReferralInput!) {
  correctReferral(input: $input) { id status referralResult resultDate resultingEnrollment { id } declineReason }
}";
const DECLINE: &str = "mutation($input: ResolveReferralInput!) {
  resolveReferral(input: $input) { id status referralResult declineReason notes { text author { email } } }
}";
const READ: &str = "query($id: ID!) {
  ceEvent(id: $id) {
    status referralResult resultDate declineReason acknowledgedAt cancelledAt
    resultingEnrollment { id } notes { text organization { name } }
  }
}";

async fn read(who: &Gql, event: &str) -> Value {
    who.ok(READ, json!({ "id": event })).await["ceEvent"].clone()
}

fn decline(event: &str, result: &str, reason: Option<&str>, note: Option<&str>) -> Value {
    json!({ "input": {
        "ceEventId": event, "referralResult": result, "resultDate": "2026-02-05",
        "declineReason": reason, "note": note
    }})
}

/// A referral of a new client to Hope PSH, resolved successfully with a housing enrollment.
async fn resolved_referral(c: &Community) -> (String, String, String) {
    let (client, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let housed = create_enrollment(&c.staff_a, &client, &c.psh_a, "2026-02-10").await;
    resolve(
        &c.staff_a,
        &event,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&housed),
    )
    .await
    .data();
    (client, housed, event)
}

#[tokio::test]
async fn the_referred_program_acknowledges_a_pending_referral_once() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    c.staff_b
        .run(ACKNOWLEDGE, json!({ "id": event }))
        .await
        .expect_error("NOT_FOUND");
    c.plm
        .run(ACKNOWLEDGE, json!({ "id": event }))
        .await
        .expect_error("FORBIDDEN");
    let first = c.staff_a.ok(ACKNOWLEDGE, json!({ "id": event })).await;
    let at = first["acknowledgeReferral"]["acknowledgedAt"].clone();
    assert!(at.is_string(), "{first}");
    assert_eq!(
        first["acknowledgeReferral"]["acknowledgedBy"]["email"],
        "staff@hope.test"
    );
    let again = c.staff_a.ok(ACKNOWLEDGE, json!({ "id": event })).await;
    assert_eq!(
        again["acknowledgeReferral"]["acknowledgedAt"], at,
        "the first is kept"
    );

    // The inbox: new referrals are pending and unacknowledged.
    let (_, _, fresh) = c.referral("REFERRAL_TO_RRH", &c.rrh_a, "2026-02-02").await;
    let inbox = c
        .staff_a
        .ok(
            "{ referrals(status: PENDING, acknowledged: false) { nodes { id } } }",
            json!({}),
        )
        .await;
    let ids: Vec<&Value> = inbox["referrals"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| &n["id"])
        .collect();
    assert_eq!(ids, [&json!(fresh)]);

    let (_, _, done) = resolved_referral(&c).await;
    c.staff_a
        .run(ACKNOWLEDGE, json!({ "id": done }))
        .await
        .expect_error("CONFLICT");
}

#[tokio::test]
async fn notes_are_written_by_either_side_and_seen_by_whoever_sees_the_referral() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    c.plm
        .ok(
            NOTE,
            json!({ "id": event, "text": "  Prefers a ground floor unit  " }),
        )
        .await;
    let staff = c
        .staff_a
        .ok(
            NOTE,
            json!({ "id": event, "text": "Intake booked for Tuesday" }),
        )
        .await;
    assert_eq!(
        staff["addReferralNote"]["organization"]["name"],
        "Hope Housing"
    );
    c.staff_b
        .run(NOTE, json!({ "id": event, "text": "hello" }))
        .await
        .expect_error("NOT_FOUND");
    for bad in ["   ", &"x".repeat(2001)] {
        c.plm
            .run(NOTE, json!({ "id": event, "text": bad }))
            .await
            .expect_error("BAD_USER_INPUT");
    }
    let texts: Vec<String> = read(&c.staff_a, &event).await["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        texts,
        ["Prefers a ground floor unit", "Intake booked for Tuesday"]
    );
}

#[tokio::test]
async fn a_decline_reason_agrees_with_the_result_and_the_other_reasons_need_a_note() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let cases = [
        decline(
            &event,
            "UNSUCCESSFUL_PROVIDER_REJECTED",
            Some("CLIENT_DECLINED"),
            None,
        ),
        decline(
            &event,
            "UNSUCCESSFUL_CLIENT_REJECTED",
            Some("PROVIDER_NO_VACANCY"),
            None,
        ),
        decline(
            &event,
            "UNSUCCESSFUL_PROVIDER_REJECTED",
            Some("PROVIDER_OTHER"),
            None,
        ),
        decline(
            &event,
            "UNSUCCESSFUL_CLIENT_REJECTED",
            Some("CLIENT_OTHER"),
            Some("  "),
        ),
        decline(
            &event,
            "UNSUCCESSFUL_CLIENT_REJECTED",
            None,
            Some(&"n".repeat(2001)),
        ),
    ];
    for input in cases {
        c.staff_a
            .run(DECLINE, input.clone())
            .await
            .expect_error("BAD_USER_INPUT");
    }
    let housed = unknown_id();
    let success_with_reason = json!({ "input": {
        "ceEventId": event, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
        "resultingEnrollmentId": housed, "declineReason": "CLIENT_DECLINED"
    }});
    c.staff_a
        .run(DECLINE, success_with_reason)
        .await
        .expect_error("BAD_USER_INPUT");
    let declined = c
        .staff_a
        .ok(
            DECLINE,
            decline(
                &event,
                "UNSUCCESSFUL_PROVIDER_REJECTED",
                Some("PROVIDER_OTHER"),
                Some("The unit failed inspection"),
            ),
        )
        .await;
    let declined = &declined["resolveReferral"];
    assert_eq!(declined["declineReason"], "PROVIDER_OTHER");
    assert_eq!(declined["notes"][0]["text"], "The unit failed inspection");
    assert_eq!(declined["notes"][0]["author"]["email"], "staff@hope.test");
}

#[tokio::test]
async fn a_resolution_is_reopened_with_a_reason_and_the_enrollment_stays() {
    let c = Community::new().await;
    let (_, housed, event) = resolved_referral(&c).await;
    c.staff_b
        .run(REOPEN, json!({ "id": event, "reason": "mistake" }))
        .await
        .expect_error("NOT_FOUND");
    for bad in ["", &"r".repeat(501)] {
        c.staff_a
            .run(REOPEN, json!({ "id": event, "reason": bad }))
            .await
            .expect_error("BAD_USER_INPUT");
    }
    let reopened = c
        .staff_a
        .ok(
            REOPEN,
            json!({ "id": event, "reason": "Resolved on the wrong client" }),
        )
        .await;
    let reopened = &reopened["reopenReferral"];
    assert_eq!(reopened["status"], "PENDING");
    assert_eq!(
        (
            &reopened["referralResult"],
            &reopened["resultDate"],
            &reopened["resultingEnrollment"]
        ),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    assert_ne!(
        read_enrollment(&c.staff_a, &housed).await,
        Value::Null,
        "the enrollment stays"
    );
    let notes = read(&c.staff_a, &event).await["notes"].clone();
    assert!(
        notes.to_string().contains("Resolved on the wrong client"),
        "{notes}"
    );
    c.staff_a
        .run(REOPEN, json!({ "id": event, "reason": "again" }))
        .await
        .expect_error("CONFLICT");
    // The trail names who, as which organization, and why.
    let trail = c
        .admin()
        .ok(
            "query($id: ID!) { auditEvents(recordId: $id) { nodes { operation user { email } organization { name } } } }",
            json!({ "id": event }),
        )
        .await;
    let text = trail.to_string();
    assert!(
        text.contains("reopenReferral") && text.contains("staff@hope.test"),
        "{text}"
    );
    // And it resolves again with the same enrollment.
    resolve(
        &c.staff_a,
        &event,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&housed),
    )
    .await
    .data();
}

#[tokio::test]
async fn a_correction_replaces_the_resolution_under_the_resolution_s_rules() {
    let c = Community::new().await;
    let (_, housed, event) = resolved_referral(&c).await;
    let correct = |input: Value| {
        let staff = c.staff_a.clone();
        async move { staff.run(CORRECT, json!({ "input": input })).await }
    };
    correct(json!({ "ceEventId": event, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED", "reason": "wrong" }))
        .await
        .expect_error("BAD_USER_INPUT"); // resultDate is required
    correct(json!({ "ceEventId": event, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED", "resultDate": "2026-02-05", "reason": "" }))
        .await
        .expect_error("BAD_USER_INPUT");
    let corrected = correct(json!({
        "ceEventId": event, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
        "resultDate": "2026-02-05", "declineReason": "CLIENT_DECLINED",
        "reason": "The client declined; the enrollment was entered by mistake"
    }))
    .await;
    let corrected = &corrected.data()["correctReferral"];
    assert_eq!(corrected["status"], "UNSUCCESSFUL");
    assert_eq!(corrected["resultingEnrollment"], Value::Null);
    assert_eq!(corrected["declineReason"], "CLIENT_DECLINED");
    // Back to the success: the old resulting enrollment no longer counts as taken.
    let back = correct(json!({
        "ceEventId": event, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
        "resultingEnrollmentId": housed, "reason": "It was right after all"
    }))
    .await;
    assert_eq!(
        back.data()["correctReferral"]["resultingEnrollment"]["id"],
        json!(housed)
    );
    let (_, _, pending) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    correct(json!({ "ceEventId": pending, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED", "resultDate": "2026-02-05", "reason": "x" }))
        .await
        .expect_error("CONFLICT");
}

#[tokio::test]
async fn the_ce_side_cancels_a_pending_referral_made_in_error() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    c.staff_a
        .run(CANCEL, json!({ "id": event, "reason": "wrong program" }))
        .await
        .expect_error("FORBIDDEN");
    c.plm
        .run(CANCEL, json!({ "id": event, "reason": " " }))
        .await
        .expect_error("BAD_USER_INPUT");
    let cancelled = c
        .plm
        .ok(
            CANCEL,
            json!({ "id": event, "reason": "Referred to the wrong program" }),
        )
        .await;
    let cancelled = &cancelled["cancelReferral"];
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(
        cancelled["cancellationReason"],
        "Referred to the wrong program"
    );
    c.plm
        .run(CANCEL, json!({ "id": event, "reason": "again" }))
        .await
        .expect_error("CONFLICT");
    resolve(
        &c.staff_a,
        &event,
        "UNSUCCESSFUL_CLIENT_REJECTED",
        Some("2026-02-05"),
        None,
    )
    .await
    .expect_error("CONFLICT");
    let pending = c
        .plm
        .ok("{ referrals(status: PENDING) { totalCount } cancelled: referrals(status: CANCELLED) { totalCount } }", json!({}))
        .await;
    assert_eq!(pending["referrals"]["totalCount"], 0);
    assert_eq!(pending["cancelled"]["totalCount"], 1);
    let report = c
        .plm
        .ok(
            "{ referralReport(from: \"2026-01-01\", to: \"2026-06-15\") { totals { total noResult cancelled } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        report["referralReport"]["totals"],
        json!({ "total": 0, "noResult": 0, "cancelled": 1 })
    );
    let (_, _, done) = resolved_referral(&c).await;
    c.plm
        .run(CANCEL, json!({ "id": done, "reason": "late" }))
        .await
        .expect_error("CONFLICT");
}

#[tokio::test]
async fn the_report_counts_decline_reasons_and_days_to_acknowledge() {
    let c = Community::new().await;
    for reason in [
        "PROVIDER_NO_VACANCY",
        "PROVIDER_NO_VACANCY",
        "PROVIDER_INELIGIBLE",
    ] {
        let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
        c.staff_a.ok(ACKNOWLEDGE, json!({ "id": event })).await;
        c.staff_a
            .ok(
                DECLINE,
                decline(&event, "UNSUCCESSFUL_PROVIDER_REJECTED", Some(reason), None),
            )
            .await;
    }
    let report = c
        .plm
        .ok(
            "{ referralReport(from: \"2026-01-01\", to: \"2026-06-15\") {
                 totals { providerRejected medianDaysToAcknowledge declineReasons { reason count } }
               } }",
            json!({}),
        )
        .await;
    let totals = &report["referralReport"]["totals"];
    assert_eq!(totals["providerRejected"], 3);
    assert_eq!(
        totals["declineReasons"],
        json!([
            { "reason": "PROVIDER_NO_VACANCY", "count": 2 },
            { "reason": "PROVIDER_INELIGIBLE", "count": 1 }
        ])
    );
    // Acknowledged today (the clock is real for timestamps): days since 2026-02-01, a positive number.
    assert!(
        totals["medianDaysToAcknowledge"]
            .as_f64()
            .is_some_and(|d| d > 0.0),
        "{totals}"
    );
}

#[tokio::test]
async fn of_ten_racing_reopens_or_cancels_exactly_one_wins() {
    let c = Community::new().await;
    let (_, _, event) = resolved_referral(&c).await;
    let reopens = (0..10).map(|i| {
        let staff = c.staff_a.clone();
        let event = event.clone();
        async move {
            staff
                .run(
                    REOPEN,
                    json!({ "id": event, "reason": format!("race {i}") }),
                )
                .await
        }
    });
    let replies = futures_util::future::join_all(reopens).await;
    let codes: Vec<String> = replies
        .iter()
        .map(|r| {
            if r.body["errors"].is_null() {
                "OK".to_owned()
            } else {
                r.error_code().to_owned()
            }
        })
        .collect();
    assert_eq!(codes.iter().filter(|c| *c == "OK").count(), 1, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| *c == "CONFLICT").count(),
        9,
        "{codes:?}"
    );

    let (_, _, pending) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let cancels = (0..10).map(|i| {
        let plm = c.plm.clone();
        let pending = pending.clone();
        async move {
            plm.run(
                CANCEL,
                json!({ "id": pending, "reason": format!("race {i}") }),
            )
            .await
        }
    });
    let replies = futures_util::future::join_all(cancels).await;
    let wins = replies
        .iter()
        .filter(|r| r.body["errors"].is_null())
        .count();
    let conflicts = replies
        .iter()
        .filter(|r| !r.body["errors"].is_null() && r.error_code() == "CONFLICT")
        .count();
    assert_eq!((wins, conflicts), (1, 9));
}

#[tokio::test]
async fn a_reopen_racing_a_correction_leaves_one_consistent_resolution() {
    let c = Community::new().await;
    for _ in 0..3 {
        let (_, housed, event) = resolved_referral(&c).await;
        let reopen = c
            .staff_a
            .run(REOPEN, json!({ "id": event, "reason": "race" }));
        let correct = c.staff_a.run(
            CORRECT,
            json!({ "input": {
                "ceEventId": event, "referralResult": "UNSUCCESSFUL_PROVIDER_REJECTED",
                "resultDate": "2026-02-05", "declineReason": "PROVIDER_NO_VACANCY", "reason": "race"
            }}),
        );
        let (reopened, corrected) = tokio::join!(reopen, correct);
        let state = read(&c.plm, &event).await;
        let consistent = match (
            state["referralResult"].as_str(),
            &state["resultingEnrollment"],
        ) {
            (None, Value::Null) => {
                state["resultDate"].is_null() && state["declineReason"].is_null()
            }
            (Some("UNSUCCESSFUL_PROVIDER_REJECTED"), Value::Null) => {
                state["resultDate"] == "2026-02-05"
                    && state["declineReason"] == "PROVIDER_NO_VACANCY"
            }
            (Some("SUCCESSFUL_CLIENT_ACCEPTED"), e) => e["id"] == json!(housed),
            _ => false,
        };
        assert!(consistent, "{state}");
        // At least one of them won, against the state it found.
        assert!(reopened.body["errors"].is_null() || corrected.body["errors"].is_null());
    }
}

#[tokio::test]
async fn subscribers_see_each_change_of_the_referral() {
    let c = Community::new().await;
    let (_, housed, event) = resolved_referral(&c).await;
    let token = c.staff_a.token.clone().expect("a token");
    let mut socket = Subscriber::connect(&c.server.ws_url(), &token, Some(&c.housing_a)).await;
    socket
        .subscribe("1", "subscription { referralUpdated { id status } }")
        .await;
    let wait = std::time::Duration::from_secs(10);
    // The subscription is live once a first change arrives: notes until one does.
    let mut live = false;
    for _ in 0..40 {
        c.plm
            .ok(NOTE, json!({ "id": event, "text": "probe" }))
            .await;
        if socket
            .next_data_within(std::time::Duration::from_millis(250))
            .await
            .is_some()
        {
            live = true;
            break;
        }
    }
    assert!(live, "the subscription never went live");
    socket.drain(std::time::Duration::from_millis(500)).await;
    c.staff_a
        .ok(REOPEN, json!({ "id": event, "reason": "checking" }))
        .await;
    let seen = socket.next_data(wait).await;
    assert_eq!(
        seen["referralUpdated"],
        json!({ "id": event, "status": "PENDING" })
    );
    c.staff_a.ok(ACKNOWLEDGE, json!({ "id": event })).await;
    assert_eq!(
        socket.next_data(wait).await["referralUpdated"]["id"],
        json!(event)
    );
    c.plm
        .ok(NOTE, json!({ "id": event, "text": "A note" }))
        .await;
    assert_eq!(
        socket.next_data(wait).await["referralUpdated"]["id"],
        json!(event)
    );
    resolve(
        &c.staff_a,
        &event,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&housed),
    )
    .await
    .data();
    let seen = socket.next_data(wait).await;
    assert_eq!(seen["referralUpdated"]["status"], "SUCCESSFUL");
    c.staff_a
        .ok(
            CORRECT,
            json!({ "input": {
                "ceEventId": event, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
                "resultDate": "2026-02-05", "reason": "wrong result"
            }}),
        )
        .await;
    let seen = socket.next_data(wait).await;
    assert_eq!(seen["referralUpdated"]["status"], "UNSUCCESSFUL");
    let (_, _, pending) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    assert_eq!(
        socket.next_data(wait).await["referralUpdated"]["id"],
        json!(pending)
    );
    c.plm
        .ok(CANCEL, json!({ "id": pending, "reason": "made in error" }))
        .await;
    let seen = socket.next_data(wait).await;
    assert_eq!(
        seen["referralUpdated"],
        json!({ "id": pending, "status": "CANCELLED" })
    );
}

#[tokio::test]
async fn a_cancelled_referral_is_exported_deleted_and_its_reason_is_in_the_trail() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    c.plm
        .ok(
            CANCEL,
            json!({ "id": event, "reason": "Referred to the wrong program" }),
        )
        .await;
    let trail = c
        .admin()
        .ok(
            "query($id: ID!) { auditEvents(recordId: $id) { nodes { operation reason } } }",
            json!({ "id": event }),
        )
        .await;
    let cancel = trail["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["operation"] == "cancelReferral")
        .cloned()
        .expect("the cancellation is audited");
    assert_eq!(cancel["reason"], "Referred to the wrong program");

    let response = c
        .server
        .http
        .get(
            c.server
                .url(&format!("/export/hmis-csv?from=2026-01-01&to={TODAY}")),
        )
        .bearer_auth(c.plm.token.as_deref().expect("a token"))
        .header("X-Organization-Id", &c.ce_org)
        .send()
        .await
        .expect("the download");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("the zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut events = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("Event.csv").expect("Event.csv"),
        &mut events,
    )
    .expect("text");
    let mut reader = csv::Reader::from_reader(events.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect("a column");
    let id = event.replace('-', "");
    let row = reader
        .records()
        .map(|r| r.expect("a row"))
        .find(|r| r[at("EventID")] == id)
        .expect("the cancelled referral is exported");
    assert!(!row[at("DateDeleted")].is_empty(), "{row:?}");
}
