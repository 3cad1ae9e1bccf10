//! Rules R1-R3 (who is asking), the admin mutations' validation, and the HTTP endpoints.

mod common;

use common::*;
use serde_json::json;

const ME: &str = "{ me { user { email } organization { id name } role memberships { role organization { id } } } }";

#[tokio::test]
async fn r1_a_request_without_a_valid_token_is_unauthenticated() {
    let server = TestServer::start().await;
    // (case, the Authorization header sent, what the message says)
    #[rustfmt::skip]
    let cases = [
        ("no token", None, "Sign in: send the header `Authorization: Bearer <api token>`"),
        ("an unknown token", Some("Bearer hth_not-a-real-token".to_owned()), "The API token is not valid"),
        ("a token not sent as Bearer", Some(format!("Basic {}", server.admin_token)), "must be `Bearer <api token>`"),
    ];
    for (name, authorization, says) in cases {
        let mut request = server
            .http
            .post(server.url("/graphql"))
            .json(&json!({ "query": ME }));
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let response = request.send().await.expect("send");
        let reply = Reply {
            status: response.status().as_u16(),
            body: response.json().await.expect("json"),
        };
        reply.expect_refused(name, "UNAUTHENTICATED", says);
        assert!(reply.body["data"].is_null(), "case {name}: {}", reply.body);
    }
}

#[tokio::test]
async fn r1_tokens_are_stored_only_as_hashes() {
    let server = TestServer::start().await;
    use sea_orm::EntityTrait;
    let rows = entity::api_token::Entity::find()
        .all(&server.services.db)
        .await
        .expect("tokens");
    assert!(!rows.is_empty());
    for row in rows {
        assert_ne!(row.token_hash, server.admin_token);
        assert!(!row.token_hash.contains(&server.admin_token[4..]));
        assert_eq!(row.token_hash.len(), 64);
    }
}

#[tokio::test]
async fn r2_single_membership_acts_without_header() {
    let server = TestServer::start().await;
    let data = server.admin().ok(ME, json!({})).await;
    assert_eq!(data["me"]["role"], "ADMIN");
    assert_eq!(data["me"]["organization"]["name"], "Hearth Administration");
    assert_eq!(data["me"]["user"]["email"], "admin@hearth.test");
}

#[tokio::test]
async fn r2_organization_header_must_name_a_membership() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let other = create_organization(&admin, "Elsewhere").await;
    let token = create_member(&admin, "one@org.test", &other, "HOUSING_STAFF").await;
    let stranger_org = create_organization(&admin, "Not Mine").await;
    let cases = [
        ("an organization of another's", stranger_org.as_str()),
        ("not an id", "not-an-id"),
    ];
    for (name, header) in cases {
        let reply = server
            .as_user(&token, Some(header))
            .run(ME, json!({}))
            .await;
        reply.expect_refused(name, "FORBIDDEN", "is not an organization you belong to");
    }
}

#[tokio::test]
async fn r2_several_memberships_without_header_answer_only_me() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let first = create_organization(&admin, "First").await;
    let second = create_organization(&admin, "Second").await;
    let user = admin
        .ok(
            "mutation { createUser(input: {email: \"two@orgs.test\", name: \"Two Orgs\"}) { id } }",
            json!({}),
        )
        .await;
    let user = id(&user["createUser"]);
    grant_role(&admin, &user, &first, "HOUSING_STAFF").await;
    grant_role(&admin, &user, &second, "PRIORITY_LIST_MANAGER").await;
    let token = create_token(&admin, &user).await;

    let me = server.as_user(&token, None).ok(ME, json!({})).await;
    assert!(me["me"]["organization"].is_null());
    assert!(me["me"]["role"].is_null());
    assert_eq!(me["me"]["memberships"].as_array().map(Vec::len), Some(2));

    let reply = server
        .as_user(&token, None)
        .run("{ organizations { id } }", json!({}))
        .await;
    let message = reply.expect_error("FORBIDDEN");
    assert!(message.contains("X-Organization-Id"), "{message}");

    let acting = server
        .as_user(&token, Some(&second))
        .ok(ME, json!({}))
        .await;
    assert_eq!(acting["me"]["role"], "PRIORITY_LIST_MANAGER");
    assert_eq!(acting["me"]["organization"]["id"], second.as_str());
}

#[tokio::test]
async fn r2_grant_role_again_changes_the_role() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let org = create_organization(&admin, "Org").await;
    let token = create_member(&admin, "change@org.test", &org, "HOUSING_STAFF").await;
    let user = server.as_user(&token, None);
    let me = user.ok("{ me { user { id } role } }", json!({})).await;
    assert_eq!(me["me"]["role"], "HOUSING_STAFF");
    let user_id = me["me"]["user"]["id"].as_str().expect("id").to_owned();
    grant_role(&admin, &user_id, &org, "PRIORITY_LIST_MANAGER").await;
    let me = user
        .ok("{ me { role memberships { role } } }", json!({}))
        .await;
    assert_eq!(me["me"]["role"], "PRIORITY_LIST_MANAGER");
    assert_eq!(me["me"]["memberships"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn r3_only_admin_may_use_admin_mutations() {
    let community = Community::new().await;
    let create_organization = "mutation { createOrganization(input: {name: \"Sneaky\"}) { id } }";
    let create_user = "mutation { createUser(input: {email: \"x@y.org\", name: \"X\"}) { id } }";
    let cases = [
        (
            "createOrganization by a PLM",
            &community.plm,
            create_organization,
        ),
        ("createUser by a PLM", &community.plm, create_user),
        (
            "createOrganization by housing staff",
            &community.staff_a,
            create_organization,
        ),
        (
            "createUser by housing staff",
            &community.staff_a,
            create_user,
        ),
    ];
    for (name, who, mutation) in cases {
        who.run(mutation, json!({})).await.expect_refused(
            name,
            "FORBIDDEN",
            "Only an ADMIN may do this",
        );
        let orgs = community
            .admin()
            .ok("{ organizations { name } }", json!({}))
            .await;
        let listed = orgs["organizations"].as_array().expect("list");
        assert!(!listed.iter().any(|o| o["name"] == "Sneaky"), "case {name}");
    }
}

#[tokio::test]
async fn admin_input_is_validated() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let org = create_organization(&admin, "  Trimmed Org  ").await;
    let project = "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }";
    let backwards = json!({ "input": { "organizationId": org, "name": "P", "projectType": "TRANSITIONAL_HOUSING",
        "operatingStartDate": "2024-01-01", "operatingEndDate": "2023-01-01" } });
    // (case, mutation, variables, what the message says)
    #[rustfmt::skip]
    let cases = [
        ("a blank organization name", "mutation { createOrganization(input: {name: \"   \"}) { id } }", json!({}), "name must not be empty"),
        ("an email that is not one", "mutation { createUser(input: {email: \"not-an-email\", name: \"X\"}) { id } }", json!({}), "is not an email address"),
        ("a project ending before it starts", project, backwards, "operatingEndDate 2023-01-01 is before operatingStartDate"),
    ];
    for (name, mutation, variables, says) in cases {
        admin
            .run(mutation, variables)
            .await
            .expect_refused(name, "BAD_USER_INPUT", says);
    }
    let orgs = admin.ok("{ organizations { name } }", json!({})).await;
    assert!(
        orgs["organizations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|o| o["name"] == "Trimmed Org")
    );
}

#[tokio::test]
async fn duplicate_email_is_a_conflict() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let query = "mutation($e: String!) { createUser(input: {email: $e, name: \"Dup\"}) { id } }";
    admin.ok(query, json!({ "e": "dup@example.org" })).await;
    let reply = admin.run(query, json!({ "e": "DUP@example.org" })).await;
    reply.expect_error("CONFLICT");
}

#[tokio::test]
async fn project_lookup_and_organizations_are_visible_to_every_role() {
    let community = Community::new().await;
    let query = "query($id: ID!) { project(id: $id) { name projectType organization { name } } }";
    for who in [&community.plm, &community.staff_a, &community.staff_b] {
        let data = who.ok(query, json!({ "id": community.psh_b })).await;
        assert_eq!(data["project"]["name"], "Harbor PSH");
        assert_eq!(
            data["project"]["projectType"],
            "PH_PERMANENT_SUPPORTIVE_HOUSING"
        );
        assert_eq!(data["project"]["organization"]["name"], "Harbor Homes");
        let orgs = who
            .ok("{ organizations { name projects { name } } }", json!({}))
            .await;
        assert_eq!(orgs["organizations"].as_array().map(Vec::len), Some(4));
    }
}

#[tokio::test]
async fn healthz_and_readyz_answer_when_the_database_does() {
    let server = TestServer::start().await;
    for path in ["/healthz", "/readyz"] {
        let response = server
            .http
            .get(server.url(path))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test]
async fn playground_is_served_to_browsers() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/graphql"))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.expect("text");
    assert!(page.contains("graphiql"), "not the playground");
}

#[tokio::test]
async fn query_by_get_works_and_mutation_by_get_is_refused() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/graphql"))
        .query(&[("query", "{ me { role } }")])
        .bearer_auth(&server.admin_token)
        .send()
        .await
        .expect("send");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["data"]["me"]["role"], "ADMIN");
    let response = server
        .http
        .get(server.url("/graphql"))
        .query(&[(
            "query",
            "mutation { createOrganization(input: {name: \"ByGet\"}) { id } }",
        )])
        .bearer_auth(&server.admin_token)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 405);
    let orgs = server
        .admin()
        .ok("{ organizations { name } }", json!({}))
        .await;
    assert!(
        !orgs["organizations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|o| o["name"] == "ByGet")
    );
}

#[tokio::test]
async fn batches_are_capped() {
    let server = TestServer::start().await;
    let batch: Vec<_> = (0..11)
        .map(|_| json!({ "query": "{ me { role } }" }))
        .collect();
    let response = server
        .http
        .post(server.url("/graphql"))
        .bearer_auth(&server.admin_token)
        .json(&batch)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn response_fields_follow_the_selection_order() {
    let community = Community::new().await;
    let query = "{ organizations { projects { organization { name } name id } name id } me { role user { email id } } }";
    let response = community
        .server
        .http
        .post(community.server.url("/graphql"))
        .bearer_auth(&community.server.admin_token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("send");
    let text = response.text().await.expect("text");
    // Order matters here, so read the raw text rather than a map.
    let organizations = text.find("\"organizations\"").expect("organizations");
    let me = text.find("\"me\"").expect("me");
    assert!(organizations < me, "{text}");
    let first_org = &text[organizations..me];
    let positions: Vec<usize> = ["\"projects\"", "\"name\"", "\"id\""]
        .iter()
        .map(|key| first_org.find(key).expect("key"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first_org}");
    let role = text.find("\"role\"").expect("role");
    let user = text.find("\"user\"").expect("user");
    assert!(role < user, "{text}");
}
