//! Workflow rules "createClient", "createEnrollment (intake)" and "recordMoveIn and exitEnrollment",
//! through the HTTP GraphQL endpoint against a real database. Every refused mutation is followed by a
//! read that shows nothing was written.

mod common;

use common::*;
use serde_json::{Value, json};

const CLIENT_COUNT: &str = "{ clients { totalCount } }";

async fn client_count(admin: &Gql) -> i64 {
    admin.ok(CLIENT_COUNT, json!({})).await["clients"]["totalCount"]
        .as_i64()
        .expect("totalCount")
}

fn enrollment_ids(client: &Value) -> Vec<String> {
    client["enrollments"]
        .as_array()
        .expect("enrollments")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// createClient
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_client_trims_names() {
    let community = Community::new().await;
    let reply = try_create_client(
        &community.staff_a,
        "  Ana  ",
        "\t Lopez Rivera \n",
        Some("1990-05-06"),
    )
    .await;
    let created = reply.data()["createClient"].clone();
    assert_eq!(created["firstName"], "Ana");
    assert_eq!(created["lastName"], "Lopez Rivera");
    let stored = read_client(&community.plm, &id(&created)).await;
    assert_eq!(stored["firstName"], "Ana");
    assert_eq!(stored["lastName"], "Lopez Rivera");
    assert_eq!(stored["dateOfBirth"], "1990-05-06");
}

#[tokio::test]
async fn create_client_records_hud_4_21_sex_and_defaults_to_data_not_collected() {
    let community = Community::new().await;
    let create = "mutation($sex: Sex) { createClient(input: {firstName: \"Sam\", lastName: \"Sexton\", \
                  sex: $sex}) { id sex } }";
    for (given, stored) in [
        (json!("FEMALE"), "FEMALE"),
        (json!("MALE"), "MALE"),
        (json!("CLIENT_DOESNT_KNOW"), "CLIENT_DOESNT_KNOW"),
        (
            json!("CLIENT_PREFERS_NOT_TO_ANSWER"),
            "CLIENT_PREFERS_NOT_TO_ANSWER",
        ),
        (Value::Null, "DATA_NOT_COLLECTED"),
    ] {
        let created = community.plm.ok(create, json!({ "sex": given })).await;
        assert_eq!(created["createClient"]["sex"], stored);
        let read = community
            .plm
            .ok(
                "query($id: ID!) { client(id: $id) { sex } }",
                json!({ "id": id(&created["createClient"]) }),
            )
            .await;
        assert_eq!(read["client"]["sex"], stored);
    }
    let reply = community.plm.run(create, json!({ "sex": "OTHER" })).await;
    reply.expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn create_client_may_be_done_by_every_role() {
    let community = Community::new().await;
    let admin = community.admin();
    for (who, name) in [
        (&community.plm, "Plm"),
        (&community.staff_a, "Staff"),
        (&admin, "Admin"),
    ] {
        let reply = try_create_client(who, name, "Made", None).await;
        assert_eq!(reply.data()["createClient"]["firstName"], name);
    }
    assert_eq!(client_count(&admin).await, 3);
}

#[tokio::test]
async fn create_client_rejects_blank_names() {
    let community = Community::new().await;
    let admin = community.admin();
    for (first, last) in [("   ", "Lopez"), ("Ana", ""), ("", ""), ("\t\n", "Lopez")] {
        let reply = try_create_client(&community.plm, first, last, None).await;
        reply.expect_error("BAD_USER_INPUT");
    }
    assert_eq!(client_count(&admin).await, 0);
}

#[tokio::test]
async fn create_client_names_are_at_most_100_characters() {
    let community = Community::new().await;
    let admin = community.admin();
    let hundred = "x".repeat(100);
    let hundred_and_one = "x".repeat(101);
    // Characters, not bytes: 100 two-byte letters are a valid name.
    let hundred_accented = "é".repeat(100);
    try_create_client(&community.plm, &hundred, &hundred_accented, None)
        .await
        .data();
    // Surrounding spaces are trimmed before counting.
    try_create_client(&community.plm, &format!("  {hundred}  "), "Ok", None)
        .await
        .data();
    try_create_client(&community.plm, &hundred_and_one, "Lopez", None)
        .await
        .expect_error("BAD_USER_INPUT");
    try_create_client(&community.plm, "Ana", &"é".repeat(101), None)
        .await
        .expect_error("BAD_USER_INPUT");
    assert_eq!(client_count(&admin).await, 2);
}

#[tokio::test]
async fn create_client_date_of_birth_not_in_the_future() {
    let community = Community::new().await;
    let admin = community.admin();
    try_create_client(&community.plm, "Future", "Born", Some("2026-06-16"))
        .await
        .expect_error("BAD_USER_INPUT");
    assert_eq!(client_count(&admin).await, 0);
    let reply = try_create_client(&community.plm, "Born", "Today", Some(TODAY)).await;
    assert_eq!(reply.data()["createClient"]["dateOfBirth"], TODAY);
}

#[tokio::test]
async fn create_client_date_of_birth_not_before_1900() {
    let community = Community::new().await;
    let admin = community.admin();
    try_create_client(&community.plm, "Very", "Old", Some("1899-12-31"))
        .await
        .expect_error("BAD_USER_INPUT");
    assert_eq!(client_count(&admin).await, 0);
    let reply = try_create_client(&community.plm, "Quite", "Old", Some("1900-01-01")).await;
    assert_eq!(reply.data()["createClient"]["dateOfBirth"], "1900-01-01");
}

// ---------------------------------------------------------------------------------------------------
// createEnrollment (intake)
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn intake_enrolls_a_client_in_a_project_of_the_acting_organization() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    let reply =
        try_create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-01").await;
    let created = id(&reply.data()["createEnrollment"]);
    let stored = read_enrollment(&community.staff_a, &created).await;
    assert_eq!(stored["entryDate"], "2026-03-01");
    assert_eq!(stored["project"]["id"], community.psh_a.as_str());
    assert_eq!(stored["client"]["id"], client.as_str());
    assert!(stored["exitDate"].is_null());
    assert!(stored["moveInDate"].is_null());
}

#[tokio::test]
async fn intake_in_another_organizations_project_is_forbidden() {
    let community = Community::new().await;
    // Staff B can see this client (B created it), so only the project's organization is wrong.
    let client = create_client(&community.staff_b, "Bea", "Harbor").await;
    try_create_enrollment(&community.staff_b, &client, &community.psh_a, "2026-03-01")
        .await
        .expect_error("FORBIDDEN");
    // A PLM is not the project's organization either.
    try_create_enrollment(&community.plm, &client, &community.psh_a, "2026-03-01")
        .await
        .expect_error("FORBIDDEN");
    let stored = read_client(&community.admin(), &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
}

#[tokio::test]
async fn admin_may_enroll_in_any_project() {
    let community = Community::new().await;
    let admin = community.admin();
    let client = create_client(&community.staff_b, "Bea", "Harbor").await;
    let reply = try_create_enrollment(&admin, &client, &community.psh_a, "2026-03-01").await;
    let created = id(&reply.data()["createEnrollment"]);
    let stored = read_enrollment(&community.staff_a, &created).await;
    assert_eq!(stored["project"]["id"], community.psh_a.as_str());
}

#[tokio::test]
async fn intake_of_a_client_not_visible_is_not_found() {
    let community = Community::new().await;
    // Created by org B, never enrolled in or referred to org A: invisible to staff A.
    let client = create_client(&community.staff_b, "Bea", "Harbor").await;
    assert!(read_client(&community.staff_a, &client).await.is_null());
    try_create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-01")
        .await
        .expect_error("NOT_FOUND");
    let stored = read_client(&community.admin(), &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
}

#[tokio::test]
async fn intake_naming_an_unknown_client_or_project_is_not_found() {
    let community = Community::new().await;
    let admin = community.admin();
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    try_create_enrollment(
        &community.staff_a,
        &unknown_id(),
        &community.psh_a,
        "2026-03-01",
    )
    .await
    .expect_error("NOT_FOUND");
    try_create_enrollment(&community.staff_a, &client, &unknown_id(), "2026-03-01")
        .await
        .expect_error("NOT_FOUND");
    let stored = read_client(&admin, &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
}

#[tokio::test]
async fn intake_with_malformed_ids_is_bad_user_input() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    try_create_enrollment(
        &community.staff_a,
        "not-an-id",
        &community.psh_a,
        "2026-03-01",
    )
    .await
    .expect_error("BAD_USER_INPUT");
    try_create_enrollment(&community.staff_a, &client, "42", "2026-03-01")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_client(&community.staff_a, &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
}

#[tokio::test]
async fn intake_entry_date_in_the_future_is_bad_user_input() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    try_create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-06-16")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_client(&community.staff_a, &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
    try_create_enrollment(&community.staff_a, &client, &community.psh_a, TODAY)
        .await
        .data();
}

#[tokio::test]
async fn intake_entry_date_before_the_projects_operating_start_is_bad_user_input() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    // The community's projects start operating 2020-01-01.
    try_create_enrollment(&community.staff_a, &client, &community.psh_a, "2019-12-31")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_client(&community.staff_a, &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
    try_create_enrollment(&community.staff_a, &client, &community.psh_a, "2020-01-01")
        .await
        .data();
}

#[tokio::test]
async fn intake_entry_date_after_the_projects_operating_end_is_bad_user_input() {
    let community = Community::new().await;
    let closed = create_project_dated(
        &community.admin(),
        &community.housing_a,
        "Hope Closed PSH",
        "PH_PERMANENT_SUPPORTIVE_HOUSING",
        "2020-01-01",
        Some("2025-12-31"),
    )
    .await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    try_create_enrollment(&community.staff_a, &client, &closed, "2026-01-01")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_client(&community.staff_a, &client).await;
    assert!(enrollment_ids(&stored).is_empty(), "{stored}");
    try_create_enrollment(&community.staff_a, &client, &closed, "2025-12-31")
        .await
        .data();
}

#[tokio::test]
async fn intake_overlapping_an_open_enrollment_is_a_conflict() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    let first =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-02-01").await;
    // An enrollment without an exit date is open from its entry date on: later and earlier entries
    // (the new one is open too) both overlap it, and so does the same day.
    for entry in ["2026-04-01", "2026-02-01", "2026-01-15"] {
        try_create_enrollment(&community.staff_a, &client, &community.psh_a, entry)
            .await
            .expect_error("CONFLICT");
    }
    let stored = read_client(&community.staff_a, &client).await;
    assert_eq!(enrollment_ids(&stored), vec![first]);
}

#[tokio::test]
async fn intake_overlapping_an_exited_enrollment_is_a_conflict() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    let first =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-02-01").await;
    exit_enrollment(&community.staff_a, &first, "2026-03-01").await;
    for entry in ["2026-02-15", "2026-02-28", "2026-01-15"] {
        try_create_enrollment(&community.staff_a, &client, &community.psh_a, entry)
            .await
            .expect_error("CONFLICT");
    }
    let stored = read_client(&community.staff_a, &client).await;
    assert_eq!(enrollment_ids(&stored), vec![first]);
}

#[tokio::test]
async fn intake_on_the_day_of_a_previous_exit_is_allowed() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    let first =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-02-01").await;
    exit_enrollment(&community.staff_a, &first, "2026-03-01").await;
    let second =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-01").await;
    let stored = read_client(&community.staff_a, &client).await;
    assert_eq!(enrollment_ids(&stored), vec![first, second]);
}

#[tokio::test]
async fn overlap_is_only_within_the_same_client_and_project() {
    let community = Community::new().await;
    let client = create_client(&community.staff_a, "Ina", "Take").await;
    let other = create_client(&community.staff_a, "Otto", "Other").await;
    create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-02-01").await;
    try_create_enrollment(&community.staff_a, &client, &community.rrh_a, "2026-02-01")
        .await
        .data();
    try_create_enrollment(&community.staff_a, &other, &community.psh_a, "2026-02-01")
        .await
        .data();
    let stored = read_client(&community.staff_a, &client).await;
    assert_eq!(enrollment_ids(&stored).len(), 2);
}

// ---------------------------------------------------------------------------------------------------
// Many writers at once
// ---------------------------------------------------------------------------------------------------

const AUDIT_OF: &str = "query($record: ID) {
  auditEvents(recordId: $record, first: 10) { nodes { operation } }
}";

/// The audit trail's changes to `record` (its reads left out), oldest first.
async fn audited(admin: &Gql, record: &str) -> Vec<String> {
    let data = admin.ok(AUDIT_OF, json!({ "record": record })).await;
    data["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["operation"].as_str().expect("operation").to_owned())
        .filter(|operation| operation != "read")
        .collect()
}

/// 32 intakes at once (createClient, createEnrollment, and a read of the client, which housing
/// staff's read audit writes too), by two organizations: on SQLite they all wait for the one write
/// lock (the writer queue, then the busy handler across processes). Each must succeed and each
/// record be written exactly once, with its audit row.
#[tokio::test]
async fn concurrent_intakes_each_succeed_and_are_written_once() {
    const INTAKES: usize = 32;
    let community = Community::new().await;
    let admin = community.admin();
    let before = client_count(&admin).await;
    let intakes = (0..INTAKES).map(|i| {
        let (staff, project) = if i % 2 == 0 {
            (community.staff_a.clone(), community.psh_a.clone())
        } else {
            (community.staff_b.clone(), community.psh_b.clone())
        };
        tokio::spawn(async move {
            let last = format!("Writer{i}");
            let created = try_create_client(&staff, "Many", &last, Some("1985-01-02")).await;
            let client = id(&created.data()["createClient"]);
            let enrolled = try_create_enrollment(&staff, &client, &project, "2026-03-01").await;
            let enrollment = id(&enrolled.data()["createEnrollment"]);
            let stored = read_client(&staff, &client).await;
            (last, client, enrollment, stored)
        })
    });
    let outcomes = futures_util::future::join_all(intakes).await;

    let mut clients = std::collections::HashSet::new();
    for outcome in outcomes {
        let (last, client, enrollment, stored) = outcome.expect("the intake finished");
        assert!(clients.insert(client.clone()), "client {client} twice");
        assert_eq!(stored["lastName"], last.as_str());
        assert_eq!(
            enrollment_ids(&stored),
            vec![enrollment.clone()],
            "{stored}"
        );
        assert_eq!(audited(&admin, &client).await, ["createClient"]);
        assert_eq!(audited(&admin, &enrollment).await, ["createEnrollment"]);
    }
    assert_eq!(clients.len(), INTAKES);
    assert_eq!(client_count(&admin).await, before + INTAKES as i64);
}

// ---------------------------------------------------------------------------------------------------
// recordMoveIn
// ---------------------------------------------------------------------------------------------------

/// A client of org A enrolled in `project` on `entry`; returns the enrollment.
async fn enrolled(community: &Community, project: &str, entry: &str) -> String {
    let client = create_client(&community.staff_a, "Mo", "Vin").await;
    create_enrollment(&community.staff_a, &client, project, entry).await
}

#[tokio::test]
async fn move_in_is_recorded_for_every_permanent_housing_type() {
    let community = Community::new().await;
    let admin = community.admin();
    let housing_only =
        create_project(&admin, &community.housing_a, "Hope PH", "PH_HOUSING_ONLY").await;
    let with_services = create_project(
        &admin,
        &community.housing_a,
        "Hope PH+S",
        "PH_HOUSING_WITH_SERVICES",
    )
    .await;
    // HUD project types 3, 9, 10 and 13.
    for project in [
        &community.psh_a,
        &housing_only,
        &with_services,
        &community.rrh_a,
    ] {
        let enrollment = enrolled(&community, project, "2026-03-01").await;
        let reply = try_record_move_in(&community.staff_a, &enrollment, "2026-03-20").await;
        assert_eq!(reply.data()["recordMoveIn"]["moveInDate"], "2026-03-20");
        let stored = read_enrollment(&community.staff_a, &enrollment).await;
        assert_eq!(stored["moveInDate"], "2026-03-20");
    }
}

#[tokio::test]
async fn move_in_outside_permanent_housing_is_bad_user_input() {
    let community = Community::new().await;
    let admin = community.admin();
    for project_type in [
        "ES_ENTRY_EXIT",
        "ES_NIGHT_BY_NIGHT",
        "TRANSITIONAL_HOUSING",
        "STREET_OUTREACH",
        "SERVICES_ONLY",
        "OTHER",
        "SAFE_HAVEN",
        "DAY_SHELTER",
        "HOMELESSNESS_PREVENTION",
        "COORDINATED_ENTRY",
    ] {
        let project =
            create_project(&admin, &community.housing_a, project_type, project_type).await;
        let enrollment = enrolled(&community, &project, "2026-03-01").await;
        try_record_move_in(&community.staff_a, &enrollment, "2026-03-20")
            .await
            .expect_error("BAD_USER_INPUT");
        let stored = read_enrollment(&community.staff_a, &enrollment).await;
        assert!(stored["moveInDate"].is_null(), "{project_type}: {stored}");
    }
}

#[tokio::test]
async fn move_in_before_entry_is_bad_user_input() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    try_record_move_in(&community.staff_a, &enrollment, "2026-02-28")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["moveInDate"].is_null(), "{stored}");
    // Moving in on the day of entry is fine.
    record_move_in(&community.staff_a, &enrollment, "2026-03-01").await;
}

#[tokio::test]
async fn move_in_after_exit_is_bad_user_input() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    exit_enrollment(&community.staff_a, &enrollment, "2026-04-01").await;
    try_record_move_in(&community.staff_a, &enrollment, "2026-04-02")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["moveInDate"].is_null(), "{stored}");
    record_move_in(&community.staff_a, &enrollment, "2026-04-01").await;
}

#[tokio::test]
async fn move_in_in_the_future_is_bad_user_input() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    try_record_move_in(&community.staff_a, &enrollment, "2026-06-16")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["moveInDate"].is_null(), "{stored}");
    record_move_in(&community.staff_a, &enrollment, TODAY).await;
}

#[tokio::test]
async fn move_in_is_recorded_once() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    record_move_in(&community.staff_a, &enrollment, "2026-03-05").await;
    for again in ["2026-03-06", "2026-03-05"] {
        try_record_move_in(&community.staff_a, &enrollment, again)
            .await
            .expect_error("CONFLICT");
    }
    try_record_move_in(&community.admin(), &enrollment, "2026-03-07")
        .await
        .expect_error("CONFLICT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert_eq!(stored["moveInDate"], "2026-03-05");
}

#[tokio::test]
async fn move_in_by_another_organization_is_forbidden() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    // The PLM sees every enrollment but does not operate the project.
    try_record_move_in(&community.plm, &enrollment, "2026-03-05")
        .await
        .expect_error("FORBIDDEN");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["moveInDate"].is_null(), "{stored}");
}

#[tokio::test]
async fn move_in_on_an_enrollment_not_visible_is_not_found() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    assert!(
        read_enrollment(&community.staff_b, &enrollment)
            .await
            .is_null()
    );
    try_record_move_in(&community.staff_b, &enrollment, "2026-03-05")
        .await
        .expect_error("NOT_FOUND");
    try_record_move_in(&community.staff_a, &unknown_id(), "2026-03-05")
        .await
        .expect_error("NOT_FOUND");
    try_record_move_in(&community.staff_a, "not-an-id", "2026-03-05")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["moveInDate"].is_null(), "{stored}");
}

#[tokio::test]
async fn admin_may_record_move_in_and_exit_in_any_project() {
    let community = Community::new().await;
    let admin = community.admin();
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    record_move_in(&admin, &enrollment, "2026-03-05").await;
    exit_enrollment(&admin, &enrollment, "2026-04-05").await;
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert_eq!(stored["moveInDate"], "2026-03-05");
    assert_eq!(stored["exitDate"], "2026-04-05");
}

// ---------------------------------------------------------------------------------------------------
// exitEnrollment
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn exit_records_the_exit_date_and_destination() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    let data = community
        .staff_a
        .ok(
            "mutation($input: ExitEnrollmentInput!) {
               exitEnrollment(input: $input) { id exitDate destination }
             }",
            json!({ "input": { "enrollmentId": enrollment, "exitDate": "2026-04-01",
                               "destination": 410 } }),
        )
        .await;
    assert_eq!(data["exitEnrollment"]["exitDate"], "2026-04-01");
    assert_eq!(data["exitEnrollment"]["destination"], 410);
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert_eq!(stored["exitDate"], "2026-04-01");
}

#[tokio::test]
async fn exit_before_entry_is_bad_user_input() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    try_exit_enrollment(&community.staff_a, &enrollment, "2026-02-28")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");
    // Leaving on the day of entry is fine.
    exit_enrollment(&community.staff_a, &enrollment, "2026-03-01").await;
}

#[tokio::test]
async fn exit_before_move_in_is_bad_user_input() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    record_move_in(&community.staff_a, &enrollment, "2026-03-10").await;
    try_exit_enrollment(&community.staff_a, &enrollment, "2026-03-09")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");
    exit_enrollment(&community.staff_a, &enrollment, "2026-03-10").await;
}

#[tokio::test]
async fn exit_in_the_future_is_bad_user_input() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    try_exit_enrollment(&community.staff_a, &enrollment, "2026-06-16")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");
    exit_enrollment(&community.staff_a, &enrollment, TODAY).await;
}

#[tokio::test]
async fn an_enrollment_exits_once() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    exit_enrollment(&community.staff_a, &enrollment, "2026-04-01").await;
    for again in ["2026-04-02", "2026-04-01"] {
        try_exit_enrollment(&community.staff_a, &enrollment, again)
            .await
            .expect_error("CONFLICT");
    }
    try_exit_enrollment(&community.admin(), &enrollment, "2026-05-01")
        .await
        .expect_error("CONFLICT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert_eq!(stored["exitDate"], "2026-04-01");
}

#[tokio::test]
async fn exit_by_another_organization_is_forbidden() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    try_exit_enrollment(&community.plm, &enrollment, "2026-04-01")
        .await
        .expect_error("FORBIDDEN");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");

    // Staff B see the CE enrollment a referral to their project was recorded in, but do not run the
    // CE project: they may not exit it.
    let (_, ce_enrollment, _) = community
        .referral("REFERRAL_TO_PSH", &community.psh_b, "2026-03-01")
        .await;
    assert!(
        !read_enrollment(&community.staff_b, &ce_enrollment)
            .await
            .is_null()
    );
    try_exit_enrollment(&community.staff_b, &ce_enrollment, "2026-04-01")
        .await
        .expect_error("FORBIDDEN");
    let stored = read_enrollment(&community.plm, &ce_enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");
}

#[tokio::test]
async fn exit_of_an_enrollment_not_visible_is_not_found() {
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    try_exit_enrollment(&community.staff_b, &enrollment, "2026-04-01")
        .await
        .expect_error("NOT_FOUND");
    try_exit_enrollment(&community.staff_a, &unknown_id(), "2026-04-01")
        .await
        .expect_error("NOT_FOUND");
    try_exit_enrollment(&community.staff_a, "not-an-id", "2026-04-01")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.staff_a, &enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");
}

#[tokio::test]
async fn exit_before_a_ce_event_recorded_in_the_enrollment_is_bad_user_input() {
    let community = Community::new().await;
    let (_, ce_enrollment, _) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    try_exit_enrollment(&community.plm, &ce_enrollment, "2026-02-28")
        .await
        .expect_error("BAD_USER_INPUT");
    let stored = read_enrollment(&community.plm, &ce_enrollment).await;
    assert!(stored["exitDate"].is_null(), "{stored}");
    // Exiting on the day of the last event keeps the event within the enrollment.
    exit_enrollment(&community.plm, &ce_enrollment, "2026-03-01").await;
}
