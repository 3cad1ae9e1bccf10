//! What is resolved: only a referral (an event with a result), and only once.

use super::*;

#[tokio::test]
async fn a_resolution_naming_no_referral_or_an_event_without_a_result_is_refused() {
    use Referral::*;
    use Resulting::*;
    use Who::*;
    let community = Community::new().await;
    let callers = Callers::new(&community).await;
    #[rustfmt::skip]
    let mut cases = vec![
        Refusal { name: "an unknown event, by staff", who: StaffA, referral: UnknownEvent, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
        Refusal { name: "an unknown event, by an ADMIN", who: Admin, referral: UnknownEvent, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
        Refusal { name: "a malformed event id", who: StaffA, referral: MalformedEvent, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "BAD_USER_INPUT", says: "ceEventId \"not-an-id\" is not a valid id" },
        Refusal { name: "a malformed enrollment id", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: MalformedEnrollment, code: "BAD_USER_INPUT", says: "resultingEnrollmentId \"not-an-enrollment\" is not a valid id" },
    ];
    // Event types that carry no result, by the PLM and by an ADMIN.
    #[rustfmt::skip]
    let without_result = [
        ("diversion, by the PLM", Plm, "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION"),
        ("diversion, by an ADMIN", Admin, "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION"),
        ("street outreach, by the PLM", Plm, "REFERRAL_TO_STREET_OUTREACH"),
        ("street outreach, by an ADMIN", Admin, "REFERRAL_TO_STREET_OUTREACH"),
        ("emergency assistance, by the PLM", Plm, "REFERRAL_TO_EMERGENCY_ASSISTANCE"),
        ("emergency assistance, by an ADMIN", Admin, "REFERRAL_TO_EMERGENCY_ASSISTANCE"),
    ];
    for (name, who, event_type) in without_result {
        #[rustfmt::skip]
        cases.push(Refusal { name, who, referral: WithoutResult(event_type), result: CLIENT_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "BAD_USER_INPUT", says: "carries no referral result" });
    }
    assert_refused(&community, &callers, &cases).await;
}

#[tokio::test]
async fn a_referral_is_resolved_once() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &community.staff_a,
        &event,
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_ok("the first resolution");
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    let admin = community.admin();
    // (case, who resolves it again, the result, its date, the resulting enrollment)
    #[rustfmt::skip]
    let cases = [
        ("another unsuccessful result", &community.staff_a, CLIENT_REJECTED, Some("2026-03-05"), None),
        ("a successful result", &community.staff_a, SUCCESSFUL, None, Some(housing.as_str())),
        ("by an ADMIN", &admin, PROVIDER_REJECTED, Some("2026-03-03"), None),
    ];
    for (name, who, result, result_date, resulting) in cases {
        let reply = resolve(who, &event, result, result_date, resulting).await;
        reply.expect_refused(name, "CONFLICT", "this one is already resolved");
        let stored = read_ce_event(&community.plm, &event).await;
        assert_eq!(
            stored["referralResult"], PROVIDER_REJECTED,
            "case {name}: {stored}"
        );
        assert_eq!(stored["resultDate"], "2026-03-02", "case {name}: {stored}");
        assert!(
            stored["resultingEnrollment"].is_null(),
            "case {name}: {stored}"
        );
        assert_resolves_nothing(&community, &housing, name).await;
    }
}
