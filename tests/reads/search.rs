//! Client search: case-insensitive prefixes of first or last name, `%` and `_` taken literally.

use super::*;

async fn search(who: &Gql, text: &str) -> Vec<String> {
    let data = who
        .ok(
            "query($s: String) { clients(search: $s, first: 100) { totalCount nodes { id } } }",
            json!({ "s": text }),
        )
        .await;
    let found = ids(&data["clients"]["nodes"]);
    assert_eq!(
        total(&data["clients"]),
        found.len() as i64,
        "search {text:?}"
    );
    sorted(found)
}

#[tokio::test]
async fn search_matches_case_insensitive_prefixes_of_first_or_last_name() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let maria = create_client(&admin, "Maria", "Lopez").await;
    let mario = create_client(&admin, "mario", "Smith").await;
    let marston = create_client(&admin, "Bob", "MARSTON").await;
    let amaria = create_client(&admin, "Amaria", "Jones").await;
    let lopezz = create_client(&admin, "Zed", "Lopezz").await;
    let all = sorted(owned(&[&maria, &mario, &marston, &amaria, &lopezz]));

    assert_eq!(
        search(&admin, "MAR").await,
        sorted(owned(&[&maria, &mario, &marston]))
    );
    assert_eq!(search(&admin, "mar").await, search(&admin, "mAr").await);
    assert_eq!(search(&admin, "maria").await, vec![maria.clone()]);
    assert_eq!(
        search(&admin, "lopez").await,
        sorted(owned(&[&maria, &lopezz]))
    );
    assert_eq!(search(&admin, "Lopezz").await, vec![lopezz.clone()]);
    assert_eq!(search(&admin, "a").await, vec![amaria.clone()]);
    // Infixes and suffixes do not match.
    assert!(search(&admin, "aria").await.is_empty());
    assert!(search(&admin, "ston").await.is_empty());
    assert!(search(&admin, "opez").await.is_empty());
    // A prefix longer than the name does not match.
    assert!(search(&admin, "Marias").await.is_empty());
    // No search (or an empty one) lists everyone.
    assert_eq!(search(&admin, "").await, all);
    let data = admin
        .ok("{ clients(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(total(&data["clients"]), 5);
}

#[tokio::test]
async fn search_treats_percent_and_underscore_literally() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let percent = create_client(&admin, "50%off", "Deal").await;
    let fifty = create_client(&admin, "50x", "Plain").await;
    let underscore = create_client(&admin, "Jo_n", "Under").await;
    let john = create_client(&admin, "John", "Doe").await;
    let backslash = create_client(&admin, "Back\\slash", "Esc").await;

    assert_eq!(search(&admin, "50%").await, vec![percent.clone()]);
    assert_eq!(
        search(&admin, "50").await,
        sorted(owned(&[&percent, &fifty]))
    );
    assert!(
        search(&admin, "%").await.is_empty(),
        "% must not match everything"
    );
    assert!(
        search(&admin, "%off").await.is_empty(),
        "% must not be a wildcard"
    );
    assert_eq!(search(&admin, "jo_").await, vec![underscore.clone()]);
    assert_eq!(
        search(&admin, "jo").await,
        sorted(owned(&[&underscore, &john]))
    );
    assert!(
        search(&admin, "_").await.is_empty(),
        "_ must not match any one character"
    );
    assert!(
        search(&admin, "j_hn").await.is_empty(),
        "_ must not be a wildcard"
    );
    assert_eq!(search(&admin, "back\\").await, vec![backslash.clone()]);
    assert!(search(&admin, "\\").await.is_empty());
}
