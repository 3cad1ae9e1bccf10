//! The `hearth` binary as an operator runs it: migrate, create-admin, seed-demo and serve.

mod common;

use common::TestDatabase;
use common::process::{self, run, serve};
use serde_json::{Value, json};
use std::process::Command;

fn hearth(database: &TestDatabase) -> std::process::Command {
    process::hearth(&database.url)
}

async fn post(url: &str, token: &str, query: &str) -> Value {
    reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn create_admin_prints_a_working_token_as_its_last_line() {
    let database = TestDatabase::create().await;
    let output = run(hearth(&database).args([
        "create-admin",
        "--email",
        "Root@Example.org",
        "--name",
        "Root",
    ]));
    let token = output
        .lines()
        .last()
        .expect("a last line")
        .trim()
        .to_owned();
    let server = serve(&database);
    let reply = post(
        &server.url,
        &token,
        "{ me { user { email name } role organization { name } } }",
    )
    .await;
    assert_eq!(reply["data"]["me"]["user"]["email"], "root@example.org");
    assert_eq!(reply["data"]["me"]["role"], "ADMIN");
    assert_eq!(
        reply["data"]["me"]["organization"]["name"],
        "Hearth Administration"
    );
}

#[tokio::test]
async fn migrate_prepares_an_empty_database_and_serve_is_ready() {
    let database = TestDatabase::create().await;
    run(hearth(&database).arg("migrate"));
    // A second run finds nothing to do.
    run(hearth(&database).arg("migrate"));
    let server = serve(&database);
    let ready = reqwest::get(format!("{}/readyz", server.base()))
        .await
        .expect("readyz");
    assert_eq!(ready.status().as_u16(), 200);
}

#[tokio::test]
async fn seed_demo_prints_a_token_per_demo_user_that_sees_its_scope() {
    let database = TestDatabase::create().await;
    let output = run(hearth(&database).arg("seed-demo"));
    let tokens: Vec<(String, String)> = output
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let token = fields.last()?;
            token
                .starts_with("hth_")
                .then(|| (fields[0].to_owned(), (*token).to_owned()))
        })
        .collect();
    let roles: Vec<&str> = tokens.iter().map(|(role, _)| role.as_str()).collect();
    assert_eq!(
        roles,
        [
            "ADMIN",
            "PRIORITY_LIST_MANAGER",
            "HOUSING_STAFF",
            "HOUSING_STAFF"
        ]
    );

    let server = serve(&database);
    let count = "{ referrals { totalCount } clients { totalCount } }";
    let plm = post(&server.url, &tokens[1].1, count).await;
    let staff = post(&server.url, &tokens[2].1, count).await;
    let all_referrals = plm["data"]["referrals"]["totalCount"]
        .as_i64()
        .expect("count");
    let own_referrals = staff["data"]["referrals"]["totalCount"]
        .as_i64()
        .expect("count");
    assert!(all_referrals >= 24, "{plm}");
    assert!(
        own_referrals > 0 && own_referrals < all_referrals,
        "{staff}"
    );
    // 36 single clients and two families (four and two people).
    assert_eq!(plm["data"]["clients"]["totalCount"], 42);

    // Seeding again loads nothing new and prints fresh working tokens.
    let again = run(hearth(&database).arg("seed-demo"));
    assert!(again.contains("already loaded"), "{again}");
    let plm_again = post(&server.url, &tokens[1].1, count).await;
    assert_eq!(plm_again["data"]["clients"]["totalCount"], 42);
}

#[test]
fn print_schema_writes_the_sdl() {
    let output = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("print-schema")
        .output()
        .expect("run hearth");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        hearth::graphql::sdl()
    );
}
