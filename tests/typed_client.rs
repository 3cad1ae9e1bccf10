//! The typed client in `examples/referral-client` (cynic, generated from `schema.graphql`) runs the
//! guide's successful referral against the built `hearth serve` on a fresh database, as a developer
//! following the README would: `hearth create-admin`, then `cargo run -p referral-client`.

mod common;

use common::process::{hearth, run, serve_url};
use common::*;
use serde_json::json;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typed_client_runs_the_guides_successful_referral() {
    let database = TestDatabase::create().await;
    let url = database.url.clone();
    let (served, token) = tokio::task::spawn_blocking(move || {
        let output = run(hearth(&url).args(["create-admin", "--email", "admin@typed.test"]));
        let token = output.lines().last().expect("a token").trim().to_owned();
        (serve_url(&url), token)
    })
    .await
    .expect("start hearth");

    // The example, built by the cargo running this test (its target directory, its profile).
    let graphql_url = served.url.clone();
    let client_token = token.clone();
    let output = tokio::task::spawn_blocking(move || {
        let mut cargo = Command::new(option_env!("CARGO").unwrap_or("cargo"));
        // What cargo sets for this test's process is not the developer's environment: build
        // scripts that watch such variables (ring's watches CARGO_MANIFEST_DIR) would otherwise be
        // rebuilt here, and again by the next plain `cargo build`.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if [
                "CARGO_MANIFEST_",
                "CARGO_PKG_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_",
            ]
            .iter()
            .any(|prefix| name.starts_with(prefix))
                || ["CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR", "OUT_DIR"].contains(&&*name)
            {
                cargo.env_remove(&*name);
            }
        }
        cargo
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["run", "--quiet", "--package", "referral-client", "--"])
            .args([
                "--url",
                &graphql_url,
                "--token",
                &client_token,
                "--today",
                TODAY,
            ])
            .output()
            .expect("run cargo")
    })
    .await
    .expect("the example ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "referral-client failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("status: SUCCESSFUL"), "{stdout}");
    assert!(
        stdout.contains("referralResult       SUCCESSFUL_CLIENT_ACCEPTED"),
        "the final CE event is printed: {stdout}"
    );

    // What it did is in the database, as the guide says it should be.
    let admin = Gql {
        http: reqwest::Client::new(),
        url: served.url.clone(),
        token: Some(token),
        organization: None,
    };
    let data = admin
        .ok(
            "{ referrals(first: 10) { totalCount nodes {
                 status eventType referralResult resultDate referredProject { projectType }
                 client { id } resultingEnrollment { entryDate client { id } project { projectType } }
               } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["referrals"]["totalCount"], 1, "{data}");
    let referral = &data["referrals"]["nodes"][0];
    assert_eq!(referral["status"], "SUCCESSFUL");
    assert_eq!(referral["eventType"], "REFERRAL_TO_PSH");
    assert_eq!(referral["referralResult"], "SUCCESSFUL_CLIENT_ACCEPTED");
    assert_eq!(
        referral["referredProject"]["projectType"],
        "PH_PERMANENT_SUPPORTIVE_HOUSING"
    );
    let resulting = &referral["resultingEnrollment"];
    assert_eq!(resulting["client"]["id"], referral["client"]["id"]);
    assert_eq!(
        resulting["project"]["projectType"],
        "PH_PERMANENT_SUPPORTIVE_HOUSING"
    );
    assert_eq!(resulting["entryDate"], referral["resultDate"]);
    assert!(
        referral["resultDate"].as_str() < Some(TODAY),
        "dates before the server's today: {referral}"
    );
}
