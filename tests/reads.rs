//! The read paths: what each role sees ("What each role sees" in the workflow rules) in lookups, lists,
//! totals and nested fields; keyset pagination and search; and reads that cost the same number of SQL
//! statements however many rows they return (no N+1).

mod common;
mod reads_support;

#[path = "reads/no_n_plus_one.rs"]
mod no_n_plus_one;
#[path = "reads/pagination.rs"]
mod pagination;
#[path = "reads/scope_lists.rs"]
mod scope_lists;
#[path = "reads/scope_lookups.rs"]
mod scope_lookups;
#[path = "reads/scope_mutations.rs"]
mod scope_mutations;
#[path = "reads/scope_nested.rs"]
mod scope_nested;
#[path = "reads/search.rs"]
mod search;

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
