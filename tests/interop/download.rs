//! `GET /export/hmis-csv`: a zip for ADMIN and the priority list manager, refused to housing staff
//! and without a token.

use super::*;

async fn download(c: &Community, token: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = c
        .server
        .http
        .get(c.server.url(&format!("/export/hmis-csv?{query}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("send the request")
}

fn token(who: &Gql) -> &str {
    who.token.as_deref().expect("a token")
}

#[tokio::test]
async fn admin_and_priority_list_manager_download_the_export_as_a_zip() {
    let (c, _) = community_with_history().await;
    let range = format!("from={FROM}&to={TO}");
    for who in [c.admin(), c.plm.clone()] {
        let response = download(&c, Some(token(&who)), &range).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().expect("ascii"),
            "application/zip"
        );
        let bytes = response.bytes().await.expect("the whole body");
        let files = unzip(&bytes);
        let mut expected = FILES.to_vec();
        expected.sort();
        assert_eq!(
            files.keys().map(String::as_str).collect::<Vec<_>>(),
            expected
        );
        assert_eq!(rows(&files["Client.csv"]).len(), 3);
    }
}

#[tokio::test]
async fn housing_staff_may_not_download_the_export_and_a_token_is_required() {
    let (c, _) = community_with_history().await;
    let range = format!("from={FROM}&to={TO}");
    // (case, the token sent, the query string, the status and code answered)
    let cases = [
        (
            "housing staff",
            Some(token(&c.staff_a)),
            range.as_str(),
            403,
            "FORBIDDEN",
        ),
        ("no token", None, range.as_str(), 401, "UNAUTHENTICATED"),
        (
            "a range ending before it starts",
            Some(token(&c.plm)),
            "from=2026-06-01&to=2026-01-01",
            400,
            "BAD_USER_INPUT",
        ),
    ];
    for (name, token, query, status, code) in cases {
        let response = download(&c, token, query).await;
        assert_eq!(response.status().as_u16(), status, "case {name}");
        let body: serde_json::Value = response.json().await.expect("a JSON error");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "case {name}: {body}"
        );
    }
}
