//! HUD's required values (rule D6) through the API, and every exported file, in both formats, held
//! against HUD's machine-readable FY2026 CSV specification (`../shared/domain/hmis-csv-fy2026-spec.json`:
//! each column's type, nullability and code list, and HUD's extra list rules).

mod common;

use common::process::{self, run};
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Read;

const PROJECT: &str = "mutation($input: CreateProjectInput!) {
    createProject(input: $input) { id cocCode continuumProject }
}";

fn project_input(org: &str, extra: Value) -> Value {
    let mut input = json!({
        "organizationId": org, "name": "Harbor PSH", "projectType": "PH_PERMANENT_SUPPORTIVE_HOUSING",
        "operatingStartDate": "2020-01-01",
    });
    if let (Some(input), Value::Object(extra)) = (input.as_object_mut(), extra) {
        input.extend(extra);
    }
    json!({ "input": input })
}

#[tokio::test]
async fn a_project_is_in_the_community_s_coc_unless_it_names_another() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let org = create_organization(&admin, "Harbor Housing").await;

    let default = admin.ok(PROJECT, project_input(&org, json!({}))).await;
    assert_eq!(default["createProject"]["cocCode"], "XX-501");
    assert_eq!(default["createProject"]["continuumProject"], true);

    let own = admin
        .ok(
            PROJECT,
            project_input(
                &org,
                json!({ "cocCode": " mn-500 ", "continuumProject": false }),
            ),
        )
        .await;
    assert_eq!(own["createProject"]["cocCode"], "MN-500");
    assert_eq!(own["createProject"]["continuumProject"], false);

    // (case, cocCode): HUD's form is two letters, a hyphen and three digits.
    let cases = [
        ("no hyphen", "MN500"),
        ("four digits", "MN-5000"),
        ("a digit for a letter", "M1-500"),
        ("empty", ""),
    ];
    for (name, bad) in cases {
        let reply = admin
            .run(PROJECT, project_input(&org, json!({ "cocCode": bad })))
            .await;
        reply.expect_refused(name, "BAD_USER_INPUT", "cocCode");
    }
}

#[tokio::test]
async fn an_enrollment_keeps_its_project_s_coc_at_entry() {
    let c = Community::new().await;
    let admin = c.admin();
    let elsewhere = id(&admin
        .ok(
            PROJECT,
            project_input(&c.housing_a, json!({ "cocCode": "MN-500" })),
        )
        .await["createProject"]);
    let read = |enrollment: String| {
        let staff = c.staff_a.clone();
        async move {
            staff
                .ok(
                    "query($id: ID!) { enrollment(id: $id) { enrollmentCoC project { cocCode } } }",
                    json!({ "id": enrollment }),
                )
                .await
        }
    };
    for (project, coc) in [(&c.psh_a, "XX-501"), (&elsewhere, "MN-500")] {
        let client = create_client(&c.staff_a, "Cora", "Coc").await;
        let enrollment = create_enrollment(&c.staff_a, &client, project, "2026-02-01").await;
        let read = read(enrollment).await;
        assert_eq!(read["enrollment"]["enrollmentCoC"], coc);
        assert_eq!(read["enrollment"]["project"]["cocCode"], coc);
    }
}

#[test]
fn a_coc_code_that_is_not_hud_s_form_stops_the_server_at_start() {
    let output = process::hearth("sqlite::memory:")
        .env("HEARTH_COC_CODE", "Minnesota")
        .arg("migrate")
        .output()
        .expect("run hearth");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("HEARTH_COC_CODE"), "{stderr}");
}

/// HUD's specification of one file's columns, by name.
struct Column {
    kind: String,
    nullable: bool,
    list: Option<Vec<String>>,
}

fn specification() -> (BTreeMap<String, BTreeMap<String, Column>>, Vec<Value>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/domain/hmis-csv-fy2026-spec.json"
    );
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("HUD's specification"))
            .expect("JSON");
    let lists = &spec["lists"];
    let mut files = BTreeMap::new();
    for (file, columns) in spec["files"].as_object().expect("files") {
        let mut by_name = BTreeMap::new();
        for column in columns.as_array().expect("columns") {
            let list = column["list"]
                .as_str()
                .filter(|id| !id.is_empty())
                .and_then(|id| lists[id].as_array())
                .map(|codes| {
                    codes
                        .iter()
                        .map(|c| c.as_str().expect("a code").to_owned())
                        .collect()
                });
            by_name.insert(
                column["name"].as_str().expect("a name").to_owned(),
                Column {
                    kind: column["type"].as_str().expect("a type").to_owned(),
                    nullable: column["null"].as_bool().expect("null"),
                    list,
                },
            );
        }
        files.insert(format!("{file}.csv"), by_name);
    }
    let rules = spec["validation"].as_array().expect("rules").clone();
    (files, rules)
}

fn well_typed(kind: &str, value: &str) -> bool {
    let date = |v: &str| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok();
    match kind {
        "I" => value.parse::<i64>().is_ok(),
        "M" => value.parse::<f64>().is_ok(),
        "D" => date(value),
        "T" => chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S").is_ok(),
        "S" => true,
        text => match text.strip_prefix('S').and_then(|n| n.parse::<usize>().ok()) {
            Some(max) => value.chars().count() <= max,
            None => panic!("an unknown type {text}"),
        },
    }
}

/// Every violation of HUD's specification in `files` (file, line, column, value, why).
fn violations(files: &BTreeMap<String, String>) -> Vec<String> {
    let (spec, rules) = specification();
    let mut found = Vec::new();
    for (name, text) in files {
        let columns = spec
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a file of HUD's specification"));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_owned)
            .collect();
        for (line, record) in reader.records().enumerate() {
            let record = record.expect("a row");
            for (column, value) in header.iter().zip(record.iter()) {
                // FY2024's Gender columns and the like are not FY2026's.
                let Some(spec) = columns.get(column) else {
                    continue;
                };
                let at = format!("{name} line {} {column} \"{value}\"", line + 2);
                if value.is_empty() {
                    if !spec.nullable {
                        found.push(format!("{at}: required"));
                    }
                    continue;
                }
                if !well_typed(&spec.kind, value) {
                    found.push(format!("{at}: not of type {}", spec.kind));
                }
                if let Some(list) = &spec.list
                    && !list.iter().any(|code| code == value)
                {
                    found.push(format!("{at}: not in the code list"));
                }
                for rule in &rules {
                    let applies = format!("{}.csv", rule[0].as_str().unwrap_or_default()) == *name
                        && rule[1].as_str() == Some(column.as_str())
                        && rule[3]
                            .as_str()
                            .is_some_and(|kind| kind.eq_ignore_ascii_case("NotInList"));
                    let refused = rule[4].as_str().unwrap_or_default().split(',');
                    if applies && refused.map(str::trim).any(|code| code == value) {
                        found.push(format!("{at}: HUD's rule {rule}"));
                    }
                }
            }
        }
    }
    found
}

fn unzip(path: &std::path::Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("the zip")).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("an entry");
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("UTF-8 text");
            (entry.name().expect("a name").to_string(), text)
        })
        .collect()
}

#[tokio::test]
async fn every_exported_file_of_both_formats_meets_hud_s_specification() {
    let database = TestDatabase::create().await;
    run(process::hearth(&database.url).arg("seed-demo"));
    // A referral resolved, a move-in and an exit of its own, so that every file has rows.
    let dir = std::env::temp_dir().join("hearth-tests");
    std::fs::create_dir_all(&dir).expect("the temp dir");
    for format in ["fy2026", "fy2024"] {
        let out = dir.join(format!("{}-{format}.zip", uuid::Uuid::new_v4().simple()));
        run(process::hearth(&database.url).args([
            "export",
            "--from",
            "2000-01-01",
            "--to",
            TODAY,
            "--format",
            format,
            "--out",
            out.to_str().expect("a UTF-8 path"),
        ]));
        let files = unzip(&out);
        let _ = std::fs::remove_file(&out);
        for name in ["Client.csv", "Enrollment.csv", "Event.csv", "Project.csv"] {
            assert!(
                files[name].lines().count() > 1,
                "{format}: {name} has no rows"
            );
        }
        let found = violations(&files);
        assert!(
            found.is_empty(),
            "{format}: {} violation(s):\n{}",
            found.len(),
            found.join("\n")
        );
    }
}

#[test]
fn the_validator_finds_what_breaks_the_specification() {
    // The validator itself must catch each kind of violation, or a clean export proves nothing.
    let project = "ProjectID,ContinuumProject,ProjectType,OperatingStartDate,ProjectName\r\n\
                   p1,,99,2020-13-01,ok\r\n";
    let exit = "ExitID,Destination\r\ne1,37\r\n";
    // (case, the file, its text, what a violation found says)
    #[rustfmt::skip]
    let cases: [(&str, &str, &str, &[&str]); 4] = [
        ("a required value left empty", "Project.csv", project, &["ContinuumProject", "required"]),
        ("a code outside its list", "Project.csv", project, &["ProjectType", "code list"]),
        ("a date that is none", "Project.csv", project, &["OperatingStartDate", "type D"]),
        ("a destination HUD's rules refuse", "Exit.csv", exit, &["HUD's rule"]),
    ];
    for (name, file, text, says) in cases {
        let found = violations(&BTreeMap::from([(file.to_owned(), text.to_owned())]));
        assert!(
            found
                .iter()
                .any(|v| says.iter().all(|part| v.contains(part))),
            "case {name}: no violation says {says:?} in {found:?}"
        );
    }
}
