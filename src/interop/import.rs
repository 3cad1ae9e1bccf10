//! The HMIS CSV import: a zip of Export.csv, Organization.csv, User.csv, Project.csv, Client.csv,
//! Enrollment.csv, Exit.csv and Event.csv (headers quoted or not), loaded all or nothing.
//!
//! Every row of every file is checked before anything is written: values (IDs, codes, dates), links
//! between records (to a row of the file set or to a record already in Hearth) and the workflow's
//! date and referral rules. Each bad row is reported with its file, line and reason; if there is any,
//! nothing is loaded. Otherwise the new records are written in one transaction.
//!
//! Identity: a record is found by its HUD ID (a 32-hex-digit ID is the record's UUID, any other is
//! its `hud_id`). A record already in Hearth is left as it is, so importing the same file set again
//! changes nothing. A UserID that names no user of User.csv nor of Hearth is kept as given in
//! `hud_user_id` and written back by exports. Other files of the zip are skipped and named.
//!
//! What HUD's files do not carry: the guide's Resulting Enrollment of a successful referral is found
//! again by the guide's rule (the client's enrollment in the referred project starting on the
//! ResultDate); who resolved a referral, an Exit row's own audit columns (the exit lives on the
//! enrollment) and the columns Hearth does not model (see `columns`) are not kept.

use super::bounds::{self, ExpansionBudget};
pub use super::bounds::{Problem, Problems};
use super::columns::{self, HmisFile};
use super::format::{self, HudKey};
use crate::domain::rules::{self, DependentField, RuleBreak, Wording};
use crate::domain::{CeEventType, ProjectType, ReferralResult, Sex, values};
use crate::error::{AppError, AppResult};
use crate::service::enrollments::DESTINATION_CODES;
use crate::service::{self, Services, audit, new_id};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{
    app_user, audit_event, ce_event, ce_participation, client, enrollment, organization, project,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
    TryIntoModel,
};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::Path;
use uuid::Uuid;

/// The audit trail's operation for what an import adds.
pub const OPERATION: &str = "hearth import";

/// Keys looked up per statement.
const CHUNK: usize = 200;

/// Rows inserted per statement: at most 19 columns each, well under SQLite's (32766) and
/// PostgreSQL's (65535) limits on bound parameters; fewer, larger statements load faster.
const INSERT_CHUNK: usize = 1000;

/// What became of one file's rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileTally {
    pub file: &'static str,
    /// Data rows in the file.
    pub rows: usize,
    /// Records added (none when the import failed).
    pub added: usize,
    /// Rows whose record Hearth already had, left as it is.
    pub present: usize,
}

/// The outcome of an import: loaded, or every problem that kept it from loading.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Files of the zip that Hearth does not model.
    pub skipped: Vec<String>,
    /// The bad rows, in file order (the first thousand in full, the rest counted); the import loads
    /// nothing when there is any.
    pub problems: Problems,
    pub files: Vec<FileTally>,
    pub loaded: bool,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.skipped.is_empty() {
            writeln!(
                f,
                "Skipped (Hearth does not model them): {}",
                self.skipped.join(", ")
            )?;
        }
        for problem in self.problems.iter() {
            writeln!(f, "{problem}")?;
        }
        if self.problems.unshown() > 0 {
            writeln!(
                f,
                "... and {} more problem(s), not shown: mend the ones above and import again",
                self.problems.unshown()
            )?;
        }
        for tally in &self.files {
            if self.loaded {
                writeln!(
                    f,
                    "{}: {} row(s), {} added, {} already in Hearth",
                    tally.file, tally.rows, tally.added, tally.present
                )?;
            } else {
                writeln!(f, "{}: {} row(s) read", tally.file, tally.rows)?;
            }
        }
        if self.loaded {
            writeln!(f, "Loaded.")
        } else {
            let rows: HashSet<(&str, Option<u64>)> = self
                .problems
                .iter()
                .map(|p| (p.file.as_str(), p.line))
                .collect();
            if self.problems.unshown() > 0 {
                writeln!(f, "Nothing was loaded: {} problem(s).", self.problems.len())
            } else {
                writeln!(
                    f,
                    "Nothing was loaded: {} problem(s) in {} row(s).",
                    self.problems.len(),
                    rows.len()
                )
            }
        }
    }
}

/// Imports the zip at `path`, whose modeled files may expand to at most `max_expanded_bytes`
/// (HEARTH_IMPORT_MAX_BYTES). `Ok` with `loaded: false` when rows are bad (the report says which);
/// `Err` when the file cannot be read as a zip, expands past the limit, or the database fails.
/// Every record added is in the audit trail (operation `hearth import`), attributed to the ADMIN
/// `as_email` names, or else to the command itself (`audit::operator`).
pub async fn import_file(
    services: &Services,
    path: &Path,
    max_expanded_bytes: u64,
    as_email: Option<&str>,
) -> AppResult<ImportReport> {
    let context = ParseContext {
        zone: services.clock.time_zone(),
        today: services.clock.today(),
    };
    let owned = path.to_owned();
    let mut set =
        tokio::task::spawn_blocking(move || read_zip(&owned, &context, max_expanded_bytes))
            .await
            .map_err(|err| AppError::internal(format!("the import reader failed: {err}")))??;
    let txn = services.write_transaction().await?;
    let who = audit::operator(&txn, as_email, OPERATION).await?;
    let plan = resolve(&txn, &mut set, who).await?;
    let mut report = ImportReport {
        skipped: std::mem::take(&mut set.skipped),
        problems: std::mem::take(&mut set.problems),
        files: plan.tallies.clone(),
        loaded: false,
    };
    report
        .problems
        .sort_by_key(|p| (file_order(&p.file), p.line.unwrap_or(0)));
    if !report.problems.is_empty() {
        for tally in &mut report.files {
            tally.added = 0;
        }
        txn.rollback().await?;
        return Ok(report);
    }
    txn.commit().await?;
    report.loaded = true;
    Ok(report)
}

fn file_order(name: &str) -> usize {
    columns::FILES
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(columns::FILES.len())
}

// ================================================================================================
// Reading the zip: every modeled file parsed into typed rows; what does not parse is a problem.
// ================================================================================================

struct ParseContext {
    zone: Tz,
    today: NaiveDate,
}

/// The rows of one file that parsed, and every ID the file holds (a row that did not parse is still
/// in the file: records linking to it are not reported again).
struct Table<R> {
    rows: Vec<R>,
    read: usize,
    ids: HashSet<String>,
    /// The rows that did not parse, with the IDs they name: their links are checked all the same,
    /// so that every row naming a missing record is reported.
    unparsed: Vec<Unparsed>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table {
            rows: Vec::new(),
            read: 0,
            ids: HashSet::new(),
            unparsed: Vec::new(),
        }
    }
}

impl<R> Table<R> {
    /// The IDs that the rows which did not parse give in `column`.
    fn unparsed_links(&self, column: &'static str) -> impl Iterator<Item = (u64, &HudKey)> {
        self.unparsed.iter().flat_map(move |row| {
            row.links
                .iter()
                .filter(move |(c, _)| *c == column)
                .map(move |(_, key)| (row.line, key))
        })
    }
}

struct Unparsed {
    line: u64,
    links: Vec<(&'static str, HudKey)>,
}

/// The columns of each file that link to another record.
fn link_columns(file: &HmisFile) -> &'static [&'static str] {
    match file.name {
        "Project.csv" => &["OrganizationID"],
        "Enrollment.csv" | "Exit.csv" => &["PersonalID", "ProjectID", "EnrollmentID"],
        "Event.csv" => &["EnrollmentID", "PersonalID"],
        _ => &[],
    }
}

#[derive(Default)]
struct FileSet {
    /// "Today" for the date rules.
    today: NaiveDate,
    skipped: Vec<String>,
    problems: Problems,
    /// The modeled files the zip holds.
    present: Vec<&'static str>,
    users: Table<UserRow>,
    organizations: Table<OrganizationRow>,
    projects: Table<ProjectRow>,
    clients: Table<ClientRow>,
    enrollments: Table<EnrollmentRow>,
    exits: Table<ExitRow>,
    events: Table<EventRow>,
}

impl FileSet {
    fn problem(&mut self, file: &str, line: Option<u64>, reason: impl Into<String>) {
        self.problems.push(Problem {
            file: file.to_owned(),
            line,
            reason: reason.into(),
        });
    }
}

/// HUD's audit columns of a row.
#[derive(Clone)]
struct Audit {
    date_created: DateTime<Utc>,
    date_updated: DateTime<Utc>,
    date_deleted: Option<DateTime<Utc>>,
    /// UserID as given (empty: none).
    user: Option<String>,
}

struct UserRow {
    line: u64,
    key: HudKey,
    name: String,
    email: String,
    audit: Audit,
}

struct OrganizationRow {
    key: HudKey,
    name: String,
    victim_service_provider: bool,
    audit: Audit,
}

struct ProjectRow {
    line: u64,
    key: HudKey,
    organization: HudKey,
    name: String,
    project_type: ProjectType,
    operating_start_date: NaiveDate,
    operating_end_date: Option<NaiveDate>,
    continuum_project: bool,
    audit: Audit,
}

struct ClientRow {
    line: u64,
    key: HudKey,
    first_name: String,
    last_name: String,
    date_of_birth: Option<NaiveDate>,
    audit: Audit,
}

struct EnrollmentRow {
    line: u64,
    key: HudKey,
    client: HudKey,
    project: HudKey,
    entry_date: NaiveDate,
    move_in_date: Option<NaiveDate>,
    /// EnrollmentCoC (HUD 3.16) as given; empty: the project's.
    enrollment_coc: Option<String>,
    audit: Audit,
}

struct ExitRow {
    line: u64,
    key: HudKey,
    enrollment: HudKey,
    client: HudKey,
    exit_date: NaiveDate,
    destination: Option<i32>,
}

struct EventRow {
    line: u64,
    key: HudKey,
    enrollment: HudKey,
    client: HudKey,
    event_date: NaiveDate,
    event_type: CeEventType,
    prob_sol_div_rr_result: Option<i32>,
    referral_case_manage_after: Option<i32>,
    /// LocationCrisisOrPHHousing: read as the ProjectID of the project referred to, as exports write it.
    referred_project: Option<HudKey>,
    referral_result: Option<ReferralResult>,
    result_date: Option<NaiveDate>,
    audit: Audit,
}

const AUDIT: [&str; 5] = [
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// Columns Hearth reads when a file has them: HUD requires them, but files from other systems (and
/// Hearth's own exports before it kept them) may lack them, and Hearth has a default for each.
fn optional(file: &HmisFile) -> &'static [&'static str] {
    match file.name {
        "Project.csv" => &["ContinuumProject"],
        "Enrollment.csv" => &["EnrollmentCoC"],
        _ => &[],
    }
}

/// The columns Hearth reads from each file (others may be absent).
fn needed(file: &HmisFile) -> Vec<&'static str> {
    let own: &[&'static str] = match file.name {
        "Export.csv" => &["ExportID"],
        "Organization.csv" => &[
            "OrganizationID",
            "OrganizationName",
            "VictimServiceProvider",
        ],
        "User.csv" => &[
            "UserID",
            "UserFirstName",
            "UserLastName",
            "UserEmail",
            "DateCreated",
            "DateUpdated",
            "DateDeleted",
            "ExportID",
        ],
        "Project.csv" => &[
            "ProjectID",
            "OrganizationID",
            "ProjectName",
            "OperatingStartDate",
            "OperatingEndDate",
            "ProjectType",
        ],
        "Client.csv" => &["PersonalID", "FirstName", "LastName", "DOB"],
        "Enrollment.csv" => &[
            "EnrollmentID",
            "PersonalID",
            "ProjectID",
            "EntryDate",
            "MoveInDate",
        ],
        "Exit.csv" => &[
            "ExitID",
            "EnrollmentID",
            "PersonalID",
            "ExitDate",
            "Destination",
            "ExportID",
        ],
        _ => file.columns,
    };
    let mut columns = own.to_vec();
    let with_audit = matches!(
        file.name,
        "Organization.csv" | "Project.csv" | "Client.csv" | "Enrollment.csv"
    );
    if with_audit {
        columns.extend(AUDIT);
    }
    columns
}

fn read_zip(path: &Path, context: &ParseContext, max_expanded_bytes: u64) -> AppResult<FileSet> {
    let file = std::fs::File::open(path)
        .map_err(|err| AppError::bad_input(format!("cannot open {}: {err}", path.display())))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|err| {
        AppError::bad_input(format!("{} is not a zip file: {err}", path.display()))
    })?;
    let mut set = FileSet {
        today: context.today,
        ..FileSet::default()
    };
    let mut found: HashMap<&'static str, usize> = HashMap::new();
    let budget = ExpansionBudget::new(max_expanded_bytes);
    // What the zip declares its modeled files expand to; the readers count what they really do.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|err| AppError::bad_input(format!("cannot read the zip: {err}")))?;
        if entry.is_dir() {
            continue;
        }
        let path_in_zip = entry
            .name()
            .map_err(|err| AppError::bad_input(format!("cannot read the zip: {err}")))?;
        let name = path_in_zip
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        match columns::FILES
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(&name))
        {
            Some(modeled) => {
                declared = declared.saturating_add(entry.size());
                if found.insert(modeled.name, i).is_some() {
                    set.problem(modeled.name, None, "is in the zip more than once");
                } else {
                    set.present.push(modeled.name);
                }
            }
            None => set.skipped.push(name),
        }
    }
    set.skipped.sort();
    if declared > budget.limit() {
        return Err(AppError::bad_input(format!(
            "{}: {}",
            path.display(),
            budget.exceeded()
        )));
    }

    let export_id = match found.get(columns::EXPORT_FILE.name) {
        Some(&i) => read_export(&mut archive, i, &mut set, &budget)?,
        None => {
            set.problem(
                columns::EXPORT_FILE.name,
                None,
                "is missing: every HMIS CSV export has one",
            );
            None
        }
    };
    let mut reader = Reader {
        archive: &mut archive,
        found: &found,
        context,
        export_id: export_id.as_deref(),
        budget: &budget,
    };
    set.users = reader.table(&columns::USER_FILE, &mut set.problems, parse_user)?;
    set.organizations = reader.table(
        &columns::ORGANIZATION_FILE,
        &mut set.problems,
        parse_organization,
    )?;
    set.projects = reader.table(&columns::PROJECT_FILE, &mut set.problems, parse_project)?;
    set.clients = reader.table(&columns::CLIENT_FILE, &mut set.problems, parse_client)?;
    set.enrollments = reader.table(
        &columns::ENROLLMENT_FILE,
        &mut set.problems,
        parse_enrollment,
    )?;
    set.exits = reader.table(&columns::EXIT_FILE, &mut set.problems, parse_exit)?;
    set.events = reader.table(&columns::EVENT_FILE, &mut set.problems, parse_event)?;
    Ok(set)
}

/// Export.csv: exactly one row, whose ExportID every other row carries.
fn read_export<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    set: &mut FileSet,
    budget: &ExpansionBudget,
) -> AppResult<Option<String>> {
    let context = ParseContext {
        zone: Tz::UTC,
        today: NaiveDate::MAX,
    };
    let mut reader = Reader {
        archive,
        found: &HashMap::from([(columns::EXPORT_FILE.name, index)]),
        context: &context,
        export_id: None,
        budget,
    };
    let table = reader.table(&columns::EXPORT_FILE, &mut set.problems, |cells| {
        cells.key("ExportID")
    })?;
    if table.read != 1 {
        set.problem(
            columns::EXPORT_FILE.name,
            None,
            format!("has {} rows; an export has exactly one", table.read),
        );
    }
    Ok(match table.rows.as_slice() {
        [only] => Some(only.text()),
        _ => None,
    })
}

/// Why reading a CSV file stopped, if a bound of `bounds` stopped it.
fn bounded(error: &csv::Error) -> Option<&bounds::Exceeded> {
    match error.kind() {
        csv::ErrorKind::Io(io) => bounds::exceeded(io),
        _ => None,
    }
}

fn past_bounds(file: &HmisFile, error: &csv::Error) -> AppError {
    match bounded(error) {
        Some(exceeded) => AppError::bad_input(format!("{}: {exceeded}", file.name)),
        None => AppError::bad_input(format!("{}: {error}", file.name)),
    }
}

struct Reader<'a, R> {
    archive: &'a mut zip::ZipArchive<R>,
    found: &'a HashMap<&'static str, usize>,
    context: &'a ParseContext,
    export_id: Option<&'a str>,
    budget: &'a ExpansionBudget,
}

impl<R: Read + std::io::Seek> Reader<'_, R> {
    /// Parses every row of `file` with `parse` (an empty table when the zip lacks the file).
    fn table<T>(
        &mut self,
        file: &'static HmisFile,
        problems: &mut Problems,
        parse: impl Fn(&mut Cells) -> Option<T>,
    ) -> AppResult<Table<T>> {
        let mut table = Table::default();
        let Some(&index) = self.found.get(file.name) else {
            return Ok(table);
        };
        let entry = self
            .archive
            .by_index(index)
            .map_err(|err| AppError::bad_input(format!("cannot read {}: {err}", file.name)))?;
        let problem = |line: Option<u64>, reason: String| Problem {
            file: file.name.to_owned(),
            line,
            reason,
        };
        // Lines end at LF; a CR before it stays in the last field and is trimmed like any space.
        // (With CRLF as terminator the reader would number each record's line one too low.)
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(std::io::BufReader::new(self.budget.reader(entry)));
        let header = match csv.headers() {
            Ok(header) => header.clone(),
            Err(err) if bounded(&err).is_some() => return Err(past_bounds(file, &err)),
            Err(err) => {
                problems.push(problem(Some(1), format!("cannot read the header: {err}")));
                return Ok(table);
            }
        };
        let mut positions: HashMap<String, usize> = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase();
            positions.entry(name).or_insert(i);
        }
        let mut index = HashMap::new();
        let mut missing = Vec::new();
        for column in needed(file) {
            match positions.get(&column.to_ascii_lowercase()) {
                Some(&i) => {
                    index.insert(column, i);
                }
                None => missing.push(column),
            }
        }
        for column in optional(file) {
            if let Some(&i) = positions.get(&column.to_ascii_lowercase()) {
                index.insert(column, i);
            }
        }
        if !missing.is_empty() {
            problems.push(problem(
                Some(1),
                format!(
                    "the header lacks {}; its rows were not read",
                    missing.join(", ")
                ),
            ));
            return Ok(table);
        }
        let id_column = file.columns[0];
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let mut record = csv::StringRecord::new();
        loop {
            let line = csv.position().line();
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                // The zip expands too far or a line never ends: stop, whatever the other rows hold.
                Err(err) if bounded(&err).is_some() => return Err(past_bounds(file, &err)),
                Err(err) => {
                    table.read += 1;
                    let line = err.position().map_or(line, |p| p.line());
                    problems.push(problem(Some(line), format!("cannot be read: {err}")));
                    continue;
                }
            }
            table.read += 1;
            let line = record.position().map_or(line, |p| p.line());
            if record.len() != header.len() {
                problems.push(problem(
                    Some(line),
                    format!(
                        "has {} fields; the header has {}",
                        record.len(),
                        header.len()
                    ),
                ));
                continue;
            }
            let mut cells = Cells {
                record: &record,
                index: &index,
                context: self.context,
                reasons: Vec::new(),
                line,
            };
            let id = cells.raw(id_column).to_owned();
            if !id.is_empty() {
                table.ids.insert(id.clone());
                if let Some(first) = first_line.get(&id) {
                    problems.push(problem(
                        Some(line),
                        format!("{id_column} \"{id}\" is already on line {first}"),
                    ));
                    continue;
                }
                first_line.insert(id, line);
            }
            if let Some(expected) = self.export_id {
                let given = cells.raw("ExportID");
                if given != expected {
                    cells.bad(format!(
                        "ExportID \"{given}\" is not the ExportID of Export.csv (\"{expected}\")"
                    ));
                }
            }
            let parsed = parse(&mut cells);
            let reasons = std::mem::take(&mut cells.reasons);
            match parsed {
                Some(row) if reasons.is_empty() => table.rows.push(row),
                _ => {
                    problems.extend(reasons.into_iter().map(|r| problem(Some(line), r)));
                    if problems.is_full() {
                        // Past the report's limit rows are only counted: what they link to no
                        // longer needs explaining.
                        continue;
                    }
                    let links = link_columns(file)
                        .iter()
                        .filter(|column| index.contains_key(*column))
                        .filter_map(|column| {
                            let key = HudKey::parse(cells.raw(column)).ok().flatten()?;
                            Some((*column, key))
                        })
                        .collect();
                    table.unparsed.push(Unparsed { line, links });
                }
            }
        }
        Ok(table)
    }
}

/// One row's fields, read by HUD column name. Each reader notes what is wrong and returns `None`
/// then, so that a row's every problem is reported at once.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'static str, usize>,
    context: &'a ParseContext,
    reasons: Vec<String>,
    line: u64,
}

impl Cells<'_> {
    fn raw(&self, column: &'static str) -> &str {
        self.index
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or_default()
    }

    fn bad(&mut self, reason: impl Into<String>) {
        self.reasons.push(reason.into());
    }

    /// A required HUD ID.
    fn key(&mut self, column: &'static str) -> Option<HudKey> {
        match HudKey::parse(self.raw(column)) {
            Ok(Some(key)) => Some(key),
            Ok(None) => {
                self.bad(format!("{column} is empty"));
                None
            }
            Err(reason) => {
                self.bad(format!("{column} {reason}"));
                None
            }
        }
    }

    /// A text checked by one of the domain's validators (which trim it).
    fn text(
        &mut self,
        column: &'static str,
        check: fn(&str, &str) -> AppResult<String>,
    ) -> Option<String> {
        let checked = check(column, self.raw(column));
        checked.map_err(|err| self.bad(err.to_string())).ok()
    }

    /// `Some(None)` when empty, `None` when not a date.
    fn optional_date(&mut self, column: &'static str) -> Option<Option<NaiveDate>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match format::parse_date(&raw) {
            Some(date) => Some(Some(date)),
            None => {
                self.bad(format!("{column} \"{raw}\" is not a date (yyyy-mm-dd)"));
                None
            }
        }
    }

    fn date(&mut self, column: &'static str) -> Option<NaiveDate> {
        let date = self.optional_date(column)?;
        if date.is_none() {
            self.bad(format!("{column} is empty"));
        }
        date
    }

    fn optional_timestamp(&mut self, column: &'static str) -> Option<Option<DateTime<Utc>>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match format::parse_timestamp(&raw, self.context.zone) {
            Some(instant) => Some(Some(instant)),
            None => {
                self.bad(format!(
                    "{column} \"{raw}\" is not a timestamp (yyyy-mm-dd hh:mm:ss)"
                ));
                None
            }
        }
    }

    fn timestamp(&mut self, column: &'static str) -> Option<DateTime<Utc>> {
        let instant = self.optional_timestamp(column)?;
        if instant.is_none() {
            self.bad(format!("{column} is empty"));
        }
        instant
    }

    /// An integer code from HUD's list `list` (named in the message); `Some(None)` when empty.
    fn optional_code(
        &mut self,
        column: &'static str,
        allowed: impl Fn(i32) -> bool,
        list: &str,
    ) -> Option<Option<i32>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match raw.parse::<i32>() {
            Ok(code) if allowed(code) => Some(Some(code)),
            _ => {
                self.bad(format!("{column} \"{raw}\" is not a code of {list}"));
                None
            }
        }
    }

    fn code(
        &mut self,
        column: &'static str,
        allowed: impl Fn(i32) -> bool,
        list: &str,
    ) -> Option<i32> {
        let code = self.optional_code(column, allowed, list)?;
        if code.is_none() {
            self.bad(format!("{column} is empty; {list} is required"));
        }
        code
    }

    fn not_in_future(&mut self, column: &str, date: Option<NaiveDate>) {
        if let Some(date) = date
            && let Err(err) = values::not_in_future(column, date, self.context.today)
        {
            self.bad(err.to_string());
        }
    }

    fn not_before_1900(&mut self, column: &str, date: Option<NaiveDate>) {
        if let Some(date) = date
            && let Err(err) = values::not_before_1900(column, date)
        {
            self.bad(err.to_string());
        }
    }

    /// A UserID: optional, kept as given.
    fn user(&mut self, column: &'static str) -> Option<Option<String>> {
        match HudKey::parse(self.raw(column)) {
            Ok(key) => Some(key.map(|k| k.text())),
            Err(reason) => {
                self.bad(format!("{column} {reason}"));
                None
            }
        }
    }

    fn audit(&mut self) -> Option<Audit> {
        let date_created = self.timestamp("DateCreated");
        let date_updated = self.timestamp("DateUpdated");
        let date_deleted = self.optional_timestamp("DateDeleted");
        let user = self.user("UserID");
        Some(Audit {
            date_created: date_created?,
            date_updated: date_updated?,
            date_deleted: date_deleted?,
            user: user?,
        })
    }
}

const NO_YES: &str = "HUD list 1.1 (0 No, 1 Yes)";

fn no_yes(code: i32) -> bool {
    code == 0 || code == 1
}

fn parse_user(c: &mut Cells) -> Option<UserRow> {
    let key = c.key("UserID");
    let first = c.raw("UserFirstName").to_owned();
    let last = c.raw("UserLastName").to_owned();
    let email = c.text("UserEmail", |_, raw| {
        if raw.trim().is_empty() {
            return Err(AppError::bad_input(
                "UserEmail is empty: a Hearth user is known by an email address",
            ));
        }
        values::email(raw)
    });
    let joined = format!("{first} {last}").trim().to_owned();
    let name = match (&email, joined.is_empty()) {
        (Some(email), true) => Some(email.clone()),
        _ => c.text_value(
            "UserFirstName and UserLastName",
            &joined,
            values::display_name,
        ),
    };
    let date_created = c.timestamp("DateCreated");
    let date_updated = c.timestamp("DateUpdated");
    let date_deleted = c.optional_timestamp("DateDeleted");
    Some(UserRow {
        line: c.line,
        key: key?,
        name: name?,
        email: email?,
        audit: Audit {
            date_created: date_created?,
            date_updated: date_updated?,
            date_deleted: date_deleted?,
            user: None,
        },
    })
}

impl Cells<'_> {
    /// As [`Cells::text`], for a value made of several columns.
    fn text_value(
        &mut self,
        what: &str,
        value: &str,
        check: fn(&str, &str) -> AppResult<String>,
    ) -> Option<String> {
        check(what, value)
            .map_err(|err| self.bad(err.to_string()))
            .ok()
    }
}

fn parse_organization(c: &mut Cells) -> Option<OrganizationRow> {
    let key = c.key("OrganizationID");
    let name = c.text("OrganizationName", values::display_name);
    let victim_service_provider = c.code("VictimServiceProvider", no_yes, NO_YES);
    let audit = c.audit();
    Some(OrganizationRow {
        key: key?,
        name: name?,
        victim_service_provider: victim_service_provider? == 1,
        audit: audit?,
    })
}

fn parse_project(c: &mut Cells) -> Option<ProjectRow> {
    let key = c.key("ProjectID");
    let organization = c.key("OrganizationID");
    let name = c.text("ProjectName", values::display_name);
    let project_type = c.code(
        "ProjectType",
        |code| ProjectType::from_code(code).is_some(),
        "HUD 2.02.6 Project Type",
    );
    let start = c.date("OperatingStartDate");
    c.not_before_1900("OperatingStartDate", start);
    let end = c.optional_date("OperatingEndDate");
    if let (Some(start), Some(Some(end))) = (start, end)
        && end < start
    {
        c.bad(format!(
            "OperatingEndDate {end} is before OperatingStartDate {start}"
        ));
    }
    // HUD 2.02.5: 0 No, 1 Yes; a file without it keeps Hearth's default (a CoC project).
    let continuum = c.optional_code(
        "ContinuumProject",
        |code| code == 0 || code == 1,
        "HUD 1.1 No/Yes",
    );
    let audit = c.audit();
    Some(ProjectRow {
        line: c.line,
        continuum_project: continuum?.is_none_or(|code| code == 1),
        key: key?,
        organization: organization?,
        name: name?,
        project_type: ProjectType::from_code(project_type?)?,
        operating_start_date: start?,
        operating_end_date: end?,
        audit: audit?,
    })
}

fn parse_client(c: &mut Cells) -> Option<ClientRow> {
    let key = c.key("PersonalID");
    let first_name = c.text("FirstName", values::person_name);
    let last_name = c.text("LastName", values::person_name);
    let dob = c.optional_date("DOB");
    c.not_before_1900("DOB", dob.flatten());
    c.not_in_future("DOB", dob.flatten());
    let audit = c.audit();
    Some(ClientRow {
        line: c.line,
        key: key?,
        first_name: first_name?,
        last_name: last_name?,
        date_of_birth: dob?,
        audit: audit?,
    })
}

fn parse_enrollment(c: &mut Cells) -> Option<EnrollmentRow> {
    let key = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let project = c.key("ProjectID");
    let entry = c.date("EntryDate");
    c.not_before_1900("EntryDate", entry);
    // The workflow's date rules are applied with the project's facts (`domain::rules`).
    let move_in = c.optional_date("MoveInDate");
    let coc = match c.raw("EnrollmentCoC") {
        "" => Some(None),
        _ => c.text("EnrollmentCoC", values::coc_code).map(Some),
    };
    let audit = c.audit();
    Some(EnrollmentRow {
        enrollment_coc: coc?,
        line: c.line,
        key: key?,
        client: client?,
        project: project?,
        entry_date: entry?,
        move_in_date: move_in?,
        audit: audit?,
    })
}

fn parse_exit(c: &mut Cells) -> Option<ExitRow> {
    let key = c.key("ExitID");
    let enrollment = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let exit = c.date("ExitDate");
    let destination = c.optional_code(
        "Destination",
        |code| DESTINATION_CODES.contains(&code),
        "HUD 3.12 Destination",
    );
    Some(ExitRow {
        line: c.line,
        key: key?,
        enrollment: enrollment?,
        client: client?,
        exit_date: exit?,
        destination: destination?,
    })
}

fn parse_event(c: &mut Cells) -> Option<EventRow> {
    let key = c.key("EventID");
    let enrollment = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let date = c.date("EventDate");
    let event_type = c
        .code(
            "Event",
            |code| CeEventType::from_code(code).is_some(),
            "HUD 4.20.2 Event",
        )
        .and_then(CeEventType::from_code);
    let prob_sol = c.optional_code("ProbSolDivRRResult", no_yes, NO_YES);
    let case_manage = c.optional_code("ReferralCaseManageAfter", no_yes, NO_YES);
    let location = c.raw("LocationCrisisOrPHHousing").to_owned();
    let result = c
        .optional_code(
            "ReferralResult",
            |code| ReferralResult::from_code(code).is_some(),
            "HUD 4.20.D Referral Result",
        )
        .map(|code| code.and_then(ReferralResult::from_code));
    let result_date = c.optional_date("ResultDate");
    let audit = c.audit();

    // HUD 4.20's dependent fields, by event type.
    let mut referred_project = Some(None);
    if let Some(event_type) = event_type {
        let code = event_type.code();
        let dependent = [
            (
                DependentField::SafeAlternativeHoused,
                prob_sol.flatten().is_some(),
            ),
            (
                DependentField::EnrolledInAftercare,
                case_manage.flatten().is_some(),
            ),
        ];
        for broken in rules::ce_event::dependent_fields(event_type, &dependent) {
            c.bad(broken.describe(Wording::Hud));
        }
        let named = !location.is_empty();
        match rules::ce_event::names_project(event_type, named) {
            Some(broken) => c.bad(broken.describe(Wording::Hud)),
            None if named => match HudKey::parse(&location) {
                Ok(key) => referred_project = Some(key),
                Err(_) => {
                    c.bad(format!(
                        "LocationCrisisOrPHHousing \"{location}\" is no ProjectID: Hearth reads it \
                         as the ProjectID of the project referred to"
                    ));
                    referred_project = None;
                }
            },
            None => {}
        }
        if !event_type.carries_result() && result.flatten().is_some() {
            c.bad(format!(
                "ReferralResult is only for housing referrals (Event 10-15, 18), not Event {code}"
            ));
        }
    }
    // The result's date: the same rule as resolveReferral's (`domain::rules`).
    if let (Some(event_type), Some(date), Some(Some(result_date))) = (event_type, date, result_date)
    {
        for broken in rules::ce_event::result(event_type, date, result_date, c.context.today) {
            c.bad(broken.describe(Wording::Hud));
        }
    }
    if let Some(event_type) = event_type
        && event_type.carries_result()
    {
        match (result.flatten(), result_date.flatten()) {
            (Some(_), None) if result_date.is_some() => {
                c.bad("ResultDate is empty; a referral with a ReferralResult has one")
            }
            (None, Some(_)) if result.is_some() => {
                c.bad("ResultDate is given but ReferralResult is empty")
            }
            _ => {}
        }
    }
    Some(EventRow {
        line: c.line,
        key: key?,
        enrollment: enrollment?,
        client: client?,
        event_date: date?,
        event_type: event_type?,
        prob_sol_div_rr_result: prob_sol?,
        referral_case_manage_after: case_manage?,
        referred_project: referred_project?,
        referral_result: result?,
        result_date: result_date?,
        audit: audit?,
    })
}

// ================================================================================================
// Resolving: which records exist already, what each link names, and the workflow's rules across
// rows. Every problem is noted; the plan is written only when there is none.
// ================================================================================================

/// Tables whose records are found by HUD ID: the UUID, or the kept `hud_id`.
trait Keyed: EntityTrait {
    fn id_column() -> Self::Column;
    fn hud_id_column() -> Self::Column;
    fn id_of(model: &Self::Model) -> Uuid;
    fn hud_id_of(model: &Self::Model) -> Option<&str>;
}

macro_rules! keyed {
    ($($module:ident),+) => {$(
        impl Keyed for $module::Entity {
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
            fn hud_id_column() -> Self::Column {
                $module::Column::HudId
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
            fn hud_id_of(model: &Self::Model) -> Option<&str> {
                model.hud_id.as_deref()
            }
        }
    )+};
}

/// A table the import writes, each row with its id (for its audit row).
trait Written: EntityTrait {
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! written {
    ($($module:ident),+) => {$(
        impl Written for $module::Entity {
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
        }
    )+};
}

written!(
    organization,
    project,
    ce_participation,
    client,
    enrollment,
    ce_event,
    app_user
);

keyed!(
    organization,
    project,
    client,
    enrollment,
    ce_event,
    app_user
);

/// The records of `E` that `keys` name, by each key's text.
async fn find_keyed<E: Keyed>(
    conn: &DatabaseTransaction,
    keys: impl IntoIterator<Item = HudKey>,
) -> AppResult<HashMap<String, E::Model>>
where
    E::Model: Clone,
{
    let keys: Vec<HudKey> = keys
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        let mut ids = Vec::new();
        let mut hud_ids = Vec::new();
        for key in chunk {
            match key {
                HudKey::Uuid(id) => ids.push(*id),
                HudKey::Hud(text) => hud_ids.push(text.clone()),
            }
        }
        let mut condition = Condition::any();
        if !ids.is_empty() {
            condition = condition.add(E::id_column().is_in(ids));
        }
        if !hud_ids.is_empty() {
            condition = condition.add(E::hud_id_column().is_in(hud_ids));
        }
        for model in E::find().filter(condition).all(conn).await? {
            if let Some(hud) = E::hud_id_of(&model) {
                found.insert(hud.to_owned(), model.clone());
            }
            found.insert(E::id_of(&model).simple().to_string(), model);
        }
    }
    Ok(found)
}

/// Where a row's record goes: its id, and whether Hearth has it already (then it is left alone).
#[derive(Clone, Copy)]
struct Target {
    id: Uuid,
    present: bool,
}

fn target<E: Keyed>(key: &HudKey, existing: &HashMap<String, E::Model>) -> Target {
    match existing.get(&key.text()) {
        Some(model) => Target {
            id: E::id_of(model),
            present: true,
        },
        None => Target {
            id: match key {
                HudKey::Uuid(id) => *id,
                HudKey::Hud(_) => new_id(),
            },
            present: false,
        },
    }
}

/// What a link names: a record (of the file set or of Hearth), a bad row of the file set (already
/// reported), or nothing.
enum Link<T> {
    Found(T),
    BadRow,
    Missing,
}

/// The records of one kind that links may name, by HUD ID.
struct Known<T> {
    file: HashMap<String, T>,
    file_ids: HashSet<String>,
    hearth: HashMap<String, T>,
}

impl<T: Clone> Known<T> {
    fn new(file_ids: &HashSet<String>) -> Self {
        Known {
            file: HashMap::new(),
            file_ids: file_ids.clone(),
            hearth: HashMap::new(),
        }
    }

    fn link(&self, key: &HudKey) -> Link<T> {
        let text = key.text();
        if let Some(found) = self.file.get(&text).or_else(|| self.hearth.get(&text)) {
            return Link::Found(found.clone());
        }
        if self.file_ids.contains(&text) {
            Link::BadRow
        } else {
            Link::Missing
        }
    }

    /// The keys among `keys` that the file set does not hold: to look up in Hearth.
    fn outside<'k>(&self, keys: impl Iterator<Item = &'k HudKey>) -> Vec<HudKey> {
        keys.filter(|k| !self.file_ids.contains(&k.text()))
            .cloned()
            .collect()
    }
}

#[derive(Clone)]
struct ProjectInfo {
    id: Uuid,
    organization_id: Option<Uuid>,
    project_type: ProjectType,
    operating_start_date: NaiveDate,
    operating_end_date: Option<NaiveDate>,
    /// Its HUD 2.09 periods (rule D4): a new project's first one, or a Hearth project's stored ones.
    participation: Vec<ce_participation::Model>,
}

impl ProjectInfo {
    fn of(model: &project::Model) -> Option<ProjectInfo> {
        Some(ProjectInfo {
            id: model.id,
            organization_id: Some(model.organization_id),
            project_type: ProjectType::from_code(model.project_type)?,
            operating_start_date: model.operating_start_date,
            operating_end_date: model.operating_end_date,
            participation: Vec::new(),
        })
    }
}

/// The stored HUD 2.09 periods of `projects`, by project.
async fn stored_participation(
    txn: &DatabaseTransaction,
    projects: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, Vec<ce_participation::Model>>> {
    let mut periods: HashMap<Uuid, Vec<ce_participation::Model>> = HashMap::new();
    for chunk in projects.chunks(CHUNK) {
        for period in ce_participation::Entity::find()
            .filter(ce_participation::Column::ProjectId.is_in(chunk.to_vec()))
            .filter(ce_participation::Column::DateDeleted.is_null())
            .all(txn)
            .await?
        {
            periods.entry(period.project_id).or_default().push(period);
        }
    }
    Ok(periods)
}

#[derive(Clone)]
struct EnrollmentInfo {
    id: Uuid,
    client_id: Option<Uuid>,
    project: Option<ProjectInfo>,
    entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
}

/// The records to add (until written), and the tallies to report.
#[derive(Default)]
struct Plan {
    users: Vec<app_user::ActiveModel>,
    organizations: Vec<organization::ActiveModel>,
    projects: Vec<project::ActiveModel>,
    participations: Vec<ce_participation::ActiveModel>,
    clients: Vec<client::ActiveModel>,
    enrollments: Vec<enrollment::ActiveModel>,
    events: Vec<ce_event::ActiveModel>,
    tallies: Vec<FileTally>,
    /// Whom the audit trail names for the records added.
    who: Option<audit::Who>,
}

impl Plan {
    fn tally(&mut self, set: &FileSet, file: &'static HmisFile, rows: usize, targets: &[Target]) {
        if !set.present.contains(&file.name) {
            return;
        }
        let present = targets.iter().filter(|t| t.present).count();
        self.tallies.push(FileTally {
            file: file.name,
            rows,
            added: targets.len() - present,
            present,
        });
    }

    /// Inserts the new records resolved so far, referenced records first, when `write`; drops them
    /// either way.
    async fn flush(&mut self, txn: &DatabaseTransaction, write: bool) -> AppResult<()> {
        let users = std::mem::take(&mut self.users);
        let organizations = std::mem::take(&mut self.organizations);
        let projects = std::mem::take(&mut self.projects);
        let participations = std::mem::take(&mut self.participations);
        let clients = std::mem::take(&mut self.clients);
        let enrollments = std::mem::take(&mut self.enrollments);
        let events = std::mem::take(&mut self.events);
        let Some(who) = self.who.filter(|_| write) else {
            return Ok(());
        };
        insert_all::<app_user::Entity, _>(txn, who, users).await?;
        insert_all::<organization::Entity, _>(txn, who, organizations).await?;
        insert_all::<project::Entity, _>(txn, who, projects).await?;
        insert_all::<ce_participation::Entity, _>(txn, who, participations).await?;
        insert_all::<client::Entity, _>(txn, who, clients).await?;
        insert_all::<enrollment::Entity, _>(txn, who, enrollments).await?;
        insert_all::<ce_event::Entity, _>(txn, who, events).await?;
        Ok(())
    }
}

/// Inserts `models` in chunks, each with its audit rows (one per record, in the same transaction).
async fn insert_all<E, A>(
    txn: &DatabaseTransaction,
    who: audit::Who,
    models: Vec<A>,
) -> AppResult<()>
where
    E: Written,
    E::Model: serde::Serialize,
    A: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model> + Send,
{
    let record_type = E::default().table_name().to_owned();
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(INSERT_CHUNK).collect();
        let records = chunk
            .iter()
            .map(|model| model.clone().try_into_model())
            .collect::<Result<Vec<E::Model>, _>>()?;
        let trail = audit::creations(
            who,
            OPERATION,
            &record_type,
            records
                .iter()
                .map(|record| (<E as Written>::id_of(record), record)),
        )?;
        E::insert_many(chunk).exec_without_returning(txn).await?;
        audit_event::Entity::insert_many(trail)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// UserIDs as they resolve: a user of User.csv or of Hearth, else kept as given.
struct Users {
    known: Known<Uuid>,
}

impl Users {
    /// (`user_id`, `hud_user_id`) for a row's UserID.
    fn of(&self, raw: &Option<String>) -> (Option<Uuid>, Option<String>) {
        let Some(raw) = raw else {
            return (None, None);
        };
        let found = HudKey::parse(raw)
            .ok()
            .flatten()
            .and_then(|key| match self.known.link(&key) {
                Link::Found(id) => Some(id),
                Link::BadRow | Link::Missing => None,
            });
        match found {
            Some(id) => (Some(id), None),
            None => (None, Some(raw.clone())),
        }
    }
}

fn exit_without_enrollment(key: &HudKey) -> String {
    format!(
        "EnrollmentID \"{}\" is not in Enrollment.csv (Hearth keeps an exit on its enrollment: \
         they are imported together)",
        key.text()
    )
}

fn missing(column: &str, key: &HudKey, file: &HmisFile, what: &str) -> String {
    format!(
        "{column} \"{}\" is not in {} and names no {what} in Hearth",
        key.text(),
        file.name
    )
}

async fn resolve(txn: &DatabaseTransaction, set: &mut FileSet, who: audit::Who) -> AppResult<Plan> {
    let mut plan = Plan {
        who: Some(who),
        ..Plan::default()
    };
    let mut problems = Breaks(Problems::default());
    // Records are written table by table as they are resolved (the transaction makes it all or
    // nothing), so that memory holds one table's new records at a time; after the first problem
    // nothing more is written, and the caller rolls back.
    let clean = |problems: &Breaks| set.problems.is_empty() && problems.0.is_empty();

    // Users: User.csv's, and Hearth's that other rows name. An email belongs to one user.
    let existing =
        find_keyed::<app_user::Entity>(txn, set.users.rows.iter().map(|u| u.key.clone())).await?;
    let mut users = Users {
        known: Known::new(&set.users.ids),
    };
    let emails: Vec<String> = set.users.rows.iter().map(|u| u.email.clone()).collect();
    let mut taken: HashMap<String, Uuid> = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        let owners = app_user::Entity::find()
            .filter(app_user::Column::Email.is_in(chunk.to_vec()))
            .all(txn)
            .await?;
        taken.extend(owners.into_iter().map(|u| (u.email, u.id)));
    }
    let mut first_with_email: HashMap<String, u64> = HashMap::new();
    let mut targets = Vec::new();
    for row in &set.users.rows {
        let target = target::<app_user::Entity>(&row.key, &existing);
        if let Some(first) = first_with_email.insert(row.email.clone(), row.line) {
            problems.add(
                &columns::USER_FILE,
                row.line,
                format!("UserEmail {} is already on line {first}", row.email),
            );
        }
        if let Some(owner) = taken.get(&row.email)
            && *owner != target.id
        {
            problems.add(
                &columns::USER_FILE,
                row.line,
                format!(
                    "UserEmail {} belongs to another Hearth user ({})",
                    row.email,
                    owner.simple()
                ),
            );
        }
        users.known.file.insert(row.key.text(), target.id);
        if !target.present {
            plan.users.push(app_user::ActiveModel {
                id: Set(target.id),
                email: Set(row.email.clone()),
                name: Set(row.name.clone()),
                date_created: Set(row.audit.date_created),
                date_updated: Set(row.audit.date_updated),
                date_deleted: Set(row.audit.date_deleted),
                hud_id: Set(row.key.imported()),
            });
        }
        targets.push(target);
    }
    plan.tally(set, &columns::USER_FILE, set.users.read, &targets);
    let named_keys: HashSet<HudKey> = set
        .organizations
        .rows
        .iter()
        .map(|r| &r.audit)
        .chain(set.projects.rows.iter().map(|r| &r.audit))
        .chain(set.clients.rows.iter().map(|r| &r.audit))
        .chain(set.enrollments.rows.iter().map(|r| &r.audit))
        .chain(set.events.rows.iter().map(|r| &r.audit))
        .filter_map(|a| HudKey::parse(a.user.as_deref()?).ok().flatten())
        .collect();
    let outside = users.known.outside(named_keys.iter());
    for (key, user) in find_keyed::<app_user::Entity>(txn, outside).await? {
        users.known.hearth.insert(key, user.id);
    }

    // Organizations.
    let existing = find_keyed::<organization::Entity>(
        txn,
        set.organizations.rows.iter().map(|o| o.key.clone()),
    )
    .await?;
    let mut organizations: Known<Uuid> = Known::new(&set.organizations.ids);
    let mut targets = Vec::new();
    for row in &set.organizations.rows {
        let target = target::<organization::Entity>(&row.key, &existing);
        organizations.file.insert(row.key.text(), target.id);
        if !target.present {
            let (user_id, hud_user_id) = users.of(&row.audit.user);
            plan.organizations.push(organization::ActiveModel {
                id: Set(target.id),
                name: Set(row.name.clone()),
                victim_service_provider: Set(row.victim_service_provider),
                date_created: Set(row.audit.date_created),
                date_updated: Set(row.audit.date_updated),
                user_id: Set(user_id),
                date_deleted: Set(row.audit.date_deleted),
                hud_id: Set(row.key.imported()),
                hud_user_id: Set(hud_user_id),
            });
        }
        targets.push(target);
    }
    plan.tally(
        set,
        &columns::ORGANIZATION_FILE,
        set.organizations.read,
        &targets,
    );
    let outside = organizations.outside(
        set.projects.rows.iter().map(|p| &p.organization).chain(
            set.projects
                .unparsed_links("OrganizationID")
                .map(|(_, k)| k),
        ),
    );
    for (key, org) in find_keyed::<organization::Entity>(txn, outside).await? {
        organizations.hearth.insert(key, org.id);
    }
    for (line, key) in set.projects.unparsed_links("OrganizationID") {
        if let Link::Missing = organizations.link(key) {
            let reason = missing(
                "OrganizationID",
                key,
                &columns::ORGANIZATION_FILE,
                "organization",
            );
            problems.add(&columns::PROJECT_FILE, line, reason);
        }
    }

    // Projects.
    let existing =
        find_keyed::<project::Entity>(txn, set.projects.rows.iter().map(|p| p.key.clone())).await?;
    let mut projects: Known<ProjectInfo> = Known::new(&set.projects.ids);
    let mut targets = Vec::new();
    for row in &set.projects.rows {
        let target = target::<project::Entity>(&row.key, &existing);
        let organization_id = match organizations.link(&row.organization) {
            Link::Found(id) => Some(id),
            Link::BadRow => None,
            Link::Missing => {
                problems.add(
                    &columns::PROJECT_FILE,
                    row.line,
                    missing(
                        "OrganizationID",
                        &row.organization,
                        &columns::ORGANIZATION_FILE,
                        "organization",
                    ),
                );
                None
            }
        };
        let mut info = ProjectInfo {
            id: target.id,
            organization_id,
            project_type: row.project_type,
            operating_start_date: row.operating_start_date,
            operating_end_date: row.operating_end_date,
            participation: Vec::new(),
        };
        if !target.present
            && let Some(organization_id) = organization_id
        {
            let (user_id, hud_user_id) = users.of(&row.audit.user);
            let imported = project::ActiveModel {
                id: Set(target.id),
                organization_id: Set(organization_id),
                name: Set(row.name.clone()),
                project_type: Set(row.project_type.code()),
                operating_start_date: Set(row.operating_start_date),
                operating_end_date: Set(row.operating_end_date),
                date_created: Set(row.audit.date_created),
                date_updated: Set(row.audit.date_updated),
                user_id: Set(user_id),
                date_deleted: Set(row.audit.date_deleted),
                hud_id: Set(row.key.imported()),
                hud_user_id: Set(hud_user_id),
                // Project.csv carries no CoC code (ProjectCoC.csv does, which Hearth does not
                // read): an imported project is in the community's CoC.
                coc_code: Set(None),
                continuum_project: Set(row.continuum_project),
            };
            // The FY2024 files carry no 2.09: the project takes the roles a new one gets.
            let imported = imported.try_into_model()?;
            let first = service::ce_participation::first_period(
                &imported,
                service::ce_participation::Roles::default_for(row.project_type),
            );
            info.participation.push(first.clone().try_into_model()?);
            plan.participations.push(first);
            plan.projects.push(imported.into());
        }
        projects.file.insert(row.key.text(), info);
        targets.push(target);
    }
    plan.tally(set, &columns::PROJECT_FILE, set.projects.read, &targets);
    let referred = set
        .events
        .rows
        .iter()
        .filter_map(|e| e.referred_project.as_ref());
    let outside = projects.outside(
        set.enrollments
            .rows
            .iter()
            .map(|e| &e.project)
            .chain(referred)
            .chain(set.enrollments.unparsed_links("ProjectID").map(|(_, k)| k)),
    );
    for (key, model) in find_keyed::<project::Entity>(txn, outside).await? {
        if let Some(info) = ProjectInfo::of(&model) {
            projects.hearth.insert(key, info);
        }
    }
    // Projects Hearth already has keep their stored 2.09 periods.
    let stored: Vec<Uuid> = targets
        .iter()
        .filter(|t| t.present)
        .map(|t| t.id)
        .chain(projects.hearth.values().map(|p| p.id))
        .collect();
    let mut periods = stored_participation(txn, stored).await?;
    for info in projects
        .file
        .values_mut()
        .chain(projects.hearth.values_mut())
    {
        if let Some(stored) = periods.remove(&info.id) {
            info.participation = stored;
        }
    }
    for (line, key) in set.enrollments.unparsed_links("ProjectID") {
        if let Link::Missing = projects.link(key) {
            let reason = missing("ProjectID", key, &columns::PROJECT_FILE, "project");
            problems.add(&columns::ENROLLMENT_FILE, line, reason);
        }
    }

    plan.flush(txn, clean(&problems)).await?;

    // Clients: their targets now; their rows once the enrollments say which organization sees them.
    let existing =
        find_keyed::<client::Entity>(txn, set.clients.rows.iter().map(|c| c.key.clone())).await?;
    let mut clients: Known<Uuid> = Known::new(&set.clients.ids);
    let client_targets: Vec<Target> = set
        .clients
        .rows
        .iter()
        .map(|row| target::<client::Entity>(&row.key, &existing))
        .collect();
    for (row, target) in set.clients.rows.iter().zip(&client_targets) {
        clients.file.insert(row.key.text(), target.id);
    }
    let outside = clients.outside(
        set.enrollments
            .rows
            .iter()
            .map(|e| &e.client)
            .chain(set.events.rows.iter().map(|e| &e.client))
            .chain(set.enrollments.unparsed_links("PersonalID").map(|(_, k)| k))
            .chain(set.events.unparsed_links("PersonalID").map(|(_, k)| k)),
    );
    for (key, model) in find_keyed::<client::Entity>(txn, outside).await? {
        clients.hearth.insert(key, model.id);
    }
    for (line, key) in set.enrollments.unparsed_links("PersonalID") {
        if let Link::Missing = clients.link(key) {
            let reason = missing("PersonalID", key, &columns::CLIENT_FILE, "client");
            problems.add(&columns::ENROLLMENT_FILE, line, reason);
        }
    }

    // Exits, by the enrollment they close (which must be in Enrollment.csv: Hearth keeps the exit on
    // the enrollment row).
    let enrollment_rows: HashMap<String, &EnrollmentRow> = set
        .enrollments
        .rows
        .iter()
        .map(|e| (e.key.text(), e))
        .collect();
    let mut exits: HashMap<String, &ExitRow> = HashMap::new();
    for (line, key) in set.exits.unparsed_links("EnrollmentID") {
        if !set.enrollments.ids.contains(&key.text()) {
            problems.add(&columns::EXIT_FILE, line, exit_without_enrollment(key));
        }
    }
    for row in &set.exits.rows {
        let enrollment_key = row.enrollment.text();
        let Some(enrollment) = enrollment_rows.get(&enrollment_key) else {
            if !set.enrollments.ids.contains(&enrollment_key) {
                problems.add(
                    &columns::EXIT_FILE,
                    row.line,
                    exit_without_enrollment(&row.enrollment),
                );
            }
            continue;
        };
        if enrollment.client != row.client {
            problems.add(
                &columns::EXIT_FILE,
                row.line,
                format!(
                    "PersonalID \"{}\" is not the client of enrollment \"{enrollment_key}\" (\"{}\")",
                    row.client.text(),
                    enrollment.client.text()
                ),
            );
        }
        if let Some(first) = exits.get(&enrollment_key) {
            problems.add(
                &columns::EXIT_FILE,
                row.line,
                format!(
                    "enrollment \"{enrollment_key}\" already exits on line {}; an enrollment exits \
                     once",
                    first.line
                ),
            );
            continue;
        }
        let broken = rules::enrollment::exit(
            row.exit_date,
            enrollment.entry_date,
            enrollment.move_in_date,
            set.today,
        );
        for broken in broken {
            problems.add(&columns::EXIT_FILE, row.line, broken.describe(Wording::Hud));
        }
        exits.insert(enrollment_key, row);
    }

    // Enrollments.
    let existing =
        find_keyed::<enrollment::Entity>(txn, set.enrollments.rows.iter().map(|e| e.key.clone()))
            .await?;
    let mut enrollments: Known<EnrollmentInfo> = Known::new(&set.enrollments.ids);
    let mut targets = Vec::new();
    // For the overlap rule and each client's organization: (client, project) -> enrollments.
    let mut spans: Vec<Span> = Vec::new();
    for row in &set.enrollments.rows {
        let target = target::<enrollment::Entity>(&row.key, &existing);
        let exit = exits.get(&row.key.text()).copied();
        let client_link = clients.link(&row.client);
        if let Link::Missing = client_link {
            let reason = missing("PersonalID", &row.client, &columns::CLIENT_FILE, "client");
            problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
        }
        let project_link = projects.link(&row.project);
        if let Link::Missing = project_link {
            let reason = missing("ProjectID", &row.project, &columns::PROJECT_FILE, "project");
            problems.add(&columns::ENROLLMENT_FILE, row.line, reason);
        }
        let client_id = match &client_link {
            Link::Found(id) => Some(*id),
            _ => None,
        };
        let project = match &project_link {
            Link::Found(info) => Some(info.clone()),
            _ => None,
        };
        if let Some(project) = &project {
            for broken in enrollment_rule_breaks(row, project, set.today) {
                problems.add(
                    &columns::ENROLLMENT_FILE,
                    row.line,
                    broken.describe(Wording::Hud),
                );
            }
        }
        let exit_date = exit.map(|e| e.exit_date);
        enrollments.file.insert(
            row.key.text(),
            EnrollmentInfo {
                id: target.id,
                client_id,
                project: project.clone(),
                entry_date: row.entry_date,
                exit_date,
            },
        );
        if let (Some(client), Some(project_identity)) = (
            identity(&client_link, &row.client, |id| *id),
            identity(&project_link, &row.project, |p| p.id),
        ) {
            spans.push(Span {
                client,
                project: project_identity,
                organization_id: project.as_ref().and_then(|p| p.organization_id),
                enrollment_id: target.id,
                label: row.key.text(),
                entry_date: row.entry_date,
                exit_date,
                line: Some(row.line),
                live: row.audit.date_deleted.is_none(),
            });
        }
        if let (Some(client_id), Some(project)) = (client_id, &project)
            && !target.present
        {
            let (user_id, hud_user_id) = users.of(&row.audit.user);
            let exit_hud_id = exit
                .map(|e| e.key.text())
                .filter(|id| *id != row.key.text());
            plan.enrollments.push(enrollment::ActiveModel {
                id: Set(target.id),
                client_id: Set(client_id),
                project_id: Set(project.id),
                entry_date: Set(row.entry_date),
                exit_date: Set(exit_date),
                destination: Set(exit.and_then(|e| e.destination)),
                move_in_date: Set(row.move_in_date),
                date_created: Set(row.audit.date_created),
                date_updated: Set(row.audit.date_updated),
                user_id: Set(user_id),
                date_deleted: Set(row.audit.date_deleted),
                hud_id: Set(row.key.imported()),
                hud_user_id: Set(hud_user_id),
                exit_hud_id: Set(exit_hud_id),
                enrollment_coc: Set(row.enrollment_coc.clone()),
            });
        }
        targets.push(target);
    }
    plan.tally(
        set,
        &columns::ENROLLMENT_FILE,
        set.enrollments.read,
        &targets,
    );
    if set.present.contains(&columns::EXIT_FILE.name) {
        let present_enrollments: HashSet<String> = set
            .enrollments
            .rows
            .iter()
            .zip(&targets)
            .filter(|(_, t)| t.present)
            .map(|(row, _)| row.key.text())
            .collect();
        let present = exits
            .keys()
            .filter(|key| present_enrollments.contains(*key))
            .count();
        plan.tallies.push(FileTally {
            file: columns::EXIT_FILE.name,
            rows: set.exits.read,
            added: exits.len() - present,
            present,
        });
    }

    // No two enrollments of a client in one project overlap, in the file set or with Hearth's.
    let stored_clients: Vec<Uuid> = client_targets
        .iter()
        .filter(|t| t.present)
        .map(|t| t.id)
        .chain(clients.hearth.values().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let in_file: HashSet<Uuid> = spans.iter().map(|s| s.enrollment_id).collect();
    for chunk in stored_clients.chunks(CHUNK) {
        let stored = enrollment::Entity::find()
            .filter(enrollment::Column::ClientId.is_in(chunk.to_vec()))
            .filter(enrollment::Column::DateDeleted.is_null())
            .all(txn)
            .await?;
        spans.extend(
            stored
                .into_iter()
                .filter(|e| !in_file.contains(&e.id))
                .map(|e| Span {
                    client: e.client_id.simple().to_string(),
                    project: e.project_id.simple().to_string(),
                    organization_id: None,
                    enrollment_id: e.id,
                    label: format::hud_id(e.id, e.hud_id.as_deref()),
                    entry_date: e.entry_date,
                    exit_date: e.exit_date,
                    line: None,
                    live: true,
                }),
        );
    }
    for (line, reason) in overlaps(&spans) {
        problems.add(&columns::ENROLLMENT_FILE, line, reason);
    }

    // Clients, each seen by the organization of its first enrollment in the file set.
    let mut first_enrollment: HashMap<&str, &Span> = HashMap::new();
    for span in spans.iter().filter(|s| s.line.is_some()) {
        let earlier = first_enrollment
            .get(span.client.as_str())
            .is_some_and(|f| (f.entry_date, f.line) <= (span.entry_date, span.line));
        if !earlier {
            first_enrollment.insert(&span.client, span);
        }
    }
    let enrolled: HashSet<String> = set
        .enrollments
        .rows
        .iter()
        .map(|e| e.client.text())
        .chain(
            set.enrollments
                .unparsed_links("PersonalID")
                .map(|(_, key)| key.text()),
        )
        .collect();
    for (row, target) in set.clients.rows.iter().zip(&client_targets) {
        if target.present {
            continue;
        }
        let organization_id = first_enrollment
            .get(target.id.simple().to_string().as_str())
            .and_then(|span| span.organization_id);
        let Some(organization_id) = organization_id else {
            if !enrolled.contains(&row.key.text()) {
                problems.add(
                    &columns::CLIENT_FILE,
                    row.line,
                    format!(
                        "PersonalID \"{}\" has no enrollment in Enrollment.csv: Hearth needs one to \
                         know which organization's staff may see the client",
                        row.key.text()
                    ),
                );
            }
            continue;
        };
        let (user_id, hud_user_id) = users.of(&row.audit.user);
        plan.clients.push(client::ActiveModel {
            id: Set(target.id),
            // FY2024 files carry no 4.21 Sex.
            sex: Set(Sex::DataNotCollected.code()),
            first_name_search: Set(values::name_search_key(&row.first_name)),
            last_name_search: Set(values::name_search_key(&row.last_name)),
            first_name: Set(row.first_name.clone()),
            last_name: Set(row.last_name.clone()),
            date_of_birth: Set(row.date_of_birth),
            created_by_organization_id: Set(organization_id),
            date_created: Set(row.audit.date_created),
            date_updated: Set(row.audit.date_updated),
            user_id: Set(user_id),
            date_deleted: Set(row.audit.date_deleted),
            hud_id: Set(row.key.imported()),
            hud_user_id: Set(hud_user_id),
        });
    }
    plan.tally(
        set,
        &columns::CLIENT_FILE,
        set.clients.read,
        &client_targets,
    );

    plan.flush(txn, clean(&problems)).await?;

    // CE events.
    let outside = enrollments.outside(
        set.events
            .rows
            .iter()
            .map(|e| &e.enrollment)
            .chain(set.events.unparsed_links("EnrollmentID").map(|(_, k)| k)),
    );
    let stored = find_keyed::<enrollment::Entity>(txn, outside).await?;
    let project_ids: Vec<Uuid> = stored.values().map(|e| e.project_id).collect();
    let mut stored_projects = HashMap::new();
    for chunk in project_ids.chunks(CHUNK) {
        for model in project::Entity::find()
            .filter(project::Column::Id.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            stored_projects.insert(model.id, model);
        }
    }
    for (key, model) in stored {
        let project = stored_projects
            .get(&model.project_id)
            .and_then(ProjectInfo::of);
        enrollments.hearth.insert(
            key,
            EnrollmentInfo {
                id: model.id,
                client_id: Some(model.client_id),
                project,
                entry_date: model.entry_date,
                exit_date: model.exit_date,
            },
        );
    }
    for (line, key) in set.events.unparsed_links("EnrollmentID") {
        if let Link::Missing = enrollments.link(key) {
            let reason = missing("EnrollmentID", key, &columns::ENROLLMENT_FILE, "enrollment");
            problems.add(&columns::EVENT_FILE, line, reason);
        }
    }
    for (line, key) in set.events.unparsed_links("PersonalID") {
        if let Link::Missing = clients.link(key) {
            let reason = missing("PersonalID", key, &columns::CLIENT_FILE, "client");
            problems.add(&columns::EVENT_FILE, line, reason);
        }
    }
    let existing =
        find_keyed::<ce_event::Entity>(txn, set.events.rows.iter().map(|e| e.key.clone())).await?;
    let resulting =
        resulting_enrollments(txn, &set.events.rows, &enrollments, &clients, &projects).await?;
    let mut targets = Vec::new();
    for (index, row) in set.events.rows.iter().enumerate() {
        let target = target::<ce_event::Entity>(&row.key, &existing);
        targets.push(target);
        let mut reasons = Vec::new();
        let enrollment = match enrollments.link(&row.enrollment) {
            Link::Found(info) => Some(info),
            Link::BadRow => None,
            Link::Missing => {
                reasons.push(missing(
                    "EnrollmentID",
                    &row.enrollment,
                    &columns::ENROLLMENT_FILE,
                    "enrollment",
                ));
                None
            }
        };
        let client_id = match clients.link(&row.client) {
            Link::Found(id) => Some(id),
            Link::BadRow => None,
            Link::Missing => {
                reasons.push(missing(
                    "PersonalID",
                    &row.client,
                    &columns::CLIENT_FILE,
                    "client",
                ));
                None
            }
        };
        let referred_project = match &row.referred_project {
            None => None,
            Some(key) => match projects.link(key) {
                Link::Found(info) => Some(info),
                Link::BadRow => None,
                Link::Missing => {
                    reasons.push(format!(
                        "LocationCrisisOrPHHousing \"{}\" names no project in Project.csv or in \
                         Hearth (Hearth reads it as the ProjectID of the project referred to)",
                        key.text()
                    ));
                    None
                }
            },
        };
        if let Some(enrollment) = &enrollment {
            reasons.extend(event_rule_breaks(row, enrollment, client_id, set.today));
        }
        if let Some(project) = &referred_project {
            let location = row
                .referred_project
                .as_ref()
                .map(HudKey::text)
                .unwrap_or_default();
            let receives =
                service::ce_participation::receives_on(&project.participation, row.event_date);
            let breaks = [
                rules::ce_event::referred_project(row.event_type, project.project_type),
                rules::ce_event::receiving_project(receives, &location, row.event_date),
            ];
            reasons.extend(breaks.iter().flatten().map(|b| b.describe(Wording::Hud)));
        }
        for reason in reasons {
            problems.add(&columns::EVENT_FILE, row.line, reason);
        }
        let (Some(enrollment), Some(client_id)) = (enrollment, client_id) else {
            continue;
        };
        if target.present {
            continue;
        }
        let (user_id, hud_user_id) = users.of(&row.audit.user);
        plan.events.push(ce_event::ActiveModel {
            id: Set(target.id),
            enrollment_id: Set(enrollment.id),
            client_id: Set(client_id),
            event_date: Set(row.event_date),
            event_type: Set(row.event_type.code()),
            prob_sol_div_rr_result: Set(row.prob_sol_div_rr_result),
            referral_case_manage_after: Set(row.referral_case_manage_after),
            referred_project_id: Set(referred_project.map(|p| p.id)),
            referral_result: Set(row.referral_result.map(ReferralResult::code)),
            result_date: Set(row.result_date),
            resulting_enrollment_id: Set(resulting.get(&index).copied()),
            resolved_by_user_id: Set(None),
            resolved_as_organization_id: Set(None),
            date_created: Set(row.audit.date_created),
            date_updated: Set(row.audit.date_updated),
            user_id: Set(user_id),
            date_deleted: Set(row.audit.date_deleted),
            hud_id: Set(row.key.imported()),
            hud_user_id: Set(hud_user_id),
        });
    }
    plan.tally(set, &columns::EVENT_FILE, set.events.read, &targets);

    plan.flush(txn, clean(&problems)).await?;
    set.problems.append(problems.0);
    plan.tallies.sort_by_key(|t| file_order(t.file));
    Ok(plan)
}

/// The problems found while resolving: rows that parsed but break a link or a rule.
struct Breaks(Problems);

impl Breaks {
    fn add(&mut self, file: &HmisFile, line: u64, reason: String) {
        self.0.push(Problem {
            file: file.name.to_owned(),
            line: Some(line),
            reason,
        });
    }
}

/// The guide's Resulting Enrollment, which HUD's Event.csv has no column for, by event row: for a
/// successful referral, the client's enrollment of the file set in the referred project that starts
/// on the ResultDate (the guide's rule), when there is exactly one and it resolves no other referral.
/// Otherwise the referral is imported without one.
async fn resulting_enrollments(
    txn: &DatabaseTransaction,
    events: &[EventRow],
    enrollments: &Known<EnrollmentInfo>,
    clients: &Known<Uuid>,
    projects: &Known<ProjectInfo>,
) -> AppResult<HashMap<usize, Uuid>> {
    let mut by_start: HashMap<(Uuid, Uuid, NaiveDate), Vec<Uuid>> = HashMap::new();
    for info in enrollments.file.values() {
        if let (Some(client), Some(project)) = (info.client_id, &info.project) {
            by_start
                .entry((client, project.id, info.entry_date))
                .or_default()
                .push(info.id);
        }
    }
    let mut candidates = Vec::new();
    for (index, row) in events.iter().enumerate() {
        let (Some(ReferralResult::SuccessfulClientAccepted), Some(result_date), Some(location)) =
            (row.referral_result, row.result_date, &row.referred_project)
        else {
            continue;
        };
        let (Link::Found(client), Link::Found(project)) =
            (clients.link(&row.client), projects.link(location))
        else {
            continue;
        };
        if let Some([only]) = by_start
            .get(&(client, project.id, result_date))
            .map(Vec::as_slice)
        {
            candidates.push((index, *only));
        }
    }
    let ids: Vec<Uuid> = candidates.iter().map(|(_, id)| *id).collect();
    let mut taken: HashSet<Uuid> = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let resolving = ce_event::Entity::find()
            .filter(ce_event::Column::ResultingEnrollmentId.is_in(chunk.to_vec()))
            .all(txn)
            .await?;
        taken.extend(
            resolving
                .into_iter()
                .filter_map(|e| e.resulting_enrollment_id),
        );
    }
    let mut claims: HashMap<Uuid, usize> = HashMap::new();
    for (_, id) in &candidates {
        *claims.entry(*id).or_default() += 1;
    }
    Ok(candidates
        .into_iter()
        .filter(|(_, id)| !taken.contains(id) && claims.get(id) == Some(&1))
        .collect())
}

/// createEnrollment's and recordMoveIn's rules (`domain::rules`), against the enrollment's project.
/// A move-in after the exit is the exit's break (ExitDate before MoveInDate), reported on Exit.csv.
fn enrollment_rule_breaks(
    row: &EnrollmentRow,
    project: &ProjectInfo,
    today: NaiveDate,
) -> Vec<RuleBreak> {
    let facts = rules::enrollment::ProjectFacts {
        project_type: project.project_type,
        operating_start_date: project.operating_start_date,
        operating_end_date: project.operating_end_date,
    };
    let mut breaks = rules::enrollment::entry(row.entry_date, &facts, today);
    if let Some(move_in) = row.move_in_date {
        breaks.extend(rules::enrollment::move_in(
            move_in,
            project.project_type,
            row.entry_date,
            None,
            today,
        ));
    }
    breaks
}

/// createCeEvent's rules (`domain::rules`) against the CE enrollment the event is recorded in, and
/// the file set's own: the event's PersonalID is the enrollment's client.
fn event_rule_breaks(
    row: &EventRow,
    enrollment: &EnrollmentInfo,
    client_id: Option<Uuid>,
    today: NaiveDate,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if let (Some(client), Some(owner)) = (client_id, enrollment.client_id)
        && client != owner
    {
        reasons.push(format!(
            "PersonalID \"{}\" is not the client of enrollment \"{}\"",
            row.client.text(),
            row.enrollment.text()
        ));
    }
    // An enrollment whose project did not resolve is reported on its own row.
    if let Some(project) = &enrollment.project {
        let facts = rules::ce_event::CeEnrollmentFacts {
            project_type: project.project_type,
            entry_date: enrollment.entry_date,
            exit_date: enrollment.exit_date,
        };
        reasons.extend(
            rules::ce_event::event(row.event_date, &facts, today)
                .iter()
                .map(|broken| broken.describe(Wording::Hud)),
        );
    }
    reasons
}

/// Who or what a link names, to group enrollments by: the record's id, or the row of the file set
/// that did not parse (the same row for every link naming it); nothing when the link is missing.
fn identity<T>(link: &Link<T>, key: &HudKey, id: impl Fn(&T) -> Uuid) -> Option<String> {
    match link {
        Link::Found(found) => Some(id(found).simple().to_string()),
        Link::BadRow => Some(format!("row {}", key.text())),
        Link::Missing => None,
    }
}

/// An enrollment's days in a project, for the overlap rule: from the file set (with its line) or
/// already in Hearth.
struct Span {
    /// The client and the project, as [`identity`] names them.
    client: String,
    project: String,
    organization_id: Option<Uuid>,
    enrollment_id: Uuid,
    label: String,
    entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
    line: Option<u64>,
    live: bool,
}

/// File rows whose enrollment overlaps an earlier-starting one of the same client in the same project.
/// An enrollment without an exit is open from its entry on; one that exits on a day leaves that day
/// free for the next entry.
fn overlaps(spans: &[Span]) -> Vec<(u64, String)> {
    let mut groups: HashMap<(&str, &str), Vec<&Span>> = HashMap::new();
    for span in spans.iter().filter(|s| s.live) {
        groups
            .entry((&span.client, &span.project))
            .or_default()
            .push(span);
    }
    let mut found = Vec::new();
    for group in groups.values_mut() {
        group.sort_by_key(|s| (s.entry_date, s.line.unwrap_or(0)));
        // The enrollment reaching furthest so far, and its end (None: still open).
        let mut reach: Option<(&Span, Option<NaiveDate>)> = None;
        for span in group.iter() {
            if let Some((open, end)) = reach
                && end.is_none_or(|end| end > span.entry_date)
            {
                let with = match open.line {
                    Some(line) => format!("enrollment \"{}\" (line {line})", open.label),
                    None => format!("enrollment \"{}\" already in Hearth", open.label),
                };
                let reported = match span.line {
                    Some(line) => Some((line, with)),
                    // A stored enrollment overlapped by a file row: report the file row.
                    None => open.line.map(|line| {
                        (
                            line,
                            format!("enrollment \"{}\" already in Hearth", span.label),
                        )
                    }),
                };
                if let Some((line, with)) = reported {
                    found.push((
                        line,
                        format!(
                            "overlaps {with} of the same client in the same project; an \
                             enrollment must exit before the next one starts"
                        ),
                    ));
                }
            }
            let end = span.exit_date;
            let further = match reach {
                None => true,
                Some((_, None)) => false,
                Some((_, Some(current))) => end.is_none_or(|end| end > current),
            };
            if further {
                reach = Some((span, end));
            }
        }
    }
    found
}
