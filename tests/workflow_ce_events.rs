//! Workflow rule "createCeEvent (the referral, by the Priority List Manager)", through the HTTP GraphQL
//! endpoint against a real database. Every refused mutation is followed by a read that shows no event
//! was recorded.

mod common;

use common::*;
use serde_json::{Value, json};

/// HUD 4.20.2 event types that name no referred project (rule D2: 4.20.C applies to 10-15 only):
/// those that carry no result, and 18, which carries one.
fn without_project() -> impl Iterator<Item = &'static str> {
    WITHOUT_RESULT
        .into_iter()
        .chain(["REFERRAL_TO_HOUSING_STABILITY_VOUCHER"])
}

/// HUD 4.20.2 event types that carry no result (1-9, 16).
const WITHOUT_RESULT: [&str; 10] = [
    "REFERRAL_TO_PREVENTION_ASSISTANCE",
    "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION",
    "REFERRAL_TO_CE_CRISIS_NEEDS_ASSESSMENT",
    "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
    "REFERRAL_TO_POST_PLACEMENT_CASE_MANAGEMENT",
    "REFERRAL_TO_STREET_OUTREACH",
    "REFERRAL_TO_HOUSING_NAVIGATION",
    "REFERRAL_TO_NON_CONTINUUM_INELIGIBLE",
    "REFERRAL_TO_NON_CONTINUUM_NO_AVAILABILITY",
    "REFERRAL_TO_EMERGENCY_ASSISTANCE",
];

/// Event types 10-15 and the project types (HUD 2.02.6) that fit each.
const REQUIRING_PROJECT: [(&str, &[&str]); 6] = [
    (
        "REFERRAL_TO_EMERGENCY_SHELTER",
        &["ES_ENTRY_EXIT", "ES_NIGHT_BY_NIGHT", "SAFE_HAVEN"],
    ),
    (
        "REFERRAL_TO_TRANSITIONAL_HOUSING",
        &["TRANSITIONAL_HOUSING"],
    ),
    (
        "REFERRAL_TO_JOINT_TH_RRH",
        &["TRANSITIONAL_HOUSING", "PH_RAPID_RE_HOUSING"],
    ),
    ("REFERRAL_TO_RRH", &["PH_RAPID_RE_HOUSING"]),
    ("REFERRAL_TO_PSH", &["PH_PERMANENT_SUPPORTIVE_HOUSING"]),
    (
        "REFERRAL_TO_OTHER_PH",
        &["PH_HOUSING_ONLY", "PH_HOUSING_WITH_SERVICES"],
    ),
];

const PROJECT_TYPES: [&str; 14] = [
    "ES_ENTRY_EXIT",
    "ES_NIGHT_BY_NIGHT",
    "TRANSITIONAL_HOUSING",
    "PH_PERMANENT_SUPPORTIVE_HOUSING",
    "STREET_OUTREACH",
    "SERVICES_ONLY",
    "OTHER",
    "SAFE_HAVEN",
    "PH_HOUSING_ONLY",
    "PH_HOUSING_WITH_SERVICES",
    "DAY_SHELTER",
    "HOMELESSNESS_PREVENTION",
    "PH_RAPID_RE_HOUSING",
    "COORDINATED_ENTRY",
];

/// The CE events recorded in `enrollment`, as the PLM (who sees them all) reads them.
async fn events_in(community: &Community, enrollment: &str) -> Vec<String> {
    read_enrollment(&community.plm, enrollment).await["ceEvents"]
        .as_array()
        .expect("ceEvents")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_owned())
        .collect()
}

/// What a refused event must leave as it was: the events in each of `enrollments`, the referrals the
/// PLM sees, and the enrollments of `client`.
async fn recorded(community: &Community, enrollments: &[&str], client: &str) -> Value {
    let mut events = Vec::new();
    for enrollment in enrollments {
        events.push(events_in(community, enrollment).await);
    }
    let referrals = community
        .plm
        .ok("{ referrals { totalCount } }", json!({}))
        .await;
    let enrollments = read_client(&community.plm, client).await["enrollments"]
        .as_array()
        .map(Vec::len);
    json!([events, referrals["referrals"]["totalCount"], enrollments])
}

/// One project of every HUD project type in org A, as (type, project id).
async fn project_of_every_type(community: &Community) -> Vec<(&'static str, String)> {
    let admin = community.admin();
    let mut projects = Vec::new();
    for project_type in PROJECT_TYPES {
        let project =
            create_project(&admin, &community.housing_a, project_type, project_type).await;
        projects.push((project_type, project));
    }
    projects
}

#[tokio::test]
async fn the_plm_or_an_admin_records_a_referral_in_the_clients_ce_enrollment() {
    let community = Community::new().await;
    let admin = community.admin();
    // (case, who records it, the event type, the referred project)
    #[rustfmt::skip]
    let cases = [
        ("the PLM, to org A's PSH", &community.plm, "REFERRAL_TO_PSH", Some(community.psh_a.as_str())),
        // An ADMIN may record CE events in any CE project, naming any organization's project.
        ("an ADMIN, to org B's PSH", &admin, "REFERRAL_TO_PSH", Some(community.psh_b.as_str())),
        // Event type 18 is a referral naming no project.
        ("the PLM, a housing stability voucher", &community.plm, "REFERRAL_TO_HOUSING_STABILITY_VOUCHER", None),
    ];
    for (name, who, event_type, project) in cases {
        let (client, ce_enrollment) = community.client_in_ce("Ref", "Erred", "2026-01-05").await;
        let reply =
            try_create_ce_event(who, &ce_enrollment, "2026-03-01", event_type, project).await;
        let created = reply.expect_ok(name)["createCeEvent"].clone();
        assert_eq!(created["status"], "PENDING", "case {name}: {created}");
        let event = read_ce_event(&community.plm, &id(&created)).await;
        assert_eq!(event["eventDate"], "2026-03-01", "case {name}: {event}");
        assert_eq!(event["eventType"], event_type, "case {name}: {event}");
        assert_eq!(
            event["referredProject"]["id"].as_str(),
            project,
            "case {name}: {event}"
        );
        assert_eq!(
            event["client"]["id"],
            client.as_str(),
            "case {name}: {event}"
        );
        assert_eq!(
            event["enrollment"]["id"],
            ce_enrollment.as_str(),
            "case {name}: {event}"
        );
        assert_eq!(event["status"], "PENDING", "case {name}: {event}");
        assert!(event["referralResult"].is_null(), "case {name}: {event}");
        assert_eq!(
            events_in(&community, &ce_enrollment).await,
            vec![id(&created)],
            "case {name}"
        );
    }
}

/// A CE event recorded by someone who may not, or in an enrollment it may not be in.
struct Misplaced<'a> {
    name: &'static str,
    who: &'a Gql,
    enrollment: &'a str,
    event_type: &'static str,
    project: Option<&'a str>,
    code: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn ce_events_by_housing_staff_or_outside_the_ce_project_are_refused_and_not_recorded() {
    let community = Community::new().await;
    let admin = community.admin();
    // Staff A can see this CE enrollment (a referral to A's project is recorded in it).
    let (_, referred, referral) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    assert!(
        !read_enrollment(&community.staff_a, &referred)
            .await
            .is_null()
    );
    let housed = create_client(&community.staff_a, "Not", "Ce").await;
    let psh_enrollment =
        create_enrollment(&community.staff_a, &housed, &community.psh_a, "2026-02-01").await;
    let other_ce_org = create_organization(&admin, "County CE").await;
    let other_token = create_member(
        &admin,
        "plm@county.test",
        &other_ce_org,
        "PRIORITY_LIST_MANAGER",
    )
    .await;
    let other_plm = community.server.as_user(&other_token, None);
    let (_, ce_enrollment) = community.client_in_ce("Ref", "Erred", "2026-01-05").await;
    let unknown = unknown_id();
    let (plm, staff_a, psh_a, rrh_a) = (
        &community.plm,
        &community.staff_a,
        Some(community.psh_a.as_str()),
        Some(community.rrh_a.as_str()),
    );
    let enrollments = [&referred, &psh_enrollment, &ce_enrollment].map(String::as_str);
    let before = recorded(&community, &enrollments, &housed).await;
    assert_eq!(before, json!([[[referral], [], []], 1, 1]));
    let not_a_plm = "Only a PRIORITY_LIST_MANAGER (or ADMIN) records CE events";
    let not_in_ce = "the enrollment is not in a Coordinated Entry project";
    #[rustfmt::skip]
    let cases = [
        Misplaced { name: "a referral by housing staff", who: staff_a, enrollment: &referred, event_type: "REFERRAL_TO_RRH", project: rrh_a, code: "FORBIDDEN", says: not_a_plm },
        Misplaced { name: "an event by housing staff", who: staff_a, enrollment: &referred, event_type: "REFERRAL_TO_STREET_OUTREACH", project: None, code: "FORBIDDEN", says: not_a_plm },
        Misplaced { name: "by a PLM outside a CE enrollment", who: plm, enrollment: &psh_enrollment, event_type: "REFERRAL_TO_RRH", project: rrh_a, code: "BAD_USER_INPUT", says: not_in_ce },
        Misplaced { name: "by an ADMIN outside a CE enrollment", who: &admin, enrollment: &psh_enrollment, event_type: "REFERRAL_TO_RRH", project: rrh_a, code: "BAD_USER_INPUT", says: not_in_ce },
        Misplaced { name: "in another organization's CE project", who: &other_plm, enrollment: &ce_enrollment, event_type: "REFERRAL_TO_PSH", project: psh_a, code: "BAD_USER_INPUT", says: "is in another organization's CE project" },
        Misplaced { name: "in an unknown enrollment", who: plm, enrollment: &unknown, event_type: "REFERRAL_TO_PSH", project: psh_a, code: "NOT_FOUND", says: "No enrollment with id" },
        Misplaced { name: "in a malformed enrollment id", who: plm, enrollment: "not-an-id", event_type: "REFERRAL_TO_PSH", project: psh_a, code: "BAD_USER_INPUT", says: "enrollmentId \"not-an-id\" is not a valid id" },
        Misplaced { name: "to a malformed project id", who: plm, enrollment: &ce_enrollment, event_type: "REFERRAL_TO_PSH", project: Some("not-a-project"), code: "BAD_USER_INPUT", says: "referredProjectId \"not-a-project\" is not a valid id" },
    ];
    for case in cases {
        try_create_ce_event(
            case.who,
            case.enrollment,
            "2026-03-02",
            case.event_type,
            case.project,
        )
        .await
        .expect_refused(case.name, case.code, case.says);
        let after = recorded(&community, &enrollments, &housed).await;
        assert_eq!(after, before, "case {}", case.name);
    }
}

/// An event date outside its CE enrollment or in the future, and the nearest date allowed.
struct EventDate {
    name: &'static str,
    exit: Option<&'static str>,
    refused: &'static str,
    allowed: &'static str,
    says: &'static str,
}

#[tokio::test]
async fn ce_event_date_within_the_enrollment_and_not_in_the_future() {
    let community = Community::new().await;
    #[rustfmt::skip]
    let cases = [
        EventDate { name: "tomorrow", exit: None, refused: "2026-06-16", allowed: TODAY, says: "eventDate 2026-06-16 is in the future" },
        EventDate { name: "before the enrollment's entry", exit: None, refused: "2026-01-04", allowed: "2026-01-05", says: "before the CE enrollment's entryDate 2026-01-05" },
        EventDate { name: "after the enrollment's exit", exit: Some("2026-04-01"), refused: "2026-04-02", allowed: "2026-04-01", says: "after the CE enrollment's exitDate 2026-04-01" },
    ];
    for case in cases {
        let (_, ce_enrollment) = community.client_in_ce("Ref", "Erred", "2026-01-05").await;
        if let Some(exit) = case.exit {
            exit_enrollment(&community.plm, &ce_enrollment, exit).await;
        }
        let psh_a = Some(community.psh_a.as_str());
        try_create_ce_event(
            &community.plm,
            &ce_enrollment,
            case.refused,
            "REFERRAL_TO_PSH",
            psh_a,
        )
        .await
        .expect_refused(case.name, "BAD_USER_INPUT", case.says);
        assert!(
            events_in(&community, &ce_enrollment).await.is_empty(),
            "case {}",
            case.name
        );
        try_create_ce_event(
            &community.plm,
            &ce_enrollment,
            case.allowed,
            "REFERRAL_TO_PSH",
            psh_a,
        )
        .await
        .expect_ok(case.name);
    }
}

#[tokio::test]
async fn the_referred_project_follows_the_event_type() {
    let community = Community::new().await;
    let (_, ce_enrollment) = community.client_in_ce("Ref", "Erred", "2026-01-05").await;
    let (psh_a, ce_project) = (community.psh_a.as_str(), community.ce_project.as_str());
    let unknown = unknown_id();
    let requiring: Vec<&str> = REQUIRING_PROJECT
        .iter()
        .map(|(event_type, _)| *event_type)
        .collect();
    let (ehv, psh, es) = (
        "REFERRAL_TO_EMERGENCY_HOUSING_VOUCHER",
        "REFERRAL_TO_PSH",
        "REFERRAL_TO_EMERGENCY_SHELTER",
    );
    // (the event types, the project named, the code, what the message says): rule D2 (10-15 name a
    // housing project, the others none) and D1 (17 is no longer collected, with a project or without).
    #[rustfmt::skip]
    let groups: [(Vec<&str>, Option<&str>, &str, &str); 6] = [
        (requiring, None, "BAD_USER_INPUT", "referredProjectId is required for event type"),
        (vec![ehv], None, "BAD_USER_INPUT", "no longer collected"),
        (vec![ehv], Some(psh_a), "BAD_USER_INPUT", "no longer collected"),
        (without_project().collect(), Some(psh_a), "BAD_USER_INPUT", "referredProjectId is not allowed for event type"),
        (vec![psh, es], Some(ce_project), "BAD_USER_INPUT", "referredProjectId names a Coordinated Entry project"),
        (vec![psh, es], Some(&unknown), "NOT_FOUND", "No project has id"),
    ];
    for (event_types, project, code, says) in groups {
        for event_type in event_types {
            let case = format!("{event_type} naming {project:?}");
            try_create_ce_event(
                &community.plm,
                &ce_enrollment,
                "2026-03-01",
                event_type,
                project,
            )
            .await
            .expect_refused(&case, code, says);
            assert!(
                events_in(&community, &ce_enrollment).await.is_empty(),
                "case {case}"
            );
        }
    }
}

#[tokio::test]
async fn referred_project_type_must_fit_the_event_type() {
    let community = Community::new().await;
    let projects = project_of_every_type(&community).await;
    let (_, ce_enrollment) = community.client_in_ce("Ref", "Erred", "2026-01-05").await;
    let mut accepted = 0;
    for (event_type, fitting) in REQUIRING_PROJECT {
        for (project_type, project) in &projects {
            let reply = try_create_ce_event(
                &community.plm,
                &ce_enrollment,
                "2026-03-01",
                event_type,
                Some(project),
            )
            .await;
            if fitting.contains(project_type) {
                let created = id(&reply.data()["createCeEvent"]);
                let event = read_ce_event(&community.plm, &created).await;
                assert_eq!(event["referredProject"]["id"], project.as_str());
                accepted += 1;
            } else {
                assert_eq!(
                    reply.error_code(),
                    "BAD_USER_INPUT",
                    "{event_type} to {project_type}: {}",
                    reply.body
                );
            }
        }
    }
    // 10: ES (0, 1) or Safe Haven (8), 11: TH, 12: TH or RRH, 13: RRH, 14: PSH, 15: PH (9, 10).
    assert_eq!(accepted, 3 + 1 + 2 + 1 + 1 + 2);
    assert_eq!(events_in(&community, &ce_enrollment).await.len(), accepted);
}

#[tokio::test]
async fn status_is_pending_for_referrals_and_not_a_referral_for_other_events() {
    let community = Community::new().await;
    let (_, ce_enrollment) = community.client_in_ce("Ref", "Erred", "2026-01-05").await;
    let mut expected = Vec::new();
    for event_type in WITHOUT_RESULT {
        expected.push((event_type, None, "NOT_A_REFERRAL"));
    }
    let admin = community.admin();
    let th = create_project(&admin, &community.housing_a, "TH", "TRANSITIONAL_HOUSING").await;
    let other_ph = create_project(&admin, &community.housing_a, "PH", "PH_HOUSING_ONLY").await;
    for (event_type, project) in [
        ("REFERRAL_TO_EMERGENCY_SHELTER", &community.es_b),
        ("REFERRAL_TO_TRANSITIONAL_HOUSING", &th),
        ("REFERRAL_TO_JOINT_TH_RRH", &community.rrh_a),
        ("REFERRAL_TO_RRH", &community.rrh_a),
        ("REFERRAL_TO_PSH", &community.psh_a),
        ("REFERRAL_TO_OTHER_PH", &other_ph),
    ] {
        expected.push((event_type, Some(project.as_str()), "PENDING"));
    }
    expected.push(("REFERRAL_TO_HOUSING_STABILITY_VOUCHER", None, "PENDING"));
    for (event_type, project, status) in expected {
        let reply = try_create_ce_event(
            &community.plm,
            &ce_enrollment,
            "2026-03-01",
            event_type,
            project,
        )
        .await;
        let created = reply.data()["createCeEvent"].clone();
        assert_eq!(created["status"], status, "{event_type}");
        let event = read_ce_event(&community.plm, &id(&created)).await;
        assert_eq!(event["status"], status, "{event_type}");
        assert_eq!(event["eventType"], event_type);
        assert!(event["referralResult"].is_null());
    }
}

/// createCeEvent with a dependent field of HUD 4.20 (rule D3).
async fn try_with_dependent(
    community: &Community,
    ce_enrollment: &str,
    event_type: &str,
    field: &str,
    value: bool,
) -> Reply {
    community
        .plm
        .run(
            &format!(
                "mutation($e: ID!, $t: CeEventType!, $v: Boolean) {{ createCeEvent(input: \
                 {{enrollmentId: $e, eventDate: \"2026-03-01\", eventType: $t, {field}: $v}}) \
                 {{ id safeAlternativeHoused enrolledInAftercare }} }}"
            ),
            json!({ "e": ce_enrollment, "t": event_type, "v": value }),
        )
        .await
}

#[tokio::test]
async fn dependent_fields_are_kept_for_their_event_type_and_refused_for_others() {
    let community = Community::new().await;
    let (_, ce_enrollment) = community.client_in_ce("Dee", "Pendent", "2026-01-05").await;
    let (diversion, aftercare, outreach) = (
        "PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION",
        "REFERRAL_TO_POST_PLACEMENT_CASE_MANAGEMENT",
        "REFERRAL_TO_STREET_OUTREACH",
    );
    let (housed, in_aftercare) = ("safeAlternativeHoused", "enrolledInAftercare");
    // (case, event type, the dependent field, its value, kept)
    #[rustfmt::skip]
    let cases = [
        ("housed, after diversion", diversion, housed, true, true),
        ("in aftercare, after post-placement case management", aftercare, in_aftercare, false, true),
        ("housed, after post-placement case management", aftercare, housed, true, false),
        ("in aftercare, after diversion", diversion, in_aftercare, true, false),
        ("housed, after street outreach", outreach, housed, true, false),
    ];
    let mut recorded = 0;
    for (name, event_type, field, value, kept) in cases {
        let reply = try_with_dependent(&community, &ce_enrollment, event_type, field, value).await;
        if kept {
            recorded += 1;
            let created = &reply.expect_ok(name)["createCeEvent"];
            assert_eq!(created[field], value, "case {name}: {created}");
            let other = if field == housed {
                in_aftercare
            } else {
                housed
            };
            assert!(created[other].is_null(), "case {name}: {created}");
        } else {
            reply.expect_refused(name, "BAD_USER_INPUT", field);
        }
        assert_eq!(
            events_in(&community, &ce_enrollment).await.len(),
            recorded,
            "case {name}"
        );
    }
}
