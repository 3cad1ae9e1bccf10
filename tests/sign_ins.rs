//! Sign-ins kept in memory (`service::sessions`), through HTTP on one server: a kept sign-in costs no
//! statement, and a change to who may sign in as what is seen on the very next request, or within a
//! second when no notification can tell (a change behind the server's back). A token revoked on
//! its next request: `hardening.rs`; across servers on one PostgreSQL: `production.rs`.

mod common;
mod reads_support;

use common::*;
use reads_support::statements;
use serde_json::json;
use std::time::{Duration, Instant};

const ME: &str = "{ me { role } }";

/// A new HOUSING_STAFF user of housing organization A: (user id, token).
async fn new_staff(community: &Community, email: &str) -> (String, String) {
    let admin = community.admin();
    let user = admin
        .ok(
            "mutation($email: String!) { createUser(input: {email: $email, name: \"Kept\"}) { id } }",
            json!({ "email": email }),
        )
        .await;
    let user = id(&user["createUser"]);
    grant_role(&admin, &user, &community.housing_a, "HOUSING_STAFF").await;
    let token = create_token(&admin, &user).await;
    (user, token)
}

#[tokio::test]
async fn a_token_signed_in_a_moment_ago_runs_no_statement_to_sign_in_again() {
    let community = Community::new().await;
    let server = &community.server;
    let staff = &community.staff_a;
    server.services.sessions.forget_all();
    let before = statements(server).await;
    staff.ok(ME, json!({})).await;
    let looked_up = statements(server).await - before;
    assert!(looked_up > 0, "the first sign-in reads the token");
    let before = statements(server).await;
    staff.ok(ME, json!({})).await;
    assert_eq!(statements(server).await - before, 0, "kept, not looked up");
}

#[tokio::test]
async fn a_role_granted_is_the_role_of_the_next_request() {
    let community = Community::new().await;
    let (user, token) = new_staff(&community, "kept@a.test").await;
    let staff = community.server.as_user(&token, None);
    assert_eq!(staff.ok(ME, json!({})).await["me"]["role"], "HOUSING_STAFF");
    // Kept a moment ago; the grant must make this server forget it.
    grant_role(
        &community.admin(),
        &user,
        &community.housing_a,
        "PRIORITY_LIST_MANAGER",
    )
    .await;
    assert_eq!(
        staff.ok(ME, json!({})).await["me"]["role"],
        "PRIORITY_LIST_MANAGER"
    );
}

#[tokio::test]
async fn a_user_deleted_behind_the_servers_back_is_refused_within_a_second() {
    let community = Community::new().await;
    let (user, token) = new_staff(&community, "gone@a.test").await;
    let staff = community.server.as_user(&token, None);
    staff.ok(ME, json!({})).await;
    // As another process writing the database would: nothing tells the server, only the kept
    // sign-in's age bounds how long it signs the user in.
    update_behind_the_api(
        &community.server,
        "app_user",
        "date_deleted = '2026-03-01T00:00:00Z'",
        &user,
    )
    .await;
    let deleted = Instant::now();
    loop {
        let reply = staff.run(ME, json!({})).await;
        if reply.body.get("errors").is_some_and(|e| !e.is_null()) {
            reply.expect_error("UNAUTHENTICATED");
            break;
        }
        // A second of age, and the requests' own time on a busy machine.
        assert!(
            deleted.elapsed() < Duration::from_millis(1500),
            "still signed in {:?} after the user was deleted",
            deleted.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
