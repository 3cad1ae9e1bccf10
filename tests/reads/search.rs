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

    let none: &[&String] = &[];
    // (search, the clients found)
    let cases: [(&str, &[&String]); 12] = [
        ("MAR", &[&maria, &mario, &marston]),
        ("mar", &[&maria, &mario, &marston]),
        ("mAr", &[&maria, &mario, &marston]),
        ("maria", &[&maria]),
        ("lopez", &[&maria, &lopezz]),
        ("Lopezz", &[&lopezz]),
        ("a", &[&amaria]),
        // Infixes and suffixes do not match.
        ("aria", none),
        ("ston", none),
        ("opez", none),
        // A prefix longer than the name does not match.
        ("Marias", none),
        // No search (or an empty one) lists everyone.
        ("", &[&maria, &mario, &marston, &amaria, &lopezz]),
    ];
    for (text, expected) in cases {
        assert_eq!(
            search(&admin, text).await,
            sorted(owned(expected)),
            "search {text:?}"
        );
    }
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

    let none: &[&String] = &[];
    // (search, the clients found)
    let cases: [(&str, &[&String]); 10] = [
        ("50%", &[&percent]),
        ("50", &[&percent, &fifty]),
        // % must not match everything, nor be a wildcard.
        ("%", none),
        ("%off", none),
        ("jo_", &[&underscore]),
        ("jo", &[&underscore, &john]),
        // _ must not match any one character, nor be a wildcard.
        ("_", none),
        ("j_hn", none),
        ("back\\", &[&backslash]),
        ("\\", none),
    ];
    for (text, expected) in cases {
        assert_eq!(
            search(&admin, text).await,
            sorted(owned(expected)),
            "search {text:?}"
        );
    }
}
