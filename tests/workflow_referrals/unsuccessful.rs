//! UNSUCCESSFUL_CLIENT_REJECTED / UNSUCCESSFUL_PROVIDER_REJECTED: a result date from the event to
//! today and no resulting enrollment.

use super::*;

#[tokio::test]
async fn an_unsuccessful_resolution_has_a_result_date_and_no_resulting_enrollment() {
    use Referral::*;
    use Resulting::*;
    use Who::*;
    let community = Community::new().await;
    let callers = Callers::new(&community).await;
    #[rustfmt::skip]
    let cases = [
        Refusal { name: "client rejected, with an enrollment", who: StaffA, referral: ToPshA, result: CLIENT_REJECTED, result_date: Some("2026-03-10"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultingEnrollmentId is only for SUCCESSFUL_CLIENT_ACCEPTED" },
        Refusal { name: "provider rejected, with an enrollment", who: StaffA, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-10"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultingEnrollmentId is only for SUCCESSFUL_CLIENT_ACCEPTED" },
        Refusal { name: "client rejected, no result date", who: StaffA, referral: ToPshA, result: CLIENT_REJECTED, result_date: None, resulting: NoEnrollment, code: "BAD_USER_INPUT", says: "resultDate is required for an unsuccessful referral" },
        Refusal { name: "provider rejected, no result date", who: StaffA, referral: ToPshA, result: PROVIDER_REJECTED, result_date: None, resulting: NoEnrollment, code: "BAD_USER_INPUT", says: "resultDate is required for an unsuccessful referral" },
    ];
    assert_refused(&community, &callers, &cases).await;
}

#[tokio::test]
async fn an_unsuccessful_result_date_is_from_the_event_to_today() {
    let community = Community::new().await;
    // (case, result, the date refused, the nearest date allowed)
    #[rustfmt::skip]
    let cases = [
        ("tomorrow", CLIENT_REJECTED, "2026-06-16", TODAY, "resultDate 2026-06-16 is in the future"),
        // Decided on the day of the referral is fine.
        ("before the event", PROVIDER_REJECTED, "2026-02-28", "2026-03-01", "before the eventDate 2026-03-01"),
    ];
    for (name, result, refused, allowed, says) in cases {
        let (_, _, event) = community
            .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
            .await;
        resolve(&community.staff_a, &event, result, Some(refused), None)
            .await
            .expect_refused(name, "BAD_USER_INPUT", says);
        let stored = read_ce_event(&community.plm, &event).await;
        assert_eq!(stored["status"], "PENDING", "case {name}: {stored}");
        assert!(stored["resultDate"].is_null(), "case {name}: {stored}");
        resolve(&community.staff_a, &event, result, Some(allowed), None)
            .await
            .expect_ok(name);
    }
}
