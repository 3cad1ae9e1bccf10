//! Scope in lookups by id: a client, enrollment or CE event out of the viewer's scope is null, not
//! an error.

use super::*;

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
