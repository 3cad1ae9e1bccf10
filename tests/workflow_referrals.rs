//! Workflow rule "resolveReferral", through the HTTP GraphQL endpoint against a real database: both
//! branches of the guide (successful, with the enrollment created at intake first; unsuccessful), who
//! may resolve, every refusal (each followed by a read showing the referral unchanged), and races.

mod common;

use common::*;
use futures_util::future::join_all;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const SUCCESSFUL: &str = "SUCCESSFUL_CLIENT_ACCEPTED";
const CLIENT_REJECTED: &str = "UNSUCCESSFUL_CLIENT_REJECTED";
const PROVIDER_REJECTED: &str = "UNSUCCESSFUL_PROVIDER_REJECTED";

/// The stored row of a CE event, read from the database (for what the API does not expose).
async fn stored_event(community: &Community, event: &str) -> entity::ce_event::Model {
    entity::ce_event::Entity::find_by_id(Uuid::parse_str(event).expect("uuid"))
        .one(&community.server.services.db)
        .await
        .expect("read the CE event")
        .expect("the CE event exists")
}

/// Asserts the enrollment is the resulting enrollment of no referral.
async fn assert_resolves_nothing(community: &Community, enrollment: &str) {
    let stored = read_enrollment(&community.admin(), enrollment).await;
    assert!(stored["resolvedReferral"].is_null(), "{stored}");
}

/// A second Priority List Manager, of another CE lead agency.
async fn other_plm(community: &Community) -> Gql {
    let admin = community.admin();
    let org = create_organization(&admin, "County CE").await;
    let project = create_project(&admin, &org, "County CE", "COORDINATED_ENTRY").await;
    assert!(!project.is_empty());
    let token = create_member(&admin, "plm@county.test", &org, "PRIORITY_LIST_MANAGER").await;
    community.server.as_user(&token, None)
}

/// A referral naming no project (event type 18, Housing Stability Voucher, which names none).
async fn referral_without_project(community: &Community) -> (String, String, String) {
    let (client, ce_enrollment) = community.client_in_ce("Vo", "Ucher", "2026-01-05").await;
    let event = create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-03-01",
        "REFERRAL_TO_HOUSING_STABILITY_VOUCHER",
        None,
    )
    .await;
    (client, ce_enrollment, event)
}

fn is_success(reply: &Reply) -> bool {
    reply.body.get("errors").is_none_or(Value::is_null)
}

// ---------------------------------------------------------------------------------------------------
// The guide's two branches
// ---------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------
// Who may resolve
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn resolve_by_staff_of_another_organization_is_not_found() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Org B's staff cannot see a referral to org A's project, so it is NOT_FOUND (not FORBIDDEN).
    assert!(read_ce_event(&community.staff_b, &event).await.is_null());
    resolve(
        &community.staff_b,
        &event,
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_error("NOT_FOUND");
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn plm_cannot_resolve_a_referral_that_names_a_project() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &community.plm,
        &event,
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_error("FORBIDDEN");
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    resolve(&community.plm, &event, SUCCESSFUL, None, Some(&housing))
        .await
        .expect_error("FORBIDDEN");
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &housing).await;
}

#[tokio::test]
async fn only_housing_staff_of_the_referred_organization_may_resolve() {
    let community = Community::new().await;
    let admin = community.admin();
    // The right organization but the wrong role: a PLM membership in org A.
    let token = create_member(
        &admin,
        "plm@hope.test",
        &community.housing_a,
        "PRIORITY_LIST_MANAGER",
    )
    .await;
    let plm_of_a = community.server.as_user(&token, None);
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &plm_of_a,
        &event,
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_error("FORBIDDEN");
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn admin_may_resolve_any_referral() {
    let community = Community::new().await;
    let admin = community.admin();
    let (_, _, to_a) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let (client_b, _, to_b) = community
        .referral("REFERRAL_TO_PSH", &community.psh_b, "2026-03-01")
        .await;
    let (_, _, without_project) = referral_without_project(&community).await;

    let reply = resolve(&admin, &to_a, PROVIDER_REJECTED, Some("2026-03-02"), None).await;
    assert_eq!(reply.data()["resolveReferral"]["status"], "UNSUCCESSFUL");
    let housing = create_enrollment(
        &community.staff_b,
        &client_b,
        &community.psh_b,
        "2026-03-05",
    )
    .await;
    let reply = resolve(&admin, &to_b, SUCCESSFUL, None, Some(&housing)).await;
    assert_eq!(reply.data()["resolveReferral"]["status"], "SUCCESSFUL");
    let reply = resolve(
        &admin,
        &without_project,
        CLIENT_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await;
    assert_eq!(reply.data()["resolveReferral"]["status"], "UNSUCCESSFUL");

    assert_eq!(
        read_ce_event(&community.plm, &to_a).await["status"],
        "UNSUCCESSFUL"
    );
    let stored = read_ce_event(&community.plm, &to_b).await;
    assert_eq!(stored["resultingEnrollment"]["id"], housing.as_str());
    assert_eq!(
        read_ce_event(&community.plm, &without_project).await["status"],
        "UNSUCCESSFUL"
    );
}

#[tokio::test]
async fn referral_without_a_project_is_resolved_by_a_plm_of_the_ce_organization() {
    let community = Community::new().await;
    let (_, _, event) = referral_without_project(&community).await;
    let reply = resolve(
        &community.plm,
        &event,
        CLIENT_REJECTED,
        Some("2026-03-03"),
        None,
    )
    .await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "UNSUCCESSFUL");
    assert_eq!(resolved["resultDate"], "2026-03-03");
    assert_eq!(
        read_ce_event(&community.plm, &event).await["status"],
        "UNSUCCESSFUL"
    );
}

#[tokio::test]
async fn referral_without_a_project_succeeds_with_an_enrollment_of_the_plms_organization() {
    let community = Community::new().await;
    let voucher_program = create_project(
        &community.admin(),
        &community.ce_org,
        "Metro Voucher Housing",
        "PH_HOUSING_ONLY",
    )
    .await;
    let (client, _, event) = referral_without_project(&community).await;
    let housing = create_enrollment(&community.plm, &client, &voucher_program, "2026-03-08").await;
    let reply = resolve(&community.plm, &event, SUCCESSFUL, None, Some(&housing)).await;
    let resolved = reply.data()["resolveReferral"].clone();
    assert_eq!(resolved["status"], "SUCCESSFUL");
    assert_eq!(resolved["resultDate"], "2026-03-08");
    let enrollment = read_enrollment(&community.plm, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], event.as_str());
}

#[tokio::test]
async fn referral_without_a_project_needs_an_enrollment_in_the_acting_organizations_project() {
    let community = Community::new().await;
    let (client, _, event) = referral_without_project(&community).await;
    // The PLM sees this enrollment (made by an ADMIN), but it is in org A's project, not the CE lead
    // agency's.
    let elsewhere =
        create_enrollment(&community.admin(), &client, &community.psh_a, "2026-03-08").await;
    resolve(&community.plm, &event, SUCCESSFUL, None, Some(&elsewhere))
        .await
        .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &elsewhere).await;
}

#[tokio::test]
async fn referral_without_a_project_by_a_plm_of_another_organization_is_forbidden() {
    let community = Community::new().await;
    let other = other_plm(&community).await;
    let (_, _, event) = referral_without_project(&community).await;
    // A PLM sees every CE event, but this one was recorded in another agency's CE project.
    assert!(!read_ce_event(&other, &event).await.is_null());
    resolve(&other, &event, CLIENT_REJECTED, Some("2026-03-03"), None)
        .await
        .expect_error("FORBIDDEN");
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn referral_without_a_project_is_not_found_for_housing_staff() {
    let community = Community::new().await;
    let token = create_member(
        &community.admin(),
        "staff@ce.test",
        &community.ce_org,
        "HOUSING_STAFF",
    )
    .await;
    let ce_staff = community.server.as_user(&token, None);
    let (_, _, event) = referral_without_project(&community).await;
    for who in [&community.staff_a, &ce_staff] {
        resolve(who, &event, CLIENT_REJECTED, Some("2026-03-03"), None)
            .await
            .expect_error("NOT_FOUND");
    }
    assert_pending(&community.plm, &event).await;
}

// ---------------------------------------------------------------------------------------------------
// What is resolved
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_ce_event_is_not_found() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &community.staff_a,
        &unknown_id(),
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_error("NOT_FOUND");
    resolve(
        &community.admin(),
        &unknown_id(),
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_error("NOT_FOUND");
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn malformed_ids_are_bad_user_input() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &community.staff_a,
        "not-an-id",
        PROVIDER_REJECTED,
        Some("2026-03-02"),
        None,
    )
    .await
    .expect_error("BAD_USER_INPUT");
    resolve(
        &community.staff_a,
        &event,
        SUCCESSFUL,
        None,
        Some("not-an-enrollment"),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn event_types_without_a_result_cannot_be_resolved() {
    let community = Community::new().await;
    let (_, ce_enrollment) = community.client_in_ce("No", "Result", "2026-01-05").await;
    let admin = community.admin();
    for event_type in [
        "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION",
        "REFERRAL_TO_STREET_OUTREACH",
        "REFERRAL_TO_EMERGENCY_ASSISTANCE",
    ] {
        let event = create_ce_event(
            &community.plm,
            &ce_enrollment,
            "2026-03-01",
            event_type,
            None,
        )
        .await;
        for who in [&community.plm, &admin] {
            let reply = resolve(who, &event, CLIENT_REJECTED, Some("2026-03-02"), None).await;
            assert_eq!(
                reply.error_code(),
                "BAD_USER_INPUT",
                "{event_type}: {}",
                reply.body
            );
        }
        let stored = read_ce_event(&community.plm, &event).await;
        assert_eq!(stored["status"], "NOT_A_REFERRAL", "{stored}");
        assert!(stored["referralResult"].is_null(), "{stored}");
        assert!(stored["resultDate"].is_null(), "{stored}");
    }
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
    .data();
    resolve(
        &community.staff_a,
        &event,
        CLIENT_REJECTED,
        Some("2026-03-05"),
        None,
    )
    .await
    .expect_error("CONFLICT");
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    resolve(&community.staff_a, &event, SUCCESSFUL, None, Some(&housing))
        .await
        .expect_error("CONFLICT");
    resolve(
        &community.admin(),
        &event,
        PROVIDER_REJECTED,
        Some("2026-03-03"),
        None,
    )
    .await
    .expect_error("CONFLICT");
    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["referralResult"], PROVIDER_REJECTED);
    assert_eq!(stored["resultDate"], "2026-03-02");
    assert!(stored["resultingEnrollment"].is_null());
    assert_resolves_nothing(&community, &housing).await;
}

// ---------------------------------------------------------------------------------------------------
// SUCCESSFUL_CLIENT_ACCEPTED
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn successful_referral_requires_a_resulting_enrollment() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Even with an intake done, the resolution must name it.
    create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    for result_date in [None, Some("2026-03-10")] {
        resolve(&community.staff_a, &event, SUCCESSFUL, result_date, None)
            .await
            .expect_error("BAD_USER_INPUT");
    }
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn resulting_enrollment_of_another_client_is_bad_user_input() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let someone_else = create_client(&community.staff_a, "Someone", "Else").await;
    let housing = create_enrollment(
        &community.staff_a,
        &someone_else,
        &community.psh_a,
        "2026-03-10",
    )
    .await;
    resolve(&community.staff_a, &event, SUCCESSFUL, None, Some(&housing))
        .await
        .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &housing).await;
}

#[tokio::test]
async fn resulting_enrollment_in_another_project_is_bad_user_input() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Same client, same organization, but not the referred project.
    let housing =
        create_enrollment(&community.staff_a, &client, &community.rrh_a, "2026-03-10").await;
    resolve(&community.staff_a, &event, SUCCESSFUL, None, Some(&housing))
        .await
        .expect_error("BAD_USER_INPUT");
    // ADMIN sees every enrollment: the project rule still holds.
    resolve(&community.admin(), &event, SUCCESSFUL, None, Some(&housing))
        .await
        .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &housing).await;
}

#[tokio::test]
async fn resulting_enrollment_not_visible_is_not_found() {
    let community = Community::new().await;
    let (client, ce_enrollment, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // The same client is also referred to and enrolled in org B's shelter: invisible to org A.
    create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-03-01",
        "REFERRAL_TO_EMERGENCY_SHELTER",
        Some(&community.es_b),
    )
    .await;
    let shelter =
        create_enrollment(&community.staff_b, &client, &community.es_b, "2026-03-10").await;
    assert!(
        read_enrollment(&community.staff_a, &shelter)
            .await
            .is_null()
    );
    resolve(&community.staff_a, &event, SUCCESSFUL, None, Some(&shelter))
        .await
        .expect_error("NOT_FOUND");
    resolve(
        &community.staff_a,
        &event,
        SUCCESSFUL,
        None,
        Some(&unknown_id()),
    )
    .await
    .expect_error("NOT_FOUND");
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &shelter).await;
}

#[tokio::test]
async fn resulting_enrollment_starting_before_the_event_is_bad_user_input() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let early =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-02-28").await;
    resolve(&community.staff_a, &event, SUCCESSFUL, None, Some(&early))
        .await
        .expect_error("BAD_USER_INPUT");
    resolve(
        &community.staff_a,
        &event,
        SUCCESSFUL,
        Some("2026-02-28"),
        Some(&early),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &early).await;
}

#[tokio::test]
async fn result_date_must_equal_the_resulting_enrollments_entry_date() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    for wrong in ["2026-03-09", "2026-03-11", "2026-03-01"] {
        resolve(
            &community.staff_a,
            &event,
            SUCCESSFUL,
            Some(wrong),
            Some(&housing),
        )
        .await
        .expect_error("BAD_USER_INPUT");
    }
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &housing).await;
}

#[tokio::test]
async fn enrollment_resolving_another_referral_is_a_conflict() {
    let community = Community::new().await;
    let (client, ce_enrollment, first) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let second = create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-03-02",
        "REFERRAL_TO_PSH",
        Some(&community.psh_a),
    )
    .await;
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    resolve(&community.staff_a, &first, SUCCESSFUL, None, Some(&housing))
        .await
        .data();
    resolve(
        &community.staff_a,
        &second,
        SUCCESSFUL,
        None,
        Some(&housing),
    )
    .await
    .expect_error("CONFLICT");
    assert_pending(&community.plm, &second).await;
    let enrollment = read_enrollment(&community.staff_a, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], first.as_str());
}

// ---------------------------------------------------------------------------------------------------
// UNSUCCESSFUL_CLIENT_REJECTED / UNSUCCESSFUL_PROVIDER_REJECTED
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn unsuccessful_referral_forbids_a_resulting_enrollment() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    for result in [CLIENT_REJECTED, PROVIDER_REJECTED] {
        resolve(
            &community.staff_a,
            &event,
            result,
            Some("2026-03-10"),
            Some(&housing),
        )
        .await
        .expect_error("BAD_USER_INPUT");
    }
    assert_pending(&community.plm, &event).await;
    assert_resolves_nothing(&community, &housing).await;
}

#[tokio::test]
async fn unsuccessful_referral_requires_a_result_date() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    for result in [CLIENT_REJECTED, PROVIDER_REJECTED] {
        resolve(&community.staff_a, &event, result, None, None)
            .await
            .expect_error("BAD_USER_INPUT");
    }
    assert_pending(&community.plm, &event).await;
}

#[tokio::test]
async fn unsuccessful_result_date_in_the_future_is_bad_user_input() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &community.staff_a,
        &event,
        CLIENT_REJECTED,
        Some("2026-06-16"),
        None,
    )
    .await
    .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
    resolve(
        &community.staff_a,
        &event,
        CLIENT_REJECTED,
        Some(TODAY),
        None,
    )
    .await
    .data();
}

#[tokio::test]
async fn unsuccessful_result_date_before_the_event_is_bad_user_input() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    resolve(
        &community.staff_a,
        &event,
        PROVIDER_REJECTED,
        Some("2026-02-28"),
        None,
    )
    .await
    .expect_error("BAD_USER_INPUT");
    assert_pending(&community.plm, &event).await;
    // Decided on the day of the referral is fine.
    resolve(
        &community.staff_a,
        &event,
        PROVIDER_REJECTED,
        Some("2026-03-01"),
        None,
    )
    .await
    .data();
}

// ---------------------------------------------------------------------------------------------------
// Races
// ---------------------------------------------------------------------------------------------------

/// Fires all `attempts` at once, as (label, reply) in the order given.
async fn race<F, Fut>(attempts: Vec<(String, F)>) -> Vec<(String, Reply)>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Reply> + Send + 'static,
{
    let handles = attempts
        .into_iter()
        .map(|(label, attempt)| tokio::spawn(async move { (label, attempt().await) }));
    join_all(handles)
        .await
        .into_iter()
        .map(|joined| joined.expect("the task finished"))
        .collect()
}

/// Asserts exactly one attempt succeeded and every other one got CONFLICT; returns the winner's label.
fn single_winner(outcomes: &[(String, Reply)]) -> String {
    let winners: Vec<&String> = outcomes
        .iter()
        .filter(|(_, reply)| is_success(reply))
        .map(|(label, _)| label)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one winner: {outcomes:?}");
    for (_, reply) in outcomes.iter().filter(|(_, reply)| !is_success(reply)) {
        reply.expect_error("CONFLICT");
    }
    winners[0].clone()
}

#[tokio::test]
async fn concurrent_unsuccessful_resolutions_let_exactly_one_win() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Twelve resolutions, each with its own result date and alternating results, so the stored row
    // shows whose write it is and that no two were mixed.
    let attempts = (1..=12)
        .map(|day| {
            let staff = community.staff_a.clone();
            let event = event.clone();
            let result = if day % 2 == 0 {
                PROVIDER_REJECTED
            } else {
                CLIENT_REJECTED
            };
            let date = format!("2026-03-{day:02}");
            let label = format!("{result} {date}");
            (label, move || async move {
                resolve(&staff, &event, result, Some(&date), None).await
            })
        })
        .collect();
    let outcomes = race(attempts).await;
    assert_eq!(outcomes.len(), 12);
    let winner = single_winner(&outcomes);
    let (result, date) = winner.split_once(' ').expect("label");

    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "UNSUCCESSFUL");
    assert_eq!(stored["referralResult"], result);
    assert_eq!(stored["resultDate"], date);
    assert!(stored["resultingEnrollment"].is_null());
    let row = stored_event(&community, &event).await;
    assert_eq!(
        row.resolved_as_organization_id.map(|o| o.to_string()),
        Some(community.housing_a.clone())
    );
}

#[tokio::test]
async fn concurrent_successful_resolutions_let_exactly_one_enrollment_win() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Ten valid resulting enrollments of the client in the referred project: each exits on the day
    // the next one starts, so none overlaps another.
    let mut enrollments = Vec::new();
    for day in 1..=10 {
        let entry = format!("2026-03-{day:02}");
        let enrollment =
            create_enrollment(&community.staff_a, &client, &community.psh_a, &entry).await;
        if day < 10 {
            exit_enrollment(
                &community.staff_a,
                &enrollment,
                &format!("2026-03-{:02}", day + 1),
            )
            .await;
        }
        enrollments.push((enrollment, entry));
    }
    let attempts = enrollments
        .iter()
        .map(|(enrollment, _)| {
            let staff = community.staff_a.clone();
            let event = event.clone();
            let enrollment = enrollment.clone();
            (enrollment.clone(), move || async move {
                resolve(&staff, &event, SUCCESSFUL, None, Some(&enrollment)).await
            })
        })
        .collect();
    let outcomes = race(attempts).await;
    let winner = single_winner(&outcomes);
    let entry = &enrollments
        .iter()
        .find(|(enrollment, _)| *enrollment == winner)
        .expect("the winner is one of ours")
        .1;

    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "SUCCESSFUL");
    assert_eq!(stored["resultingEnrollment"]["id"], winner.as_str());
    assert_eq!(stored["resultDate"], entry.as_str());
    for (enrollment, _) in &enrollments {
        let read = read_enrollment(&community.staff_a, enrollment).await;
        if *enrollment == winner {
            assert_eq!(read["resolvedReferral"]["id"], event.as_str());
        } else {
            assert!(read["resolvedReferral"].is_null(), "{read}");
        }
    }
}

#[tokio::test]
async fn concurrent_referrals_resolved_with_one_enrollment_let_exactly_one_win() {
    let community = Community::new().await;
    let (client, ce_enrollment, first) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let mut events = vec![first];
    for _ in 1..10 {
        events.push(
            create_ce_event(
                &community.plm,
                &ce_enrollment,
                "2026-03-01",
                "REFERRAL_TO_PSH",
                Some(&community.psh_a),
            )
            .await,
        );
    }
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    let attempts = events
        .iter()
        .map(|event| {
            let staff = community.staff_a.clone();
            let event = event.clone();
            let housing = housing.clone();
            (event.clone(), move || async move {
                resolve(&staff, &event, SUCCESSFUL, None, Some(&housing)).await
            })
        })
        .collect();
    let outcomes = race(attempts).await;
    let winner = single_winner(&outcomes);

    for event in &events {
        if *event == winner {
            let stored = read_ce_event(&community.plm, event).await;
            assert_eq!(stored["resultingEnrollment"]["id"], housing.as_str());
        } else {
            assert_pending(&community.plm, event).await;
        }
    }
    let enrollment = read_enrollment(&community.staff_a, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], winner.as_str());
}
