//! The guide's two branches: a successful referral links the enrollment created at intake, an
//! unsuccessful one is rejected by the client or the provider; who resolved it, as which
//! organization, and when.

use super::*;

#[tokio::test]
async fn successful_referral_links_the_enrollment_created_at_intake() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Intake first: the housing enrollment exists before the event is updated.
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    let reply = resolve(&community.staff_a, &event, SUCCESSFUL, None, Some(&housing)).await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "SUCCESSFUL");
    assert_eq!(resolved["referralResult"], SUCCESSFUL);
    // resultDate defaults to the resulting enrollment's entryDate.
    assert_eq!(resolved["resultDate"], "2026-03-10");
    assert_eq!(resolved["resultingEnrollment"]["id"], housing.as_str());

    for who in [&community.plm, &community.staff_a] {
        let stored = read_ce_event(who, &event).await;
        assert_eq!(stored["status"], "SUCCESSFUL");
        assert_eq!(stored["resultDate"], "2026-03-10");
        assert_eq!(stored["resultingEnrollment"]["id"], housing.as_str());
    }
    let enrollment = read_enrollment(&community.staff_a, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], event.as_str());
}

#[tokio::test]
async fn successful_result_date_may_be_given_when_it_equals_the_entry_date() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_RRH", &community.rrh_a, "2026-03-01")
        .await;
    // Enrolled on the day of the referral: "on or after eventDate" includes the day itself.
    let housing =
        create_enrollment(&community.staff_a, &client, &community.rrh_a, "2026-03-01").await;
    let reply = resolve(
        &community.staff_a,
        &event,
        SUCCESSFUL,
        Some("2026-03-01"),
        Some(&housing),
    )
    .await;
    assert_eq!(reply.data()["resolveReferral"]["resultDate"], "2026-03-01");
    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "SUCCESSFUL");
    assert_eq!(stored["resultingEnrollment"]["id"], housing.as_str());
}

#[tokio::test]
async fn unsuccessful_referral_client_rejected() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let reply = resolve(
        &community.staff_a,
        &event,
        CLIENT_REJECTED,
        Some("2026-03-04"),
        None,
    )
    .await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "UNSUCCESSFUL");
    assert_eq!(resolved["referralResult"], CLIENT_REJECTED);
    assert_eq!(resolved["resultDate"], "2026-03-04");
    assert!(resolved["resultingEnrollment"].is_null());
    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "UNSUCCESSFUL");
    assert_eq!(stored["referralResult"], CLIENT_REJECTED);
    assert_eq!(stored["resultDate"], "2026-03-04");
}

#[tokio::test]
async fn unsuccessful_referral_provider_rejected() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral(
            "REFERRAL_TO_EMERGENCY_SHELTER",
            &community.es_b,
            "2026-03-01",
        )
        .await;
    let reply = resolve(
        &community.staff_b,
        &event,
        PROVIDER_REJECTED,
        Some(TODAY),
        None,
    )
    .await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "UNSUCCESSFUL");
    assert_eq!(resolved["referralResult"], PROVIDER_REJECTED);
    assert_eq!(resolved["resultDate"], TODAY);
    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "UNSUCCESSFUL");
    assert_eq!(stored["referralResult"], PROVIDER_REJECTED);
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
