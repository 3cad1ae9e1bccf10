//! Reading the zip: which entries are HMIS files Hearth models, and each one's CSV rows, bounded by
//! `bounds` (expanded bytes, line length). Every row is handed to its file's parser (`parse`); what
//! does not read or parse is a problem with the file's name and the row's line.

use super::parse::{
    Cells, ClientRow, EnrollmentRow, EventRow, ExitRow, OrganizationRow, ParticipationRow,
    ProjectRow, UserRow, parse_client, parse_enrollment, parse_event, parse_exit,
    parse_organization, parse_participation, parse_project, parse_user,
};
use super::{Problem, Problems};
use crate::error::{AppError, AppResult};
use crate::interop::bounds::{self, ExpansionBudget};
use crate::interop::columns::{self, HmisFile};
use crate::interop::format::HudKey;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

pub(super) struct ParseContext {
    pub(super) zone: Tz,
    pub(super) today: NaiveDate,
}

/// The rows of one file that parsed, and every ID the file holds (a row that did not parse is still
/// in the file: records linking to it are not reported again).
pub(super) struct Table<R> {
    pub(super) rows: Vec<R>,
    pub(super) read: usize,
    pub(super) ids: HashSet<String>,
    /// The rows that did not parse, with the IDs they name: their links are checked all the same,
    /// so that every row naming a missing record is reported.
    pub(super) unparsed: Vec<Unparsed>,
    /// The header's column names, lower-cased.
    pub(super) header: HashSet<String>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table {
            rows: Vec::new(),
            read: 0,
            ids: HashSet::new(),
            unparsed: Vec::new(),
            header: HashSet::new(),
        }
    }
}

impl<R> Table<R> {
    /// The IDs that the rows which did not parse give in `column`.
    pub(super) fn unparsed_links(
        &self,
        column: &'static str,
    ) -> impl Iterator<Item = (u64, &HudKey)> {
        self.unparsed.iter().flat_map(move |row| {
            row.links
                .iter()
                .filter(move |(c, _)| *c == column)
                .map(move |(_, key)| (row.line, key))
        })
    }
}

pub(super) struct Unparsed {
    pub(super) line: u64,
    pub(super) links: Vec<(&'static str, HudKey)>,
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
pub(super) struct FileSet {
    /// "Today" for the date rules.
    pub(super) today: NaiveDate,
    pub(super) skipped: Vec<String>,
    /// What the import did not keep, though the rows are good (FY2024's Gender).
    pub(super) notes: Vec<String>,
    pub(super) problems: Problems,
    /// The modeled files the zip holds.
    pub(super) present: Vec<&'static str>,
    pub(super) users: Table<UserRow>,
    pub(super) organizations: Table<OrganizationRow>,
    pub(super) projects: Table<ProjectRow>,
    pub(super) participations: Table<ParticipationRow>,
    pub(super) clients: Table<ClientRow>,
    pub(super) enrollments: Table<EnrollmentRow>,
    pub(super) exits: Table<ExitRow>,
    pub(super) events: Table<EventRow>,
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
        "Enrollment.csv" => &["EnrollmentCoC", "HouseholdID", "RelationshipToHoH"],
        // FY2026 only: a FY2024 Client.csv has 3.06 Gender instead (not kept; see the report).
        "Client.csv" => &["Sex"],
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

pub(super) fn read_zip(
    path: &Path,
    context: &ParseContext,
    max_expanded_bytes: u64,
) -> AppResult<FileSet> {
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
        // FY2024's files, and FY2026's CEParticipation.csv (Client.csv and Enrollment.csv are read
        // by column name in either format).
        match columns::FILES
            .iter()
            .chain([&columns::CE_PARTICIPATION_FILE])
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
    if set.clients.header.contains("gendernone") && !set.clients.header.contains("sex") {
        set.notes.push(
            "Client.csv: the FY2024 3.06 Gender columns are not kept (FY2026 replaced Gender with \
             4.21 Sex); the clients' Sex is recorded as 99 Data not collected"
                .to_owned(),
        );
    }
    set.enrollments = reader.table(
        &columns::ENROLLMENT_FILE,
        &mut set.problems,
        parse_enrollment,
    )?;
    set.participations = reader.table(
        &columns::CE_PARTICIPATION_FILE,
        &mut set.problems,
        parse_participation,
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

pub(super) struct Reader<'a, R> {
    pub(super) archive: &'a mut zip::ZipArchive<R>,
    pub(super) found: &'a HashMap<&'static str, usize>,
    pub(super) context: &'a ParseContext,
    pub(super) export_id: Option<&'a str>,
    pub(super) budget: &'a ExpansionBudget,
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
        table.header = header
            .iter()
            .map(|name| {
                name.trim_start_matches('\u{feff}')
                    .trim()
                    .to_ascii_lowercase()
            })
            .collect();
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
