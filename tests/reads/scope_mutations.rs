//! Mutations naming records out of the caller's scope: NOT_FOUND, as if they did not exist.

use super::*;

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
