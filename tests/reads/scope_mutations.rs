//! Mutations naming records out of the caller's scope: NOT_FOUND, as if they did not exist.

use super::*;

/// A mutation naming a record out of the caller's scope, and the answer it must get.
struct Case<'a> {
    name: &'static str,
    who: &'a Gql,
    mutation: &'static str,
    variables: Value,
    says: String,
}

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
    let not_visible =
        |record: &str, id: &str| format!("No {record} with id {id} is visible to you");
    // Every case is answered as an id that names nothing would be: the record and the id it was
    // given, never whether it exists.
    let cases = [
        // A's pending referral: B may not learn it exists.
        Case {
            name: "B resolves A's pending referral",
            who: &c.staff_b,
            mutation: RESOLVE_REFERRAL,
            variables: resolve(&world.ev_psh_a2, "UNSUCCESSFUL_PROVIDER_REJECTED"),
            says: not_visible("CE event", &world.ev_psh_a2),
        },
        // A's resolved referral: NOT_FOUND as well, not CONFLICT, which would tell B it exists.
        Case {
            name: "B resolves A's resolved referral",
            who: &c.staff_b,
            mutation: RESOLVE_REFERRAL,
            variables: resolve(&world.ev_a, "UNSUCCESSFUL_CLIENT_REJECTED"),
            says: not_visible("CE event", &world.ev_a),
        },
        // The same answer as for an id that names nothing.
        Case {
            name: "B resolves an id that names nothing",
            who: &c.staff_b,
            mutation: RESOLVE_REFERRAL,
            variables: resolve(&unknown, "UNSUCCESSFUL_CLIENT_REJECTED"),
            says: not_visible("CE event", &unknown),
        },
        // Intake of a client the caller cannot see, into the caller's own project.
        Case {
            name: "B takes in A's client",
            who: &c.staff_b,
            mutation: CREATE_ENROLLMENT,
            variables: intake(&world.c_a, &c.es_b),
            says: not_visible("client", &world.c_a),
        },
        Case {
            name: "A takes in B's referred client",
            who: &c.staff_a,
            mutation: CREATE_ENROLLMENT,
            variables: intake(&world.c_ref_b, &c.psh_a),
            says: not_visible("client", &world.c_ref_b),
        },
        // A sees the client, not that enrollment.
        Case {
            name: "A exits B's enrollment",
            who: &c.staff_a,
            mutation: EXIT_ENROLLMENT,
            variables: dated(&world.e_es_b, "exitDate"),
            says: not_visible("enrollment", &world.e_es_b),
        },
        Case {
            name: "B records a move-in in A's enrollment",
            who: &c.staff_b,
            mutation: RECORD_MOVE_IN,
            variables: dated(&world.e_psh_a, "moveInDate"),
            says: not_visible("enrollment", &world.e_psh_a),
        },
    ];
    for case in cases {
        let reply = case.who.run(case.mutation, case.variables).await;
        let message = reply.expect_refused(case.name, "NOT_FOUND", &case.says);
        assert_eq!(message, case.says, "case {}", case.name);
    }
    // Nothing was written.
    let data = c
        .plm
        .ok(
            "query($ev: ID!, $a: ID!, $b: ID!, $c: ID!, $d: ID!) {
               ev: ceEvent(id: $ev) { status referralResult resultDate }
               ea: enrollment(id: $a) { exitDate moveInDate }
               eb: enrollment(id: $b) { exitDate moveInDate }
               ca: client(id: $c) { enrollments { id } }
               cb: client(id: $d) { enrollments { id } }
             }",
            json!({
                "ev": world.ev_psh_a2, "a": world.e_es_b, "b": world.e_psh_a, "c": world.c_a,
                "d": world.c_ref_b
            }),
        )
        .await;
    assert_eq!(data["ev"]["status"], "PENDING", "{data}");
    assert!(data["ev"]["referralResult"].is_null(), "{data}");
    assert!(data["ea"]["exitDate"].is_null(), "{data}");
    assert!(data["eb"]["moveInDate"].is_null(), "{data}");
    assert_eq!(ids(&data["ca"]["enrollments"]).len(), 0, "{data}");
    assert_eq!(ids(&data["cb"]["enrollments"]), owned(&[&world.ce_ref_b]));
}
