//! The `hearth` binary as an operator runs it: migrate, create-admin, seed-demo and serve.

mod common;

use common::TestDatabase;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn hearth(database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth"));
    command
        .env("DATABASE_URL", &database.url)
        .env("HEARTH_TODAY", common::TODAY)
        .env_remove("HEARTH_BIND");
    command
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("run hearth");
    assert!(
        output.status.success(),
        "hearth failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// A `hearth serve` process on a random port, killed when dropped.
struct Served {
    child: Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(database: &TestDatabase) -> Served {
    let mut child = hearth(database)
        .arg("serve")
        .env("HEARTH_BIND", "127.0.0.1:0")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start hearth serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("hearth serve printed its address before exiting")
            .expect("read stderr");
        if let Some(at) = line.find("http://").filter(|_| line.contains("listening")) {
            break line[at..].trim().to_owned();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served { child, url }
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
    let base = server.url.trim_end_matches("/graphql");
    let ready = reqwest::get(format!("{base}/readyz"))
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
    assert_eq!(plm["data"]["clients"]["totalCount"], 36);

    // Seeding again loads nothing new and prints fresh working tokens.
    let again = run(hearth(&database).arg("seed-demo"));
    assert!(again.contains("already loaded"), "{again}");
    let plm_again = post(&server.url, &tokens[1].1, count).await;
    assert_eq!(plm_again["data"]["clients"]["totalCount"], 36);
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
