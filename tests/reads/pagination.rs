//! Keyset pagination of clients and referrals: every record once, in order, stable while records
//! are added; `first` bounds and tampered cursors.

use super::*;

const CLIENT_PAGE: &str = "query($first: Int, $after: String) {
  clients(first: $first, after: $after) {
    totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

const REFERRAL_PAGE: &str = "query($first: Int, $after: String, $status: ReferralStatus) {
  referrals(first: $first, after: $after, status: $status) {
    totalCount
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

/// Checks one page's inner consistency (edges and nodes agree, pageInfo's cursors are its edges')
/// and returns its ids.
fn check_page(connection: &Value, after: Option<&str>) -> Vec<String> {
    let edges = connection["edges"].as_array().expect("edges");
    let node_ids = ids(&connection["nodes"]);
    let edge_ids: Vec<String> = edges
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("edge node id").to_owned())
        .collect();
    assert_eq!(edge_ids, node_ids, "edges and nodes disagree: {connection}");
    let cursors: Vec<&str> = edges
        .iter()
        .map(|e| e["cursor"].as_str().expect("edge cursor"))
        .collect();
    let mut unique = cursors.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), cursors.len(), "cursors repeat: {connection}");
    let info = &connection["pageInfo"];
    assert_eq!(
        info["startCursor"].as_str(),
        cursors.first().copied(),
        "startCursor: {connection}"
    );
    assert_eq!(
        info["endCursor"].as_str(),
        cursors.last().copied(),
        "endCursor: {connection}"
    );
    assert_eq!(
        info["hasPreviousPage"],
        after.is_some(),
        "hasPreviousPage: {connection}"
    );
    node_ids
}

/// Pages through `field` (`clients` or `referrals`) with `first`, calling `between` before every
/// page after the first; returns the ids in order and each page's size.
async fn page_through<F, Fut>(
    who: &Gql,
    query: &str,
    field: &str,
    first: i64,
    extra: Value,
    mut between: F,
) -> (Vec<String>, Vec<usize>)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        if !sizes.is_empty() {
            between(sizes.len()).await;
        }
        let mut variables = json!({ "first": first, "after": after });
        if let (Some(vars), Some(more)) = (variables.as_object_mut(), extra.as_object()) {
            vars.extend(more.clone());
        }
        let data = who.ok(query, variables).await;
        let connection = &data[field];
        let page = check_page(connection, after.as_deref());
        assert!(
            page.len() as i64 <= first,
            "page larger than first: {connection}"
        );
        sizes.push(page.len());
        seen.extend(page);
        let info = &connection["pageInfo"];
        if info["hasNextPage"] == true {
            assert_eq!(
                sizes.last(),
                Some(&(first as usize)),
                "short page before the end"
            );
            after = Some(info["endCursor"].as_str().expect("endCursor").to_owned());
        } else {
            break;
        }
        assert!(sizes.len() < 50, "paging does not end");
    }
    (seen, sizes)
}

async fn no_pause(_: usize) {}

async fn make_clients(who: &Gql, count: usize, last: &str) -> Vec<String> {
    let mut made = Vec::with_capacity(count);
    for i in 0..count {
        made.push(create_client(who, &format!("Client{i:02}"), last).await);
    }
    made
}

#[tokio::test]
async fn clients_pages_visit_every_client_once_in_order() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let made = make_clients(&admin, 25, "Paged").await;
    let (seen, sizes) = page_through(&admin, CLIENT_PAGE, "clients", 10, json!({}), no_pause).await;
    assert_eq!(sizes, vec![10, 10, 5]);
    assert_eq!(
        seen, made,
        "pages must hold every client once, oldest first"
    );
    // totalCount is the whole list on every page.
    let data = admin.ok(CLIENT_PAGE, json!({ "first": 10 })).await;
    assert_eq!(total(&data["clients"]), 25);
    assert_eq!(data["clients"]["pageInfo"]["hasNextPage"], true);
    // Any edge's cursor continues right after that edge.
    let fourth = data["clients"]["edges"][3]["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let data = admin
        .ok(CLIENT_PAGE, json!({ "first": 5, "after": fourth }))
        .await;
    assert_eq!(ids(&data["clients"]["nodes"]), made[4..9].to_vec());
    assert_eq!(total(&data["clients"]), 25);
    // From that page's end to the end of the list: nothing follows.
    let end = data["clients"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("endCursor")
        .to_owned();
    let last = admin
        .ok(CLIENT_PAGE, json!({ "first": 100, "after": end }))
        .await;
    assert_eq!(ids(&last["clients"]["nodes"]), made[9..].to_vec());
    assert_eq!(last["clients"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(last["clients"]["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn client_pages_are_stable_while_clients_are_added() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let made = make_clients(&admin, 25, "Original").await;
    let added = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let (seen, _) = page_through(&admin, CLIENT_PAGE, "clients", 10, json!({}), |page| {
        let admin = admin.clone();
        let added = added.clone();
        async move {
            // New clients arrive between page fetches (named to sort before every original, so
            // that a list ordered by name would shift under the cursor).
            for i in 0..3 {
                let id = create_client(&admin, &format!("Aaa{page}{i}"), "Aaa").await;
                added.lock().await.push(id);
            }
        }
    })
    .await;
    let added = added.lock().await.clone();
    assert!(!added.is_empty());
    // The originals come first, each once, in order; only newly added rows may follow them.
    assert_eq!(seen[..25].to_vec(), made, "originals skipped or repeated");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "a row appeared twice: {seen:?}");
    for extra in &seen[25..] {
        assert!(added.contains(extra), "{extra} is neither original nor new");
    }
}

#[tokio::test]
async fn first_defaults_to_twenty() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let made = make_clients(&admin, 25, "Default").await;
    let data = admin
        .ok(
            "{ clients { totalCount nodes { id } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(ids(&data["clients"]["nodes"]), made[..20].to_vec());
    assert_eq!(data["clients"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(total(&data["clients"]), 25);
}

#[tokio::test]
async fn first_above_one_hundred_or_negative_is_bad_user_input() {
    let community = Community::new().await;
    make_clients(&community.plm, 2, "Sized").await;
    let plm = &community.plm;
    for first in [101, 1000, -1] {
        for (query, field) in [(CLIENT_PAGE, "clients"), (REFERRAL_PAGE, "referrals")] {
            let reply = plm.run(query, json!({ "first": first })).await;
            reply.expect_error("BAD_USER_INPUT");
            assert!(
                reply.body["data"].is_null() || reply.body["data"][field].is_null(),
                "{field} first={first}: {}",
                reply.body
            );
        }
    }
    // The largest page is allowed.
    let data = plm.ok(CLIENT_PAGE, json!({ "first": 100 })).await;
    assert_eq!(ids(&data["clients"]["nodes"]).len(), 2);
    plm.ok(REFERRAL_PAGE, json!({ "first": 100 })).await;
}

#[tokio::test]
async fn tampered_cursors_are_bad_user_input() {
    let community = Community::new().await;
    let plm = &community.plm;
    make_clients(plm, 3, "Cursor").await;
    let real = plm.ok(CLIENT_PAGE, json!({ "first": 1 })).await["clients"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("endCursor")
        .to_owned();
    let forged = [
        "garbage!!".to_owned(),
        "not a cursor".to_owned(),
        URL_SAFE_NO_PAD.encode("hello world"),
        URL_SAFE_NO_PAD.encode("hearth:v1:not-a-uuid"),
        URL_SAFE_NO_PAD.encode(unknown_id()),
        format!("{real}x"),
        real[..real.len() - 2].to_owned(),
        String::new(),
    ];
    for cursor in &forged {
        for (query, field) in [(CLIENT_PAGE, "clients"), (REFERRAL_PAGE, "referrals")] {
            let reply = plm.run(query, json!({ "first": 5, "after": cursor })).await;
            assert_eq!(
                reply.error_code(),
                "BAD_USER_INPUT",
                "{field} after={cursor:?}: {}",
                reply.body
            );
        }
    }
    // The real one still works.
    let data = plm
        .ok(CLIENT_PAGE, json!({ "first": 5, "after": real }))
        .await;
    assert_eq!(ids(&data["clients"]["nodes"]).len(), 2);
}

#[tokio::test]
async fn referral_pages_visit_every_referral_once_in_order() {
    let community = Community::new().await;
    let (plm, staff_a) = (&community.plm, &community.staff_a);
    let (_, ce_enrollment) = community
        .client_in_ce("Page", "Referrals", "2026-01-05")
        .await;
    let mut made = Vec::new();
    for day in 1..=12 {
        let date = format!("2026-02-{day:02}");
        made.push(
            create_ce_event(
                plm,
                &ce_enrollment,
                &date,
                "REFERRAL_TO_PSH",
                Some(&community.psh_a),
            )
            .await,
        );
    }
    // A non-referral event is not in the list.
    create_ce_event(
        plm,
        &ce_enrollment,
        "2026-02-20",
        "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
        None,
    )
    .await;
    // Reject every third, so a status filter pages over a subset.
    for event in made.iter().step_by(3) {
        staff_a
            .ok(
                RESOLVE_REFERRAL,
                json!({ "input": {
                    "ceEventId": event, "referralResult": "UNSUCCESSFUL_CLIENT_REJECTED",
                    "resultDate": "2026-03-01"
                }}),
            )
            .await;
    }
    for who in [plm, staff_a] {
        let (seen, sizes) =
            page_through(who, REFERRAL_PAGE, "referrals", 5, json!({}), no_pause).await;
        assert_eq!(sizes, vec![5, 5, 2]);
        assert_eq!(seen, made);
    }
    let pending: Vec<String> = made
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, id)| id.clone())
        .collect();
    let (seen, sizes) = page_through(
        plm,
        REFERRAL_PAGE,
        "referrals",
        3,
        json!({ "status": "PENDING" }),
        no_pause,
    )
    .await;
    assert_eq!(sizes, vec![3, 3, 2]);
    assert_eq!(seen, pending);
    let data = plm
        .ok(REFERRAL_PAGE, json!({ "first": 3, "status": "PENDING" }))
        .await;
    assert_eq!(total(&data["referrals"]), 8);
    // B sees none of them.
    let data = community
        .staff_b
        .ok(REFERRAL_PAGE, json!({ "first": 5 }))
        .await;
    assert_eq!(total(&data["referrals"]), 0);
    assert_eq!(data["referrals"]["pageInfo"]["hasNextPage"], false);
    assert!(data["referrals"]["pageInfo"]["endCursor"].is_null());
}
