//! HUD 4.19 assessments and the priority list through the API (rules A1, A2): who records an
//! assessment and where, what it must say, who sees it, and which households wait on the list, in
//! which order, until a successful referral, a later assessment or an exit takes them off.

mod common;

use common::*;
use serde_json::{Value, json};

const RECORD: &str = "mutation($input: RecordAssessmentInput!) {
  recordAssessment(input: $input) {
    id assessmentDate location assessmentType assessmentLevel prioritizationStatus
    client { id } enrollment { id }
  }
}";

const LIST: &str = "query($type: HouseholdType, $first: Int, $after: String) {
  priorityList(householdType: $type, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      daysWaiting client { firstName } enrollment { id } household { householdType }
      assessment { id assessmentDate } pendingReferrals { id status }
    } }
  }
}";

fn input(enrollment: &str, date: &str, status: &str) -> Value {
    json!({ "input": {
        "enrollmentId": enrollment, "assessmentDate": date, "location": "Downtown access point",
        "assessmentType": "IN_PERSON", "assessmentLevel": "HOUSING_NEEDS_ASSESSMENT",
        "prioritizationStatus": status
    }})
}

async fn assess(who: &Gql, enrollment: &str, date: &str, status: &str) -> Value {
    who.ok(RECORD, input(enrollment, date, status)).await["recordAssessment"].clone()
}

async fn placed(who: &Gql, enrollment: &str, date: &str) -> Value {
    assess(who, enrollment, date, "PLACED_ON_PRIORITIZATION_LIST").await
}

/// The list's first names, in order.
async fn waiting(who: &Gql, household_type: Option<&str>) -> Vec<String> {
    let data = who
        .ok(LIST, json!({ "type": household_type, "first": 100 }))
        .await;
    data["priorityList"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            e["node"]["client"]["firstName"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_plm_records_an_assessment_in_the_head_s_ce_enrollment() {
    let c = Community::new().await;
    let (client, ce) = c.client_in_ce("Ada", "Assessed", "2026-01-05").await;
    let mut trimmed = input(&ce, "2026-02-01", "PLACED_ON_PRIORITIZATION_LIST");
    trimmed["input"]["location"] = json!("  Downtown access point  ");
    let recorded = c.plm.ok(RECORD, trimmed).await;
    let recorded = &recorded["recordAssessment"];
    assert_eq!(recorded["location"], "Downtown access point");
    assert_eq!(recorded["assessmentType"], "IN_PERSON");
    assert_eq!(
        recorded["prioritizationStatus"],
        "PLACED_ON_PRIORITIZATION_LIST"
    );
    assert_eq!(recorded["client"]["id"], client.as_str());
    let read = c
        .plm
        .ok(
            "query($c: ID!, $e: ID!) { client(id: $c) { assessments { id } }
               enrollment(id: $e) { assessments { id assessmentDate } } }",
            json!({ "c": client, "e": ce }),
        )
        .await;
    assert_eq!(read["client"]["assessments"][0]["id"], recorded["id"]);
    assert_eq!(
        read["enrollment"]["assessments"][0]["assessmentDate"],
        "2026-02-01"
    );
    let trail = c
        .admin()
        .ok(
            "query($id: ID!) { auditEvents(recordId: $id) { nodes { operation } } }",
            json!({ "id": recorded["id"] }),
        )
        .await;
    assert_eq!(
        trail["auditEvents"]["nodes"][0]["operation"],
        "recordAssessment"
    );
}

const ASSESSMENTS_OF: &str = "query($e: ID!) { enrollment(id: $e) { assessments { id } } }";

/// An assessment rule A1 refuses.
struct Assess<'a> {
    name: &'static str,
    who: &'a Gql,
    enrollment: &'a str,
    date: &'static str,
    location: &'a str,
    code: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn rule_a1_refuses_each_bad_assessment() {
    let c = Community::new().await;
    let admin = c.admin();
    let (_, ce) = c.client_in_ce("Ada", "Assessed", "2026-01-05").await;
    let exited = c.client_in_ce("Eli", "Exited", "2026-01-05").await.1;
    exit_enrollment(&c.plm, &exited, "2026-03-01").await;
    let housed = create_client(&c.staff_a, "Hal", "Housed").await;
    let psh = create_enrollment(&c.staff_a, &housed, &c.psh_a, "2026-02-01").await;
    let other_ce = create_project(&admin, &c.housing_b, "Harbor Access", "COORDINATED_ENTRY").await;
    let elsewhere = create_client(&c.plm, "Oda", "Elsewhere").await;
    let elsewhere = create_enrollment(&admin, &elsewhere, &other_ce, "2026-01-05").await;
    let head = try_create_client(&c.plm, "Hana", "Family", Some("1988-05-01")).await;
    let head = id(&head.data()["createClient"]);
    let child = try_create_client(&c.plm, "Kit", "Family", Some("2018-09-09")).await;
    let child = id(&child.data()["createClient"]);
    let family = c
        .plm
        .ok(
            "mutation($input: CreateEnrollmentInput!) { createEnrollment(input: $input) {
               household { members { id relationshipToHoH } } } }",
            json!({ "input": { "clientId": head, "projectId": c.ce_project, "entryDate": "2026-01-05",
                "members": [{ "clientId": child, "relationshipToHoH": "CHILD" }] } }),
        )
        .await;
    let member_ce = family["createEnrollment"]["household"]["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["relationshipToHoH"] == "CHILD")
        .map(id)
        .expect("the child's enrollment");

    let with = |enrollment: &str, date: &str, location: &str| {
        let mut value = input(enrollment, date, "PLACED_ON_PRIORITIZATION_LIST");
        value["input"]["location"] = json!(location);
        value
    };
    let (long, unknown) = ("x".repeat(251), unknown_id());
    let (plm, bad) = (&c.plm, "BAD_USER_INPUT");
    #[rustfmt::skip]
    let cases = [
        Assess { name: "by housing staff", who: &c.staff_a, enrollment: &ce, date: "2026-02-01", location: "Office", code: "FORBIDDEN", says: "PRIORITY_LIST_MANAGER" },
        Assess { name: "in a member's enrollment", who: plm, enrollment: &member_ce, date: "2026-02-01", location: "Office", code: bad, says: "head of household" },
        Assess { name: "outside Coordinated Entry", who: plm, enrollment: &psh, date: "2026-02-01", location: "Office", code: bad, says: "Coordinated Entry" },
        Assess { name: "in another organization's CE project", who: plm, enrollment: &elsewhere, date: "2026-02-01", location: "Office", code: bad, says: "another organization" },
        Assess { name: "before entry", who: plm, enrollment: &ce, date: "2026-01-04", location: "Office", code: bad, says: "entryDate 2026-01-05" },
        Assess { name: "after exit", who: plm, enrollment: &exited, date: "2026-03-02", location: "Office", code: bad, says: "exitDate 2026-03-01" },
        Assess { name: "tomorrow", who: plm, enrollment: &ce, date: "2026-06-16", location: "Office", code: bad, says: "future" },
        Assess { name: "a blank location", who: plm, enrollment: &ce, date: "2026-02-01", location: "   ", code: bad, says: "location" },
        Assess { name: "a location of 251 characters", who: plm, enrollment: &ce, date: "2026-02-01", location: &long, code: bad, says: "location" },
        Assess { name: "an unknown enrollment", who: plm, enrollment: &unknown, date: "2026-02-01", location: "Office", code: "NOT_FOUND", says: "enrollment" },
    ];
    for case in cases {
        let reply = case
            .who
            .run(RECORD, with(case.enrollment, case.date, case.location))
            .await;
        reply.expect_refused(case.name, case.code, case.says);
        let read = admin
            .ok(ASSESSMENTS_OF, json!({ "e": case.enrollment }))
            .await;
        let assessments = &read["enrollment"]["assessments"];
        assert!(
            read["enrollment"].is_null() || *assessments == json!([]),
            "case {}: {assessments}",
            case.name
        );
    }
    // An ADMIN may assess in any organization's CE project; the edges of the enrollment are in.
    admin
        .ok(RECORD, with(&elsewhere, "2026-01-05", "Office"))
        .await;
    c.plm
        .ok(RECORD, with(&exited, "2026-03-01", "Office"))
        .await;
    let read = c.plm.ok(ASSESSMENTS_OF, json!({ "e": ce })).await;
    assert_eq!(
        read["enrollment"]["assessments"],
        json!([]),
        "nothing refused was written"
    );
}

#[tokio::test]
async fn housing_staff_see_the_assessments_of_a_household_referred_to_them_only() {
    let c = Community::new().await;
    let (client, ce) = c.client_in_ce("Ada", "Assessed", "2026-01-05").await;
    placed(&c.plm, &ce, "2026-02-01").await;
    let read = |who: &Gql| {
        let who = who.clone();
        let client = client.clone();
        async move {
            who.ok(
                "query($c: ID!) { client(id: $c) { assessments { assessmentDate } } }",
                json!({ "c": client }),
            )
            .await["client"]
                .clone()
        }
    };
    assert_eq!(read(&c.staff_a).await, Value::Null);
    create_ce_event(&c.plm, &ce, "2026-02-10", "REFERRAL_TO_PSH", Some(&c.psh_a)).await;
    assert_eq!(
        read(&c.staff_a).await["assessments"][0]["assessmentDate"],
        "2026-02-01"
    );
    assert_eq!(read(&c.staff_b).await, Value::Null);
}

#[tokio::test]
async fn rule_a2_the_list_holds_households_placed_by_their_latest_assessment() {
    let c = Community::new().await;
    // Waiting since 2026-02-01, with a pending referral.
    let (_, ana) = c.client_in_ce("Ana", "Waiting", "2026-01-05").await;
    placed(&c.plm, &ana, "2026-02-01").await;
    let pending = create_ce_event(
        &c.plm,
        &ana,
        "2026-03-01",
        "REFERRAL_TO_PSH",
        Some(&c.psh_a),
    )
    .await;
    // Placed, then a later assessment did not place them.
    let (_, ben) = c.client_in_ce("Ben", "Reassessed", "2026-01-05").await;
    placed(&c.plm, &ben, "2026-01-15").await;
    assess(
        &c.plm,
        &ben,
        "2026-03-01",
        "NOT_PLACED_ON_PRIORITIZATION_LIST",
    )
    .await;
    // Placed, then housed by a successful referral.
    let (cal_client, cal) = c.client_in_ce("Cal", "Housed", "2026-01-05").await;
    placed(&c.plm, &cal, "2026-01-20").await;
    let referral = create_ce_event(
        &c.plm,
        &cal,
        "2026-04-01",
        "REFERRAL_TO_PSH",
        Some(&c.psh_a),
    )
    .await;
    let housing = create_enrollment(&c.staff_a, &cal_client, &c.psh_a, "2026-04-10").await;
    resolve(
        &c.staff_a,
        &referral,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        Some("2026-04-10"),
        Some(&housing),
    )
    .await
    .data();
    // Housed before, placed again since: waiting again (oldest of all).
    let (dee_client, dee) = c.client_in_ce("Dee", "Returned", "2026-01-02").await;
    let earlier = create_ce_event(
        &c.plm,
        &dee,
        "2026-01-03",
        "REFERRAL_TO_RRH",
        Some(&c.rrh_a),
    )
    .await;
    let rrh = create_enrollment(&c.staff_a, &dee_client, &c.rrh_a, "2026-01-04").await;
    resolve(
        &c.staff_a,
        &earlier,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        Some("2026-01-04"),
        Some(&rrh),
    )
    .await
    .data();
    placed(&c.plm, &dee, "2026-01-10").await;
    // Placed, then the CE enrollment exited.
    let (_, eve) = c.client_in_ce("Eve", "Exited", "2026-01-05").await;
    placed(&c.plm, &eve, "2026-01-06").await;
    exit_enrollment(&c.plm, &eve, "2026-02-01").await;
    // Never placed.
    let (_, fay) = c.client_in_ce("Fay", "Assessed", "2026-01-05").await;
    assess(
        &c.plm,
        &fay,
        "2026-01-07",
        "NOT_PLACED_ON_PRIORITIZATION_LIST",
    )
    .await;

    assert_eq!(waiting(&c.plm, None).await, ["Dee", "Ana"]);
    let data = c.plm.ok(LIST, json!({ "first": 100 })).await;
    let list = &data["priorityList"];
    assert_eq!(list["totalCount"], 2);
    let ana_entry = &list["edges"][1]["node"];
    assert_eq!(
        ana_entry["daysWaiting"], 134,
        "2026-02-01 to today, 2026-06-15"
    );
    assert_eq!(ana_entry["enrollment"]["id"], ana.as_str());
    assert_eq!(ana_entry["household"]["householdType"], "WITHOUT_CHILDREN");
    assert_eq!(
        ana_entry["pendingReferrals"],
        json!([{ "id": pending, "status": "PENDING" }])
    );
    assert_eq!(list["edges"][0]["node"]["pendingReferrals"], json!([]));

    let refused = c.staff_a.run(LIST, json!({})).await;
    refused.expect_error("FORBIDDEN");
}

#[tokio::test]
async fn the_priority_list_pages_by_keyset_and_filters_by_household_type() {
    let c = Community::new().await;
    for (name, date) in [
        ("Ann", "2026-02-03"),
        ("Bo", "2026-02-01"),
        ("Cy", "2026-02-01"),
        ("Di", "2026-02-02"),
    ] {
        let (_, ce) = c.client_in_ce(name, "Waiting", "2026-01-05").await;
        placed(&c.plm, &ce, date).await;
    }
    let adult = try_create_client(&c.plm, "Ma", "Family", Some("1988-05-01")).await;
    let adult = id(&adult.data()["createClient"]);
    let child = try_create_client(&c.plm, "Kid", "Family", Some("2018-09-09")).await;
    let child = id(&child.data()["createClient"]);
    let family = c
        .plm
        .ok(
            "mutation($input: CreateEnrollmentInput!) { createEnrollment(input: $input) { id } }",
            json!({ "input": { "clientId": adult, "projectId": c.ce_project, "entryDate": "2026-01-05",
                "members": [{ "clientId": child, "relationshipToHoH": "CHILD" }] } }),
        )
        .await;
    placed(&c.plm, &id(&family["createEnrollment"]), "2026-03-01").await;

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = c.plm.ok(LIST, json!({ "first": 2, "after": after })).await;
        let page = &data["priorityList"];
        assert_eq!(page["totalCount"], 5);
        for edge in page["edges"].as_array().expect("edges") {
            seen.push(
                edge["node"]["client"]["firstName"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            );
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    // Same day: in the order recorded (Bo before Cy).
    assert_eq!(seen, ["Bo", "Cy", "Di", "Ann", "Ma"]);
    assert_eq!(
        waiting(&c.plm, Some("WITH_CHILDREN_AND_ADULTS")).await,
        ["Ma"]
    );
    assert_eq!(
        waiting(&c.plm, Some("WITH_ONLY_CHILDREN")).await,
        Vec::<String>::new()
    );
    let bad = c.plm.run(LIST, json!({ "after": "not-a-cursor" })).await;
    bad.expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn assessments_are_exported_in_assessment_csv_in_both_formats() {
    let c = Community::new().await;
    let (client, ce) = c.client_in_ce("Ada", "Assessed", "2026-01-05").await;
    let recorded = placed(&c.plm, &ce, "2026-02-01").await;
    for format in ["fy2026", "fy2024"] {
        let response = c
            .server
            .http
            .get(c.server.url(&format!(
                "/export/hmis-csv?from=2026-01-01&to=2026-06-15&format={format}"
            )))
            .bearer_auth(c.plm.token.as_deref().expect("a token"))
            .send()
            .await
            .expect("download");
        assert_eq!(response.status().as_u16(), 200);
        let bytes = response.bytes().await.expect("the zip");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
        let file = zip.by_name("Assessment.csv").expect("Assessment.csv");
        let mut reader = csv::Reader::from_reader(file);
        let header = reader.headers().expect("a header").clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        assert_eq!(rows.len(), 1, "{format}");
        let cell = |name: &str| {
            let at = header.iter().position(|h| h == name).expect("the column");
            rows[0][at].to_owned()
        };
        let hud = |id: &str| id.replace('-', "");
        assert_eq!(
            cell("AssessmentID"),
            hud(recorded["id"].as_str().expect("an id"))
        );
        assert_eq!(cell("EnrollmentID"), hud(&ce));
        assert_eq!(cell("PersonalID"), hud(&client));
        assert_eq!(cell("AssessmentDate"), "2026-02-01");
        assert_eq!(cell("AssessmentLocation"), "Downtown access point");
        assert_eq!(
            (
                cell("AssessmentType"),
                cell("AssessmentLevel"),
                cell("PrioritizationStatus")
            ),
            ("3".to_owned(), "2".to_owned(), "1".to_owned())
        );
    }
}
