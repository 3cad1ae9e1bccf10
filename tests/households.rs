//! Households (HUD 3.14/3.15, rules H1-H7) through the API: a family enters together, someone joins
//! later, the head moves in and exits last, the referral is the household's, and the referred
//! organization sees the members it must enroll, and nothing more.

mod common;

use common::*;
use serde_json::{Value, json};

const INTAKE: &str = "mutation($input: CreateEnrollmentInput!) {
  createEnrollment(input: $input) {
    id relationshipToHoH
    household { id householdType headOfHousehold { id } members { id relationshipToHoH entryDate client { firstName } } }
  }
}";

const ADD_MEMBER: &str = "mutation($input: AddHouseholdMemberInput!) {
  addHouseholdMember(input: $input) { id relationshipToHoH entryDate household { id members { id } } }
}";

const EXIT: &str = "mutation($input: ExitEnrollmentInput!) {
  exitEnrollment(input: $input) { id exitDate }
}";

const READ: &str = "query($id: ID!) {
  enrollment(id: $id) { id exitDate relationshipToHoH household { headOfHousehold { id } members { id exitDate } } }
}";

/// A client with a date of birth, created by `who`.
async fn person(who: &Gql, first: &str, born: &str) -> String {
    id(&try_create_client(who, first, "Family", Some(born))
        .await
        .data()["createClient"])
}

fn member(client: &str, relationship: &str, entry: Option<&str>) -> Value {
    json!({ "clientId": client, "relationshipToHoH": relationship, "entryDate": entry })
}

async fn intake(who: &Gql, head: &str, project: &str, entry: &str, members: Value) -> Reply {
    who.run(
        INTAKE,
        json!({ "input": { "clientId": head, "projectId": project, "entryDate": entry, "members": members } }),
    )
    .await
}

/// `client` joins `household` as a child on `entry`.
async fn join(who: &Gql, household: &str, client: &str, entry: &str) -> Reply {
    who.run(
        ADD_MEMBER,
        json!({ "input": { "householdId": household, "clientId": client, "relationshipToHoH": "CHILD", "entryDate": entry } }),
    )
    .await
}

/// A family of three (two adults, a child) and its CE intake; returns (clients, head's CE enrollment
/// reply data).
async fn family_in_ce(c: &Community) -> ([String; 3], Value) {
    let head = person(&c.plm, "Hana", "1988-05-01").await;
    let partner = person(&c.plm, "Pat", "1990-02-03").await;
    let child = person(&c.plm, "Kit", "2018-09-09").await;
    let reply = intake(
        &c.plm,
        &head,
        &c.ce_project,
        "2026-01-10",
        json!([
            member(&partner, "SPOUSE_OR_PARTNER", None),
            member(&child, "CHILD", Some("2026-01-12"))
        ]),
    )
    .await;
    (
        [head, partner, child],
        reply.data()["createEnrollment"].clone(),
    )
}

#[tokio::test]
async fn a_family_enters_together_with_one_head() {
    let c = Community::new().await;
    let (_, head) = family_in_ce(&c).await;
    assert_eq!(head["relationshipToHoH"], "SELF_HEAD_OF_HOUSEHOLD");
    let household = &head["household"];
    assert_eq!(household["headOfHousehold"]["id"], head["id"]);
    assert_eq!(household["householdType"], "WITH_CHILDREN_AND_ADULTS");
    let members = household["members"].as_array().expect("members");
    let shape: Vec<(&str, &str, &str)> = members
        .iter()
        .map(|m| {
            (
                m["client"]["firstName"].as_str().unwrap_or_default(),
                m["relationshipToHoH"].as_str().unwrap_or_default(),
                m["entryDate"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("Hana", "SELF_HEAD_OF_HOUSEHOLD", "2026-01-10"),
            ("Pat", "SPOUSE_OR_PARTNER", "2026-01-10"),
            ("Kit", "CHILD", "2026-01-12"),
        ]
    );
}

/// A household intake with a member it may not have.
struct BadMember<'a> {
    name: &'static str,
    who: &'a Gql,
    head: &'a str,
    project: &'a str,
    members: Value,
    code: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn one_bad_member_refuses_the_whole_intake() {
    let c = Community::new().await;
    let head = person(&c.plm, "Hana", "1988-05-01").await;
    let other = person(&c.plm, "Oli", "1990-01-01").await;
    let outside = person(&c.staff_b, "Zed", "1990-01-01").await;
    let theirs = person(&c.staff_a, "Hana", "1988-05-01").await;
    let enrolled = person(&c.plm, "Ena", "1990-01-01").await;
    create_enrollment(&c.plm, &enrolled, &c.ce_project, "2026-01-01").await;
    let (plm, ce) = (&c.plm, c.ce_project.as_str());
    let bad = "BAD_USER_INPUT";
    #[rustfmt::skip]
    let cases = [
        BadMember { name: "a second head", who: plm, head: &head, project: ce, members: json!([member(&other, "SELF_HEAD_OF_HOUSEHOLD", None)]), code: bad, says: "members[0]" },
        BadMember { name: "a member twice", who: plm, head: &head, project: ce, members: json!([member(&other, "CHILD", None), member(&other, "CHILD", None)]), code: bad, says: "more than once" },
        BadMember { name: "the head as a member", who: plm, head: &head, project: ce, members: json!([member(&head, "SPOUSE_OR_PARTNER", None)]), code: bad, says: "more than once" },
        BadMember { name: "entering before the head", who: plm, head: &head, project: ce, members: json!([member(&other, "CHILD", Some("2026-01-09"))]), code: bad, says: "head of household's entryDate" },
        BadMember { name: "entering in the future", who: plm, head: &head, project: ce, members: json!([member(&other, "CHILD", Some("2099-01-01"))]), code: bad, says: "future" },
        BadMember { name: "an unknown client", who: plm, head: &head, project: ce, members: json!([member(&unknown_id(), "CHILD", None)]), code: "NOT_FOUND", says: "client" },
        // A member the intake's organization does not see is NOT_FOUND, as for no client at all.
        BadMember { name: "a client not visible", who: &c.staff_a, head: &theirs, project: &c.psh_a, members: json!([member(&outside, "CHILD", None)]), code: "NOT_FOUND", says: "No client with id" },
        // A member already enrolled in the project overlaps: CONFLICT, and the head is not written.
        BadMember { name: "a member already enrolled", who: plm, head: &head, project: ce, members: json!([member(&enrolled, "CHILD", None)]), code: "CONFLICT", says: "already has an enrollment in project" },
    ];
    for case in cases {
        let reply = intake(
            case.who,
            case.head,
            case.project,
            "2026-01-10",
            case.members,
        )
        .await;
        reply.expect_refused(case.name, case.code, case.says);
        let client = read_client(&c.admin(), case.head).await;
        assert_eq!(
            client["enrollments"],
            json!([]),
            "case {}: nothing written",
            case.name
        );
    }
}

#[tokio::test]
async fn a_member_joins_an_open_household_later() {
    let c = Community::new().await;
    let (_, head) = family_in_ce(&c).await;
    let household = head["household"]["id"].as_str().expect("an id").to_owned();
    let baby = person(&c.plm, "Bea", "2026-03-01").await;
    let joined = join(&c.plm, &household, &baby, "2026-03-02").await;
    let joined = &joined.data()["addHouseholdMember"];
    assert_eq!(joined["relationshipToHoH"], "CHILD");
    assert_eq!(
        joined["household"]["members"].as_array().map(Vec::len),
        Some(4)
    );

    let early = person(&c.plm, "Eve", "2010-01-01").await;
    let stranger = person(&c.plm, "Sam", "2010-01-01").await;
    let theirs = person(&c.staff_b, "Tia", "2010-01-01").await;
    let unknown = unknown_id();
    // (case, who, client, household, entry date, code, what the message says). Staff of another
    // organization do not see the household: NOT_FOUND, as for no household.
    #[rustfmt::skip]
    let cases = [
        ("a member twice", &c.plm, &baby, &household, "2026-03-03", "BAD_USER_INPUT", "in the household more than once"),
        ("entering before the head", &c.plm, &early, &household, "2026-01-09", "BAD_USER_INPUT", "before the head of household's entryDate"),
        ("an unknown household", &c.plm, &stranger, &unknown, "2026-03-02", "NOT_FOUND", "No household with id"),
        ("a household not visible", &c.staff_b, &theirs, &household, "2026-03-02", "NOT_FOUND", "No household with id"),
    ];
    for (name, who, client, household_id, entry, code, says) in cases {
        join(who, household_id, client, entry)
            .await
            .expect_refused(name, code, says);
        let read = c.plm.ok(READ, json!({ "id": head["id"] })).await;
        let members = &read["enrollment"]["household"]["members"];
        assert_eq!(
            members.as_array().map(Vec::len),
            Some(4),
            "case {name}: {members}"
        );
    }

    // Once the head has exited (with the whole household), nobody joins.
    let exited = c
        .plm
        .run(
            EXIT,
            json!({ "input": { "enrollmentId": head["id"], "exitDate": "2026-04-01", "wholeHousehold": true } }),
        )
        .await;
    exited.data();
    let message = join(&c.plm, &household, &stranger, "2026-04-02")
        .await
        .expect_error("BAD_USER_INPUT")
        .to_owned();
    assert!(message.contains("exited"), "{message}");
}

/// An exit the household's rules refuse.
struct RefusedExit<'a> {
    name: &'static str,
    enrollment: &'a str,
    whole_household: Option<bool>,
    new_head: Option<&'a str>,
    says: &'static [&'static str],
}

#[tokio::test]
async fn the_head_exits_last_with_the_household_or_hands_over() {
    let c = Community::new().await;
    let (_, head) = family_in_ce(&c).await;
    let head_id = head["id"].as_str().expect("id").to_owned();
    let members = head["household"]["members"]
        .as_array()
        .expect("members")
        .clone();
    let partner = members[1]["id"].as_str().expect("id").to_owned();
    let child = members[2]["id"].as_str().expect("id").to_owned();
    let exit = |input: Value| {
        let plm = c.plm.clone();
        async move { plm.run(EXIT, json!({ "input": input })).await }
    };

    let stranger = unknown_id();
    #[rustfmt::skip]
    let cases = [
        RefusedExit { name: "the head before the members", enrollment: &head_id, whole_household: None, new_head: None, says: &["Pat Family", "Kit Family"] },
        RefusedExit { name: "the whole household and a new head", enrollment: &head_id, whole_household: Some(true), new_head: Some(&partner), says: &["not both"] },
        RefusedExit { name: "a new head not in the household", enrollment: &head_id, whole_household: None, new_head: Some(&stranger), says: &["not the enrollment of a member"] },
        RefusedExit { name: "a new head named by a member", enrollment: &child, whole_household: None, new_head: Some(&partner), says: &["only for the head of household's exit"] },
    ];
    for RefusedExit {
        name,
        enrollment,
        whole_household,
        new_head,
        says,
    } in cases
    {
        let mut input = json!({ "enrollmentId": enrollment, "exitDate": "2026-03-01" });
        if let Some(whole) = whole_household {
            input["wholeHousehold"] = json!(whole);
        }
        if let Some(new_head) = new_head {
            input["newHeadOfHouseholdId"] = json!(new_head);
        }
        let refused = exit(input).await;
        for says in says {
            refused.expect_refused(name, "BAD_USER_INPUT", says);
        }
        let read = c.plm.ok(READ, json!({ "id": head_id })).await;
        let members = &read["enrollment"]["household"]["members"];
        let exited = members
            .as_array()
            .expect("members")
            .iter()
            .any(|m| !m["exitDate"].is_null());
        assert!(!exited, "case {name}: {members}");
    }

    // A member exits alone; then the head hands over to the partner.
    exit(json!({ "enrollmentId": child, "exitDate": "2026-02-01" }))
        .await
        .data();
    exit(json!({ "enrollmentId": head_id, "exitDate": "2026-03-01", "newHeadOfHouseholdId": partner }))
        .await
        .data();
    let read = c.plm.ok(READ, json!({ "id": partner })).await;
    assert_eq!(
        read["enrollment"]["relationshipToHoH"],
        "SELF_HEAD_OF_HOUSEHOLD"
    );
    assert_eq!(
        read["enrollment"]["household"]["headOfHousehold"]["id"],
        json!(partner)
    );
    let former = c.plm.ok(READ, json!({ "id": head_id })).await;
    assert_eq!(
        former["enrollment"]["relationshipToHoH"],
        "SPOUSE_OR_PARTNER"
    );
    assert_eq!(former["enrollment"]["exitDate"], "2026-03-01");
}

#[tokio::test]
async fn a_whole_household_exits_on_one_date() {
    let c = Community::new().await;
    let (_, head) = family_in_ce(&c).await;
    let exited = c
        .plm
        .run(
            EXIT,
            json!({ "input": { "enrollmentId": head["id"], "exitDate": "2026-03-01", "wholeHousehold": true } }),
        )
        .await;
    assert_eq!(exited.data()["exitEnrollment"]["exitDate"], "2026-03-01");
    let read = c.plm.ok(READ, json!({ "id": head["id"] })).await;
    let dates: Vec<&Value> = read["enrollment"]["household"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| &m["exitDate"])
        .collect();
    assert_eq!(dates, [&json!("2026-03-01"); 3]);
}

/// The family referred to Hope PSH: (clients, head's CE enrollment, member CE enrollments, event).
async fn referred_family(c: &Community) -> ([String; 3], String, Vec<String>, String) {
    let (clients, head) = family_in_ce(c).await;
    let members: Vec<String> = head["household"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .skip(1)
        .map(|m| m["id"].as_str().expect("id").to_owned())
        .collect();
    let head_id = head["id"].as_str().expect("id").to_owned();
    let event = create_ce_event(
        &c.plm,
        &head_id,
        "2026-02-01",
        "REFERRAL_TO_PSH",
        Some(&c.psh_a),
    )
    .await;
    (clients, head_id, members, event)
}

/// The referred family's intake at Hope PSH, as a household on 2026-02-10; the head's enrollment.
async fn enrolled_at_hope_psh(c: &Community, family: &[String; 3]) -> Value {
    let members = json!([
        member(&family[1], "SPOUSE_OR_PARTNER", None),
        member(&family[2], "CHILD", None)
    ]);
    let program = intake(&c.staff_a, &family[0], &c.psh_a, "2026-02-10", members).await;
    program.data()["createEnrollment"].clone()
}

#[tokio::test]
async fn a_referral_is_recorded_on_the_head_and_results_in_the_head_s_enrollment() {
    let c = Community::new().await;
    let (_, _, members, _) = referred_family(&c).await;
    let on_member = try_create_ce_event(
        &c.plm,
        &members[0],
        "2026-02-01",
        "REFERRAL_TO_PSH",
        Some(&c.psh_a),
    )
    .await;
    let message = on_member.expect_error("BAD_USER_INPUT");
    assert!(message.contains("head of household"), "{message}");

    // At the program the family enters as a household: the partner's enrollment is not the result.
    let (family, _, _, referral) = referred_family(&c).await;
    let program = enrolled_at_hope_psh(&c, &family).await;
    let partner_enrollment = program["household"]["members"][1]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let refused = resolve(
        &c.staff_a,
        &referral,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&partner_enrollment),
    )
    .await;
    refused.expect_error("BAD_USER_INPUT");
    let head_enrollment = program["id"].as_str().expect("id").to_owned();
    let resolved = resolve(
        &c.staff_a,
        &referral,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&head_enrollment),
    )
    .await;
    assert_eq!(
        resolved.data()["resolveReferral"]["referralResult"],
        "SUCCESSFUL_CLIENT_ACCEPTED"
    );
}

#[tokio::test]
async fn the_referred_organization_sees_the_household_s_members_and_no_one_else_does() {
    let c = Community::new().await;
    let (clients, head, members, event) = referred_family(&c).await;
    for client in &clients {
        assert_ne!(
            read_client(&c.staff_a, client).await,
            Value::Null,
            "{client}"
        );
        assert_eq!(
            read_client(&c.staff_b, client).await,
            Value::Null,
            "{client}"
        );
    }
    for enrollment in members.iter().chain([&head]) {
        assert_ne!(read_enrollment(&c.staff_a, enrollment).await, Value::Null);
        assert_eq!(read_enrollment(&c.staff_b, enrollment).await, Value::Null);
    }
    let household = c
        .staff_a
        .ok(
            "query($id: ID!) { ceEvent(id: $id) { household { members { client { firstName } } } } }",
            json!({ "id": event }),
        )
        .await;
    let names: Vec<&str> = household["ceEvent"]["household"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["client"]["firstName"].as_str())
        .collect();
    assert_eq!(names, ["Hana", "Pat", "Kit"]);
    // Nothing else widens: another CE client stays out of sight.
    let (other, _) = c.client_in_ce("Una", "Unrelated", "2026-01-05").await;
    assert_eq!(read_client(&c.staff_a, &other).await, Value::Null);
}

#[tokio::test]
async fn move_in_is_recorded_on_the_head() {
    let c = Community::new().await;
    let head = person(&c.staff_a, "Hana", "1988-05-01").await;
    let child = person(&c.staff_a, "Kit", "2018-09-09").await;
    let program = intake(
        &c.staff_a,
        &head,
        &c.psh_a,
        "2026-02-10",
        json!([member(&child, "CHILD", None)]),
    )
    .await;
    let program = program.data()["createEnrollment"].clone();
    let child_enrollment = program["household"]["members"][1]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let refused = try_record_move_in(&c.staff_a, &child_enrollment, "2026-02-20").await;
    assert!(
        refused
            .expect_error("BAD_USER_INPUT")
            .contains("head of household")
    );
    let head_enrollment = program["id"].as_str().expect("id").to_owned();
    record_move_in(&c.staff_a, &head_enrollment, "2026-02-20").await;
}

#[tokio::test]
async fn a_household_s_type_follows_its_members_ages() {
    let c = Community::new().await;
    let cases = [
        (vec!["1980-01-01", "1982-01-01"], "WITHOUT_CHILDREN"),
        (vec!["2010-01-01", "2012-01-01"], "WITH_ONLY_CHILDREN"),
        (vec!["1980-01-01", "2012-01-01"], "WITH_CHILDREN_AND_ADULTS"),
    ];
    for (births, expected) in cases {
        let head = person(&c.plm, "Head", births[0]).await;
        let other = person(&c.plm, "Other", births[1]).await;
        let reply = intake(
            &c.plm,
            &head,
            &c.ce_project,
            "2026-01-10",
            json!([member(&other, "OTHER_RELATIVE", None)]),
        )
        .await;
        assert_eq!(
            reply.data()["createEnrollment"]["household"]["householdType"],
            expected,
            "{births:?}"
        );
    }
    let unknown = id(&try_create_client(&c.plm, "Nobody", "Knows", None)
        .await
        .data()["createClient"]);
    let reply = intake(&c.plm, &unknown, &c.ce_project, "2026-01-10", json!([])).await;
    assert_eq!(
        reply.data()["createEnrollment"]["household"]["householdType"],
        "UNKNOWN"
    );
}

#[tokio::test]
async fn the_referral_report_counts_households_of_one_type() {
    let c = Community::new().await;
    referred_family(&c).await;
    c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let report = |household_type: Option<&'static str>| {
        let plm = c.plm.clone();
        async move {
            let data = plm
                .ok(
                    "query($type: HouseholdType) {
                       referralReport(from: \"2026-01-01\", to: \"2026-06-15\", householdType: $type) {
                         totals { total }
                       }
                     }",
                    json!({ "type": household_type }),
                )
                .await;
            data["referralReport"]["totals"]["total"]
                .as_i64()
                .expect("a total")
        }
    };
    assert_eq!(report(None).await, 2);
    assert_eq!(report(Some("WITH_CHILDREN_AND_ADULTS")).await, 1);
    assert_eq!(report(Some("WITHOUT_CHILDREN")).await, 1);
    assert_eq!(report(Some("WITH_ONLY_CHILDREN")).await, 0);
    assert_eq!(report(Some("UNKNOWN")).await, 0);
}

#[tokio::test]
async fn a_family_is_referred_housed_moved_in_and_exits_together() {
    let c = Community::new().await;
    // CE intake of the family, and the referral on the head's CE enrollment.
    let (family, _, _, referral) = referred_family(&c).await;
    // The program sees the members it must enroll, and enrolls the household.
    for client in &family {
        assert_ne!(read_client(&c.staff_a, client).await, Value::Null);
    }
    let program = enrolled_at_hope_psh(&c, &family).await;
    let head = program["id"].as_str().expect("id").to_owned();
    assert_eq!(
        program["household"]["householdType"],
        "WITH_CHILDREN_AND_ADULTS"
    );
    // The referral resolves with the head's enrollment; the head moves in.
    let resolved = resolve(
        &c.staff_a,
        &referral,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&head),
    )
    .await;
    assert_eq!(
        resolved.data()["resolveReferral"]["resultDate"],
        "2026-02-10"
    );
    record_move_in(&c.staff_a, &head, "2026-02-20").await;
    // Years later, the whole household leaves on one date.
    let exited = c
        .staff_a
        .run(
            EXIT,
            json!({ "input": { "enrollmentId": head, "exitDate": "2026-06-01", "destination": 410, "wholeHousehold": true } }),
        )
        .await;
    exited.data();
    let read = c.staff_a.ok(READ, json!({ "id": head })).await;
    let members = read["enrollment"]["household"]["members"]
        .as_array()
        .expect("members")
        .clone();
    assert_eq!(members.len(), 3);
    assert!(
        members.iter().all(|m| m["exitDate"] == "2026-06-01"),
        "{members:?}"
    );
}
