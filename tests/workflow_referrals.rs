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

/// Asserts the enrollment is the resulting enrollment of no referral (failing as `case`).
async fn assert_resolves_nothing(community: &Community, enrollment: &str, case: &str) {
    let stored = read_enrollment(&community.admin(), enrollment).await;
    assert!(
        stored["resolvedReferral"].is_null(),
        "case {case}: {stored}"
    );
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
// Refused resolutions: each case resolves a referral made for it, and leaves it unresolved
// ---------------------------------------------------------------------------------------------------

/// Who tries a resolution.
#[derive(Clone, Copy)]
enum Who {
    StaffA,
    StaffB,
    Plm,
    Admin,
    /// A PRIORITY_LIST_MANAGER of org A: the referred organization, the wrong role.
    PlmOfA,
    /// A PRIORITY_LIST_MANAGER of another CE lead agency.
    OtherPlm,
    /// HOUSING_STAFF of the CE lead agency.
    CeStaff,
}

/// The referral a case resolves, made for it on 2026-03-01.
#[derive(Clone, Copy)]
enum Referral {
    ToPshA,
    /// Event type 18, which names no project.
    WithoutProject,
    /// An event of a type that carries no result.
    WithoutResult(&'static str),
    /// An id that names nothing (a referral to Hope PSH is made beside it, and stays pending).
    UnknownEvent,
    /// An id that is not a UUID (a referral to Hope PSH is made beside it, and stays pending).
    MalformedEvent,
}

/// The resulting enrollment a case names, made for it (of the referral's client unless said).
#[derive(Clone, Copy)]
enum Resulting {
    NoEnrollment,
    /// An intake in Hope PSH on the date, not named.
    IntakeNotNamed(&'static str),
    /// An enrollment in Hope PSH from the date.
    InPshA(&'static str),
    /// Another client's enrollment in Hope PSH.
    OtherClientsInPshA,
    /// An enrollment in org A's other project, Hope RRH.
    InRrhA,
    /// An enrollment in Hope PSH made by an ADMIN: the PLM sees it.
    MadeByAdminInPshA,
    /// An enrollment in org B's shelter, where the client is referred too: invisible to org A.
    InShelterOfB,
    UnknownEnrollment,
    MalformedEnrollment,
}

struct Refusal {
    name: &'static str,
    who: Who,
    referral: Referral,
    result: &'static str,
    result_date: Option<&'static str>,
    resulting: Resulting,
    code: &'static str,
    says: &'static str,
}

/// The users beyond the community's that the cases act as.
struct Callers {
    admin: Gql,
    plm_of_a: Gql,
    other_plm: Gql,
    ce_staff: Gql,
}

impl Callers {
    async fn new(community: &Community) -> Callers {
        let admin = community.admin();
        let plm_of_a = create_member(
            &admin,
            "plm@hope.test",
            &community.housing_a,
            "PRIORITY_LIST_MANAGER",
        )
        .await;
        let ce_staff =
            create_member(&admin, "staff@ce.test", &community.ce_org, "HOUSING_STAFF").await;
        Callers {
            plm_of_a: community.server.as_user(&plm_of_a, None),
            other_plm: other_plm(community).await,
            ce_staff: community.server.as_user(&ce_staff, None),
            admin,
        }
    }

    fn get<'a>(&'a self, community: &'a Community, who: Who) -> &'a Gql {
        match who {
            Who::StaffA => &community.staff_a,
            Who::StaffB => &community.staff_b,
            Who::Plm => &community.plm,
            Who::Admin => &self.admin,
            Who::PlmOfA => &self.plm_of_a,
            Who::OtherPlm => &self.other_plm,
            Who::CeStaff => &self.ce_staff,
        }
    }
}

impl Referral {
    /// Makes the case's referral: (client, CE enrollment, event).
    async fn make(self, community: &Community) -> (String, String, String) {
        match self {
            Referral::WithoutProject => referral_without_project(community).await,
            Referral::WithoutResult(event_type) => {
                let (client, ce_enrollment) =
                    community.client_in_ce("No", "Result", "2026-01-05").await;
                let plm = &community.plm;
                let event =
                    create_ce_event(plm, &ce_enrollment, "2026-03-01", event_type, None).await;
                (client, ce_enrollment, event)
            }
            _ => {
                community
                    .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
                    .await
            }
        }
    }

    /// The id the resolution names.
    fn id(self, event: &str) -> String {
        match self {
            Referral::UnknownEvent => unknown_id(),
            Referral::MalformedEvent => "not-an-id".to_owned(),
            _ => event.to_owned(),
        }
    }

    /// The event's status, which a refusal leaves as it was.
    fn status(self) -> &'static str {
        match self {
            Referral::WithoutResult(_) => "NOT_A_REFERRAL",
            _ => "PENDING",
        }
    }
}

impl Resulting {
    /// Makes the case's enrollment, if it has one that exists.
    async fn make(
        self,
        community: &Community,
        client: &str,
        ce_enrollment: &str,
    ) -> Option<String> {
        let (staff_a, psh_a) = (&community.staff_a, &community.psh_a);
        match self {
            Resulting::NoEnrollment
            | Resulting::UnknownEnrollment
            | Resulting::MalformedEnrollment => None,
            Resulting::IntakeNotNamed(entry) | Resulting::InPshA(entry) => {
                Some(create_enrollment(staff_a, client, psh_a, entry).await)
            }
            Resulting::OtherClientsInPshA => {
                let someone_else = create_client(staff_a, "Someone", "Else").await;
                Some(create_enrollment(staff_a, &someone_else, psh_a, "2026-03-10").await)
            }
            Resulting::InRrhA => {
                Some(create_enrollment(staff_a, client, &community.rrh_a, "2026-03-10").await)
            }
            Resulting::MadeByAdminInPshA => {
                Some(create_enrollment(&community.admin(), client, psh_a, "2026-03-08").await)
            }
            Resulting::InShelterOfB => {
                let (plm, es_b) = (&community.plm, &community.es_b);
                let shelter = "REFERRAL_TO_EMERGENCY_SHELTER";
                create_ce_event(plm, ce_enrollment, "2026-03-01", shelter, Some(es_b)).await;
                let enrollment =
                    create_enrollment(&community.staff_b, client, es_b, "2026-03-10").await;
                let unseen = read_enrollment(staff_a, &enrollment).await;
                assert!(
                    unseen.is_null(),
                    "org A sees org B's shelter enrollment: {unseen}"
                );
                Some(enrollment)
            }
        }
    }

    /// The resultingEnrollmentId the resolution names.
    fn id(self, made: Option<&str>) -> Option<String> {
        match self {
            Resulting::NoEnrollment | Resulting::IntakeNotNamed(_) => None,
            Resulting::UnknownEnrollment => Some(unknown_id()),
            Resulting::MalformedEnrollment => Some("not-an-enrollment".to_owned()),
            _ => made.map(str::to_owned),
        }
    }
}

/// Tries each case on a referral and an enrollment of its own; asserts the refusal, that the
/// referral is still unresolved and that the enrollment made resolves nothing.
async fn assert_refused(community: &Community, callers: &Callers, cases: &[Refusal]) {
    for case in cases {
        let (client, ce_enrollment, event) = case.referral.make(community).await;
        let made = case
            .resulting
            .make(community, &client, &ce_enrollment)
            .await;
        let who = callers.get(community, case.who);
        let (event_id, enrollment_id) =
            (case.referral.id(&event), case.resulting.id(made.as_deref()));
        resolve(
            who,
            &event_id,
            case.result,
            case.result_date,
            enrollment_id.as_deref(),
        )
        .await
        .expect_refused(case.name, case.code, case.says);
        let stored = read_ce_event(&community.plm, &event).await;
        assert_eq!(
            stored["status"],
            case.referral.status(),
            "case {}: {stored}",
            case.name
        );
        for field in ["referralResult", "resultDate", "resultingEnrollment"] {
            assert!(stored[field].is_null(), "case {}: {stored}", case.name);
        }
        if let Some(enrollment) = made {
            assert_resolves_nothing(community, &enrollment, case.name).await;
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Who may resolve
// ---------------------------------------------------------------------------------------------------

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
async fn only_housing_staff_of_the_referred_organization_or_a_plm_of_the_referral_s_agency_resolve()
{
    use Referral::*;
    use Resulting::*;
    use Who::*;
    let community = Community::new().await;
    let callers = Callers::new(&community).await;
    // Org B's staff cannot see a referral to org A's project, so it is NOT_FOUND (not FORBIDDEN); a
    // PLM sees every CE event, but one recorded in another agency's CE project is FORBIDDEN.
    let (_, _, to_a) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    assert!(read_ce_event(&community.staff_b, &to_a).await.is_null());
    let (_, _, voucher) = referral_without_project(&community).await;
    assert!(!read_ce_event(&callers.other_plm, &voucher).await.is_null());
    #[rustfmt::skip]
    let cases = [
        Refusal { name: "staff of another organization", who: StaffB, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
        Refusal { name: "a PLM, unsuccessful", who: Plm, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization that operates the referred project" },
        Refusal { name: "a PLM, successful", who: Plm, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InPshA("2026-03-10"), code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization that operates the referred project" },
        // The right organization but the wrong role.
        Refusal { name: "a PLM of the referred organization", who: PlmOfA, referral: ToPshA, result: PROVIDER_REJECTED, result_date: Some("2026-03-02"), resulting: NoEnrollment, code: "FORBIDDEN", says: "Only HOUSING_STAFF of the organization that operates the referred project" },
        Refusal { name: "a PLM of another agency, no project", who: OtherPlm, referral: WithoutProject, result: CLIENT_REJECTED, result_date: Some("2026-03-03"), resulting: NoEnrollment, code: "FORBIDDEN", says: "only a PRIORITY_LIST_MANAGER of the organization operating the CE project" },
        Refusal { name: "housing staff, no project", who: StaffA, referral: WithoutProject, result: CLIENT_REJECTED, result_date: Some("2026-03-03"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
        Refusal { name: "the CE agency's housing staff, no project", who: CeStaff, referral: WithoutProject, result: CLIENT_REJECTED, result_date: Some("2026-03-03"), resulting: NoEnrollment, code: "NOT_FOUND", says: "No CE event with id" },
    ];
    assert_refused(&community, &callers, &cases).await;
}

// ---------------------------------------------------------------------------------------------------
// What is resolved
// ---------------------------------------------------------------------------------------------------

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
    assert_resolves_nothing(&community, &housing, "").await;
}

// ---------------------------------------------------------------------------------------------------
// SUCCESSFUL_CLIENT_ACCEPTED
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_successful_resolution_names_the_client_s_enrollment_in_the_referred_project_from_its_entry()
 {
    use Referral::*;
    use Resulting::*;
    use Who::*;
    let community = Community::new().await;
    let callers = Callers::new(&community).await;
    #[rustfmt::skip]
    let cases = [
        // Even with an intake done, the resolution must name it.
        Refusal { name: "no resulting enrollment", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: IntakeNotNamed("2026-03-10"), code: "BAD_USER_INPUT", says: "resultingEnrollmentId is required for SUCCESSFUL_CLIENT_ACCEPTED" },
        Refusal { name: "no resulting enrollment, a result date", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-10"), resulting: IntakeNotNamed("2026-03-10"), code: "BAD_USER_INPUT", says: "resultingEnrollmentId is required for SUCCESSFUL_CLIENT_ACCEPTED" },
        Refusal { name: "another client's enrollment", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: OtherClientsInPshA, code: "BAD_USER_INPUT", says: "belongs to another client than the referral's" },
        // Same client, same organization, but not the referred project; ADMIN sees every enrollment,
        // and the project rule still holds.
        Refusal { name: "an enrollment in another project", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InRrhA, code: "BAD_USER_INPUT", says: "is not in the referred project" },
        Refusal { name: "an enrollment in another project, by an ADMIN", who: Admin, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InRrhA, code: "BAD_USER_INPUT", says: "is not in the referred project" },
        Refusal { name: "an enrollment not visible", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InShelterOfB, code: "NOT_FOUND", says: "No enrollment with id" },
        Refusal { name: "an unknown enrollment", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: UnknownEnrollment, code: "NOT_FOUND", says: "No enrollment with id" },
        Refusal { name: "an enrollment from before the event", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InPshA("2026-02-28"), code: "BAD_USER_INPUT", says: "starts 2026-02-28, before the referral's eventDate 2026-03-01" },
        Refusal { name: "an enrollment and a result date before the event", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-02-28"), resulting: InPshA("2026-02-28"), code: "BAD_USER_INPUT", says: "starts 2026-02-28, before the referral's eventDate 2026-03-01" },
        // resultDate must equal the resulting enrollment's entryDate.
        Refusal { name: "a result date the day before entry", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-09"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultDate 2026-03-09 must equal the resulting enrollment's entryDate 2026-03-10" },
        Refusal { name: "a result date the day after entry", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-11"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultDate 2026-03-11 must equal the resulting enrollment's entryDate 2026-03-10" },
        Refusal { name: "a result date of the event", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-01"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultDate 2026-03-01 must equal the resulting enrollment's entryDate 2026-03-10" },
        // The PLM sees this enrollment (made by an ADMIN), but it is in org A's project, not the CE
        // lead agency's.
        Refusal { name: "no project, an enrollment of another organization", who: Plm, referral: WithoutProject, result: SUCCESSFUL, result_date: None, resulting: MadeByAdminInPshA, code: "BAD_USER_INPUT", says: "is not in a project of the organization you act as" },
    ];
    assert_refused(&community, &callers, &cases).await;
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
