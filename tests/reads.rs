//! The read paths: what each role sees ("What each role sees" in the workflow rules) in lookups, lists,
//! totals and nested fields; keyset pagination and search; and reads that cost the same number of SQL
//! statements however many rows they return (no N+1).

mod common;
mod reads_support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use reads_support::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------------
// A community whose records are seen differently by each role
// ---------------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Viewer {
    Admin,
    Plm,
    StaffA,
    StaffB,
}

const VIEWERS: [Viewer; 4] = [Viewer::Admin, Viewer::Plm, Viewer::StaffA, Viewer::StaffB];

/// An enrollment and the client it belongs to.
struct EnrollmentRecord {
    id: String,
    client: String,
}

/// A CE event, the client and CE enrollment it belongs to, and its resulting enrollment.
struct EventRecord {
    id: String,
    client: String,
    enrollment: String,
    resulting: Option<String>,
}

/// Every record, and which of them each role may see (written out from the rules, not computed):
///
/// - `c_plm`: made by the PLM, in CE, one non-referral CE event (`ev_plm`). PLM and ADMIN only.
/// - `c_a` / `c_b`: made by staff of A / B, nothing else. Their creator (and PLM, ADMIN).
/// - `c_both`: made by the PLM; its CE enrollment `ce_both` holds a referral to A's PSH (`ev_a`,
///   resolved successfully with `e_psh_a`), one to B's PSH (`ev_b`, pending) and a non-referral event
///   (`ev_na`); B also enrolled the client in its shelter (`e_es_b`). Both A and B see the client and
///   the CE enrollment, but each only its own referral and its own enrollment.
/// - `c_enr_a`: made by the ADMIN and enrolled by the ADMIN in A's RRH (`e_enr_a`): A sees it because
///   it is enrolled in A's project, B does not.
/// - `c_ref_b`: made by the PLM, referred to B's shelter (`ev_rb`, pending). B only.
/// - `c_a2`: made by the PLM, referred to A's RRH (`ev_rrh_a`, provider rejected) and A's PSH
///   (`ev_psh_a2`, pending). A only.
struct World {
    community: Community,
    c_plm: String,
    ce_plm: String,
    ev_plm: String,
    c_a: String,
    c_b: String,
    c_both: String,
    ce_both: String,
    ev_a: String,
    ev_b: String,
    ev_na: String,
    e_es_b: String,
    e_psh_a: String,
    c_enr_a: String,
    e_enr_a: String,
    c_ref_b: String,
    ce_ref_b: String,
    ev_rb: String,
    c_a2: String,
    ce_a2: String,
    ev_rrh_a: String,
    ev_psh_a2: String,
}

async fn resolve_successfully(who: &Gql, event: &str, enrollment: &str) {
    who.ok(
        RESOLVE_REFERRAL,
        json!({ "input": {
            "ceEventId": event, "referralResult": "SUCCESSFUL_CLIENT_ACCEPTED",
            "resultingEnrollmentId": enrollment
        }}),
    )
    .await;
}

impl World {
    async fn build() -> World {
        let community = Community::new().await;
        let admin = community.admin();
        let (plm, staff_a, staff_b) = (&community.plm, &community.staff_a, &community.staff_b);
        let ce = community.ce_project.clone();

        let c_plm = create_client(plm, "Pat", "Plmonly").await;
        let ce_plm = create_enrollment(plm, &c_plm, &ce, "2026-01-05").await;
        let ev_plm = create_ce_event(
            plm,
            &ce_plm,
            "2026-01-10",
            "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
            None,
        )
        .await;

        let c_a = create_client(staff_a, "Alma", "Madebya").await;
        let c_b = create_client(staff_b, "Bea", "Madebyb").await;

        let c_both = create_client(plm, "Cy", "Referredtoboth").await;
        let ce_both = create_enrollment(plm, &c_both, &ce, "2026-01-05").await;
        let ev_a = create_ce_event(
            plm,
            &ce_both,
            "2026-02-01",
            "REFERRAL_TO_PSH",
            Some(&community.psh_a),
        )
        .await;
        let ev_b = create_ce_event(
            plm,
            &ce_both,
            "2026-02-02",
            "REFERRAL_TO_PSH",
            Some(&community.psh_b),
        )
        .await;
        let ev_na = create_ce_event(
            plm,
            &ce_both,
            "2026-02-03",
            "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
            None,
        )
        .await;
        let e_es_b = create_enrollment(staff_b, &c_both, &community.es_b, "2026-02-10").await;
        let e_psh_a = create_enrollment(staff_a, &c_both, &community.psh_a, "2026-03-01").await;
        resolve_successfully(staff_a, &ev_a, &e_psh_a).await;

        let c_enr_a = create_client(&admin, "Dee", "Enrolledina").await;
        let e_enr_a = create_enrollment(&admin, &c_enr_a, &community.rrh_a, "2026-04-01").await;

        let c_ref_b = create_client(plm, "Eli", "Referredtob").await;
        let ce_ref_b = create_enrollment(plm, &c_ref_b, &ce, "2026-01-05").await;
        let ev_rb = create_ce_event(
            plm,
            &ce_ref_b,
            "2026-02-05",
            "REFERRAL_TO_EMERGENCY_SHELTER",
            Some(&community.es_b),
        )
        .await;

        let c_a2 = create_client(plm, "Fay", "Referredtoa").await;
        let ce_a2 = create_enrollment(plm, &c_a2, &ce, "2026-01-05").await;
        let ev_rrh_a = create_ce_event(
            plm,
            &ce_a2,
            "2026-02-06",
            "REFERRAL_TO_RRH",
            Some(&community.rrh_a),
        )
        .await;
        let ev_psh_a2 = create_ce_event(
            plm,
            &ce_a2,
            "2026-02-07",
            "REFERRAL_TO_PSH",
            Some(&community.psh_a),
        )
        .await;
        staff_a
            .ok(
                RESOLVE_REFERRAL,
                json!({ "input": {
                    "ceEventId": ev_rrh_a, "referralResult": "UNSUCCESSFUL_PROVIDER_REJECTED",
                    "resultDate": "2026-03-05"
                }}),
            )
            .await;

        World {
            community,
            c_plm,
            ce_plm,
            ev_plm,
            c_a,
            c_b,
            c_both,
            ce_both,
            ev_a,
            ev_b,
            ev_na,
            e_es_b,
            e_psh_a,
            c_enr_a,
            e_enr_a,
            c_ref_b,
            ce_ref_b,
            ev_rb,
            c_a2,
            ce_a2,
            ev_rrh_a,
            ev_psh_a2,
        }
    }

    fn as_viewer(&self, viewer: Viewer) -> Gql {
        match viewer {
            Viewer::Admin => self.community.admin(),
            Viewer::Plm => self.community.plm.clone(),
            Viewer::StaffA => self.community.staff_a.clone(),
            Viewer::StaffB => self.community.staff_b.clone(),
        }
    }

    fn all_clients(&self) -> Vec<&String> {
        vec![
            &self.c_plm,
            &self.c_a,
            &self.c_b,
            &self.c_both,
            &self.c_enr_a,
            &self.c_ref_b,
            &self.c_a2,
        ]
    }

    fn all_enrollments(&self) -> Vec<EnrollmentRecord> {
        [
            (&self.ce_plm, &self.c_plm),
            (&self.ce_both, &self.c_both),
            (&self.e_es_b, &self.c_both),
            (&self.e_psh_a, &self.c_both),
            (&self.e_enr_a, &self.c_enr_a),
            (&self.ce_ref_b, &self.c_ref_b),
            (&self.ce_a2, &self.c_a2),
        ]
        .into_iter()
        .map(|(id, client)| EnrollmentRecord {
            id: id.clone(),
            client: client.clone(),
        })
        .collect()
    }

    fn all_events(&self) -> Vec<EventRecord> {
        let event =
            |id: &String, client: &String, enrollment: &String, resulting: Option<&String>| {
                EventRecord {
                    id: id.clone(),
                    client: client.clone(),
                    enrollment: enrollment.clone(),
                    resulting: resulting.cloned(),
                }
            };
        vec![
            event(&self.ev_plm, &self.c_plm, &self.ce_plm, None),
            event(&self.ev_a, &self.c_both, &self.ce_both, Some(&self.e_psh_a)),
            event(&self.ev_b, &self.c_both, &self.ce_both, None),
            event(&self.ev_na, &self.c_both, &self.ce_both, None),
            event(&self.ev_rb, &self.c_ref_b, &self.ce_ref_b, None),
            event(&self.ev_rrh_a, &self.c_a2, &self.ce_a2, None),
            event(&self.ev_psh_a2, &self.c_a2, &self.ce_a2, None),
        ]
    }

    /// The clients `viewer` may see.
    fn clients_seen(&self, viewer: Viewer) -> Vec<String> {
        let seen = match viewer {
            Viewer::Admin | Viewer::Plm => self.all_clients(),
            Viewer::StaffA => vec![&self.c_a, &self.c_both, &self.c_enr_a, &self.c_a2],
            Viewer::StaffB => vec![&self.c_b, &self.c_both, &self.c_ref_b],
        };
        owned(&seen)
    }

    /// The enrollments `viewer` may see.
    fn enrollments_seen(&self, viewer: Viewer) -> Vec<String> {
        match viewer {
            Viewer::Admin | Viewer::Plm => {
                self.all_enrollments().into_iter().map(|e| e.id).collect()
            }
            Viewer::StaffA => owned(&[&self.ce_both, &self.e_psh_a, &self.e_enr_a, &self.ce_a2]),
            Viewer::StaffB => owned(&[&self.ce_both, &self.e_es_b, &self.ce_ref_b]),
        }
    }

    /// The CE events `viewer` may see.
    fn events_seen(&self, viewer: Viewer) -> Vec<String> {
        match viewer {
            Viewer::Admin | Viewer::Plm => self.all_events().into_iter().map(|e| e.id).collect(),
            Viewer::StaffA => owned(&[&self.ev_a, &self.ev_rrh_a, &self.ev_psh_a2]),
            Viewer::StaffB => owned(&[&self.ev_b, &self.ev_rb]),
        }
    }

    /// The referrals (events that carry a result) `viewer` may see.
    fn referrals_seen(&self, viewer: Viewer) -> Vec<String> {
        let non_referrals = [&self.ev_plm, &self.ev_na];
        self.events_seen(viewer)
            .into_iter()
            .filter(|e| !non_referrals.contains(&e))
            .collect()
    }

    /// A client's enrollments as `viewer` should see them nested under the client.
    fn client_enrollments(&self, viewer: Viewer, client: &str) -> Vec<String> {
        let seen = self.enrollments_seen(viewer);
        sorted(
            self.all_enrollments()
                .into_iter()
                .filter(|e| e.client == client && seen.contains(&e.id))
                .map(|e| e.id)
                .collect(),
        )
    }

    /// A client's CE events as `viewer` should see them nested under the client.
    fn client_events(&self, viewer: Viewer, client: &str) -> Vec<String> {
        let seen = self.events_seen(viewer);
        sorted(
            self.all_events()
                .into_iter()
                .filter(|e| e.client == client && seen.contains(&e.id))
                .map(|e| e.id)
                .collect(),
        )
    }

    /// The CE events recorded in an enrollment, as `viewer` should see them nested under it.
    fn enrollment_events(&self, viewer: Viewer, enrollment: &str) -> Vec<String> {
        let seen = self.events_seen(viewer);
        sorted(
            self.all_events()
                .into_iter()
                .filter(|e| e.enrollment == enrollment && seen.contains(&e.id))
                .map(|e| e.id)
                .collect(),
        )
    }
}

fn as_str(value: &Value) -> Option<&str> {
    value.as_str()
}

// ---------------------------------------------------------------------------------------------------
// Scope: lookups by id
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn client_lookup_returns_in_scope_clients_and_null_without_error_otherwise() {
    let world = World::build().await;
    let query = "query($id: ID!) { client(id: $id) { id firstName } }";
    for viewer in VIEWERS {
        let who = world.as_viewer(viewer);
        let seen = world.clients_seen(viewer);
        for client in world.all_clients() {
            let reply = who.run(query, json!({ "id": client })).await;
            let found = &reply.data()["client"];
            if seen.contains(client) {
                assert_eq!(as_str(&found["id"]), Some(client.as_str()), "{viewer:?}");
            } else {
                assert!(
                    found.is_null(),
                    "{viewer:?} must not see client {client}: {found}"
                );
            }
        }
        let reply = who.run(query, json!({ "id": unknown_id() })).await;
        assert!(reply.data()["client"].is_null(), "{viewer:?}: unknown id");
    }
}

#[tokio::test]
async fn enrollment_lookup_returns_in_scope_enrollments_and_null_without_error_otherwise() {
    let world = World::build().await;
    let query = "query($id: ID!) { enrollment(id: $id) { id entryDate } }";
    for viewer in VIEWERS {
        let who = world.as_viewer(viewer);
        let seen = world.enrollments_seen(viewer);
        for enrollment in world.all_enrollments() {
            let reply = who.run(query, json!({ "id": enrollment.id })).await;
            let found = &reply.data()["enrollment"];
            if seen.contains(&enrollment.id) {
                assert_eq!(
                    as_str(&found["id"]),
                    Some(enrollment.id.as_str()),
                    "{viewer:?}"
                );
            } else {
                assert!(
                    found.is_null(),
                    "{viewer:?} must not see enrollment {}: {found}",
                    enrollment.id
                );
            }
        }
        let reply = who.run(query, json!({ "id": unknown_id() })).await;
        assert!(
            reply.data()["enrollment"].is_null(),
            "{viewer:?}: unknown id"
        );
    }
}

#[tokio::test]
async fn ce_event_lookup_returns_in_scope_events_and_null_without_error_otherwise() {
    let world = World::build().await;
    let query = "query($id: ID!) { ceEvent(id: $id) { id status } }";
    for viewer in VIEWERS {
        let who = world.as_viewer(viewer);
        let seen = world.events_seen(viewer);
        for event in world.all_events() {
            let reply = who.run(query, json!({ "id": event.id })).await;
            let found = &reply.data()["ceEvent"];
            if seen.contains(&event.id) {
                assert_eq!(as_str(&found["id"]), Some(event.id.as_str()), "{viewer:?}");
            } else {
                assert!(
                    found.is_null(),
                    "{viewer:?} must not see CE event {}: {found}",
                    event.id
                );
            }
        }
        let reply = who.run(query, json!({ "id": unknown_id() })).await;
        assert!(reply.data()["ceEvent"].is_null(), "{viewer:?}: unknown id");
    }
}

// ---------------------------------------------------------------------------------------------------
// Scope: lists and totals
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn clients_list_and_total_count_hold_only_clients_in_scope() {
    let world = World::build().await;
    let query = "{ clients(first: 100) { totalCount nodes { id } edges { node { id } } } }";
    for viewer in VIEWERS {
        let data = world.as_viewer(viewer).ok(query, json!({})).await;
        let clients = &data["clients"];
        let expected = sorted(world.clients_seen(viewer));
        assert_eq!(id_set(&clients["nodes"]), expected, "{viewer:?} nodes");
        let edge_nodes: Vec<Value> = clients["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|edge| edge["node"].clone())
            .collect();
        assert_eq!(
            id_set(&Value::Array(edge_nodes)),
            expected,
            "{viewer:?} edges"
        );
        assert_eq!(
            total(clients),
            expected.len() as i64,
            "{viewer:?} totalCount"
        );
    }
}

#[tokio::test]
async fn clients_total_count_is_scoped_on_every_page() {
    let world = World::build().await;
    // A page of one still counts every client in scope, and only those.
    let query = "{ clients(first: 1) { totalCount nodes { id } } }";
    for viewer in VIEWERS {
        let data = world.as_viewer(viewer).ok(query, json!({})).await;
        assert_eq!(
            total(&data["clients"]),
            world.clients_seen(viewer).len() as i64,
            "{viewer:?}"
        );
        assert_eq!(ids(&data["clients"]["nodes"]).len(), 1, "{viewer:?}");
    }
}

#[tokio::test]
async fn clients_search_finds_only_clients_in_scope() {
    let world = World::build().await;
    let query = "query($s: String) { clients(search: $s, first: 100) { totalCount nodes { id } } }";
    // "Madebya" (made by A) and "Madebyb" (made by B) share the prefix "madeby".
    let cases = [
        (Viewer::Plm, vec![&world.c_a, &world.c_b]),
        (Viewer::StaffA, vec![&world.c_a]),
        (Viewer::StaffB, vec![&world.c_b]),
    ];
    for (viewer, expected) in cases {
        let data = world
            .as_viewer(viewer)
            .ok(query, json!({ "s": "madeby" }))
            .await;
        assert_eq!(
            id_set(&data["clients"]["nodes"]),
            sorted(owned(&expected)),
            "{viewer:?}"
        );
        assert_eq!(total(&data["clients"]), expected.len() as i64, "{viewer:?}");
    }
}

#[tokio::test]
async fn referrals_list_and_total_count_hold_only_referrals_in_scope() {
    let world = World::build().await;
    let query = "{ referrals(first: 100) { totalCount nodes { id status } } }";
    for viewer in VIEWERS {
        let data = world.as_viewer(viewer).ok(query, json!({})).await;
        let referrals = &data["referrals"];
        let expected = sorted(world.referrals_seen(viewer));
        assert_eq!(id_set(&referrals["nodes"]), expected, "{viewer:?}");
        assert_eq!(total(referrals), expected.len() as i64, "{viewer:?}");
        for node in referrals["nodes"].as_array().expect("nodes") {
            assert_ne!(node["status"], "NOT_A_REFERRAL", "{viewer:?}: {node}");
        }
    }
    // The figures the rules give, spelled out: PLM and ADMIN see all five referrals, A three, B two.
    for (viewer, count) in [
        (Viewer::Admin, 5),
        (Viewer::Plm, 5),
        (Viewer::StaffA, 3),
        (Viewer::StaffB, 2),
    ] {
        assert_eq!(world.referrals_seen(viewer).len(), count, "{viewer:?}");
    }
}

#[tokio::test]
async fn referrals_filter_by_status_and_project() {
    let world = World::build().await;
    let c = &world.community;
    let query = "query($status: ReferralStatus, $project: ID) {
      referrals(status: $status, projectId: $project, first: 100) {
        totalCount nodes { id status referredProject { id } }
      }
    }";
    let null = Value::Null;
    let cases: Vec<(Viewer, Value, Value, Vec<&String>)> = vec![
        (
            Viewer::Plm,
            json!("PENDING"),
            null.clone(),
            vec![&world.ev_b, &world.ev_rb, &world.ev_psh_a2],
        ),
        (
            Viewer::Plm,
            json!("SUCCESSFUL"),
            null.clone(),
            vec![&world.ev_a],
        ),
        (
            Viewer::Plm,
            json!("UNSUCCESSFUL"),
            null.clone(),
            vec![&world.ev_rrh_a],
        ),
        (Viewer::Plm, json!("NOT_A_REFERRAL"), null.clone(), vec![]),
        (
            Viewer::Plm,
            null.clone(),
            json!(c.psh_a),
            vec![&world.ev_a, &world.ev_psh_a2],
        ),
        (
            Viewer::Plm,
            json!("PENDING"),
            json!(c.psh_a),
            vec![&world.ev_psh_a2],
        ),
        (
            Viewer::Admin,
            json!("PENDING"),
            json!(c.es_b),
            vec![&world.ev_rb],
        ),
        (
            Viewer::StaffA,
            json!("PENDING"),
            null.clone(),
            vec![&world.ev_psh_a2],
        ),
        (
            Viewer::StaffA,
            json!("UNSUCCESSFUL"),
            null.clone(),
            vec![&world.ev_rrh_a],
        ),
        (
            Viewer::StaffA,
            null.clone(),
            json!(c.rrh_a),
            vec![&world.ev_rrh_a],
        ),
        // A filter naming another organization's project finds nothing for staff, not B's referrals.
        (Viewer::StaffA, null.clone(), json!(c.psh_b), vec![]),
        (Viewer::StaffB, json!("PENDING"), json!(c.psh_a), vec![]),
        (
            Viewer::StaffB,
            json!("PENDING"),
            null.clone(),
            vec![&world.ev_b, &world.ev_rb],
        ),
        (Viewer::StaffB, json!("SUCCESSFUL"), null.clone(), vec![]),
    ];
    for (viewer, status, project, expected) in cases {
        let data = world
            .as_viewer(viewer)
            .ok(query, json!({ "status": status, "project": project }))
            .await;
        let referrals = &data["referrals"];
        let label = format!("{viewer:?} status={status} project={project}");
        assert_eq!(
            id_set(&referrals["nodes"]),
            sorted(owned(&expected)),
            "{label}"
        );
        assert_eq!(total(referrals), expected.len() as i64, "{label}");
        for node in referrals["nodes"].as_array().expect("nodes") {
            if let Some(status) = status.as_str() {
                assert_eq!(node["status"], status, "{label}");
            }
            if let Some(project) = project.as_str() {
                assert_eq!(node["referredProject"]["id"], project, "{label}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Scope: nested fields
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn client_enrollments_and_ce_events_hold_only_records_in_scope() {
    let world = World::build().await;
    let query = "query($id: ID!) { client(id: $id) { id enrollments { id } ceEvents { id } } }";
    for viewer in VIEWERS {
        let who = world.as_viewer(viewer);
        for client in world.clients_seen(viewer) {
            let data = who.ok(query, json!({ "id": client })).await;
            let found = &data["client"];
            assert_eq!(
                id_set(&found["enrollments"]),
                world.client_enrollments(viewer, &client),
                "{viewer:?} client {client} enrollments"
            );
            assert_eq!(
                id_set(&found["ceEvents"]),
                world.client_events(viewer, &client),
                "{viewer:?} client {client} ceEvents"
            );
        }
    }
    // The client referred to both organizations, spelled out.
    let data = world
        .community
        .staff_a
        .ok(query, json!({ "id": world.c_both }))
        .await;
    assert_eq!(
        id_set(&data["client"]["enrollments"]),
        sorted(owned(&[&world.ce_both, &world.e_psh_a]))
    );
    assert_eq!(ids(&data["client"]["ceEvents"]), owned(&[&world.ev_a]));
    let data = world
        .community
        .staff_b
        .ok(query, json!({ "id": world.c_both }))
        .await;
    assert_eq!(
        id_set(&data["client"]["enrollments"]),
        sorted(owned(&[&world.ce_both, &world.e_es_b]))
    );
    assert_eq!(ids(&data["client"]["ceEvents"]), owned(&[&world.ev_b]));
}

#[tokio::test]
async fn nested_fields_in_the_clients_list_match_the_lookups() {
    let world = World::build().await;
    let query = "{ clients(first: 100) { nodes { id enrollments { id } ceEvents { id } } } }";
    for viewer in VIEWERS {
        let data = world.as_viewer(viewer).ok(query, json!({})).await;
        for node in data["clients"]["nodes"].as_array().expect("nodes") {
            let client = node["id"].as_str().expect("id");
            assert_eq!(
                id_set(&node["enrollments"]),
                world.client_enrollments(viewer, client),
                "{viewer:?} client {client} enrollments"
            );
            assert_eq!(
                id_set(&node["ceEvents"]),
                world.client_events(viewer, client),
                "{viewer:?} client {client} ceEvents"
            );
        }
    }
}

#[tokio::test]
async fn ce_enrollment_shows_housing_staff_only_the_events_referring_to_their_projects() {
    let world = World::build().await;
    let query = "query($id: ID!) { enrollment(id: $id) { id client { id } ceEvents { id } } }";
    for viewer in VIEWERS {
        let who = world.as_viewer(viewer);
        for enrollment in world.enrollments_seen(viewer) {
            let data = who.ok(query, json!({ "id": enrollment })).await;
            assert_eq!(
                id_set(&data["enrollment"]["ceEvents"]),
                world.enrollment_events(viewer, &enrollment),
                "{viewer:?} enrollment {enrollment} ceEvents"
            );
        }
    }
    // The shared CE enrollment, spelled out.
    for (viewer, expected) in [
        (Viewer::Plm, vec![&world.ev_a, &world.ev_b, &world.ev_na]),
        (Viewer::StaffA, vec![&world.ev_a]),
        (Viewer::StaffB, vec![&world.ev_b]),
    ] {
        let data = world
            .as_viewer(viewer)
            .ok(query, json!({ "id": world.ce_both }))
            .await;
        assert_eq!(
            id_set(&data["enrollment"]["ceEvents"]),
            sorted(owned(&expected)),
            "{viewer:?}"
        );
        assert_eq!(
            data["enrollment"]["client"]["id"],
            world.c_both.as_str(),
            "{viewer:?}"
        );
    }
}

#[tokio::test]
async fn resolved_referral_of_an_enrollment_follows_scope() {
    let world = World::build().await;
    let query = "query($id: ID!) { enrollment(id: $id) { id resolvedReferral { id status } } }";
    for viewer in [Viewer::Admin, Viewer::Plm, Viewer::StaffA] {
        let data = world
            .as_viewer(viewer)
            .ok(query, json!({ "id": world.e_psh_a }))
            .await;
        let referral = &data["enrollment"]["resolvedReferral"];
        assert_eq!(referral["id"], world.ev_a.as_str(), "{viewer:?}");
        assert_eq!(referral["status"], "SUCCESSFUL", "{viewer:?}");
    }
    // B sees neither the enrollment nor, through it, A's referral.
    let data = world
        .community
        .staff_b
        .ok(query, json!({ "id": world.e_psh_a }))
        .await;
    assert!(data["enrollment"].is_null(), "{data}");
    // An enrollment that resolved nothing has no resolved referral.
    for (viewer, enrollment) in [
        (Viewer::StaffB, &world.e_es_b),
        (Viewer::StaffA, &world.ce_both),
        (Viewer::StaffA, &world.e_enr_a),
    ] {
        let data = world
            .as_viewer(viewer)
            .ok(query, json!({ "id": enrollment }))
            .await;
        assert_eq!(data["enrollment"]["id"], enrollment.as_str(), "{viewer:?}");
        assert!(
            data["enrollment"]["resolvedReferral"].is_null(),
            "{viewer:?}: {data}"
        );
    }
}

#[tokio::test]
async fn ce_event_enrollment_and_resulting_enrollment_follow_scope() {
    let world = World::build().await;
    let query = "query($id: ID!) {
      ceEvent(id: $id) { id client { id } enrollment { id } resultingEnrollment { id } }
    }";
    for viewer in VIEWERS {
        let who = world.as_viewer(viewer);
        let seen = world.events_seen(viewer);
        for event in world.all_events() {
            if !seen.contains(&event.id) {
                continue;
            }
            let data = who.ok(query, json!({ "id": event.id })).await;
            let found = &data["ceEvent"];
            let label = format!("{viewer:?} event {}", event.id);
            // A visible event's CE enrollment and client are visible too: never an error, never null.
            assert_eq!(
                found["enrollment"]["id"],
                event.enrollment.as_str(),
                "{label}"
            );
            assert_eq!(found["client"]["id"], event.client.as_str(), "{label}");
            match &event.resulting {
                Some(resulting) => {
                    assert_eq!(
                        found["resultingEnrollment"]["id"],
                        resulting.as_str(),
                        "{label}"
                    )
                }
                None => assert!(found["resultingEnrollment"].is_null(), "{label}"),
            }
        }
    }
    // Spelled out: A follows its referral to the shared CE enrollment and to its own housing enrollment.
    let data = world
        .community
        .staff_a
        .ok(query, json!({ "id": world.ev_a }))
        .await;
    assert_eq!(data["ceEvent"]["enrollment"]["id"], world.ce_both.as_str());
    assert_eq!(
        data["ceEvent"]["resultingEnrollment"]["id"],
        world.e_psh_a.as_str()
    );
    // B cannot reach A's referral at all.
    let data = world
        .community
        .staff_b
        .ok(query, json!({ "id": world.ev_a }))
        .await;
    assert!(data["ceEvent"].is_null());
}

#[tokio::test]
async fn nested_paths_do_not_lead_out_of_scope() {
    let world = World::build().await;
    // From B's referral, B walks to the shared CE enrollment and back down: only B's events show.
    let query = "query($id: ID!) {
      ceEvent(id: $id) {
        enrollment { ceEvents { id } client { enrollments { id } ceEvents { id } } }
      }
    }";
    let data = world
        .community
        .staff_b
        .ok(query, json!({ "id": world.ev_b }))
        .await;
    let enrollment = &data["ceEvent"]["enrollment"];
    assert_eq!(ids(&enrollment["ceEvents"]), owned(&[&world.ev_b]));
    assert_eq!(
        ids(&enrollment["client"]["ceEvents"]),
        owned(&[&world.ev_b])
    );
    assert_eq!(
        id_set(&enrollment["client"]["enrollments"]),
        sorted(owned(&[&world.ce_both, &world.e_es_b]))
    );
    // From the referral list, A cannot reach B's records either.
    let data = world
        .community
        .staff_a
        .ok(
            "{ referrals(first: 100) { nodes { client { enrollments { id ceEvents { id } } ceEvents { id } } } } }",
            json!({}),
        )
        .await;
    let text = data.to_string();
    for hidden in [
        &world.ev_b,
        &world.ev_rb,
        &world.ev_na,
        &world.ev_plm,
        &world.e_es_b,
        &world.ce_ref_b,
        &world.ce_plm,
    ] {
        assert!(
            !text.contains(hidden.as_str()),
            "A reached {hidden}: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Scope: mutations naming records out of scope
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn resolving_another_organizations_referral_is_not_found() {
    let world = World::build().await;
    let staff_b = &world.community.staff_b;
    // A's pending referral: B may not learn it exists.
    let reply = staff_b
        .run(
            RESOLVE_REFERRAL,
            json!({ "input": {
                "ceEventId": world.ev_psh_a2, "referralResult": "UNSUCCESSFUL_PROVIDER_REJECTED",
                "resultDate": "2026-03-01"
            }}),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    // A's resolved referral: NOT_FOUND as well, not CONFLICT, which would tell B it exists.
    let reply = staff_b
        .run(
            RESOLVE_REFERRAL,
            json!({ "input": {
                "ceEventId": world.ev_a, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
                "resultDate": "2026-03-01"
            }}),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    // The same answer as for an id that names nothing.
    let reply = staff_b
        .run(
            RESOLVE_REFERRAL,
            json!({ "input": {
                "ceEventId": unknown_id(), "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
                "resultDate": "2026-03-01"
            }}),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    // Nothing was written.
    let data = world
        .community
        .plm
        .ok(
            "query($id: ID!) { ceEvent(id: $id) { status referralResult resultDate } }",
            json!({ "id": world.ev_psh_a2 }),
        )
        .await;
    assert_eq!(data["ceEvent"]["status"], "PENDING");
    assert!(data["ceEvent"]["referralResult"].is_null());
}

#[tokio::test]
async fn enrollment_mutations_naming_records_out_of_scope_are_not_found() {
    let world = World::build().await;
    let c = &world.community;
    // Intake of a client B cannot see, into B's own project.
    let reply = c
        .staff_b
        .run(
            CREATE_ENROLLMENT,
            json!({ "input": { "clientId": world.c_a, "projectId": c.es_b, "entryDate": "2026-05-01" } }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    let reply = c
        .staff_a
        .run(
            CREATE_ENROLLMENT,
            json!({ "input": { "clientId": world.c_ref_b, "projectId": c.psh_a, "entryDate": "2026-05-01" } }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    // Exiting B's enrollment, as A (A sees the client, not that enrollment).
    let reply = c
        .staff_a
        .run(
            "mutation($input: ExitEnrollmentInput!) { exitEnrollment(input: $input) { id exitDate } }",
            json!({ "input": { "enrollmentId": world.e_es_b, "exitDate": "2026-05-01" } }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    // Recording a move-in in A's enrollment, as B.
    let reply = c
        .staff_b
        .run(
            "mutation($input: RecordMoveInInput!) { recordMoveIn(input: $input) { id moveInDate } }",
            json!({ "input": { "enrollmentId": world.e_psh_a, "moveInDate": "2026-05-01" } }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    // Nothing was written.
    let data = c
        .plm
        .ok(
            "query($a: ID!, $b: ID!, $c: ID!, $d: ID!) {
               ea: enrollment(id: $a) { exitDate moveInDate }
               eb: enrollment(id: $b) { exitDate moveInDate }
               ca: client(id: $c) { enrollments { id } }
               cb: client(id: $d) { enrollments { id } }
             }",
            json!({ "a": world.e_es_b, "b": world.e_psh_a, "c": world.c_a, "d": world.c_ref_b }),
        )
        .await;
    assert!(data["ea"]["exitDate"].is_null(), "{data}");
    assert!(data["eb"]["moveInDate"].is_null(), "{data}");
    assert_eq!(ids(&data["ca"]["enrollments"]).len(), 0, "{data}");
    assert_eq!(ids(&data["cb"]["enrollments"]), owned(&[&world.ce_ref_b]));
}

// ---------------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------------

const CLIENT_PAGE: &str = "query($first: Int, $after: String) {
  clients(first: $first, after: $after) {
    totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

const REFERRAL_PAGE: &str = "query($first: Int, $after: String, $status: ReferralStatus) {
  referrals(first: $first, after: $after, status: $status) {
    totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

/// Checks one page's inner consistency (edges and nodes agree, pageInfo's cursors are its edges')
/// and returns its ids.
fn check_page(connection: &Value, after: Option<&str>) -> Vec<String> {
    let edges = connection["edges"].as_array().expect("edges");
    let node_ids = ids(&connection["nodes"]);
    let edge_ids: Vec<String> = edges
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("edge node id").to_owned())
        .collect();
    assert_eq!(edge_ids, node_ids, "edges and nodes disagree: {connection}");
    let cursors: Vec<&str> = edges
        .iter()
        .map(|e| e["cursor"].as_str().expect("edge cursor"))
        .collect();
    let mut unique = cursors.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), cursors.len(), "cursors repeat: {connection}");
    let info = &connection["pageInfo"];
    assert_eq!(
        info["startCursor"].as_str(),
        cursors.first().copied(),
        "startCursor: {connection}"
    );
    assert_eq!(
        info["endCursor"].as_str(),
        cursors.last().copied(),
        "endCursor: {connection}"
    );
    assert_eq!(
        info["hasPreviousPage"],
        after.is_some(),
        "hasPreviousPage: {connection}"
    );
    node_ids
}

/// Pages through `field` (`clients` or `referrals`) with `first`, calling `between` before every
/// page after the first; returns the ids in order and each page's size.
async fn page_through<F, Fut>(
    who: &Gql,
    query: &str,
    field: &str,
    first: i64,
    extra: Value,
    mut between: F,
) -> (Vec<String>, Vec<usize>)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        if !sizes.is_empty() {
            between(sizes.len()).await;
        }
        let mut variables = json!({ "first": first, "after": after });
        if let (Some(vars), Some(more)) = (variables.as_object_mut(), extra.as_object()) {
            vars.extend(more.clone());
        }
        let data = who.ok(query, variables).await;
        let connection = &data[field];
        let page = check_page(connection, after.as_deref());
        assert!(
            page.len() as i64 <= first,
            "page larger than first: {connection}"
        );
        sizes.push(page.len());
        seen.extend(page);
        let info = &connection["pageInfo"];
        if info["hasNextPage"] == true {
            assert_eq!(
                sizes.last(),
                Some(&(first as usize)),
                "short page before the end"
            );
            after = Some(info["endCursor"].as_str().expect("endCursor").to_owned());
        } else {
            break;
        }
        assert!(sizes.len() < 50, "paging does not end");
    }
    (seen, sizes)
}

async fn no_pause(_: usize) {}

async fn make_clients(who: &Gql, count: usize, last: &str) -> Vec<String> {
    let mut made = Vec::with_capacity(count);
    for i in 0..count {
        made.push(create_client(who, &format!("Client{i:02}"), last).await);
    }
    made
}

#[tokio::test]
async fn clients_pages_visit_every_client_once_in_order() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let made = make_clients(&admin, 25, "Paged").await;
    let (seen, sizes) = page_through(&admin, CLIENT_PAGE, "clients", 10, json!({}), no_pause).await;
    assert_eq!(sizes, vec![10, 10, 5]);
    assert_eq!(
        seen, made,
        "pages must hold every client once, oldest first"
    );
    // totalCount is the whole list on every page.
    let data = admin.ok(CLIENT_PAGE, json!({ "first": 10 })).await;
    assert_eq!(total(&data["clients"]), 25);
    assert_eq!(data["clients"]["pageInfo"]["hasNextPage"], true);
    // Any edge's cursor continues right after that edge.
    let fourth = data["clients"]["edges"][3]["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let data = admin
        .ok(CLIENT_PAGE, json!({ "first": 5, "after": fourth }))
        .await;
    assert_eq!(ids(&data["clients"]["nodes"]), made[4..9].to_vec());
    assert_eq!(total(&data["clients"]), 25);
    // From that page's end to the end of the list: nothing follows.
    let end = data["clients"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("endCursor")
        .to_owned();
    let last = admin
        .ok(CLIENT_PAGE, json!({ "first": 100, "after": end }))
        .await;
    assert_eq!(ids(&last["clients"]["nodes"]), made[9..].to_vec());
    assert_eq!(last["clients"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(last["clients"]["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn client_pages_are_stable_while_clients_are_added() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let made = make_clients(&admin, 25, "Original").await;
    let added = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let (seen, _) = page_through(&admin, CLIENT_PAGE, "clients", 10, json!({}), |page| {
        let admin = admin.clone();
        let added = added.clone();
        async move {
            // New clients arrive between page fetches (named to sort before every original, so
            // that a list ordered by name would shift under the cursor).
            for i in 0..3 {
                let id = create_client(&admin, &format!("Aaa{page}{i}"), "Aaa").await;
                added.lock().await.push(id);
            }
        }
    })
    .await;
    let added = added.lock().await.clone();
    assert!(!added.is_empty());
    // The originals come first, each once, in order; only newly added rows may follow them.
    assert_eq!(seen[..25].to_vec(), made, "originals skipped or repeated");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "a row appeared twice: {seen:?}");
    for extra in &seen[25..] {
        assert!(added.contains(extra), "{extra} is neither original nor new");
    }
}

#[tokio::test]
async fn first_defaults_to_twenty() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let made = make_clients(&admin, 25, "Default").await;
    let data = admin
        .ok(
            "{ clients { totalCount nodes { id } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(ids(&data["clients"]["nodes"]), made[..20].to_vec());
    assert_eq!(data["clients"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(total(&data["clients"]), 25);
}

#[tokio::test]
async fn first_above_one_hundred_or_negative_is_bad_user_input() {
    let community = Community::new().await;
    make_clients(&community.plm, 2, "Sized").await;
    let plm = &community.plm;
    for first in [101, 1000, -1] {
        for (query, field) in [(CLIENT_PAGE, "clients"), (REFERRAL_PAGE, "referrals")] {
            let reply = plm.run(query, json!({ "first": first })).await;
            reply.expect_error("BAD_USER_INPUT");
            assert!(
                reply.body["data"].is_null() || reply.body["data"][field].is_null(),
                "{field} first={first}: {}",
                reply.body
            );
        }
    }
    // The largest page is allowed.
    let data = plm.ok(CLIENT_PAGE, json!({ "first": 100 })).await;
    assert_eq!(ids(&data["clients"]["nodes"]).len(), 2);
    plm.ok(REFERRAL_PAGE, json!({ "first": 100 })).await;
}

#[tokio::test]
async fn tampered_cursors_are_bad_user_input() {
    let community = Community::new().await;
    let plm = &community.plm;
    make_clients(plm, 3, "Cursor").await;
    let real = plm.ok(CLIENT_PAGE, json!({ "first": 1 })).await["clients"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("endCursor")
        .to_owned();
    let forged = [
        "garbage!!".to_owned(),
        "not a cursor".to_owned(),
        URL_SAFE_NO_PAD.encode("hello world"),
        URL_SAFE_NO_PAD.encode("hearth:v1:not-a-uuid"),
        URL_SAFE_NO_PAD.encode(unknown_id()),
        format!("{real}x"),
        real[..real.len() - 2].to_owned(),
        String::new(),
    ];
    for cursor in &forged {
        for (query, field) in [(CLIENT_PAGE, "clients"), (REFERRAL_PAGE, "referrals")] {
            let reply = plm.run(query, json!({ "first": 5, "after": cursor })).await;
            assert_eq!(
                reply.error_code(),
                "BAD_USER_INPUT",
                "{field} after={cursor:?}: {}",
                reply.body
            );
        }
    }
    // The real one still works.
    let data = plm
        .ok(CLIENT_PAGE, json!({ "first": 5, "after": real }))
        .await;
    assert_eq!(ids(&data["clients"]["nodes"]).len(), 2);
}

#[tokio::test]
async fn referral_pages_visit_every_referral_once_in_order() {
    let community = Community::new().await;
    let (plm, staff_a) = (&community.plm, &community.staff_a);
    let (_, ce_enrollment) = community
        .client_in_ce("Page", "Referrals", "2026-01-05")
        .await;
    let mut made = Vec::new();
    for day in 1..=12 {
        let date = format!("2026-02-{day:02}");
        made.push(
            create_ce_event(
                plm,
                &ce_enrollment,
                &date,
                "REFERRAL_TO_PSH",
                Some(&community.psh_a),
            )
            .await,
        );
    }
    // A non-referral event is not in the list.
    create_ce_event(
        plm,
        &ce_enrollment,
        "2026-02-20",
        "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
        None,
    )
    .await;
    // Reject every third, so a status filter pages over a subset.
    for event in made.iter().step_by(3) {
        staff_a
            .ok(
                RESOLVE_REFERRAL,
                json!({ "input": {
                    "ceEventId": event, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
                    "resultDate": "2026-03-01"
                }}),
            )
            .await;
    }
    for who in [plm, staff_a] {
        let (seen, sizes) =
            page_through(who, REFERRAL_PAGE, "referrals", 5, json!({}), no_pause).await;
        assert_eq!(sizes, vec![5, 5, 2]);
        assert_eq!(seen, made);
    }
    let pending: Vec<String> = made
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, id)| id.clone())
        .collect();
    let (seen, sizes) = page_through(
        plm,
        REFERRAL_PAGE,
        "referrals",
        3,
        json!({ "status": "PENDING" }),
        no_pause,
    )
    .await;
    assert_eq!(sizes, vec![3, 3, 2]);
    assert_eq!(seen, pending);
    let data = plm
        .ok(REFERRAL_PAGE, json!({ "first": 3, "status": "PENDING" }))
        .await;
    assert_eq!(total(&data["referrals"]), 8);
    // B sees none of them.
    let data = community
        .staff_b
        .ok(REFERRAL_PAGE, json!({ "first": 5 }))
        .await;
    assert_eq!(total(&data["referrals"]), 0);
    assert_eq!(data["referrals"]["pageInfo"]["hasNextPage"], false);
    assert!(data["referrals"]["pageInfo"]["endCursor"].is_null());
}

// ---------------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------------

async fn search(who: &Gql, text: &str) -> Vec<String> {
    let data = who
        .ok(
            "query($s: String) { clients(search: $s, first: 100) { totalCount nodes { id } } }",
            json!({ "s": text }),
        )
        .await;
    let found = ids(&data["clients"]["nodes"]);
    assert_eq!(
        total(&data["clients"]),
        found.len() as i64,
        "search {text:?}"
    );
    sorted(found)
}

#[tokio::test]
async fn search_matches_case_insensitive_prefixes_of_first_or_last_name() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let maria = create_client(&admin, "Maria", "Lopez").await;
    let mario = create_client(&admin, "mario", "Smith").await;
    let marston = create_client(&admin, "Bob", "MARSTON").await;
    let amaria = create_client(&admin, "Amaria", "Jones").await;
    let lopezz = create_client(&admin, "Zed", "Lopezz").await;
    let all = sorted(owned(&[&maria, &mario, &marston, &amaria, &lopezz]));

    assert_eq!(
        search(&admin, "MAR").await,
        sorted(owned(&[&maria, &mario, &marston]))
    );
    assert_eq!(search(&admin, "mar").await, search(&admin, "mAr").await);
    assert_eq!(search(&admin, "maria").await, vec![maria.clone()]);
    assert_eq!(
        search(&admin, "lopez").await,
        sorted(owned(&[&maria, &lopezz]))
    );
    assert_eq!(search(&admin, "Lopezz").await, vec![lopezz.clone()]);
    assert_eq!(search(&admin, "a").await, vec![amaria.clone()]);
    // Infixes and suffixes do not match.
    assert!(search(&admin, "aria").await.is_empty());
    assert!(search(&admin, "ston").await.is_empty());
    assert!(search(&admin, "opez").await.is_empty());
    // A prefix longer than the name does not match.
    assert!(search(&admin, "Marias").await.is_empty());
    // No search (or an empty one) lists everyone.
    assert_eq!(search(&admin, "").await, all);
    let data = admin
        .ok("{ clients(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(total(&data["clients"]), 5);
}

#[tokio::test]
async fn search_treats_percent_and_underscore_literally() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let percent = create_client(&admin, "50%off", "Deal").await;
    let fifty = create_client(&admin, "50x", "Plain").await;
    let underscore = create_client(&admin, "Jo_n", "Under").await;
    let john = create_client(&admin, "John", "Doe").await;
    let backslash = create_client(&admin, "Back\\slash", "Esc").await;

    assert_eq!(search(&admin, "50%").await, vec![percent.clone()]);
    assert_eq!(
        search(&admin, "50").await,
        sorted(owned(&[&percent, &fifty]))
    );
    assert!(
        search(&admin, "%").await.is_empty(),
        "% must not match everything"
    );
    assert!(
        search(&admin, "%off").await.is_empty(),
        "% must not be a wildcard"
    );
    assert_eq!(search(&admin, "jo_").await, vec![underscore.clone()]);
    assert_eq!(
        search(&admin, "jo").await,
        sorted(owned(&[&underscore, &john]))
    );
    assert!(
        search(&admin, "_").await.is_empty(),
        "_ must not match any one character"
    );
    assert!(
        search(&admin, "j_hn").await.is_empty(),
        "_ must not be a wildcard"
    );
    assert_eq!(search(&admin, "back\\").await, vec![backslash.clone()]);
    assert!(search(&admin, "\\").await.is_empty());
}

// ---------------------------------------------------------------------------------------------------
// No N+1: a nested read costs as many statements over 50 clients as over 5
// ---------------------------------------------------------------------------------------------------

const NESTED_READ: &str = "{
  clients(first: 100) {
    nodes {
      enrollments {
        project { organization { name } }
        ceEvents { referredProject { name } resultingEnrollment { entryDate } notes { text } }
        household { householdType members { relationshipToHoH client { firstName } } }
        assessments { assessmentDate }
      }
      ceEvents { id }
      assessments { prioritizationStatus }
    }
  }
}";

/// Adds `count` clients, each with a CE enrollment and a referral to A's PSH; every other one is
/// resolved successfully with a housing enrollment, so every nested field has rows to load.
async fn add_referred_clients(community: &Community, from: usize, count: usize) {
    for i in from..from + count {
        let client = create_client(&community.plm, &format!("Bulk{i:03}"), "Nplusone").await;
        let ce =
            create_enrollment(&community.plm, &client, &community.ce_project, "2026-01-05").await;
        let event = create_ce_event(
            &community.plm,
            &ce,
            "2026-02-01",
            "REFERRAL_TO_PSH",
            Some(&community.psh_a),
        )
        .await;
        // Every level has rows to load: an assessment, and a note on the referral.
        community
            .plm
            .ok(
                "mutation($input: RecordAssessmentInput!) { recordAssessment(input: $input) { id } }",
                json!({ "input": {
                    "enrollmentId": ce, "assessmentDate": "2026-01-20", "location": "Access point",
                    "assessmentType": "IN_PERSON", "assessmentLevel": "HOUSING_NEEDS_ASSESSMENT",
                    "prioritizationStatus": "PLACED_ON_PRIORITIZATION_LIST"
                }}),
            )
            .await;
        community
            .plm
            .ok(
                "mutation($id: ID!) { addReferralNote(input: { ceEventId: $id, text: \"Call first\" }) { id } }",
                json!({ "id": event }),
            )
            .await;
        if i % 2 == 0 {
            let housing =
                create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-01")
                    .await;
            resolve_successfully(&community.staff_a, &event, &housing).await;
        }
    }
}

/// Runs [`NESTED_READ`] `runs` times as `who`, checking it returns `clients` clients with their nested
/// rows; returns the statements each run cost.
async fn nested_read_costs(
    community: &Community,
    who: &Gql,
    clients: usize,
    runs: usize,
) -> Vec<u64> {
    // The first request of a token may refresh its last-used time: not part of the read's cost.
    warm_up(who).await;
    let mut costs = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (reply, cost) = counting(&community.server, who, NESTED_READ, json!({})).await;
        let nodes = reply.data()["clients"]["nodes"].clone();
        let nodes = nodes.as_array().expect("nodes");
        assert_eq!(nodes.len(), clients);
        // The rows really were loaded: every client shows its CE enrollment and its referral.
        for node in nodes {
            assert!(
                !node["enrollments"]
                    .as_array()
                    .expect("enrollments")
                    .is_empty()
            );
            assert_eq!(node["ceEvents"].as_array().expect("ceEvents").len(), 1);
        }
        let text = reply.body.to_string();
        assert!(
            text.contains("Hope PSH") && text.contains("2026-03-01"),
            "{text}"
        );
        costs.push(cost);
    }
    costs
}

fn least(costs: &[u64]) -> u64 {
    costs.iter().copied().min().expect("at least one run")
}

fn most(costs: &[u64]) -> u64 {
    costs.iter().copied().max().expect("at least one run")
}

/// On the test's single-threaded runtime. Each size is read a few times and the cheapest run taken:
/// a per-row query (N+1) would cost more on every run, while the DataLoader's 1 ms batching window
/// can, rarely, split a batch on a busy machine (see the multi-threaded test below).
#[tokio::test]
async fn nested_read_runs_as_many_statements_for_50_clients_as_for_5() {
    let community = Community::new().await;
    add_referred_clients(&community, 0, 5).await;
    let plm_small = nested_read_costs(&community, &community.plm, 5, 5).await;
    let staff_small = nested_read_costs(&community, &community.staff_a, 5, 5).await;
    add_referred_clients(&community, 5, 45).await;
    let plm_large = nested_read_costs(&community, &community.plm, 50, 5).await;
    let staff_large = nested_read_costs(&community, &community.staff_a, 50, 5).await;
    assert!(
        least(&plm_small) > 0,
        "the statement counter does not count"
    );
    assert_eq!(
        least(&plm_small),
        least(&plm_large),
        "PLM: {plm_small:?} statements over 5 clients, {plm_large:?} over 50"
    );
    assert!(least(&staff_small) > 0);
    assert_eq!(
        least(&staff_small),
        least(&staff_large),
        "staff A: {staff_small:?} statements over 5 clients, {staff_large:?} over 50"
    );
}

/// The same on a multi-threaded runtime, as `hearth serve` runs (`#[tokio::main]`): no run over 50
/// clients may cost more statements than the runs over 5 do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_read_statement_count_does_not_grow_with_rows_on_a_multi_threaded_runtime() {
    let community = Community::new().await;
    add_referred_clients(&community, 0, 5).await;
    let small = nested_read_costs(&community, &community.plm, 5, 5).await;
    add_referred_clients(&community, 5, 45).await;
    let large = nested_read_costs(&community, &community.plm, 50, 5).await;
    assert!(least(&small) > 0, "the statement counter does not count");
    assert!(
        most(&large) <= most(&small),
        "statements per run: {small:?} over 5 clients, {large:?} over 50"
    );
}
