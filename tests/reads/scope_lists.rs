//! Scope in lists and their totals: clients (every page, search) and referrals (by status and
//! project) hold only records the viewer may see.

use super::*;

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
