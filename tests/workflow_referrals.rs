//! Workflow rule "resolveReferral", through the HTTP GraphQL endpoint against a real database: both
//! branches of the guide (successful, with the enrollment created at intake first; unsuccessful), who
//! may resolve, every refusal (each followed by a read showing the referral unchanged), and races.

mod common;

#[path = "workflow_referrals/guide_branches.rs"]
mod guide_branches;
#[path = "workflow_referrals/races.rs"]
mod races;
#[path = "workflow_referrals/successful.rs"]
mod successful;
#[path = "workflow_referrals/unsuccessful.rs"]
mod unsuccessful;
#[path = "workflow_referrals/what_is_resolved.rs"]
mod what_is_resolved;
#[path = "workflow_referrals/who_may_resolve.rs"]
mod who_may_resolve;

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
