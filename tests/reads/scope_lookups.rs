//! Scope in lookups by id: a client, enrollment or CE event out of the viewer's scope is null, not
//! an error.

use super::*;

/// A lookup by id, every record it may be asked for, and which of them a viewer sees.
struct Case {
    name: &'static str,
    query: &'static str,
    field: &'static str,
    records: Vec<String>,
    seen: fn(&World, Viewer) -> Vec<String>,
}

#[tokio::test]
async fn lookups_return_in_scope_records_and_null_without_error_otherwise() {
    let world = World::build().await;
    let cases = [
        Case {
            name: "client",
            query: "query($id: ID!) { client(id: $id) { id firstName } }",
            field: "client",
            records: world.all_clients().into_iter().cloned().collect(),
            seen: World::clients_seen,
        },
        Case {
            name: "enrollment",
            query: "query($id: ID!) { enrollment(id: $id) { id entryDate } }",
            field: "enrollment",
            records: world.all_enrollments().into_iter().map(|e| e.id).collect(),
            seen: World::enrollments_seen,
        },
        Case {
            name: "CE event",
            query: "query($id: ID!) { ceEvent(id: $id) { id status } }",
            field: "ceEvent",
            records: world.all_events().into_iter().map(|e| e.id).collect(),
            seen: World::events_seen,
        },
    ];
    for case in &cases {
        let name = case.name;
        for viewer in VIEWERS {
            let who = world.as_viewer(viewer);
            let seen = (case.seen)(&world, viewer);
            for record in &case.records {
                let reply = who.run(case.query, json!({ "id": record })).await;
                let found = &reply.expect_ok(name)[case.field];
                if seen.contains(record) {
                    assert_eq!(
                        as_str(&found["id"]),
                        Some(record.as_str()),
                        "case {name}: {viewer:?}"
                    );
                } else {
                    assert!(
                        found.is_null(),
                        "case {name}: {viewer:?} must not see {name} {record}: {found}"
                    );
                }
            }
            let reply = who.run(case.query, json!({ "id": unknown_id() })).await;
            assert!(
                reply.expect_ok(name)[case.field].is_null(),
                "case {name}: {viewer:?}: unknown id"
            );
        }
    }
}
