//! The guide's two branches: a successful referral links the enrollment created at intake, an
//! unsuccessful one is rejected by the client or the provider; who resolved it, as which
//! organization, and when.

use super::*;

#[tokio::test]
async fn successful_referral_links_the_enrollment_created_at_intake_dated_its_entry() {
    let community = Community::new().await;
    // (case, event type, referred project, entry date, result date given)
    #[rustfmt::skip]
    let cases = [
        // resultDate defaults to the resulting enrollment's entryDate.
        ("result date left to default", "REFERRAL_TO_PSH", &community.psh_a, "2026-03-10", None),
        // Enrolled on the day of the referral: "on or after eventDate" includes the day itself.
        ("result date given, the event's day", "REFERRAL_TO_RRH", &community.rrh_a, "2026-03-01", Some("2026-03-01")),
    ];
    for (name, event_type, project, entry, result_date) in cases {
        let (client, _, event) = community.referral(event_type, project, "2026-03-01").await;
        // Intake first: the housing enrollment exists before the event is updated.
        let housing = create_enrollment(&community.staff_a, &client, project, entry).await;
        let reply = resolve(
            &community.staff_a,
            &event,
            SUCCESSFUL,
            result_date,
            Some(&housing),
        )
        .await;
        let resolved = &reply.expect_ok(name)["resolveReferral"];
        assert_eq!(resolved["status"], "SUCCESSFUL", "case {name}: {resolved}");
        assert_eq!(
            resolved["referralResult"], SUCCESSFUL,
            "case {name}: {resolved}"
        );
        assert_eq!(resolved["resultDate"], entry, "case {name}: {resolved}");
        assert_eq!(
            resolved["resultingEnrollment"]["id"],
            housing.as_str(),
            "case {name}: {resolved}"
        );
        for who in [&community.plm, &community.staff_a] {
            let stored = read_ce_event(who, &event).await;
            assert_eq!(stored["status"], "SUCCESSFUL", "case {name}: {stored}");
            assert_eq!(stored["resultDate"], entry, "case {name}: {stored}");
            assert_eq!(
                stored["resultingEnrollment"]["id"],
                housing.as_str(),
                "case {name}: {stored}"
            );
        }
        let enrollment = read_enrollment(&community.staff_a, &housing).await;
        assert_eq!(
            enrollment["resolvedReferral"]["id"],
            event.as_str(),
            "case {name}: {enrollment}"
        );
    }
}

#[tokio::test]
async fn an_unsuccessful_referral_is_rejected_by_the_client_or_the_provider() {
    let community = Community::new().await;
    // (case, event type, referred project, its staff, result, result date)
    #[rustfmt::skip]
    let cases = [
        ("client rejected", "REFERRAL_TO_PSH", &community.psh_a, &community.staff_a, CLIENT_REJECTED, "2026-03-04"),
        ("provider rejected", "REFERRAL_TO_EMERGENCY_SHELTER", &community.es_b, &community.staff_b, PROVIDER_REJECTED, TODAY),
    ];
    for (name, event_type, project, staff, result, result_date) in cases {
        let (_, _, event) = community.referral(event_type, project, "2026-03-01").await;
        let reply = resolve(staff, &event, result, Some(result_date), None).await;
        let resolved = &reply.expect_ok(name)["resolveReferral"];
        assert_eq!(
            resolved["status"], "UNSUCCESSFUL",
            "case {name}: {resolved}"
        );
        assert_eq!(
            resolved["referralResult"], result,
            "case {name}: {resolved}"
        );
        assert_eq!(
            resolved["resultDate"], result_date,
            "case {name}: {resolved}"
        );
        assert!(
            resolved["resultingEnrollment"].is_null(),
            "case {name}: {resolved}"
        );
        let stored = read_ce_event(&community.plm, &event).await;
        assert_eq!(stored["status"], "UNSUCCESSFUL", "case {name}: {stored}");
        assert_eq!(stored["referralResult"], result, "case {name}: {stored}");
        assert_eq!(stored["resultDate"], result_date, "case {name}: {stored}");
    }
}

#[tokio::test]
async fn resolution_records_who_resolved_it_as_which_organization_and_when() {
    let community = Community::new().await;
    let admin = community.admin();
    // A user on the staff of both housing organizations, acting as org A.
    let user = admin
        .ok(
            "mutation { createUser(input: {email: \"both@housing.test\", name: \"Both\"}) { id } }",
            json!({}),
        )
        .await;
    let user = id(&user["createUser"]);
    grant_role(&admin, &user, &community.housing_a, "HOUSING_STAFF").await;
    grant_role(&admin, &user, &community.housing_b, "HOUSING_STAFF").await;
    let token = create_token(&admin, &user).await;
    let both = community.server.as_user(&token, Some(&community.housing_a));

    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let before = stored_event(&community, &event).await;
    assert!(before.resolved_by_user_id.is_none());
    resolve(&both, &event, PROVIDER_REJECTED, Some("2026-03-02"), None)
        .await
        .data();
    let after = stored_event(&community, &event).await;
    assert_eq!(
        after.resolved_by_user_id.map(|u| u.to_string()),
        Some(user.clone())
    );
    assert_eq!(after.user_id.map(|u| u.to_string()), Some(user));
    assert_eq!(
        after.resolved_as_organization_id.map(|o| o.to_string()),
        Some(community.housing_a.clone())
    );
    assert!(after.date_updated > before.date_updated);
    let read = read_ce_event(&community.plm, &event).await;
    let updated =
        chrono::DateTime::parse_from_rfc3339(read["dateUpdated"].as_str().expect("dateUpdated"))
            .expect("RFC 3339");
    assert_eq!(
        updated.timestamp_millis(),
        after.date_updated.timestamp_millis()
    );
}
