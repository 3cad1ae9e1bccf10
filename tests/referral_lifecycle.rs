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

const PROVIDER_REJECTED: &str = "UNSUCCESSFUL_PROVIDER_REJECTED";
const CLIENT_REJECTED: &str = "UNSUCCESSFUL_CLIENT_REJECTED";

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
async fn a_decline_for_another_reason_keeps_its_note() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
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
}

#[tokio::test]
async fn the_ce_side_cancels_a_pending_referral_made_in_error() {
    let c = Community::new().await;
    let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
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
}

/// Where a refused change finds the referral.
#[derive(Clone, Copy)]
enum State {
    Pending,
    /// Resolved successfully with a housing enrollment.
    Resolved,
    /// Resolved, then reopened: pending again.
    Reopened,
    Cancelled,
}

/// A lifecycle change refused for who asks, the referral's state or the input.
struct Refused {
    name: &'static str,
    who: fn(&Community) -> &Gql,
    state: State,
    mutation: &'static str,
    variables: fn(&str) -> Value,
    code: &'static str,
    says: &'static str,
}

fn staff_a(c: &Community) -> &Gql {
    &c.staff_a
}

fn staff_b(c: &Community) -> &Gql {
    &c.staff_b
}

fn plm(c: &Community) -> &Gql {
    &c.plm
}

#[tokio::test]
async fn each_change_is_refused_to_the_wrong_side_in_the_wrong_state_or_with_bad_input() {
    use State::*;
    let c = Community::new().await;
    let (bad, conflict) = ("BAD_USER_INPUT", "CONFLICT");
    #[rustfmt::skip]
    let cases = [
        Refused { name: "acknowledge by another organization", who: staff_b, state: Pending, mutation: ACKNOWLEDGE, variables: |id| json!({ "id": id }), code: "NOT_FOUND", says: "No CE event with id" },
        Refused { name: "acknowledge by the PLM", who: plm, state: Pending, mutation: ACKNOWLEDGE, variables: |id| json!({ "id": id }), code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization" },
        Refused { name: "acknowledge a resolved referral", who: staff_a, state: Resolved, mutation: ACKNOWLEDGE, variables: |id| json!({ "id": id }), code: conflict, says: "applies to a pending referral; this one is already resolved" },
        Refused { name: "a note by another organization", who: staff_b, state: Pending, mutation: NOTE, variables: |id| text(id, "hello"), code: "NOT_FOUND", says: "No CE event with id" },
        Refused { name: "a blank note", who: plm, state: Pending, mutation: NOTE, variables: |id| text(id, "   "), code: bad, says: "text must not be empty" },
        Refused { name: "a note of 2001 characters", who: plm, state: Pending, mutation: NOTE, variables: |id| text(id, &"x".repeat(2001)), code: bad, says: "text must be at most 2000 characters" },
        // A decline reason agrees with the result, and the other reasons need a note.
        Refused { name: "a client's reason for the provider's rejection", who: staff_a, state: Pending, mutation: DECLINE, variables: |id| decline(id, PROVIDER_REJECTED, Some("CLIENT_DECLINED"), None), code: bad, says: "CLIENT_DECLINED means UNSUCCESSFUL_CLIENT_REJECTED" },
        Refused { name: "a provider's reason for the client's rejection", who: staff_a, state: Pending, mutation: DECLINE, variables: |id| decline(id, CLIENT_REJECTED, Some("PROVIDER_NO_VACANCY"), None), code: bad, says: "PROVIDER_NO_VACANCY means UNSUCCESSFUL_PROVIDER_REJECTED" },
        Refused { name: "PROVIDER_OTHER without a note", who: staff_a, state: Pending, mutation: DECLINE, variables: |id| decline(id, PROVIDER_REJECTED, Some("PROVIDER_OTHER"), None), code: bad, says: "declineReason PROVIDER_OTHER needs a note" },
        Refused { name: "CLIENT_OTHER with a blank note", who: staff_a, state: Pending, mutation: DECLINE, variables: |id| decline(id, CLIENT_REJECTED, Some("CLIENT_OTHER"), Some("  ")), code: bad, says: "note must not be empty" },
        Refused { name: "a decline note of 2001 characters", who: staff_a, state: Pending, mutation: DECLINE, variables: |id| decline(id, CLIENT_REJECTED, None, Some(&"n".repeat(2001))), code: bad, says: "note must be at most 2000 characters" },
        Refused { name: "a decline reason for a success", who: staff_a, state: Pending, mutation: DECLINE, variables: |id| success_with_reason(id), code: bad, says: "declineReason is only for an unsuccessful referral" },
        Refused { name: "reopen by another organization", who: staff_b, state: Resolved, mutation: REOPEN, variables: |id| reason(id, "mistake"), code: "NOT_FOUND", says: "No CE event with id" },
        Refused { name: "reopen without a reason", who: staff_a, state: Resolved, mutation: REOPEN, variables: |id| reason(id, ""), code: bad, says: "reason must not be empty" },
        Refused { name: "reopen with a reason of 501 characters", who: staff_a, state: Resolved, mutation: REOPEN, variables: |id| reason(id, &"r".repeat(501)), code: bad, says: "reason must be at most 500 characters" },
        Refused { name: "reopen a reopened referral", who: staff_a, state: Reopened, mutation: REOPEN, variables: |id| reason(id, "again"), code: conflict, says: "Reopen applies to a resolved referral; this one is still pending" },
        // A correction is held to the resolution's rules.
        Refused { name: "correct without a result date", who: staff_a, state: Resolved, mutation: CORRECT, variables: |id| correction(id, None, "wrong"), code: bad, says: "resultDate is required for an unsuccessful referral" },
        Refused { name: "correct without a reason", who: staff_a, state: Resolved, mutation: CORRECT, variables: |id| correction(id, Some("2026-02-05"), ""), code: bad, says: "reason must not be empty" },
        Refused { name: "correct a pending referral", who: staff_a, state: Pending, mutation: CORRECT, variables: |id| correction(id, Some("2026-02-05"), "x"), code: conflict, says: "Correct applies to a resolved referral; this one is still pending" },
        Refused { name: "cancel by the referred program", who: staff_a, state: Pending, mutation: CANCEL, variables: |id| reason(id, "wrong program"), code: "FORBIDDEN", says: "Only a PRIORITY_LIST_MANAGER of the organization operating" },
        Refused { name: "cancel without a reason", who: plm, state: Pending, mutation: CANCEL, variables: |id| reason(id, " "), code: bad, says: "reason must not be empty" },
        Refused { name: "cancel a cancelled referral", who: plm, state: Cancelled, mutation: CANCEL, variables: |id| reason(id, "again"), code: conflict, says: "Cancel applies to a pending referral; this one is cancelled" },
        Refused { name: "resolve a cancelled referral", who: staff_a, state: Cancelled, mutation: RESOLVE_REFERRAL, variables: |id| unsuccessful(id), code: conflict, says: "Resolve applies to a pending referral; this one is cancelled" },
        Refused { name: "cancel a resolved referral", who: plm, state: Resolved, mutation: CANCEL, variables: |id| reason(id, "late"), code: conflict, says: "Cancel applies to a pending referral; this one is already resolved" },
    ];
    for case in cases {
        let event = match case.state {
            Pending => {
                c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01")
                    .await
                    .2
            }
            Resolved => resolved_referral(&c).await.2,
            Reopened => {
                let (_, _, event) = resolved_referral(&c).await;
                c.staff_a
                    .ok(REOPEN, json!({ "id": event, "reason": "mistake" }))
                    .await;
                event
            }
            Cancelled => {
                let (_, _, event) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
                c.plm
                    .ok(CANCEL, json!({ "id": event, "reason": "made in error" }))
                    .await;
                event
            }
        };
        let before = read(&c.plm, &event).await;
        (case.who)(&c)
            .run(case.mutation, (case.variables)(&event))
            .await
            .expect_refused(case.name, case.code, case.says);
        assert_eq!(
            read(&c.plm, &event).await,
            before,
            "case {}: changed",
            case.name
        );
    }
}

/// `{ id, text }`, for addReferralNote.
fn text(event: &str, text: &str) -> Value {
    json!({ "id": event, "text": text })
}

/// `{ id, reason }`, for reopenReferral and cancelReferral.
fn reason(event: &str, reason: &str) -> Value {
    json!({ "id": event, "reason": reason })
}

/// A successful resolution with a decline reason.
fn success_with_reason(event: &str) -> Value {
    json!({ "input": {
        "ceEventId": event, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
        "resultingEnrollmentId": unknown_id(), "declineReason": "CLIENT_DECLINED"
    }})
}

/// A correction to UNSUCCESSFUL_CLIENT_REJECTED.
fn correction(event: &str, result_date: Option<&str>, reason: &str) -> Value {
    let mut input =
        json!({ "ceEventId": event, "referralResult": CLIENT_REJECTED, "reason": reason });
    if let Some(date) = result_date {
        input["resultDate"] = json!(date);
    }
    json!({ "input": input })
}

/// An UNSUCCESSFUL_CLIENT_REJECTED resolution decided 2026-02-05.
fn unsuccessful(event: &str) -> Value {
    json!({ "input": { "ceEventId": event, "referralResult": CLIENT_REJECTED, "resultDate": "2026-02-05" } })
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
