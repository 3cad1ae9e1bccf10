//! HEARTH_READ_REPLICA_URL: the dashboards' heavy reads (`referralReport`, `ceApr`, the HMIS CSV
//! export) run on a PostgreSQL streaming replica; the workflow stays on the primary.
//!
//! The replica test needs a primary and a hot standby of its own, which `scripts/replica-test.sh`
//! makes and passes in as HEARTH_TEST_PRIMARY_URL and HEARTH_TEST_REPLICA_URL (a database of the
//! primary and the same database on the standby). It pauses the standby's replay to hold the
//! replica visibly behind, so that each read shows which database answered it.

mod common;

use common::process::{Served, hearth, run, serve_command};
use common::*;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::{Value, json};
use std::io::Read;
use std::time::{Duration, Instant};

/// How long the standby may take to replay what the primary has written.
const CATCH_UP: Duration = Duration::from_secs(30);
const FROM: &str = "2026-01-01";
const TO: &str = "2026-06-15";

const REFERRALS: &str = "{ referrals { totalCount nodes { id } } }";
const REPORT: &str = "query($from: Date!, $to: Date!) {
  referralReport(from: $from, to: $to) { totals { total } }
}";
const CE_APR: &str = "query($from: Date!, $to: Date!) {
  ceApr(from: $from, to: $to) { tables { question rows { label values } } }
}";
const AUDIT: &str = "{ auditEvents(first: 100) { nodes { operation } } }";
const PSH_REFERRALS: &str = "Referral to PSH project resource opening";

/// The primary's and the standby's URLs, when the script gave them.
fn replica_urls() -> Option<(String, String)> {
    let primary = std::env::var("HEARTH_TEST_PRIMARY_URL").ok()?;
    let replica = std::env::var("HEARTH_TEST_REPLICA_URL").ok()?;
    Some((primary, replica))
}

fn client_for(url: &str, token: &str) -> Gql {
    Gql {
        http: reqwest::Client::new(),
        url: url.to_owned(),
        token: Some(token.to_owned()),
        organization: None,
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> sea_orm::QueryResult {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .unwrap_or_else(|| panic!("{sql}: no row"))
}

/// Waits until the standby has replayed everything the primary had written when called.
async fn wait_for_replay(primary: &DatabaseConnection, standby: &DatabaseConnection) {
    let lsn: String = scalar(primary, "SELECT pg_current_wal_lsn()::text")
        .await
        .try_get_by_index(0)
        .expect("an LSN");
    let deadline = Instant::now() + CATCH_UP;
    loop {
        let replayed: bool = scalar(
            standby,
            &format!("SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"),
        )
        .await
        .try_get_by_index(0)
        .expect("a bool");
        if replayed {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the standby did not replay up to {lsn} within {CATCH_UP:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Pauses the standby's replay and waits until it has stopped (a pause is only requested at first).
async fn pause_replay(standby: &DatabaseConnection) {
    scalar(standby, "SELECT pg_wal_replay_pause()::text").await;
    let deadline = Instant::now() + CATCH_UP;
    loop {
        let state: String = scalar(standby, "SELECT pg_get_wal_replay_pause_state()")
            .await
            .try_get_by_index(0)
            .expect("a state");
        if state == "paused" {
            return;
        }
        assert!(Instant::now() < deadline, "replay did not pause: {state}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What each kind of read counts right now.
#[derive(Debug, PartialEq)]
struct Counts {
    /// `referrals` (the inbox): the primary.
    referrals: i64,
    /// `referralReport`'s total: the replica.
    report: i64,
    /// `ceApr` Q10's PSH referrals: the replica.
    ce_apr: i64,
    /// Event.csv rows of the `GET /export/hmis-csv` download: the replica.
    exported: usize,
}

async fn counts(server: &Served, plm: &Gql) -> Counts {
    let range = json!({ "from": FROM, "to": TO });
    let referrals = plm.ok(REFERRALS, json!({})).await["referrals"]["totalCount"]
        .as_i64()
        .expect("totalCount");
    let report = plm.ok(REPORT, range.clone()).await["referralReport"]["totals"]["total"]
        .as_i64()
        .expect("total");
    let apr = plm.ok(CE_APR, range).await;
    Counts {
        referrals,
        report,
        ce_apr: q10_row(&apr["ceApr"], PSH_REFERRALS),
        exported: events_exported(&download(server, plm).await),
    }
}

fn q10_row(report: &Value, label: &str) -> i64 {
    report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["question"] == "Q10")
        .and_then(|t| t["rows"].as_array())
        .and_then(|rows| rows.iter().find(|r| r["label"] == label))
        .and_then(|r| r["values"][0].as_i64())
        .unwrap_or_else(|| panic!("no Q10 row {label} in {report}"))
}

async fn download(server: &Served, who: &Gql) -> Vec<u8> {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/export/hmis-csv?from={FROM}&to={TO}",
            server.base()
        ))
        .bearer_auth(who.token.as_deref().expect("a token"))
        .send()
        .await
        .expect("download");
    assert_eq!(response.status().as_u16(), 200);
    response.bytes().await.expect("the zip").to_vec()
}

/// The data rows of the zip's Event.csv (its lines less the header).
fn events_exported(zip: &[u8]) -> usize {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut text = String::new();
    archive
        .by_name("Event.csv")
        .expect("Event.csv")
        .read_to_string(&mut text)
        .expect("utf-8");
    text.lines().count() - 1
}

/// How often `operation` is in the audit trail (read on the primary).
async fn audited(admin: &Gql, operation: &str) -> usize {
    let data = admin.ok(AUDIT, json!({})).await;
    data["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["operation"] == operation)
        .count()
}

#[tokio::test]
#[ignore = "needs a primary and a hot standby: bash scripts/replica-test.sh"]
async fn dashboards_read_the_replica_and_the_workflow_the_primary() {
    let Some((primary_url, replica_url)) = replica_urls() else {
        // `cargo test -- --include-ignored` on the machine's PostgreSQL has no standby to use.
        eprintln!("skipped: scripts/replica-test.sh runs this with a standby of its own");
        return;
    };
    let primary = Database::connect(&primary_url).await.expect("the primary");
    let standby = Database::connect(&replica_url).await.expect("the standby");
    let in_recovery: bool = scalar(&standby, "SELECT pg_is_in_recovery()")
        .await
        .try_get_by_index(0)
        .expect("a bool");
    assert!(in_recovery, "HEARTH_TEST_REPLICA_URL is not a standby");

    let server = serve_command({
        let mut command = hearth(&primary_url);
        command.env("HEARTH_READ_REPLICA_URL", &replica_url);
        command
    });
    let output = run(hearth(&primary_url).args(["create-admin", "--email", "ops@hearth.test"]));
    let admin = client_for(&server.url, output.lines().last().expect("a token line"));
    let ce_org = create_organization(&admin, "CE Agency").await;
    let ce_project = create_project(&admin, &ce_org, "CE", "COORDINATED_ENTRY").await;
    let housing = create_organization(&admin, "Housing").await;
    let psh = create_project(&admin, &housing, "PSH", "PH_PERMANENT_SUPPORTIVE_HOUSING").await;
    let plm_token = create_member(&admin, "plm@ce.test", &ce_org, "PRIORITY_LIST_MANAGER").await;
    let plm = client_for(&server.url, &plm_token);
    let client = create_client(&plm, "Pat", "Placed").await;
    let ce_enrollment = create_enrollment(&plm, &client, &ce_project, "2026-01-10").await;
    create_ce_event(
        &plm,
        &ce_enrollment,
        "2026-02-01",
        "REFERRAL_TO_PSH",
        Some(&psh),
    )
    .await;

    wait_for_replay(&primary, &standby).await;
    let caught_up = Counts {
        referrals: 1,
        report: 1,
        ce_apr: 1,
        exported: 1,
    };
    assert_eq!(counts(&server, &plm).await, caught_up);
    assert_eq!(audited(&admin, "exportHmisCsv").await, 1);

    // Held behind: a referral made now is in the workflow's inbox at once, and in no dashboard.
    pause_replay(&standby).await;
    let second = create_ce_event(
        &plm,
        &ce_enrollment,
        "2026-04-01",
        "REFERRAL_TO_PSH",
        Some(&psh),
    )
    .await;
    let inbox = plm.ok(REFERRALS, json!({})).await;
    let ids: Vec<&str> = inbox["referrals"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert!(ids.contains(&second.as_str()), "{inbox}");
    let behind = Counts {
        referrals: 2,
        report: 1,
        ce_apr: 1,
        exported: 1,
    };
    assert_eq!(counts(&server, &plm).await, behind);
    // The download's audit row was written while the standby could not have taken it: the primary.
    assert_eq!(audited(&admin, "exportHmisCsv").await, 2);
    // `hearth export` with the same settings reads the replica too.
    let out = std::env::temp_dir().join(format!("hearth-replica-{}.zip", std::process::id()));
    run(hearth(&primary_url)
        .env("HEARTH_READ_REPLICA_URL", &replica_url)
        .args(["export", "--from", FROM, "--to", TO, "--out"])
        .arg(&out));
    let exported = std::fs::read(&out).expect("the exported zip");
    let _ = std::fs::remove_file(&out);
    assert_eq!(events_exported(&exported), 1);

    // Resumed and caught up, the dashboards count it.
    scalar(&standby, "SELECT pg_wal_replay_resume()::text").await;
    wait_for_replay(&primary, &standby).await;
    let resumed = Counts {
        referrals: 2,
        report: 2,
        ce_apr: 2,
        exported: 2,
    };
    assert_eq!(counts(&server, &plm).await, resumed);
}

/// A replica is refused, before anything connects, where it cannot be one.
#[test]
fn a_read_replica_that_cannot_be_one_stops_the_command_at_start() {
    let cases = [
        (
            "sqlite://never-created.db?mode=rwc",
            "postgres://hearth@standby.invalid/hearth",
            "DATABASE_URL is not PostgreSQL",
        ),
        (
            "postgres://hearth@primary.invalid/hearth",
            "sqlite://replica.db",
            "HEARTH_READ_REPLICA_URL must be a PostgreSQL URL",
        ),
    ];
    for (database_url, replica_url, expected) in cases {
        for command in ["serve", "migrate"] {
            let output = hearth(database_url)
                .env("HEARTH_READ_REPLICA_URL", replica_url)
                .arg(command)
                .output()
                .expect("run hearth");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{command} started: {stderr}");
            assert!(stderr.contains(expected), "{command}: {stderr}");
        }
    }
    assert!(!std::path::Path::new("never-created.db").exists());
}
