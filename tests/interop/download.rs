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

    let staff = download(&c, Some(token(&c.staff_a)), &range).await;
    assert_eq!(staff.status().as_u16(), 403);
    let body: serde_json::Value = staff.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    let anonymous = download(&c, None, &range).await;
    assert_eq!(anonymous.status().as_u16(), 401);
    let body: serde_json::Value = anonymous.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );

    let backwards = download(&c, Some(token(&c.plm)), "from=2026-06-01&to=2026-01-01").await;
    assert_eq!(backwards.status().as_u16(), 400);
    let body: serde_json::Value = backwards.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}
