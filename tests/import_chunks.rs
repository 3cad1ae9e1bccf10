//! `hearth import` of files longer than one chunk (the importer streams each file in chunks of 2,000
//! rows): what links rows of different chunks holds as it does within one.

mod common;

use common::process::{self, run};
use common::*;
use sea_orm::{ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Rows added to Client.csv and Enrollment.csv: more than one chunk.
const EXTRA: usize = 2_500;

/// A file of the test's own in the temp dir, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        let dir = std::env::temp_dir().join("hearth-tests");
        std::fs::create_dir_all(&dir).expect("create the temp dir");
        TempFile(dir.join(format!("{}-{name}", uuid::Uuid::new_v4().simple())))
    }
}

impl std::ops::Deref for TempFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn export(database_url: &str) -> BTreeMap<String, String> {
    let out = TempFile::new("export.zip");
    run(process::hearth(database_url).args([
        "export",
        "--from",
        "2026-01-01",
        "--to",
        TODAY,
        "--out",
        out.to_str().expect("utf-8 path"),
    ]));
    let bytes = std::fs::read(&*out).expect("read the zip");
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

fn import(database_url: &str, files: &BTreeMap<String, String>) -> Output {
    let path = TempFile::new("import.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&*path).expect("create the zip"));
    for (name, text) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start a file");
        zip.write_all(text.as_bytes()).expect("write a file");
    }
    zip.finish().expect("finish the zip");
    process::hearth(database_url)
        .arg("import")
        .arg(&*path)
        .output()
        .expect("run hearth import")
}

/// A file's header and data rows, split into cells (Hearth's exports quote nothing here).
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn of(text: &str) -> Csv {
        let mut lines = text
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
        let header = lines.next().expect("a header");
        Csv {
            header,
            rows: lines.collect(),
        }
    }

    fn at(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h.trim_matches('"') == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn text(&self) -> String {
        let mut lines = vec![self.header.join(",")];
        lines.extend(self.rows.iter().map(|r| r.join(",")));
        lines.join("\r\n") + "\r\n"
    }
}

/// An export of a small community, and `EXTRA` more clients, each with one CE enrollment copied from
/// the first one's, after its rows: the file set spans several chunks.
async fn long_file_set() -> (Community, BTreeMap<String, String>, Csv, Csv) {
    let c = Community::new().await;
    let client = create_client(&c.plm, "Ada", "First").await;
    create_enrollment(&c.plm, &client, &c.ce_project, "2026-02-01").await;
    let files = export(&c.server.database.url);
    let mut clients = Csv::of(&files["Client.csv"]);
    let mut enrollments = Csv::of(&files["Enrollment.csv"]);
    let (personal, enrollment_id, household) = (
        enrollments.at("PersonalID"),
        enrollments.at("EnrollmentID"),
        enrollments.at("HouseholdID"),
    );
    let client_template = clients.rows[0].clone();
    let enrollment_template = enrollments.rows[0].clone();
    for _ in 0..EXTRA {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let mut client_row = client_template.clone();
        client_row[0] = id.clone();
        clients.rows.push(client_row);
        let mut enrollment_row = enrollment_template.clone();
        let enrollment = uuid::Uuid::now_v7().simple().to_string();
        enrollment_row[personal] = id;
        enrollment_row[enrollment_id] = enrollment.clone();
        enrollment_row[household] = enrollment;
        enrollments.rows.push(enrollment_row);
    }
    (c, files, clients, enrollments)
}

#[tokio::test]
async fn a_household_whose_members_are_chunks_apart_is_one_household() {
    let (_c, mut files, clients, mut enrollments) = long_file_set().await;
    // The last client joins the first client's household, 2,500 rows later, as its child.
    let (household, relationship) = (
        enrollments.at("HouseholdID"),
        enrollments.at("RelationshipToHoH"),
    );
    let head_household = enrollments.rows[0][household].clone();
    let last = enrollments.rows.len() - 1;
    enrollments.rows[last][household] = head_household.clone();
    enrollments.rows[last][relationship] = "2".to_owned();
    files.insert("Client.csv".into(), clients.text());
    files.insert("Enrollment.csv".into(), enrollments.text());
    let target = TestDatabase::create().await;
    let output = import(&target.url, &files);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");

    let db = Database::connect(&target.url).await.expect("connect");
    let members = entity::enrollment::Entity::find()
        .filter(
            entity::enrollment::Column::HouseholdId
                .eq(uuid::Uuid::parse_str(&head_household).expect("a uuid")),
        )
        .count(&db)
        .await
        .expect("count members");
    assert_eq!(members, 2, "{report}");
    let households = entity::household::Entity::find()
        .count(&db)
        .await
        .expect("count households");
    assert_eq!(households as usize, enrollments.rows.len() - 1);
    db.close().await.ok();
}

#[tokio::test]
async fn an_overlap_with_a_row_chunks_earlier_is_reported_with_its_line() {
    let (_c, mut files, clients, mut enrollments) = long_file_set().await;
    // The first client enters the same project again at the end of the file, without exiting.
    let (personal, enrollment_id, household) = (
        enrollments.at("PersonalID"),
        enrollments.at("EnrollmentID"),
        enrollments.at("HouseholdID"),
    );
    let first = enrollments.rows[0].clone();
    let mut again = first.clone();
    let again_id = uuid::Uuid::now_v7().simple().to_string();
    again[enrollment_id] = again_id.clone();
    again[household] = again_id;
    again[personal] = first[personal].clone();
    enrollments.rows.push(again);
    let line = enrollments.rows.len() + 1;
    files.insert("Client.csv".into(), clients.text());
    files.insert("Enrollment.csv".into(), enrollments.text());
    let target = TestDatabase::create().await;
    let output = import(&target.url, &files);
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{report}");
    let expected = format!(
        "Enrollment.csv line {line}: overlaps enrollment \"{}\" (line 2) of the same client in the \
         same project",
        first[enrollment_id]
    );
    assert!(report.contains(&expected), "{expected}\nnot in:\n{report}");
    let db = Database::connect(&target.url).await.expect("connect");
    let loaded = entity::client::Entity::find()
        .count(&db)
        .await
        .expect("count clients");
    assert_eq!(loaded, 0, "nothing is loaded");
    db.close().await.ok();
}
