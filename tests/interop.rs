//! The HUD HMIS CSV export and import, as operators and partner systems use them: `hearth export`,
//! `hearth import` and the `GET /export/hmis-csv` download, against a real database.

mod common;

#[path = "interop/audit_trail.rs"]
mod audit_trail;
#[path = "interop/ce_participation.rs"]
mod ce_participation;
#[path = "interop/download.rs"]
mod download;
#[path = "interop/formats.rs"]
mod formats;
#[path = "interop/households.rs"]
mod households;
#[path = "interop/import_limits.rs"]
mod import_limits;
#[path = "interop/import_reports.rs"]
mod import_reports;
#[path = "interop/round_trip.rs"]
mod round_trip;
#[path = "interop/workflow_rules.rs"]
mod workflow_rules;

use common::process::{self, run};
use common::*;
use sea_orm::{
    ColumnTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The files of a FY2026 export (the default), in the order written.
const FILES: [&str; 10] = [
    "Export.csv",
    "Organization.csv",
    "User.csv",
    "Project.csv",
    "CEParticipation.csv",
    "Client.csv",
    "Enrollment.csv",
    "Exit.csv",
    "Event.csv",
    "Assessment.csv",
];

/// The files of a FY2024 export (`--format fy2024`).
const FY2024_FILES: [&str; 9] = [
    "Export.csv",
    "Organization.csv",
    "User.csv",
    "Project.csv",
    "Client.csv",
    "Enrollment.csv",
    "Exit.csv",
    "Event.csv",
    "Assessment.csv",
];

const FROM: &str = "2026-01-01";
const TO: &str = TODAY;

/// A zip of the test's own in the temp dir, removed when dropped.
struct TempZip(PathBuf);

impl TempZip {
    fn new(name: &str) -> TempZip {
        let dir = std::env::temp_dir().join("hearth-tests");
        std::fs::create_dir_all(&dir).expect("create the temp dir");
        TempZip(dir.join(format!("{}-{name}", uuid::Uuid::new_v4().simple())))
    }
}

impl std::ops::Deref for TempZip {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempZip {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `hearth export` of [FROM, TO] from `database_url`, in the default format (FY2026).
fn export(database_url: &str) -> TempZip {
    export_as(database_url, &[])
}

/// `hearth export` of [FROM, TO] from `database_url` with `options` (e.g. `--format fy2024`).
fn export_as(database_url: &str, options: &[&str]) -> TempZip {
    let out = TempZip::new("export.zip");
    run(process::hearth(database_url)
        .args([
            "export",
            "--from",
            FROM,
            "--to",
            TO,
            "--out",
            out.to_str().expect("utf-8 path"),
        ])
        .args(options));
    out
}

/// `hearth import` of `zip` into `database_url`, whatever its outcome.
fn import(database_url: &str, zip: &Path) -> Output {
    process::hearth(database_url)
        .arg("import")
        .arg(zip)
        .output()
        .expect("run hearth import")
}

fn import_ok(database_url: &str, zip: &Path) -> String {
    let output = import(database_url, zip);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "import failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Every file of a zip, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("an entry");
        let name = entry.name().expect("a name").to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("utf-8 csv");
        files.insert(name, text);
    }
    files
}

fn unzip_file(path: &Path) -> BTreeMap<String, String> {
    unzip(&std::fs::read(path).expect("read the zip"))
}

/// A zip of `files` (name, text).
fn zip_of(files: &BTreeMap<String, String>) -> TempZip {
    let path = TempZip::new("import.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&*path).expect("create the zip"));
    for (name, text) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start a file");
        zip.write_all(text.as_bytes()).expect("write a file");
    }
    zip.finish().expect("finish the zip");
    path
}

/// The export's files with every row's ExportID (the last column) blanked, Export.csv left out: what
/// two exports of the same records share.
fn comparable(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    files
        .iter()
        .filter(|(name, _)| name.as_str() != "Export.csv")
        .map(|(name, text)| {
            let lines: Vec<&str> = text
                .split("\r\n")
                .map(|line| line.rsplit_once(',').map_or(line, |(rest, _)| rest))
                .collect();
            (name.clone(), lines.join("\r\n"))
        })
        .collect()
}

/// [`comparable`], each file's lines sorted: the same records whatever their order.
fn sorted_lines(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
    comparable(files)
        .into_iter()
        .map(|(name, text)| {
            let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
            lines.sort();
            (name, lines)
        })
        .collect()
}

/// The data rows of a file (header and trailing empty line left out).
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect()
}

fn column(text: &str, name: &str) -> usize {
    let header = text.split("\r\n").next().expect("a header");
    header
        .split(',')
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// Rows in each table Hearth imports into.
async fn counts(database_url: &str) -> [u64; 6] {
    let db: DatabaseConnection = Database::connect(database_url)
        .await
        .expect("connect to the test database");
    let counts = [
        entity::organization::Entity::find().count(&db).await,
        entity::app_user::Entity::find().count(&db).await,
        entity::project::Entity::find().count(&db).await,
        entity::client::Entity::find().count(&db).await,
        entity::enrollment::Entity::find().count(&db).await,
        entity::ce_event::Entity::find().count(&db).await,
    ];
    db.close().await.ok();
    counts.map(|c| c.expect("count rows"))
}

/// A community with a little history in [FROM, TO]: a successful referral with move-in, an
/// unsuccessful one whose CE enrollment exited, a pending one, an event that is not a referral, a
/// 4.19 assessment, and a client whose only enrollment ended before the range.
async fn community_with_history() -> (Community, String) {
    let c = Community::new().await;
    let (placed, _, psh_referral) = c.referral("REFERRAL_TO_PSH", &c.psh_a, "2026-02-01").await;
    let housed = create_enrollment(&c.staff_a, &placed, &c.psh_a, "2026-02-10").await;
    resolve(
        &c.staff_a,
        &psh_referral,
        "SUCCESSFUL_CLIENT_ACCEPTED",
        None,
        Some(&housed),
    )
    .await
    .data();
    record_move_in(&c.staff_a, &housed, "2026-02-20").await;

    let (_, ce_enrollment, rrh_referral) =
        c.referral("REFERRAL_TO_RRH", &c.rrh_a, "2026-03-01").await;
    resolve(
        &c.staff_a,
        &rrh_referral,
        "UNSUCCESSFUL_CLIENT_REJECTED",
        Some("2026-03-05"),
        None,
    )
    .await
    .data();
    exit_enrollment(&c.plm, &ce_enrollment, "2026-04-01").await;

    let (_, ce_enrollment, _) = c
        .referral("REFERRAL_TO_EMERGENCY_SHELTER", &c.es_b, "2026-04-02")
        .await;
    create_ce_event(
        &c.plm,
        &ce_enrollment,
        "2026-04-03",
        "REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT",
        None,
    )
    .await;
    // HUD 4.19: the household is assessed and placed on the priority list (Assessment.csv), by an
    // assessor who changes nothing else: User.csv must still name them.
    c.member("assessor@ce.test", &c.ce_org, "PRIORITY_LIST_MANAGER")
        .await
        .ok(
            "mutation($input: RecordAssessmentInput!) { recordAssessment(input: $input) { id } }",
            serde_json::json!({ "input": {
                "enrollmentId": ce_enrollment, "assessmentDate": "2026-04-05",
                "location": "Harbor access point", "assessmentType": "PHONE",
                "assessmentLevel": "HOUSING_NEEDS_ASSESSMENT",
                "prioritizationStatus": "PLACED_ON_PRIORITIZATION_LIST"
            }}),
        )
        .await;

    let earlier = create_client(&c.plm, "Eli", "Earlier").await;
    let old = create_enrollment(&c.plm, &earlier, &c.ce_project, "2025-03-01").await;
    exit_enrollment(&c.plm, &old, "2025-06-01").await;
    (c, earlier)
}

/// HUD's header lists of `year` ("2024" or "2026"), by file.
fn spec_headers(year: &str) -> BTreeMap<String, String> {
    let path = format!(
        "{}/../shared/domain/hmis-csv-fy{year}-headers.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("HUD's header list");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once(": "))
        .map(|(file, header)| (file.to_owned(), header.trim().to_owned()))
        .collect()
}

/// One cell of an exported file, by data row (1 = the first after the header) and column.
fn cell(files: &BTreeMap<String, String>, file: &str, row: usize, name: &str) -> String {
    let at = column(&files[file], name);
    files[file]
        .split("\r\n")
        .nth(row)
        .expect("a row")
        .split(',')
        .nth(at)
        .expect("a cell")
        .to_owned()
}

fn set_cell(files: &mut BTreeMap<String, String>, file: &str, row: usize, name: &str, to: &str) {
    let at = column(&files[file], name);
    let mut lines: Vec<String> = files[file].split("\r\n").map(str::to_owned).collect();
    let mut fields: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
    fields[at] = to.to_owned();
    lines[row] = fields.join(",");
    files.insert(file.to_owned(), lines.join("\r\n"));
}

/// The first data row of `file` whose `name` column is `value`.
fn row_where(files: &BTreeMap<String, String>, file: &str, name: &str, value: &str) -> usize {
    (1..files[file].trim_end().split("\r\n").count())
        .find(|&row| cell(files, file, row, name) == value)
        .unwrap_or_else(|| panic!("no {file} row with {name} {value}"))
}
