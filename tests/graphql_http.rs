//! GraphQL over HTTP as a new client meets it: the schema is readable without a token (rule R1's one
//! exception, for playgrounds and code generators), everything else still signs in, and requests
//! that are not GraphQL over HTTP are refused with the specification's statuses and a GraphQL error.

mod common;

use common::{TestServer, server_settings};
use hearth::config::ServerSettings;
use serde_json::{Value, json};

/// What GraphiQL and GraphQL Code Generator send first (graphql-js's `getIntrospectionQuery`,
/// shortened): the root selects `__schema` only, the rest is spread through fragments.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  enumValues(includeDeprecated: true) { name isDeprecated }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name } } }
"#;

/// Posts `body` as JSON with `authorization`, if any; answers the status and the JSON body.
async fn post(server: &TestServer, authorization: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = server.http.post(server.url("/graphql")).json(&body);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code: {body}"))
}

#[tokio::test]
async fn the_schema_is_answered_without_a_token() {
    let server = TestServer::start().await;
    // No token at all, and the playground's placeholder: neither is looked at.
    for authorization in [None, Some("Bearer <paste a token>")] {
        let (status, body) = post(&server, authorization, json!({ "query": INTROSPECTION })).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
        let types = body["data"]["__schema"]["types"].as_array().expect("types");
        assert!(
            types.iter().any(|t| t["name"] == "CeEvent"),
            "no CeEvent type"
        );
    }
    let (status, body) = post(&server, None, json!({ "query": "{ __typename }" })).await;
    assert_eq!(
        (status, &body["data"]["__typename"]),
        (200, &json!("Query"))
    );
    let (_, body) = post(
        &server,
        None,
        json!({ "query": "{ __type(name: \"ReferralStatus\") { enumValues { name } } }" }),
    )
    .await;
    assert!(body["data"]["__type"]["enumValues"].is_array(), "{body}");
}

#[tokio::test]
async fn everything_but_the_schema_still_needs_a_token() {
    let server = TestServer::start().await;
    for query in [
        "{ me { role } }",
        "{ __typename me { role } }",
        "{ __schema { queryType { name } } organizations { id } }",
        "{ ... on Query { me { role } } }",
        "{ ...F } fragment F on Query { me { role } }",
        "mutation { __typename }",
    ] {
        for authorization in [None, Some("Bearer <paste a token>")] {
            let (status, body) = post(&server, authorization, json!({ "query": query })).await;
            assert_eq!(status, 401, "{query}: {body}");
            assert_eq!(first_code(&body), "UNAUTHENTICATED", "{query}");
        }
    }
    // A batch signs in unless every operation of it only reads the schema.
    let batch = json!([{ "query": "{ __typename }" }, { "query": "{ me { role } }" }]);
    let (status, body) = post(&server, None, batch).await;
    assert_eq!(
        (status, first_code(&body)),
        (401, "UNAUTHENTICATED"),
        "{body}"
    );
    let batch = json!([{ "query": "{ __typename }" }, { "query": INTROSPECTION }]);
    let (status, body) = post(&server, None, batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[1]["data"]["__schema"]["queryType"]["name"], "Query");
    // A persisted query is never answered without a token: its store is the token's.
    let persisted = json!({
        "query": "{ __typename }",
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "00" } },
    });
    let (status, body) = post(&server, None, persisted).await;
    assert_eq!(
        (status, first_code(&body)),
        (401, "UNAUTHENTICATED"),
        "{body}"
    );
    // Signed in, the schema reads as before.
    let (status, body) = post(
        &server,
        Some(&format!("Bearer {}", server.admin_token)),
        json!({ "query": "{ __schema { queryType { name } } me { role } }" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["role"], "ADMIN");
}

/// Posts `query` without a token, accepting `accept`.
async fn post_accepting(server: &TestServer, accept: &str, query: &str) -> (u16, Value) {
    let response = server
        .http
        .post(server.url("/graphql"))
        .header("Accept", accept)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn a_document_refused_whatever_the_token_says_why_without_one() {
    let server = TestServer::start().await;
    for (query, says) in [
        ("{ __typename ", "does not parse"),
        ("{ noSuchField }", "noSuchField"),
        ("query { me { role } } query { me { role } }", ""),
    ] {
        // The GraphQL-over-HTTP statuses: 200 for application/json, 400 for the GraphQL media type.
        for (accept, expected) in [
            ("application/json", 200),
            ("application/graphql-response+json", 400),
        ] {
            let (status, body) = post_accepting(&server, accept, query).await;
            assert_eq!(status, expected, "{query} ({accept}): {body}");
            assert_eq!(first_code(&body), "BAD_USER_INPUT", "{query}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(says), "{query}: {message}");
            assert!(body.get("data").is_none_or(Value::is_null), "{body}");
        }
    }
    // A valid document still needs the token.
    let (status, body) = post_accepting(&server, "application/json", "{ me { role } }").await;
    assert_eq!((status, first_code(&body)), (401, "UNAUTHENTICATED"));
}

#[tokio::test]
async fn with_introspection_off_the_schema_needs_a_token_too() {
    let server = TestServer::start_with(ServerSettings {
        introspection: false,
        ..server_settings()
    })
    .await;
    // Invalid documents too: their errors would describe the schema.
    for query in [
        INTROSPECTION,
        "{ __typename }",
        "{ noSuchField }",
        "{ __typename ",
    ] {
        let (status, body) = post(&server, None, json!({ "query": query })).await;
        assert_eq!(
            (status, first_code(&body)),
            (401, "UNAUTHENTICATED"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_post_without_content_type_is_refused_with_415() {
    let server = TestServer::start().await;
    let body = r#"{"query":"{ me { role } }"}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        for accept in ["application/json", "application/graphql-response+json"] {
            let mut request = server
                .http
                .post(server.url("/graphql"))
                .bearer_auth(&server.admin_token)
                .header("Accept", accept)
                .body(body);
            if let Some(content_type) = content_type {
                request = request.header("Content-Type", content_type);
            }
            let response = request.send().await.expect("send");
            assert_eq!(response.status().as_u16(), 415, "{content_type:?}");
            let reply: Value = response.json().await.expect("a GraphQL error as JSON");
            assert_eq!(first_code(&reply), "BAD_USER_INPUT");
            let message = reply["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("application/json"), "{message}");
        }
    }
    // JSON with its charset is JSON.
    let response = server
        .http
        .post(server.url("/graphql"))
        .bearer_auth(&server.admin_token)
        .header("Content-Type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_request_without_query_is_a_400_that_says_so() {
    let server = TestServer::start().await;
    let admin = format!("Bearer {}", server.admin_token);
    for body in [
        json!({}),
        json!({ "variables": {} }),
        json!({ "query": "" }),
        json!({ "operationName": "Me" }),
    ] {
        let (status, reply) = post(&server, Some(&admin), body.clone()).await;
        assert_eq!(status, 400, "{body}: {reply}");
        assert_eq!(first_code(&reply), "BAD_USER_INPUT");
        let message = reply["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("`query`"), "{message}");
    }
    let (status, reply) = post(
        &server,
        Some(&admin),
        json!([{ "query": "{ __typename }" }, {}]),
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Operation 1") && m.contains("`query`")),
        "{reply}"
    );
    // GET without a query parameter, as a client asking for JSON.
    let response = server
        .http
        .get(server.url("/graphql?variables=%7B%7D"))
        .bearer_auth(&server.admin_token)
        .header("Accept", "application/graphql-response+json")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    let reply: Value = response.json().await.expect("JSON");
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("`query`")),
        "{reply}"
    );
}
