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

/// A createClient case: what is given, and the refusal expected (`None`: the client is created).
struct NewClient<'a> {
    name: &'static str,
    first: &'a str,
    last: &'a str,
    dob: Option<&'static str>,
    refused: Option<(&'static str, &'static str)>,
}

#[tokio::test]
async fn create_client_checks_its_names_and_date_of_birth() {
    let community = Community::new().await;
    let admin = community.admin();
    let (x100, x101) = ("x".repeat(100), "x".repeat(101));
    let (e100, e101) = ("é".repeat(100), "é".repeat(101));
    let x100_padded = format!("  {x100}  ");
    let bad = |says| Some(("BAD_USER_INPUT", says));
    #[rustfmt::skip]
    let cases = [
        NewClient { name: "blank first name", first: "   ", last: "Lopez", dob: None, refused: bad("firstName must not be empty") },
        NewClient { name: "empty last name", first: "Ana", last: "", dob: None, refused: bad("lastName must not be empty") },
        NewClient { name: "both names empty", first: "", last: "", dob: None, refused: bad("firstName must not be empty") },
        NewClient { name: "first name of white space", first: "\t\n", last: "Lopez", dob: None, refused: bad("firstName must not be empty") },
        // Characters, not bytes: 100 two-byte letters are a valid name.
        NewClient { name: "names of 100 characters", first: &x100, last: &e100, dob: None, refused: None },
        // Surrounding spaces are trimmed before counting.
        NewClient { name: "100 characters within spaces", first: &x100_padded, last: "Ok", dob: None, refused: None },
        NewClient { name: "first name of 101 characters", first: &x101, last: "Lopez", dob: None, refused: bad("firstName must be at most 100 characters") },
        NewClient { name: "last name of 101 two-byte letters", first: "Ana", last: &e101, dob: None, refused: bad("lastName must be at most 100 characters") },
        NewClient { name: "born tomorrow", first: "Future", last: "Born", dob: Some("2026-06-16"), refused: bad("dateOfBirth 2026-06-16 is in the future") },
        NewClient { name: "born today", first: "Born", last: "Today", dob: Some(TODAY), refused: None },
        NewClient { name: "born before 1900", first: "Very", last: "Old", dob: Some("1899-12-31"), refused: bad("dateOfBirth 1899-12-31 is before 1900-01-01") },
        NewClient { name: "born on 1900-01-01", first: "Quite", last: "Old", dob: Some("1900-01-01"), refused: None },
    ];
    for case in cases {
        let before = client_count(&admin).await;
        let reply = try_create_client(&community.plm, case.first, case.last, case.dob).await;
        match case.refused {
            Some((code, says)) => {
                reply.expect_refused(case.name, code, says);
                assert_eq!(client_count(&admin).await, before, "case {}", case.name);
            }
            None => {
                let created = &reply.expect_ok(case.name)["createClient"];
                assert_eq!(
                    created["dateOfBirth"],
                    json!(case.dob),
                    "case {}",
                    case.name
                );
                assert_eq!(client_count(&admin).await, before + 1, "case {}", case.name);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// createEnrollment (intake)
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn intake_enrolls_a_client_by_staff_of_the_project_s_organization_or_an_admin() {
    let community = Community::new().await;
    let admin = community.admin();
    // (case, who makes the client, who enrolls it in org A's PSH)
    #[rustfmt::skip]
    let cases = [
        ("staff of the acting organization", &community.staff_a, &community.staff_a),
        // An ADMIN may enroll in any project, a client another organization made.
        ("an ADMIN, a client of org B's", &community.staff_b, &admin),
    ];
    for (name, maker, who) in cases {
        let client = create_client(maker, "Ina", "Take").await;
        let reply = try_create_enrollment(who, &client, &community.psh_a, "2026-03-01").await;
        let created = id(&reply.expect_ok(name)["createEnrollment"]);
        let stored = read_enrollment(&community.staff_a, &created).await;
        assert_eq!(stored["entryDate"], "2026-03-01", "case {name}: {stored}");
        assert_eq!(
            stored["project"]["id"],
            community.psh_a.as_str(),
            "case {name}: {stored}"
        );
        assert_eq!(
            stored["client"]["id"],
            client.as_str(),
            "case {name}: {stored}"
        );
        assert!(stored["exitDate"].is_null(), "case {name}: {stored}");
        assert!(stored["moveInDate"].is_null(), "case {name}: {stored}");
    }
}

/// An intake refused for who asks or what it names.
struct Intake<'a> {
    name: &'static str,
    who: &'a Gql,
    client: &'a str,
    project: &'a str,
    code: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn intake_refused_for_who_asks_or_what_it_names_writes_nothing() {
    let community = Community::new().await;
    let admin = community.admin();
    let ours = create_client(&community.staff_a, "Ina", "Take").await;
    // Created by org B, never enrolled in or referred to org A: invisible to staff A.
    let theirs = create_client(&community.staff_b, "Bea", "Harbor").await;
    assert!(read_client(&community.staff_a, &theirs).await.is_null());
    let unknown = unknown_id();
    let (plm, staff_a, staff_b, psh_a) = (
        &community.plm,
        &community.staff_a,
        &community.staff_b,
        &community.psh_a,
    );
    let not_theirs = "Only staff of the organization that operates project";
    #[rustfmt::skip]
    let cases = [
        // Staff B can see this client (B created it), so only the project's organization is wrong.
        Intake { name: "by staff of another organization", who: staff_b, client: &theirs, project: psh_a, code: "FORBIDDEN", says: not_theirs },
        // A PLM is not the project's organization either.
        Intake { name: "by a PLM", who: plm, client: &theirs, project: psh_a, code: "FORBIDDEN", says: not_theirs },
        Intake { name: "of a client not visible", who: staff_a, client: &theirs, project: psh_a, code: "NOT_FOUND", says: "No client with id" },
        Intake { name: "of an unknown client", who: staff_a, client: &unknown, project: psh_a, code: "NOT_FOUND", says: "No client with id" },
        Intake { name: "in an unknown project", who: staff_a, client: &ours, project: &unknown, code: "NOT_FOUND", says: "No project has id" },
        Intake { name: "of a malformed client id", who: staff_a, client: "not-an-id", project: psh_a, code: "BAD_USER_INPUT", says: "clientId \"not-an-id\" is not" },
        Intake { name: "in a malformed project id", who: staff_a, client: &ours, project: "42", code: "BAD_USER_INPUT", says: "projectId \"42\" is not" },
    ];
    for case in cases {
        try_create_enrollment(case.who, case.client, case.project, "2026-03-01")
            .await
            .expect_refused(case.name, case.code, case.says);
        for client in [&ours, &theirs] {
            let stored = read_client(&admin, client).await;
            assert!(
                enrollment_ids(&stored).is_empty(),
                "case {}: {stored}",
                case.name
            );
        }
    }
}

/// An entry date outside what the project allows, and the nearest date it allows.
struct EntryDate<'a> {
    name: &'static str,
    project: &'a str,
    refused: &'static str,
    allowed: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn intake_entry_date_is_not_in_the_future_and_within_the_projects_operating_dates() {
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
    let psh_a = &community.psh_a;
    #[rustfmt::skip]
    let cases = [
        EntryDate { name: "tomorrow", project: psh_a, refused: "2026-06-16", allowed: TODAY, says: "entryDate 2026-06-16 is in the future" },
        // The community's projects start operating 2020-01-01.
        EntryDate { name: "before operating", project: psh_a, refused: "2019-12-31", allowed: "2020-01-01", says: "before the project's operatingStartDate" },
        EntryDate { name: "after operating", project: &closed, refused: "2026-01-01", allowed: "2025-12-31", says: "after the project's operatingEndDate" },
    ];
    for case in cases {
        let client = create_client(&community.staff_a, "Ina", "Take").await;
        try_create_enrollment(&community.staff_a, &client, case.project, case.refused)
            .await
            .expect_refused(case.name, "BAD_USER_INPUT", case.says);
        let stored = read_client(&community.staff_a, &client).await;
        assert!(
            enrollment_ids(&stored).is_empty(),
            "case {}: {stored}",
            case.name
        );
        try_create_enrollment(&community.staff_a, &client, case.project, case.allowed)
            .await
            .expect_ok(case.name);
    }
}

#[tokio::test]
async fn intake_overlapping_an_enrollment_is_a_conflict() {
    let community = Community::new().await;
    let (staff_a, psh_a) = (&community.staff_a, &community.psh_a);
    let open_client = create_client(staff_a, "Ina", "Take").await;
    let open = create_enrollment(staff_a, &open_client, psh_a, "2026-02-01").await;
    let exited_client = create_client(staff_a, "Exa", "Ited").await;
    let exited = create_enrollment(staff_a, &exited_client, psh_a, "2026-02-01").await;
    exit_enrollment(staff_a, &exited, "2026-03-01").await;
    // (case, client, its one enrollment, the new entry date). An enrollment without an exit date is
    // open from its entry date on: later and earlier entries (the new one is open too) both overlap
    // it, and so does the same day.
    #[rustfmt::skip]
    let cases = [
        ("after an open one's entry", &open_client, &open, "2026-04-01"),
        ("on an open one's entry day", &open_client, &open, "2026-02-01"),
        ("before an open one's entry", &open_client, &open, "2026-01-15"),
        ("within an exited one", &exited_client, &exited, "2026-02-15"),
        ("the day before an exited one's exit", &exited_client, &exited, "2026-02-28"),
        ("before an exited one's entry", &exited_client, &exited, "2026-01-15"),
    ];
    for (name, client, first, entry) in cases {
        try_create_enrollment(staff_a, client, psh_a, entry)
            .await
            .expect_refused(
                name,
                "CONFLICT",
                &format!("that overlaps entryDate {entry}"),
            );
        let stored = read_client(staff_a, client).await;
        assert_eq!(enrollment_ids(&stored), vec![first.clone()], "case {name}");
    }
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

// ---------------------------------------------------------------------------------------------------
// recordMoveIn and exitEnrollment: their refusals
// ---------------------------------------------------------------------------------------------------

/// The two mutations that date an enrollment after intake.
#[derive(Clone, Copy, Debug)]
enum Dated {
    MoveIn,
    Exit,
}

impl Dated {
    async fn attempt(self, who: &Gql, enrollment: &str, date: &str) -> Reply {
        match self {
            Dated::MoveIn => try_record_move_in(who, enrollment, date).await,
            Dated::Exit => try_exit_enrollment(who, enrollment, date).await,
        }
    }

    /// The enrollment's field the mutation writes.
    fn field(self) -> &'static str {
        match self {
            Dated::MoveIn => "moveInDate",
            Dated::Exit => "exitDate",
        }
    }

    /// What its refusal of a second date says.
    fn recorded_once(self) -> &'static str {
        match self {
            Dated::MoveIn => "already has a moveInDate; it is recorded once",
            Dated::Exit => "has already exited; an enrollment exits once",
        }
    }
}

/// Whose enrollment a date rule is tried on.
#[derive(Clone, Copy)]
enum Holder {
    /// A client of org A in Hope PSH from 2026-03-01, dated by staff A.
    Housed,
    /// A CE enrollment from 2026-01-05 with a referral recorded on 2026-03-01, dated by the PLM.
    InCe,
}

/// A date the mutation refuses (after `before` was recorded), and the nearest date it allows.
struct DateRule {
    name: &'static str,
    mutation: Dated,
    holder: Holder,
    before: Option<(Dated, &'static str)>,
    refused: &'static str,
    allowed: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn move_in_and_exit_dates_outside_the_enrollment_or_in_the_future_are_bad_user_input() {
    use Dated::*;
    use Holder::*;
    let community = Community::new().await;
    #[rustfmt::skip]
    let cases = [
        DateRule { name: "move-in before entry", mutation: MoveIn, holder: Housed, before: None, refused: "2026-02-28", allowed: "2026-03-01", says: "before the entryDate 2026-03-01" },
        DateRule { name: "move-in after exit", mutation: MoveIn, holder: Housed, before: Some((Exit, "2026-04-01")), refused: "2026-04-02", allowed: "2026-04-01", says: "after the exitDate 2026-04-01" },
        DateRule { name: "move-in tomorrow", mutation: MoveIn, holder: Housed, before: None, refused: "2026-06-16", allowed: TODAY, says: "moveInDate 2026-06-16 is in the future" },
        DateRule { name: "exit before entry", mutation: Exit, holder: Housed, before: None, refused: "2026-02-28", allowed: "2026-03-01", says: "before the entryDate 2026-03-01" },
        DateRule { name: "exit before move-in", mutation: Exit, holder: Housed, before: Some((MoveIn, "2026-03-10")), refused: "2026-03-09", allowed: "2026-03-10", says: "before the moveInDate 2026-03-10" },
        DateRule { name: "exit tomorrow", mutation: Exit, holder: Housed, before: None, refused: "2026-06-16", allowed: TODAY, says: "exitDate 2026-06-16 is in the future" },
        // Exiting on the day of the last event keeps the event within the enrollment.
        DateRule { name: "exit before a CE event", mutation: Exit, holder: InCe, before: None, refused: "2026-02-28", allowed: "2026-03-01", says: "before 1 CE event(s) recorded" },
    ];
    for case in cases {
        let (who, enrollment) = match case.holder {
            Housed => (
                &community.staff_a,
                enrolled(&community, &community.psh_a, "2026-03-01").await,
            ),
            InCe => {
                let (_, ce_enrollment, _) = community
                    .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
                    .await;
                (&community.plm, ce_enrollment)
            }
        };
        if let Some((earlier, date)) = case.before {
            earlier
                .attempt(who, &enrollment, date)
                .await
                .expect_ok(case.name);
        }
        case.mutation
            .attempt(who, &enrollment, case.refused)
            .await
            .expect_refused(case.name, "BAD_USER_INPUT", case.says);
        let stored = read_enrollment(who, &enrollment).await;
        assert!(
            stored[case.mutation.field()].is_null(),
            "case {}: {stored}",
            case.name
        );
        case.mutation
            .attempt(who, &enrollment, case.allowed)
            .await
            .expect_ok(case.name);
    }
}

#[tokio::test]
async fn move_in_and_exit_are_recorded_once() {
    use Dated::*;
    let community = Community::new().await;
    let admin = community.admin();
    let staff_a = &community.staff_a;
    // (case, mutation, the date recorded first, who tries again, on which date)
    #[rustfmt::skip]
    let cases = [
        ("move-in again a day later", MoveIn, "2026-03-05", staff_a, "2026-03-06"),
        ("move-in again on the same day", MoveIn, "2026-03-05", staff_a, "2026-03-05"),
        ("move-in again by an ADMIN", MoveIn, "2026-03-05", &admin, "2026-03-07"),
        ("exit again a day later", Exit, "2026-04-01", staff_a, "2026-04-02"),
        ("exit again on the same day", Exit, "2026-04-01", staff_a, "2026-04-01"),
        ("exit again by an ADMIN", Exit, "2026-04-01", &admin, "2026-05-01"),
    ];
    for (name, mutation, first, who, again) in cases {
        let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
        mutation
            .attempt(staff_a, &enrollment, first)
            .await
            .expect_ok(name);
        mutation
            .attempt(who, &enrollment, again)
            .await
            .expect_refused(name, "CONFLICT", mutation.recorded_once());
        let stored = read_enrollment(&community.staff_a, &enrollment).await;
        assert_eq!(stored[mutation.field()], first, "case {name}");
    }
}

/// A move-in or exit by someone who may not date the enrollment, or naming none.
struct Misdirected<'a> {
    name: &'static str,
    mutation: Dated,
    who: &'a Gql,
    enrollment: &'a str,
    code: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn move_in_and_exit_by_another_organization_or_of_an_enrollment_not_visible_write_nothing() {
    use Dated::*;
    let community = Community::new().await;
    let enrollment = enrolled(&community, &community.psh_a, "2026-03-01").await;
    assert!(
        read_enrollment(&community.staff_b, &enrollment)
            .await
            .is_null()
    );
    // Staff B see the CE enrollment a referral to their project was recorded in, but do not run the
    // CE project.
    let (_, ce_enrollment, _) = community
        .referral("REFERRAL_TO_PSH", &community.psh_b, "2026-03-01")
        .await;
    assert!(
        !read_enrollment(&community.staff_b, &ce_enrollment)
            .await
            .is_null()
    );
    let unknown = unknown_id();
    let (plm, staff_a, staff_b) = (&community.plm, &community.staff_a, &community.staff_b);
    let not_theirs = "Only staff of the organization that operates project";
    let (no_such, malformed) = (
        "No enrollment with id",
        "enrollmentId \"not-an-id\" is not a valid id",
    );
    #[rustfmt::skip]
    let cases = [
        // The PLM sees every enrollment but does not operate the project.
        Misdirected { name: "move-in by a PLM", mutation: MoveIn, who: plm, enrollment: &enrollment, code: "FORBIDDEN", says: not_theirs },
        Misdirected { name: "move-in not visible", mutation: MoveIn, who: staff_b, enrollment: &enrollment, code: "NOT_FOUND", says: no_such },
        Misdirected { name: "move-in of an unknown id", mutation: MoveIn, who: staff_a, enrollment: &unknown, code: "NOT_FOUND", says: no_such },
        Misdirected { name: "move-in of a malformed id", mutation: MoveIn, who: staff_a, enrollment: "not-an-id", code: "BAD_USER_INPUT", says: malformed },
        Misdirected { name: "exit by a PLM", mutation: Exit, who: plm, enrollment: &enrollment, code: "FORBIDDEN", says: not_theirs },
        Misdirected { name: "exit of a CE enrollment by staff B", mutation: Exit, who: staff_b, enrollment: &ce_enrollment, code: "FORBIDDEN", says: not_theirs },
        Misdirected { name: "exit not visible", mutation: Exit, who: staff_b, enrollment: &enrollment, code: "NOT_FOUND", says: no_such },
        Misdirected { name: "exit of an unknown id", mutation: Exit, who: staff_a, enrollment: &unknown, code: "NOT_FOUND", says: no_such },
        Misdirected { name: "exit of a malformed id", mutation: Exit, who: staff_a, enrollment: "not-an-id", code: "BAD_USER_INPUT", says: malformed },
    ];
    for case in cases {
        let date = match case.mutation {
            MoveIn => "2026-03-05",
            Exit => "2026-04-01",
        };
        case.mutation
            .attempt(case.who, case.enrollment, date)
            .await
            .expect_refused(case.name, case.code, case.says);
        let stored = read_enrollment(&community.staff_a, &enrollment).await;
        assert!(
            stored["moveInDate"].is_null() && stored["exitDate"].is_null(),
            "case {}: {stored}",
            case.name
        );
        let stored = read_enrollment(&community.plm, &ce_enrollment).await;
        assert!(stored["exitDate"].is_null(), "case {}: {stored}", case.name);
    }
}
