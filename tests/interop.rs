//! The HUD HMIS CSV export and import, as operators and partner systems use them: `hearth export`,
//! `hearth import` and the `GET /export/hmis-csv` download, against a real database.

mod common;

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
    // HUD 4.19: the household is assessed and placed on the priority list (Assessment.csv).
    c.plm
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

#[tokio::test]
async fn every_exported_file_has_hud_s_exact_header_in_both_formats() {
    let (c, _) = community_with_history().await;
    let url = &c.server.database.url;
    for (year, options, listed) in [
        ("2026", &[][..], &FILES[..]),
        ("2026", &["--format", "fy2026"][..], &FILES[..]),
        ("2024", &["--format", "fy2024"][..], &FY2024_FILES[..]),
    ] {
        let files = unzip_file(&export_as(url, options));
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        let mut expected = listed.to_vec();
        expected.sort();
        assert_eq!(names, expected, "{options:?}");
        let spec = spec_headers(year);
        for name in listed {
            let header = files[*name].split("\r\n").next().expect("a header line");
            assert_eq!(header, spec[*name], "FY{year} {name}");
        }
        let version = column(&files["Export.csv"], "CSVVersion");
        let expected_version = if year == "2026" {
            "2026 v1.0"
        } else {
            "2024 v1.3"
        };
        assert_eq!(rows(&files["Export.csv"])[0][version], expected_version);
    }
}

#[tokio::test]
async fn an_unknown_format_is_refused() {
    let c = Community::new().await;
    let out = TempZip::new("refused.zip");
    let output = process::hearth(&c.server.database.url)
        .args([
            "export", "--from", FROM, "--to", TO, "--format", "fy2022", "--out",
        ])
        .arg(&*out)
        .output()
        .expect("run hearth");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fy2026"), "{stderr}");
    assert!(!out.exists());
}

#[tokio::test]
async fn the_export_holds_the_records_of_its_range_in_hud_terms() {
    let (c, earlier) = community_with_history().await;
    let files = unzip_file(&export(&c.server.database.url));

    let clients = rows(&files["Client.csv"]);
    assert_eq!(clients.len(), 3, "{clients:?}");
    let earlier = earlier.replace('-', "");
    assert!(clients.iter().all(|row| row[0] != earlier));
    let export_id = rows(&files["Export.csv"])[0][0].clone();
    assert_eq!(export_id.len(), 32);
    for name in &FILES[1..] {
        let exported = rows(&files[*name]);
        assert!(!exported.is_empty(), "{name} is empty");
        for row in exported {
            assert_eq!(row.last(), Some(&export_id), "{name}: {row:?}");
        }
    }

    let events = rows(&files["Event.csv"]);
    let event = |code: &str| {
        events
            .iter()
            .find(|row| row[column(&files["Event.csv"], "Event")] == code)
            .unwrap_or_else(|| panic!("an event {code}"))
            .clone()
    };
    let psh = event("14");
    let location = column(&files["Event.csv"], "LocationCrisisOrPHHousing");
    assert_eq!(psh[location], c.psh_a.replace('-', ""));
    assert_eq!(psh[column(&files["Event.csv"], "ReferralResult")], "1");
    assert_eq!(psh[column(&files["Event.csv"], "ResultDate")], "2026-02-10");
    assert_eq!(
        event("13")[column(&files["Event.csv"], "ReferralResult")],
        "2"
    );
    assert_eq!(event("4")[location], "");

    let exits = rows(&files["Exit.csv"]);
    assert_eq!(exits.len(), 1);
    assert_eq!(
        exits[0][column(&files["Exit.csv"], "ExitDate")],
        "2026-04-01"
    );
    assert_eq!(exits[0][0], exits[0][1], "ExitID is the EnrollmentID");

    let client = &clients[0];
    let at = |name: &str| client[column(&files["Client.csv"], name)].as_str();
    assert_eq!(
        (
            at("SSN"),
            at("SSNDataQuality"),
            at("RaceNone"),
            at("Sex"),
            at("VeteranStatus")
        ),
        ("", "99", "99", "99", "99")
    );
    assert_eq!(at("DOB"), "1980-04-02");
    let enrollments = rows(&files["Enrollment.csv"]);
    let at = |name: &str| enrollments[0][column(&files["Enrollment.csv"], name)].clone();
    assert_eq!(at("RelationshipToHoH"), "1");
    assert_eq!(at("DisablingCondition"), "99");
    // HUD's required values (rule D6): the community's CoC, each enrollment's household.
    assert_eq!(at("EnrollmentCoC"), "XX-501");
    let household = at("HouseholdID");
    assert_eq!(household.len(), 32, "{household}");
    let projects = rows(&files["Project.csv"]);
    let continuum = column(&files["Project.csv"], "ContinuumProject");
    assert!(
        projects.iter().all(|row| row[continuum] == "1"),
        "{projects:?}"
    );
    let implementation = column(&files["Export.csv"], "ImplementationID");
    let implementation = rows(&files["Export.csv"])[0][implementation].clone();
    assert_eq!(implementation.len(), 32, "{implementation}");
    let again = unzip_file(&export(&c.server.database.url));
    assert_eq!(
        rows(&again["Export.csv"])[0][column(&again["Export.csv"], "ImplementationID")],
        implementation,
        "one ImplementationID for the installation"
    );
    assert!(
        enrollments
            .iter()
            .any(|row| row[column(&files["Enrollment.csv"], "MoveInDate")] == "2026-02-20")
    );
    let created = at("DateCreated");
    assert_eq!(created.len(), 19, "{created}");
    assert_eq!(&created[10..11], " ");
}

#[tokio::test]
async fn export_import_export_writes_every_file_unchanged() {
    let (c, _) = community_with_history().await;
    let first = export(&c.server.database.url);

    let empty = TestDatabase::create().await;
    let report = import_ok(&empty.url, &first);
    assert!(report.contains("Loaded."), "{report}");
    let second = export(&empty.url);

    let before = unzip_file(&first);
    let after = unzip_file(&second);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    assert_ne!(before["Export.csv"], after["Export.csv"], "a new ExportID");
    let (before, after) = (comparable(&before), comparable(&after));
    for (name, text) in &before {
        assert_eq!(&after[name], text, "{name} changed in the round trip");
    }

    // The successful referral finds its resulting enrollment again (Event.csv has no column for it).
    let db = Database::connect(&empty.url).await.expect("connect");
    let resolved = entity::ce_event::Entity::find()
        .filter(entity::ce_event::Column::ResultingEnrollmentId.is_not_null())
        .all(&db)
        .await
        .expect("events");
    assert_eq!(resolved.len(), 1);
    assert_eq!(
        resolved[0].referral_result,
        Some(entity::codes::ReferralResult::SuccessfulClientAccepted)
    );
    db.close().await.ok();
}

#[tokio::test]
async fn importing_the_same_export_again_changes_nothing() {
    let (c, _) = community_with_history().await;
    let zip = export(&c.server.database.url);
    let target = TestDatabase::create().await;

    import_ok(&target.url, &zip);
    let loaded = counts(&target.url).await;
    let first = comparable(&unzip_file(&export(&target.url)));

    let again = import_ok(&target.url, &zip);
    assert!(
        again.contains("Client.csv: 3 row(s), 0 added, 3 already in Hearth"),
        "{again}"
    );
    assert_eq!(counts(&target.url).await, loaded);
    assert_eq!(comparable(&unzip_file(&export(&target.url))), first);
}

#[tokio::test]
async fn imported_hud_ids_and_unknown_user_ids_are_kept_as_given() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    // Give one client another HMIS's PersonalID everywhere, and its record a UserID that no user has.
    let client = rows(&files["Client.csv"])[0][0].clone();
    for name in ["Client.csv", "Enrollment.csv", "Event.csv"] {
        let text = files[name].replace(&client, "C-1001");
        files.insert(name.to_owned(), text);
    }
    let user_column = column(&files["Client.csv"], "UserID");
    let mut lines: Vec<String> = files["Client.csv"]
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    fields[user_column] = "caseworker7".to_owned();
    lines[1] = fields.join(",");
    files.insert("Client.csv".to_owned(), lines.join("\r\n"));
    let edited = zip_of(&files);

    let target = TestDatabase::create().await;
    import_ok(&target.url, &edited);
    let exported = unzip_file(&export(&target.url));
    // The client got a new UUID: its row may sort elsewhere, but every row is written back as read.
    assert_eq!(sorted_lines(&exported), sorted_lines(&files));
    let client_row = rows(&exported["Client.csv"])
        .into_iter()
        .find(|row| row[0] == "C-1001")
        .expect("the client keeps its PersonalID");
    assert_eq!(client_row[user_column], "caseworker7");
}

#[tokio::test]
async fn bad_codes_dates_and_links_are_each_reported_and_nothing_loads() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let edit =
        |files: &mut BTreeMap<String, String>, name: &str, row: usize, col: &str, to: &str| {
            let at = column(&files[name], col);
            let mut lines: Vec<String> = files[name].split("\r\n").map(str::to_owned).collect();
            let mut fields: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
            fields[at] = to.to_owned();
            lines[row] = fields.join(",");
            files.insert(name.to_owned(), lines.join("\r\n"));
        };
    edit(&mut files, "Project.csv", 2, "ProjectType", "5");
    edit(&mut files, "Enrollment.csv", 3, "EntryDate", "2026-13-01");
    edit(&mut files, "Event.csv", 1, "EnrollmentID", "nowhere");
    edit(&mut files, "Event.csv", 4, "Event", "99");
    let zip = zip_of(&files);

    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "Project.csv line 3: ProjectType \"5\" is not a code of HUD 2.02.6 Project Type",
        "Enrollment.csv line 4: EntryDate \"2026-13-01\" is not a date (yyyy-mm-dd)",
        "Event.csv line 2: EnrollmentID \"nowhere\" is not in Enrollment.csv",
        "Event.csv line 5: Event \"99\" is not a code of HUD 4.20.2 Event",
    ] {
        assert!(
            report.contains(expected),
            "{expected} missing from:\n{report}"
        );
    }
    assert!(report.contains("Nothing was loaded"), "{report}");
    assert_eq!(counts(&target.url).await, [0; 6]);
}

#[tokio::test]
async fn the_interop_sample_is_refused_whole_with_every_bad_row_named() {
    let folder = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/interop/hmis-csv-fy2024-sample"
    );
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(folder).expect("the sample folder") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        files.insert(name, std::fs::read_to_string(&path).expect("a csv"));
    }
    let zip = zip_of(&files);
    let target = TestDatabase::create().await;

    let output = import(&target.url, &zip);
    assert!(!output.status.success(), "the sample must not import");
    let report = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nothing was loaded"), "{stderr}");
    for skipped in [
        "Affiliation.csv",
        "Assessment.csv",
        "Services.csv",
        "Funder.csv",
    ] {
        assert!(report.contains(skipped), "{skipped} not named:\n{report}");
    }
    for expected in [
        // Event.csv's rows point at enrollments and clients outside the set.
        "Event.csv line 2: EnrollmentID \"2141\" is not in Enrollment.csv and names no enrollment in Hearth",
        "Event.csv line 2: PersonalID \"6805\" is not in Client.csv and names no client in Hearth",
        "Event.csv line 3: EnrollmentID \"2148\" is not in Enrollment.csv and names no enrollment in Hearth",
        "Event.csv line 3: PersonalID \"6791\" is not in Client.csv and names no client in Hearth",
        // Worded by the same rule as createCeEvent's (domain::rules), in HUD's column names.
        "Event.csv line 2: LocationCrisisOrPHHousing is not allowed for event type ProblemSolvingDiversionRapidResolution (HUD 4.20.2 code 2)",
        // Event.csv and User.csv come from another export than Export.csv.
        "User.csv line 2: ExportID \"b6585c2320f69a2b920adb507cc9d82f\" is not the ExportID of Export.csv",
        "User.csv line 5: ExportID",
        // Values Hearth needs, missing.
        "Organization.csv line 2: VictimServiceProvider is empty",
        "Project.csv line 2: OperatingStartDate is empty",
        // Two open enrollments of one client in one project.
        "Enrollment.csv line 5: overlaps enrollment \"557331\" (line 2)",
    ] {
        assert!(
            report.contains(expected),
            "{expected} missing from:\n{report}"
        );
    }
    // A UserID that User.csv lacks is not an error.
    assert!(!report.contains("catalina"), "{report}");
    assert!(!report.contains("Client.csv line"), "{report}");
    assert_eq!(counts(&target.url).await, [0; 6]);
}

async fn download(c: &Community, token: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = c
        .server
        .http
        .get(c.server.url(&format!("/export/hmis-csv?{query}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("send the request")
}

fn token(who: &Gql) -> &str {
    who.token.as_deref().expect("a token")
}

#[tokio::test]
async fn admin_and_priority_list_manager_download_the_export_as_a_zip() {
    let (c, _) = community_with_history().await;
    let range = format!("from={FROM}&to={TO}");
    for who in [c.admin(), c.plm.clone()] {
        let response = download(&c, Some(token(&who)), &range).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().expect("ascii"),
            "application/zip"
        );
        let bytes = response.bytes().await.expect("the whole body");
        let files = unzip(&bytes);
        let mut expected = FILES.to_vec();
        expected.sort();
        assert_eq!(
            files.keys().map(String::as_str).collect::<Vec<_>>(),
            expected
        );
        assert_eq!(rows(&files["Client.csv"]).len(), 3);
    }
}

#[tokio::test]
async fn housing_staff_may_not_download_the_export_and_a_token_is_required() {
    let (c, _) = community_with_history().await;
    let range = format!("from={FROM}&to={TO}");

    let staff = download(&c, Some(token(&c.staff_a)), &range).await;
    assert_eq!(staff.status().as_u16(), 403);
    let body: serde_json::Value = staff.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    let anonymous = download(&c, None, &range).await;
    assert_eq!(anonymous.status().as_u16(), 401);
    let body: serde_json::Value = anonymous.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );

    let backwards = download(&c, Some(token(&c.plm)), "from=2026-06-01&to=2026-01-01").await;
    assert_eq!(backwards.status().as_u16(), 400);
    let body: serde_json::Value = backwards.json().await.expect("a JSON error");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}

// ---------------------------------------------------------------------------------------------------
// What an import may cost (rule F5)
// ---------------------------------------------------------------------------------------------------

/// The community's export with Client.csv replaced by `client_csv`.
async fn export_with_client_csv(client_csv: impl FnOnce(&str) -> String) -> (Community, TempZip) {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let replaced = client_csv(&files["Client.csv"]);
    files.insert("Client.csv".to_owned(), replaced);
    let zip = zip_of(&files);
    (c, zip)
}

#[tokio::test]
async fn a_zip_expanding_past_the_limit_is_refused_and_nothing_loads() {
    // 4 MB of rows that deflate to a few kilobytes, against a limit of 1 MB.
    let (_c, zip) =
        export_with_client_csv(|text| format!("{text}{}", "x,x,x,x\r\n".repeat(450_000))).await;
    assert!(std::fs::metadata(&*zip).expect("the zip").len() < 100_000);
    let target = TestDatabase::create().await;
    let output = process::hearth(&target.url)
        .env("HEARTH_IMPORT_MAX_BYTES", "1000000")
        .arg("import")
        .arg(&*zip)
        .output()
        .expect("run hearth import");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HEARTH_IMPORT_MAX_BYTES"), "{stderr}");
    assert!(
        output.stdout.len() < 1000,
        "no row report for a refused zip"
    );
    assert_eq!(counts(&target.url).await, [0; 6]);
}

#[tokio::test]
async fn a_line_that_never_ends_is_refused_and_nothing_loads() {
    let (_c, zip) = export_with_client_csv(|text| format!("{text}{}", "y".repeat(3 << 20))).await;
    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Client.csv: a line is longer than"),
        "{stderr}"
    );
    assert_eq!(counts(&target.url).await, [0; 6]);
}

#[tokio::test]
async fn the_first_thousand_bad_rows_are_reported_then_counted() {
    let (_c, zip) = export_with_client_csv(|text| {
        let id = column(text, "PersonalID");
        let dob = column(text, "DOB");
        let mut lines: Vec<String> = text.trim_end().split("\r\n").map(str::to_owned).collect();
        let template: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
        for n in 0..1_500 {
            let mut fields = template.clone();
            fields[id] = format!("bad{n}");
            fields[dob] = "2026-13-01".to_owned();
            lines.push(fields.join(","));
        }
        lines.join("\r\n") + "\r\n"
    })
    .await;
    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip);
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stdout);
    let shown = report
        .lines()
        .filter(|l| l.starts_with("Client.csv line"))
        .count();
    assert_eq!(shown, 1_000, "{report:.2000}");
    assert!(
        report.contains("... and 500 more problem(s)"),
        "{report:.2000}"
    );
    assert!(
        report.contains("Nothing was loaded: 1500 problem(s)."),
        "{report:.2000}"
    );
    assert_eq!(counts(&target.url).await, [0; 6]);
}

// ---------------------------------------------------------------------------------------------------
// The workflow's rules, applied to imported rows as to API calls (domain::rules)
// ---------------------------------------------------------------------------------------------------

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

#[tokio::test]
async fn each_workflow_rule_refuses_the_imported_row_that_breaks_it() {
    let (c, _) = community_with_history().await;
    let files = unzip_file(&export(&c.server.database.url));
    let project_of_type = |code: &str| {
        let row = row_where(&files, "Project.csv", "ProjectType", code);
        cell(&files, "Project.csv", row, "ProjectID")
    };
    let ce_project = project_of_type("14");
    let ce_enrollment = row_where(&files, "Enrollment.csv", "ProjectID", &ce_project);
    let psh_referral = row_where(&files, "Event.csv", "Event", "14");
    let rrh_referral = row_where(&files, "Event.csv", "Event", "13");
    let psh_enrollment = cell(
        &files,
        "Enrollment.csv",
        row_where(&files, "Enrollment.csv", "ProjectID", &project_of_type("3")),
        "EnrollmentID",
    );
    // (file, row, column, value, the rule's words in HUD's column names)
    let cases: Vec<(&str, usize, &str, String, &str)> = vec![
        (
            "Enrollment.csv",
            1,
            "EntryDate",
            "2019-06-01".into(),
            "EntryDate 2019-06-01 is before the project's OperatingStartDate",
        ),
        (
            "Enrollment.csv",
            1,
            "EntryDate",
            "2026-07-01".into(),
            "EntryDate 2026-07-01 is in the future",
        ),
        (
            "Enrollment.csv",
            ce_enrollment,
            "MoveInDate",
            "2026-03-01".into(),
            "MoveInDate applies only to permanent housing projects",
        ),
        (
            "Exit.csv",
            1,
            "ExitDate",
            "2020-01-02".into(),
            "ExitDate 2020-01-02 is before the EntryDate",
        ),
        (
            "Event.csv",
            psh_referral,
            "EventDate",
            "2020-01-02".into(),
            "EventDate 2020-01-02 is before the CE enrollment's EntryDate",
        ),
        (
            "Event.csv",
            rrh_referral,
            "ResultDate",
            "2026-02-01".into(),
            "ResultDate 2026-02-01 is before the EventDate 2026-03-01",
        ),
        (
            "Event.csv",
            rrh_referral,
            "ResultDate",
            "2026-07-01".into(),
            "ResultDate 2026-07-01 is in the future",
        ),
        (
            "Event.csv",
            psh_referral,
            "ProbSolDivRRResult",
            "1".into(),
            "ProbSolDivRRResult (HUD 4.20.A) is only for event type ProblemSolvingDiversionRapidResolution",
        ),
        (
            "Event.csv",
            psh_referral,
            "LocationCrisisOrPHHousing",
            ce_project.clone(),
            "LocationCrisisOrPHHousing names a Coordinated Entry project",
        ),
        (
            "Event.csv",
            psh_referral,
            "LocationCrisisOrPHHousing",
            project_of_type("13"),
            "LocationCrisisOrPHHousing names a project of type PhRapidReHousing (HUD 2.02.6 code 13), which does not fit event type ReferralToPsh",
        ),
        // Rule A1, as recordAssessment applies it.
        (
            "Assessment.csv",
            1,
            "AssessmentDate",
            "2020-01-02".into(),
            "AssessmentDate 2020-01-02 is before the CE enrollment's EntryDate",
        ),
        (
            "Assessment.csv",
            1,
            "AssessmentDate",
            "2026-07-01".into(),
            "AssessmentDate 2026-07-01 is in the future",
        ),
        (
            "Assessment.csv",
            1,
            "EnrollmentID",
            psh_enrollment,
            "the enrollment is not in a Coordinated Entry project",
        ),
        (
            "Assessment.csv",
            1,
            "AssessmentLocation",
            "   ".into(),
            "AssessmentLocation must be 1 to 250 characters",
        ),
    ];
    for (file, row, name, value, expected) in cases {
        let mut edited = files.clone();
        set_cell(&mut edited, file, row, name, &value);
        let target = TestDatabase::create().await;
        let output = import(&target.url, &zip_of(&edited));
        assert!(
            !output.status.success(),
            "{file} {name} {value} was imported"
        );
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report.contains(&format!("{file} line {}: {expected}", row + 1)),
            "{file} {name} {value}: \"{expected}\" missing from:\n{report}"
        );
        assert_eq!(counts(&target.url).await, [0; 6]);
    }
}

#[tokio::test]
async fn a_name_the_api_accepts_imports_though_lower_casing_lengthens_it() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    // 100 characters that lower-case to 200: the API accepts it, and so must the import.
    set_cell(&mut files, "Client.csv", 1, "FirstName", &"İ".repeat(100));
    let target = TestDatabase::create().await;
    import_ok(&target.url, &zip_of(&files));
    assert_eq!(
        counts(&target.url).await[3],
        3,
        "{:?}",
        counts(&target.url).await
    );
}

/// The audit rows an import wrote, by the email of the user they name.
async fn import_trail(database_url: &str) -> Vec<(String, String)> {
    let db: DatabaseConnection = Database::connect(database_url)
        .await
        .expect("connect to the test database");
    let rows = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Operation.eq("hearth import"))
        .all(&db)
        .await
        .expect("read the audit trail");
    let users: BTreeMap<uuid::Uuid, String> = entity::app_user::Entity::find()
        .all(&db)
        .await
        .expect("read the users")
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    db.close().await.ok();
    rows.into_iter()
        .map(|event| (event.record_type, users[&event.user_id].clone()))
        .collect()
}

#[tokio::test]
async fn every_imported_record_is_in_the_audit_trail() {
    let (c, _) = community_with_history().await;
    let zip = export(&c.server.database.url);
    // Without --as: the command itself.
    let target = TestDatabase::create().await;
    import_ok(&target.url, &zip);
    let trail = import_trail(&target.url).await;
    let [organizations, users, projects, clients, enrollments, events] = counts(&target.url).await;
    // The command's own user is one of the users, and imported nothing itself; each project comes
    // with its HUD 2.09 period, each enrollment with its household (of one, here); and the one
    // 4.19 assessment.
    let assessments = trail
        .iter()
        .filter(|(table, _)| table == "assessment")
        .count() as u64;
    assert_eq!(assessments, 1);
    assert_eq!(
        trail.len() as u64,
        organizations
            + (users - 1)
            + 2 * projects
            + clients
            + 2 * enrollments
            + events
            + assessments
    );
    assert!(
        trail
            .iter()
            .all(|(_, who)| who == "hearth-import@hearth.invalid")
    );
    assert!(trail.iter().any(|(kind, _)| kind == "client"));

    // With --as: the ADMIN named.
    let target = TestDatabase::create().await;
    run(process::hearth(&target.url).args(["create-admin", "--email", "lead@hmis.test"]));
    let output = process::hearth(&target.url)
        .args(["import", "--as", "lead@hmis.test"])
        .arg(&*zip)
        .output()
        .expect("run hearth import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let trail = import_trail(&target.url).await;
    assert!(!trail.is_empty());
    assert!(trail.iter().all(|(_, who)| who == "lead@hmis.test"));
}

#[tokio::test]
async fn events_17_from_other_systems_still_import() {
    // Rule D1: createCeEvent refuses event 17, but a file from before its retirement loads.
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let referral = row_where(&files, "Event.csv", "Event", "14");
    set_cell(&mut files, "Event.csv", referral, "Event", "17");
    let target = TestDatabase::create().await;
    import_ok(&target.url, &zip_of(&files));
    let again = unzip_file(&export(&target.url));
    // Read, stored and exported as it came (row_where fails if no row has Event 17).
    row_where(&again, "Event.csv", "Event", "17");
}

/// An edit of an export's files that breaks a rule; returns the start of the report's line.
type Edit = fn(&mut BTreeMap<String, String>) -> String;

/// Rule D4 as createCeEvent applies it: without CEParticipation.csv (as in FY2024) the PSH project's
/// one period starts with its operation, here moved to 2026-02-05, after the referral of 2026-02-01.
/// Returns the start of the report's line.
fn referral_before_the_project_operates(files: &mut BTreeMap<String, String>) -> String {
    files
        .remove("CEParticipation.csv")
        .expect("a FY2026 export has CEParticipation.csv");
    let psh = row_where(files, "Project.csv", "ProjectType", "3");
    set_cell(
        files,
        "Project.csv",
        psh,
        "OperatingStartDate",
        "2026-02-05",
    );
    let referral = row_where(files, "Event.csv", "Event", "14");
    format!("Event.csv line {}: project \"", referral + 1)
}

/// With CEParticipation.csv (FY2026), the file's own 2.09 periods decide: the PSH project does not
/// receive referrals in the period that covers the referral.
fn referral_in_a_period_receiving_none(files: &mut BTreeMap<String, String>) -> String {
    let psh = row_where(files, "Project.csv", "ProjectType", "3");
    let psh_id = cell(files, "Project.csv", psh, "ProjectID");
    let period = row_where(files, "CEParticipation.csv", "ProjectID", &psh_id);
    set_cell(
        files,
        "CEParticipation.csv",
        period,
        "ReceivesReferrals",
        "0",
    );
    String::new()
}

/// A second period of a project, starting inside the first (which is still open).
fn overlapping_periods(files: &mut BTreeMap<String, String>) -> String {
    let period = row_where(files, "CEParticipation.csv", "ReceivesReferrals", "1");
    let project = cell(files, "CEParticipation.csv", period, "ProjectID");
    let text = files["CEParticipation.csv"].clone();
    let line = text
        .split("\r\n")
        .nth(period)
        .expect("the period's line")
        .to_owned();
    let second = line
        .replacen(&line[..32], &"f".repeat(32), 1)
        .replace("2020-01-01", "2024-06-01");
    assert!(second.contains(&project));
    files.insert(
        "CEParticipation.csv".to_owned(),
        format!("{text}{second}\r\n"),
    );
    String::new()
}

#[tokio::test]
async fn imported_referrals_and_periods_break_no_ce_participation_rule() {
    let (c, _) = community_with_history().await;
    let exported = unzip_file(&export(&c.server.database.url));
    // (case, the edit, returning the start of the report's line; what the line says)
    #[rustfmt::skip]
    let cases: [(&str, Edit, &str); 3] = [
        ("a referral before the project operates", referral_before_the_project_operates, "does not receive CE referrals on 2026-02-01"),
        ("a referral in a period receiving none", referral_in_a_period_receiving_none, "does not receive CE referrals on 2026-02-01"),
        ("overlapping periods", overlapping_periods, "do not overlap"),
    ];
    for (name, edit, says) in cases {
        let mut files = exported.clone();
        let starts = edit(&mut files);
        let target = TestDatabase::create().await;
        let output = import(&target.url, &zip_of(&files));
        assert!(!output.status.success(), "case {name} was imported");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report
                .lines()
                .any(|l| l.starts_with(&starts) && l.contains(says)),
            "case {name}: no line {starts}...{says} in:\n{report}"
        );
        assert_eq!(counts(&target.url).await, [0; 6], "case {name}");
    }
}

#[tokio::test]
async fn both_formats_import_fy2026_keeping_sex_and_fy2024_noting_gender() {
    let (c, _) = community_with_history().await;
    let url = &c.server.database.url;
    // FY2026: a client's 4.21 Sex comes back as imported.
    let mut files = unzip_file(&export(url));
    set_cell(&mut files, "Client.csv", 1, "Sex", "0");
    let person = cell(&files, "Client.csv", 1, "PersonalID");
    let target = TestDatabase::create().await;
    let report = import_ok(&target.url, &zip_of(&files));
    assert!(!report.contains("Gender"), "{report}");
    let again = unzip_file(&export(&target.url));
    let row = row_where(&again, "Client.csv", "PersonalID", &person);
    assert_eq!(cell(&again, "Client.csv", row, "Sex"), "0");

    // FY2024: read all the same; the Gender columns are named as not kept, Sex is 99.
    let fy2024 = export_as(url, &["--format", "fy2024"]);
    let target = TestDatabase::create().await;
    let report = import_ok(&target.url, &fy2024);
    assert!(
        report.contains("Note: Client.csv: the FY2024 3.06 Gender columns are not kept"),
        "{report}"
    );
    let again = unzip_file(&export(&target.url));
    assert!(
        rows(&again["Client.csv"])
            .iter()
            .all(|r| r[column(&again["Client.csv"], "Sex")] == "99")
    );
}

#[tokio::test]
async fn a_foreign_household_is_kept_and_one_with_two_heads_is_refused() {
    let (c, _) = community_with_history().await;
    let mut files = unzip_file(&export(&c.server.database.url));
    let ce_project = cell(&files, "Enrollment.csv", 1, "ProjectID");
    let members: Vec<usize> = (1..files["Enrollment.csv"].trim_end().split("\r\n").count())
        .filter(|&row| cell(&files, "Enrollment.csv", row, "ProjectID") == ce_project)
        .take(2)
        .collect();
    assert_eq!(members.len(), 2);
    for &row in &members {
        set_cell(&mut files, "Enrollment.csv", row, "HouseholdID", "HH-17");
    }
    // Both heads (RelationshipToHoH 1): refused, naming the household.
    let target = TestDatabase::create().await;
    let output = import(&target.url, &zip_of(&files));
    assert!(!output.status.success());
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("household HH-17 has 2 heads"), "{report}");
    assert_eq!(counts(&target.url).await, [0; 6]);

    // One head and a partner: the household is kept as the file gives it.
    set_cell(
        &mut files,
        "Enrollment.csv",
        members[1],
        "RelationshipToHoH",
        "3",
    );
    import_ok(&target.url, &zip_of(&files));
    let again = unzip_file(&export(&target.url));
    let kept: Vec<(String, String)> = rows(&again["Enrollment.csv"])
        .into_iter()
        .filter(|r| r[column(&again["Enrollment.csv"], "HouseholdID")] == "HH-17")
        .map(|r| {
            (
                r[column(&again["Enrollment.csv"], "EnrollmentID")].clone(),
                r[column(&again["Enrollment.csv"], "RelationshipToHoH")].clone(),
            )
        })
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    let mut relationships: Vec<&str> = kept.iter().map(|(_, r)| r.as_str()).collect();
    relationships.sort();
    assert_eq!(relationships, ["1", "3"]);
}
