//! One file's CSV rows, read by HUD column name within the bounds of `bounds` (expanded bytes, line
//! length), each handed to its file's parser (`parse`). What does not read or parse is a problem
//! with the file's name and the row's line; a row that does not parse is still handed on with the
//! IDs it names, so that links to it are not reported again and its own links are checked.

use super::super::keys::KeyMap;
use super::super::parse::Cells;
use super::ParseContext;
use crate::error::{AppError, AppResult};
use crate::interop::bounds::{self, ExpansionBudget, Problem};
use crate::interop::columns::{AUDIT, HmisFile};
use crate::interop::format::HudKey;
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// A row that did not parse: its own ID (as given) and the IDs it names.
pub(in crate::interop::import) struct Unparsed {
    pub(in crate::interop::import) line: u64,
    pub(in crate::interop::import) id: String,
    pub(in crate::interop::import) links: Vec<(&'static str, HudKey)>,
}

impl Unparsed {
    /// The ID the row gives in `column`, if it is one.
    pub(in crate::interop::import) fn link(&self, column: &str) -> Option<&HudKey> {
        self.links
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, key)| key)
    }
}

/// What reading a file hands on, row by row.
pub(super) enum Visit<T> {
    /// The header's column names, lower-cased (first, when the header reads).
    Header(HashSet<String>),
    Parsed(T),
    Unparsed(Unparsed),
    Problem(Problem),
}

/// How a file is read: checked (its problems reported, each ID once), or scanned again for the facts
/// a later file needs (its problems were or will be reported by its checked reading).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::interop::import) enum Pass {
    Check,
    Scan,
}

/// The columns of each file that link to another record.
fn link_columns(file: &HmisFile) -> &'static [&'static str] {
    match file.name {
        "Project.csv" => &["OrganizationID"],
        "Enrollment.csv" | "Exit.csv" => &["PersonalID", "ProjectID", "EnrollmentID"],
        "Event.csv" | "Assessment.csv" => &["EnrollmentID", "PersonalID"],
        _ => &[],
    }
}

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

/// The first line of each ID of a file, to report a repeated one (4 bytes a line: a file of more
/// than 4 billion lines is past any expansion bound).
struct FirstLines(KeyMap<u32>);

impl FirstLines {
    /// Room for `rows` IDs in all, taken at once.
    fn reserve_for(&mut self, rows: usize) {
        self.0.reserve(rows);
    }

    /// The line `id` was first on, or `None` (and `line` noted) when this is its first.
    fn first(&mut self, id: &str, line: u64) -> Option<u64> {
        let key = match HudKey::parse(id) {
            Ok(Some(key)) => key,
            _ => HudKey::Hud(id.to_owned()),
        };
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let first = *self.0.get_or_insert_with(&key, || line);
        (first != line).then_some(u64::from(first))
    }
}

/// How one row's cells become a typed row of its file.
pub(super) type RowParser<T> = fn(&mut Cells) -> Option<T>;

/// Reads `entry` as `file` and hands each row on to `visit`; stops early when `visit` answers
/// false. Answers the data rows read. `Err` when a bound is exceeded (nothing more is read).
/// `rows_hint`: about how many rows the file has, when known (0: not known; then the first rows'
/// length and the entry's `expanded` size tell).
#[allow(clippy::too_many_arguments)]
pub(super) fn read<R: Read, T>(
    entry: R,
    file: &'static HmisFile,
    pass: Pass,
    context: &ParseContext,
    export_id: Option<&str>,
    budget: &ExpansionBudget,
    (parse, rows_hint, expanded): (RowParser<T>, usize, u64),
    mut visit: impl FnMut(Visit<T>) -> bool,
) -> AppResult<usize> {
    let problem = |line: Option<u64>, reason: String| {
        Visit::Problem(Problem {
            file: file.name.to_owned(),
            line,
            reason,
        })
    };
    let check = pass == Pass::Check;
    // Lines end at LF; a CR before it stays in the last field and is trimmed like any space.
    // (With CRLF as terminator the reader would number each record's line one too low.)
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(std::io::BufReader::new(budget.reader(entry)));
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(err) if bounded(&err).is_some() => return Err(past_bounds(file, &err)),
        Err(err) => {
            if check {
                visit(problem(Some(1), format!("cannot read the header: {err}")));
            }
            return Ok(0);
        }
    };
    let names: Vec<String> = header
        .iter()
        .map(|name| {
            name.trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let mut positions: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        positions.entry(name.as_str()).or_insert(i);
    }
    let mut index = HashMap::new();
    let mut missing = Vec::new();
    for column in needed(file) {
        match positions.get(column.to_ascii_lowercase().as_str()) {
            Some(&i) => {
                index.insert(column, i);
            }
            None => missing.push(column),
        }
    }
    for column in optional(file) {
        if let Some(&i) = positions.get(column.to_ascii_lowercase().as_str()) {
            index.insert(column, i);
        }
    }
    if !visit(Visit::Header(names.iter().cloned().collect())) {
        return Ok(0);
    }
    if !missing.is_empty() {
        if check {
            visit(problem(
                Some(1),
                format!(
                    "the header lacks {}; its rows were not read",
                    missing.join(", ")
                ),
            ));
        }
        return Ok(0);
    }
    let id_column = file.columns[0];
    let mut first_lines = FirstLines(match check {
        true => KeyMap::with_capacity(rows_hint),
        false => KeyMap::default(),
    });
    let mut record = csv::StringRecord::new();
    let mut read = 0;
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            // The zip expands too far or a line never ends: stop, whatever the other rows hold.
            Err(err) if bounded(&err).is_some() => return Err(past_bounds(file, &err)),
            Err(err) => {
                read += 1;
                let line = err.position().map_or(line, |p| p.line());
                if check && !visit(problem(Some(line), format!("cannot be read: {err}"))) {
                    break;
                }
                continue;
            }
        }
        read += 1;
        if check && rows_hint == 0 && read == SAMPLE_ROWS {
            first_lines.reserve_for(expected_rows(expanded, record.position(), read));
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.len() != header.len() {
            let reason = format!(
                "has {} fields; the header has {}",
                record.len(),
                header.len()
            );
            if check && !visit(problem(Some(line), reason)) {
                break;
            }
            continue;
        }
        let mut cells = Cells {
            record: &record,
            index: &index,
            context,
            reasons: Vec::new(),
            line,
        };
        let id = cells.raw(id_column).to_owned();
        // A scan sees every row again: a repeated ID was reported by the check, and the facts a
        // scan gathers are the first row's all the same.
        if check
            && !id.is_empty()
            && let Some(first) = first_lines.first(&id, line)
        {
            let reason = format!("{id_column} \"{id}\" is already on line {first}");
            if !visit(problem(Some(line), reason)) {
                break;
            }
            continue;
        }
        if let Some(expected) = export_id {
            let given = cells.raw("ExportID");
            if given != expected {
                cells.bad(format!(
                    "ExportID \"{given}\" is not the ExportID of Export.csv (\"{expected}\")"
                ));
            }
        }
        let parsed = parse(&mut cells);
        let reasons = std::mem::take(&mut cells.reasons);
        let go_on = match parsed {
            Some(row) if reasons.is_empty() => visit(Visit::Parsed(row)),
            _ => {
                let mut go_on = true;
                if check {
                    for reason in reasons {
                        go_on &= visit(problem(Some(line), reason));
                    }
                }
                let links = link_columns(file)
                    .iter()
                    .filter(|column| index.contains_key(*column))
                    .filter_map(|column| {
                        let key = HudKey::parse(cells.raw(column)).ok().flatten()?;
                        Some((*column, key))
                    })
                    .collect();
                go_on && visit(Visit::Unparsed(Unparsed { line, id, links }))
            }
        };
        if !go_on {
            break;
        }
    }
    Ok(read)
}

/// Rows read before a file of unknown length is sized by them.
const SAMPLE_ROWS: usize = 2000;

/// How many rows a file of `expanded` bytes holds, if the rest are as long as the first `read`
/// (which end at `position`), with a little to spare.
fn expected_rows(expanded: u64, position: Option<&csv::Position>, read: usize) -> usize {
    let Some(bytes) = position.map(csv::Position::byte).filter(|b| *b > 0) else {
        return 0;
    };
    let rows = expanded as f64 / bytes as f64 * read as f64 * 1.05;
    // The size is the zip's word: a hostile one is held to what a state-wide file could hold.
    (rows as usize).min(MAX_RESERVED_ROWS)
}

/// The most rows a file's index is sized for up front (it still grows past them if need be).
const MAX_RESERVED_ROWS: usize = 8_000_000;

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
