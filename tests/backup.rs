//! `hearth backup`: a copy of a live SQLite database taken under a write load holds every write
//! acknowledged before it began, and a server started on the copy serves them. PostgreSQL is
//! pointed to pg_dump. (SQLite whatever TEST_DATABASE_URL says: the command is SQLite's.)

mod common;

use common::process::{self, hearth, serve_url};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("hearth-tests")
        .join(format!("backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

fn url(file: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", file.display())
}

async fn graphql(
    http: &reqwest::Client,
    endpoint: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    http.post(endpoint)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON")
}

const CREATE_CLIENT: &str =
    "mutation($input: CreateClientInput!) { createClient(input: $input) { id } }";

/// Every client id the server at `endpoint` holds, page by page.
async fn client_ids(http: &reqwest::Client, endpoint: &str, token: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let page = graphql(
            http,
            endpoint,
            token,
            "query($after: String) { clients(first: 100, after: $after) {
               nodes { id } pageInfo { hasNextPage endCursor } } }",
            json!({ "after": after }),
        )
        .await;
        let clients = &page["data"]["clients"];
        let nodes = clients["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"));
        ids.extend(
            nodes
                .iter()
                .map(|n| n["id"].as_str().expect("id").to_owned()),
        );
        if clients["pageInfo"]["hasNextPage"] != json!(true) {
            return ids;
        }
        after = clients["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_backup_under_write_load_holds_every_acknowledged_write() {
    let live = scratch("live.db");
    let token =
        process::run(hearth(&url(&live)).args(["create-admin", "--email", "ops@example.org"]))
            .trim()
            .lines()
            .last()
            .expect("token")
            .trim()
            .to_owned();
    let server = serve_url(&url(&live));
    let http = reqwest::Client::new();

    // Four writers creating clients until told to stop; each acknowledged id is kept.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (http, endpoint, token) = (http.clone(), server.url.clone(), token.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            // Bounded: the load stops by itself even if the test never says so.
            while !stop.load(Ordering::Relaxed) && n < 2_000 {
                let input =
                    json!({ "firstName": format!("W{writer}"), "lastName": format!("N{n}") });
                let reply = graphql(
                    &http,
                    &endpoint,
                    &token,
                    CREATE_CLIENT,
                    json!({ "input": input }),
                )
                .await;
                let id = reply["data"]["createClient"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("a write failed: {reply}"))
                    .to_owned();
                acknowledged.lock().await.push(id);
                n += 1;
            }
        }));
    }
    while acknowledged.lock().await.len() < 50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Everything acknowledged before the backup starts must be in it.
    let before: Vec<String> = acknowledged.lock().await.clone();
    let copy = live.with_file_name("copy.db");
    let backup_url = url(&live);
    let copy_arg = copy.clone();
    let printed = tokio::task::spawn_blocking(move || {
        process::run(hearth(&backup_url).args(["backup", "--out"]).arg(&copy_arg))
    })
    .await
    .expect("the backup ran");
    assert!(printed.contains("Backed up"), "{printed}");
    let during = acknowledged.lock().await.len();
    // The load went on while the copy was made, and after.
    while acknowledged.lock().await.len() < during + 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.expect("a writer");
    }
    let all: BTreeSet<String> = acknowledged.lock().await.iter().cloned().collect();
    assert!(!copy.with_file_name("copy.db.partial").exists());

    // Restore: a server on the copy serves every write acknowledged before the backup, and
    // nothing that was never written.
    let restored = serve_url(&url(&copy));
    let held = client_ids(&http, &restored.url, &token).await;
    let missing: Vec<&String> = before.iter().filter(|id| !held.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "the copy lost acknowledged writes: {missing:?}"
    );
    assert!(
        held.is_subset(&all),
        "the copy holds clients never acknowledged"
    );
    assert!(
        held.len() < all.len(),
        "writes after the backup are not in it"
    );
    // The live server has every write.
    let live_ids = client_ids(&http, &server.url, &token).await;
    assert!(all.is_subset(&live_ids));
}

#[tokio::test]
async fn a_backup_never_overwrites_and_postgresql_is_pointed_to_pg_dump() {
    let live = scratch("live.db");
    process::run(hearth(&url(&live)).arg("migrate"));
    let taken = live.with_file_name("taken.db");
    std::fs::write(&taken, b"keep me").expect("write");
    let refused = hearth(&url(&live))
        .args(["backup", "--out"])
        .arg(&taken)
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("exists already"));
    assert_eq!(std::fs::read(&taken).expect("read"), b"keep me");

    let missing = hearth(&url(&live.with_file_name("nothing.db")))
        .args(["backup", "--out"])
        .arg(live.with_file_name("x.db"))
        .output()
        .expect("run");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
    assert!(
        !live.with_file_name("nothing.db").exists(),
        "a backup makes no database"
    );

    // No PostgreSQL server is needed to be told: nothing connects.
    let postgres = hearth("postgres://hearth@127.0.0.1:1/hearth")
        .args(["backup", "--out"])
        .arg(live.with_file_name("pg.db"))
        .output()
        .expect("run");
    assert!(!postgres.status.success());
    let said = String::from_utf8_lossy(&postgres.stderr);
    assert!(
        said.contains("pg_dump") && said.contains("pg_restore"),
        "{said}"
    );
}
