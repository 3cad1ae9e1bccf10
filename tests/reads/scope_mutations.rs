//! Mutations naming records out of the caller's scope: NOT_FOUND, as if they did not exist.

use super::*;

/// What the cases' mutations would change, as the PLM reads it.
const WRITTEN: &str = "query($ev: ID!, $a: ID!, $b: ID!, $c: ID!, $d: ID!) {
  ev: ceEvent(id: $ev) { status referralResult resultDate }
  ea: enrollment(id: $a) { exitDate moveInDate }
  eb: enrollment(id: $b) { exitDate moveInDate }
  ca: client(id: $c) { enrollments { id } }
  cb: client(id: $d) { enrollments { id } }
}";

#[tokio::test]
async fn mutations_naming_records_out_of_scope_are_not_found() {
    let world = World::build().await;
    let c = &world.community;
    let resolve = |event: &str, result: &str| {
        json!({ "input": {
            "ceEventId": event, "referralResult": result, "resultDate": "2026-03-01"
        }})
    };
    let intake = |client: &str, project: &str| {
        json!({ "input": {
            "clientId": client, "projectId": project, "entryDate": "2026-05-01"
        }})
    };
    let dated = |enrollment: &str, date_field: &str| {
        json!({ "input": {
            "enrollmentId": enrollment, date_field: "2026-05-01"
        }})
    };
    let unknown = unknown_id();
    let (staff_a, staff_b) = (&c.staff_a, &c.staff_b);
    let (ev_psh_a2, ev_a) = (&world.ev_psh_a2, &world.ev_a);
    let (c_a, c_ref_b, e_es_b, e_psh_a) =
        (&world.c_a, &world.c_ref_b, &world.e_es_b, &world.e_psh_a);
    // (case, who asks, the mutation, its variables, the record it names and its id). Each is
    // answered as an id that names nothing would be: the record and the id, never that it exists.
    #[rustfmt::skip]
    let cases = [
        // A's pending referral: B may not learn it exists.
        ("B resolves A's pending referral", staff_b, RESOLVE_REFERRAL, resolve(ev_psh_a2, "UNSUCCESSFUL_PROVIDER_REJECTED"), "CE event", ev_psh_a2),
        // A's resolved referral: NOT_FOUND as well, not CONFLICT, which would tell B it exists.
        ("B resolves A's resolved referral", staff_b, RESOLVE_REFERRAL, resolve(ev_a, "UNSUCCESSFUL_CLIENT_REJECTED"), "CE event", ev_a),
        // The same answer as for an id that names nothing.
        ("B resolves an id that names nothing", staff_b, RESOLVE_REFERRAL, resolve(&unknown, "UNSUCCESSFUL_CLIENT_REJECTED"), "CE event", &unknown),
        // Intake of a client the caller cannot see, into the caller's own project.
        ("B takes in A's client", staff_b, CREATE_ENROLLMENT, intake(c_a, &c.es_b), "client", c_a),
        ("A takes in B's referred client", staff_a, CREATE_ENROLLMENT, intake(c_ref_b, &c.psh_a), "client", c_ref_b),
        // A sees the client, not that enrollment.
        ("A exits B's enrollment", staff_a, EXIT_ENROLLMENT, dated(e_es_b, "exitDate"), "enrollment", e_es_b),
        ("B records a move-in in A's enrollment", staff_b, RECORD_MOVE_IN, dated(e_psh_a, "moveInDate"), "enrollment", e_psh_a),
    ];
    for (name, who, mutation, variables, record, id) in cases {
        let says = format!("No {record} with id {id} is visible to you");
        let message = who
            .run(mutation, variables)
            .await
            .expect_refused(name, "NOT_FOUND", &says)
            .to_owned();
        assert_eq!(message, says, "case {name}");
        // Nothing was written.
        let data = c
            .plm
            .ok(
                WRITTEN,
                json!({ "ev": ev_psh_a2, "a": e_es_b, "b": e_psh_a, "c": c_a, "d": c_ref_b }),
            )
            .await;
        assert_eq!(data["ev"]["status"], "PENDING", "case {name}: {data}");
        assert!(
            data["ev"]["referralResult"].is_null(),
            "case {name}: {data}"
        );
        assert!(data["ea"]["exitDate"].is_null(), "case {name}: {data}");
        assert!(data["eb"]["moveInDate"].is_null(), "case {name}: {data}");
        assert_eq!(
            ids(&data["ca"]["enrollments"]).len(),
            0,
            "case {name}: {data}"
        );
        assert_eq!(
            ids(&data["cb"]["enrollments"]),
            owned(&[&world.ce_ref_b]),
            "case {name}: {data}"
        );
    }
}
