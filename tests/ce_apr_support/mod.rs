//! Set-up and reading helpers for the CE APR tests (tests/ce_apr.rs): people and households entered
//! in a CE project, their assessments and CE events recorded through the API, CE projects and their
//! 2.09 participation, and the report read back (GraphQL rows and the zip's CSV tables). Include
//! with `mod common; mod ce_apr_support;`.

#![allow(dead_code)]

use crate::common::*;
use serde_json::{Value, json};
use std::io::Cursor;

pub const HOUSING: &str = "HOUSING_NEEDS_ASSESSMENT";
pub const CRISIS: &str = "CRISIS_NEEDS_ASSESSMENT";

const CE_APR: &str = "query($from: Date!, $to: Date!) {
  ceApr(from: $from, to: $to) { from to tables { question title columns rows { label values } } }
}";

const RECORD: &str =
    "mutation($input: RecordAssessmentInput!) { recordAssessment(input: $input) { id } }";

/// `input` with `extra`'s fields added (`extra` an object, or `{}` for none).
fn with(mut input: Value, extra: Value) -> Value {
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    input
}

/// A client named `first` Apr, born on `born` (None: no date of birth).
pub async fn person(c: &Community, first: &str, born: Option<&str>) -> String {
    id(&try_create_client(&c.plm, first, "Apr", born).await.data()["createClient"])
}

/// A single person (`first`, born `born`) entering `project` on `entry`; returns the enrollment.
pub async fn alone(
    c: &Community,
    first: &str,
    born: Option<&str>,
    project: &str,
    entry: &str,
) -> String {
    let client = person(c, first, born).await;
    create_enrollment(&c.plm, &client, project, entry).await
}

/// A head entering the CE project with `members` (client, relationship); returns (enrollment,
/// household).
pub async fn family(
    c: &Community,
    head: &str,
    entry: &str,
    members: &[(&str, &str)],
) -> (String, String) {
    let members: Vec<Value> = members
        .iter()
        .map(|(client, relationship)| json!({ "clientId": client, "relationshipToHoH": relationship }))
        .collect();
    let data = c
        .plm
        .ok(
            "mutation($input: CreateEnrollmentInput!) { createEnrollment(input: $input) { id household { id } } }",
            json!({ "input": { "clientId": head, "projectId": c.ce_project, "entryDate": entry,
                "members": members } }),
        )
        .await;
    let enrollment = &data["createEnrollment"];
    (id(enrollment), id(&enrollment["household"]))
}

/// The head of `enrollment`'s household assessed on `date`: `kind` (PHONE, VIRTUAL, IN_PERSON),
/// `level` (HOUSING or CRISIS), placed on the prioritization list or not.
pub async fn assess(
    c: &Community,
    enrollment: &str,
    date: &str,
    kind: &str,
    level: &str,
    placed: bool,
) {
    let status = if placed {
        "PLACED_ON_PRIORITIZATION_LIST"
    } else {
        "NOT_PLACED_ON_PRIORITIZATION_LIST"
    };
    c.plm
        .ok(
            RECORD,
            json!({ "input": {
                "enrollmentId": enrollment, "assessmentDate": date, "location": "Access point",
                "assessmentType": kind, "assessmentLevel": level, "prioritizationStatus": status
            }}),
        )
        .await;
}

/// A CE event of type `kind` on `date` for `enrollment`, with `extra` input fields; returns its id.
pub async fn event_with(
    c: &Community,
    enrollment: &str,
    date: &str,
    kind: &str,
    extra: Value,
) -> String {
    let input = json!({ "enrollmentId": enrollment, "eventDate": date, "eventType": kind });
    let input = with(input, extra);
    id(&c.plm.ok(CREATE_CE_EVENT, json!({ "input": input })).await["createCeEvent"])
}

/// A CE event of type `kind` on `date` for `enrollment`, nothing else recorded.
pub async fn event(c: &Community, enrollment: &str, date: &str, kind: &str) -> String {
    event_with(c, enrollment, date, kind, json!({})).await
}

/// A referral of type `kind` on `date` to `project`, pending; returns its id.
pub async fn referral(
    c: &Community,
    enrollment: &str,
    date: &str,
    kind: &str,
    project: &str,
) -> String {
    event_with(
        c,
        enrollment,
        date,
        kind,
        json!({ "referredProjectId": project }),
    )
    .await
}

/// A CE project of the CE lead agency, as the admin makes it (`extra`: continuumProject, cocCode).
pub async fn ce_project(c: &Community, name: &str, extra: Value) -> String {
    let input = json!({
        "organizationId": c.ce_org, "name": name, "projectType": "COORDINATED_ENTRY",
        "operatingStartDate": "2020-01-01"
    });
    let data = c
        .admin()
        .ok(
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
            json!({ "input": with(input, extra) }),
        )
        .await;
    id(&data["createProject"])
}

/// Opens a 2.09 period of `project` from `start`: an access point or not, receiving no referrals.
pub async fn participation(c: &Community, project: &str, start: &str, access_point: bool) {
    c.admin()
        .ok(
            "mutation($input: SetCeParticipationInput!) { setCeParticipation(input: $input) { id } }",
            json!({ "input": {
                "projectId": project, "accessPoint": access_point,
                "preventionAssessment": false, "crisisAssessment": access_point,
                "housingAssessment": access_point, "directServices": false,
                "receivesReferrals": false, "startDate": start
            }}),
        )
        .await;
}

/// The `ceApr` query's answer for `from..to`, as `who` asks it.
pub async fn try_ce_apr(who: &Gql, from: &str, to: &str) -> Reply {
    who.run(CE_APR, json!({ "from": from, "to": to })).await
}

/// The report (`ceApr`) of 2026-01-01..2026-03-31, as the CE lead (plm) reads it.
pub async fn first_quarter(c: &Community) -> Value {
    ce_apr(c, "2026-01-01", "2026-03-31").await
}

/// The report (`ceApr`) of `from..to`, as the CE lead (plm) reads it.
pub async fn ce_apr(c: &Community, from: &str, to: &str) -> Value {
    let data = c.plm.ok(CE_APR, json!({ "from": from, "to": to })).await;
    data["ceApr"].clone()
}

/// The item of the array `list` whose `key` is `value`.
fn find<'a>(list: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    let items = list.as_array().expect("an array");
    items.iter().find(|item| item[key] == value)
}

/// The values of `label` in `question`'s table.
pub fn row(report: &Value, question: &str, label: &str) -> Vec<i64> {
    let table = find(&report["tables"], "question", question)
        .unwrap_or_else(|| panic!("no table {question}"));
    let row = find(&table["rows"], "label", label)
        .unwrap_or_else(|| panic!("{question} has no row {label}"));
    row["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v.as_i64().expect("a count"))
        .collect()
}

/// `question`'s table of `report`, to check rows of.
pub fn table<'a>(report: &'a Value, question: &'a str) -> Table<'a> {
    Table { report, question }
}

pub struct Table<'a> {
    report: &'a Value,
    question: &'a str,
}

impl Table<'_> {
    /// Each (label, values) of `expected` is a row of the table with exactly those values.
    pub fn has(&self, expected: &[(&str, &[i64])]) {
        let question = self.question;
        for (label, values) in expected {
            assert_eq!(
                row(self.report, question, label),
                *values,
                "{question}: {label}"
            );
        }
    }
}

/// `GET /reports/ce-apr.zip` of 2026-01-01..2026-03-31 with `token` (None: anonymous).
pub async fn download(c: &Community, token: Option<String>) -> reqwest::Response {
    let request = c.server.http.get(
        c.server
            .url("/reports/ce-apr.zip?from=2026-01-01&to=2026-03-31"),
    );
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
    .expect("download")
}

pub type Zip = zip::ZipArchive<Cursor<Vec<u8>>>;

/// The downloaded zip.
pub async fn unzip(response: reqwest::Response) -> Zip {
    let bytes = response.bytes().await.expect("the zip");
    zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip")
}

/// The rows of the zip's `name` CSV, header first.
pub fn csv_rows(zip: &mut Zip, name: &str) -> Vec<Vec<String>> {
    let file = zip.by_name(name).expect("the table");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(file)
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect()
}
