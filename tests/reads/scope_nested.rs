//! Scope in nested fields: a client's enrollments and CE events, resolved referrals and resulting
//! enrollments, and paths that must not lead out of scope.

use super::*;

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
