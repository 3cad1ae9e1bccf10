//! Reading the zip, on a thread of its own: which entries are HMIS files Hearth models, Export.csv's
//! ExportID, then each file as the plan asks for it, whole (the small files: User, Organization,
//! Project, CEParticipation) or streamed in chunks of [`CHUNK_ROWS`] rows (Client, Enrollment,
//! Exit, Event), so that memory holds a few chunks of a file, never the file. A file may be read
//! again (`Pass::Scan`) for the facts a file before it needs (each client's first enrollment).
//!
//! The reader thread parses while the plan checks and writes: a chunk channel of two keeps both
//! busy and bounds what waits between them.

mod rows;

pub(super) use rows::{Pass, Unparsed};

use super::Problems;
use super::parse::Cells;
use crate::error::{AppError, AppResult};
use crate::interop::bounds::{ExpansionBudget, Problem};
use crate::interop::columns::{self, HmisFile};
use crate::interop::format::HudKey;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rows::Visit;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use tokio::sync::{mpsc, oneshot};

/// Rows per chunk of a streamed file: enough that each chunk's look-ups and inserts are a few large
/// statements, few enough that a chunk is a few megabytes.
pub(super) const CHUNK_ROWS: usize = 2000;

#[derive(Clone, Copy)]
pub(super) struct ParseContext {
    pub(super) zone: Tz,
    pub(super) today: NaiveDate,
}

/// A small file, whole: the rows that parsed, and every ID the file holds (a row that did not parse
/// is still in the file: records linking to it are not reported again).
pub(super) struct Table<R> {
    pub(super) rows: Vec<R>,
    pub(super) read: usize,
    pub(super) ids: HashSet<String>,
    /// The rows that did not parse, with the IDs they name: their links are checked all the same,
    /// so that every row naming a missing record is reported.
    pub(super) unparsed: Vec<Unparsed>,
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
    pub(super) fn unparsed_links(
        &self,
        column: &'static str,
    ) -> impl Iterator<Item = (u64, &HudKey)> {
        self.unparsed
            .iter()
            .filter_map(move |row| Some((row.line, row.link(column)?)))
    }
}

/// Some rows of a streamed file, in file order. The last chunk of a file says how many rows it had.
pub(super) struct Chunk<R> {
    pub(super) rows: Vec<R>,
    pub(super) unparsed: Vec<Unparsed>,
    /// The chunk's rows that do not read or parse (none in a scan).
    pub(super) problems: Vec<Problem>,
    /// The header's column names, lower-cased (in the first chunk).
    pub(super) header: Option<HashSet<String>>,
    /// The file's data rows (in the last chunk).
    pub(super) read: Option<usize>,
}

impl<R> Chunk<R> {
    fn new() -> Self {
        Chunk {
            rows: Vec::new(),
            unparsed: Vec::new(),
            problems: Vec::new(),
            header: None,
            read: None,
        }
    }

    fn len(&self) -> usize {
        self.rows.len() + self.unparsed.len()
    }

    /// The keys the chunk's unparsed rows give in `column`: their links are checked like the
    /// parsed rows' (see [`Table::unparsed_links`]).
    pub(super) fn unparsed_keys(&self, column: &'static str) -> impl Iterator<Item = &HudKey> {
        self.unparsed.iter().filter_map(move |u| u.link(column))
    }
}

/// What the zip holds, before any modeled file but Export.csv is read.
pub(super) struct Opening {
    pub(super) skipped: Vec<String>,
    pub(super) problems: Problems,
    /// The modeled files the zip holds.
    pub(super) present: Vec<&'static str>,
}

/// The reader thread's side: the archive and what every file's reading shares.
struct Source {
    archive: zip::ZipArchive<BufReader<File>>,
    found: HashMap<&'static str, usize>,
    context: ParseContext,
    export_id: Option<String>,
    budget: ExpansionBudget,
    /// Files read once: a second reading does not count against the budget again.
    read_once: HashSet<&'static str>,
}

type Job = Box<dyn FnOnce(&mut Source) + Send>;

/// The plan's side of the reader thread: each request is a job the thread runs in turn. Dropping
/// it ends the thread.
pub(super) struct Zip {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl Zip {
    /// Opens the zip at `path`: its entries, and Export.csv. `Err` when it is no zip or its modeled
    /// files declare more than `max_expanded_bytes`.
    pub(super) async fn open(
        path: &Path,
        context: ParseContext,
        max_expanded_bytes: u64,
    ) -> AppResult<(Zip, Opening)> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let (opened, opening) = oneshot::channel();
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("hearth-import-reader".to_owned())
            .spawn(move || {
                let mut source = match Source::open(&path, context, max_expanded_bytes) {
                    Ok((source, opening)) => {
                        let _ = opened.send(Ok(opening));
                        source
                    }
                    Err(err) => {
                        let _ = opened.send(Err(err));
                        return;
                    }
                };
                while let Ok(job) = queue.recv() {
                    job(&mut source);
                }
            })
            .map_err(|err| AppError::internal(format!("cannot start the import reader: {err}")))?;
        let opening = opening.await.map_err(|_| stopped())??;
        Ok((Zip { jobs }, opening))
    }

    /// Every row of the small file `file` (an empty table when the zip lacks it); its problems go
    /// to `problems`.
    pub(super) async fn table<T: Send + 'static>(
        &self,
        file: &'static HmisFile,
        problems: &mut Problems,
        parse: fn(&mut Cells) -> Option<T>,
    ) -> AppResult<Table<T>> {
        let (done, answer) = oneshot::channel();
        self.run(Box::new(move |source: &mut Source| {
            let mut found = Vec::new();
            let table = source.table(file, parse, &mut found);
            let _ = done.send(table.map(|table| (table, found)));
        }))?;
        let (table, found) = answer.await.map_err(|_| stopped())??;
        problems.extend(found);
        Ok(table)
    }

    /// The rows of `file` in chunks, as the thread reads them (nothing when the zip lacks it).
    /// Reading stops when the receiver is dropped.
    /// `rows_hint`: about how many rows the file has, when a scan counted them (0: not known).
    pub(super) fn stream<T: Send + 'static>(
        &self,
        file: &'static HmisFile,
        (pass, rows_hint): (Pass, usize),
        parse: fn(&mut Cells) -> Option<T>,
    ) -> AppResult<mpsc::Receiver<AppResult<Chunk<T>>>> {
        let (chunks, receiver) = mpsc::channel(2);
        self.run(Box::new(move |source: &mut Source| {
            if let Err(err) = source.stream(file, (pass, rows_hint), parse, &chunks) {
                let _ = chunks.blocking_send(Err(err));
            }
        }))?;
        Ok(receiver)
    }

    fn run(&self, job: Job) -> AppResult<()> {
        self.jobs.send(job).map_err(|_| stopped())
    }
}

fn stopped() -> AppError {
    AppError::internal("the import reader stopped")
}

impl Source {
    fn open(
        path: &PathBuf,
        context: ParseContext,
        max_expanded_bytes: u64,
    ) -> AppResult<(Source, Opening)> {
        let file = File::open(path)
            .map_err(|err| AppError::bad_input(format!("cannot open {}: {err}", path.display())))?;
        let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|err| {
            AppError::bad_input(format!("{} is not a zip file: {err}", path.display()))
        })?;
        let mut opening = Opening {
            skipped: Vec::new(),
            problems: Problems::default(),
            present: Vec::new(),
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
            // FY2024's files, and FY2026's CEParticipation.csv (Client.csv and Enrollment.csv are
            // read by column name in either format).
            match columns::FILES
                .iter()
                .chain([&columns::CE_PARTICIPATION_FILE])
                .find(|f| f.name.eq_ignore_ascii_case(&name))
            {
                Some(modeled) => {
                    declared = declared.saturating_add(entry.size());
                    if found.insert(modeled.name, i).is_some() {
                        opening.problems.push(whole_file(
                            modeled.name,
                            "is in the zip more than once".to_owned(),
                        ));
                    } else {
                        opening.present.push(modeled.name);
                    }
                }
                None => opening.skipped.push(name),
            }
        }
        opening.skipped.sort();
        if declared > budget.limit() {
            return Err(AppError::bad_input(format!(
                "{}: {}",
                path.display(),
                budget.exceeded()
            )));
        }
        let mut source = Source {
            archive,
            found,
            context,
            export_id: None,
            budget,
            read_once: HashSet::new(),
        };
        source.export_id = source.read_export(&mut opening)?;
        Ok((source, opening))
    }

    /// Export.csv: exactly one row, whose ExportID every other row carries.
    fn read_export(&mut self, opening: &mut Opening) -> AppResult<Option<String>> {
        let file = &columns::EXPORT_FILE;
        if !self.found.contains_key(file.name) {
            opening.problems.push(whole_file(
                file.name,
                "is missing: every HMIS CSV export has one".to_owned(),
            ));
            return Ok(None);
        }
        let mut problems = Vec::new();
        // Export.csv's own columns hold no timestamps to read in the community's zone.
        let context = self.context;
        self.context = ParseContext {
            zone: Tz::UTC,
            today: NaiveDate::MAX,
        };
        let table = self.table(file, |cells| cells.key("ExportID"), &mut problems);
        self.context = context;
        let table = table?;
        opening.problems.extend(problems);
        if table.read != 1 {
            opening.problems.push(whole_file(
                file.name,
                format!("has {} rows; an export has exactly one", table.read),
            ));
        }
        Ok(match table.rows.as_slice() {
            [only] => Some(only.text()),
            _ => None,
        })
    }

    /// Reads `file` (if the zip has it), handing each row to `visit`.
    fn read<T>(
        &mut self,
        file: &'static HmisFile,
        (pass, rows_hint): (Pass, usize),
        parse: fn(&mut Cells) -> Option<T>,
        visit: impl FnMut(Visit<T>) -> bool,
    ) -> AppResult<Option<usize>> {
        let Some(&index) = self.found.get(file.name) else {
            return Ok(None);
        };
        // The budget bounds what the zip expands to: a second reading of an entry already counted
        // is bounded by its line length only.
        let budget = if self.read_once.insert(file.name) {
            self.budget.clone()
        } else {
            ExpansionBudget::new(u64::MAX)
        };
        let entry = self
            .archive
            .by_index(index)
            .map_err(|err| AppError::bad_input(format!("cannot read {}: {err}", file.name)))?;
        let expanded = entry.size();
        // Export.csv itself carries the ExportID the other files are checked against.
        let export_id = match file.name == columns::EXPORT_FILE.name {
            true => None,
            false => self.export_id.as_deref(),
        };
        // A bar per reading: the second reading of a file (a scan for a later file's facts) is
        // work too, and a 1M-client import is minutes of it.
        let label = match pass {
            Pass::Check => format!("import {}", file.name),
            Pass::Scan => format!("import {} (scan)", file.name),
        };
        let entry = crate::progress::Progress::bytes(label, expanded).reader(entry);
        let read = rows::read(
            entry,
            file,
            pass,
            &self.context,
            export_id,
            &budget,
            (parse, rows_hint, expanded),
            visit,
        )?;
        Ok(Some(read))
    }

    fn table<T>(
        &mut self,
        file: &'static HmisFile,
        parse: fn(&mut Cells) -> Option<T>,
        problems: &mut Vec<Problem>,
    ) -> AppResult<Table<T>> {
        let mut table = Table::default();
        let read = self.read(file, (Pass::Check, 0), parse, |visit| {
            match visit {
                Visit::Header(_) => {}
                Visit::Parsed(row) => table.rows.push(row),
                Visit::Unparsed(row) => {
                    table.ids.insert(row.id.clone());
                    table.unparsed.push(row);
                }
                Visit::Problem(problem) => problems.push(problem),
            }
            true
        })?;
        table.read = read.unwrap_or(0);
        Ok(table)
    }

    fn stream<T: Send + 'static>(
        &mut self,
        file: &'static HmisFile,
        pass: (Pass, usize),
        parse: fn(&mut Cells) -> Option<T>,
        chunks: &mpsc::Sender<AppResult<Chunk<T>>>,
    ) -> AppResult<()> {
        let mut chunk = Chunk::new();
        let read = self.read(file, pass, parse, |visit| {
            match visit {
                Visit::Header(header) => chunk.header = Some(header),
                Visit::Parsed(row) => chunk.rows.push(row),
                Visit::Unparsed(row) => chunk.unparsed.push(row),
                Visit::Problem(problem) => chunk.problems.push(problem),
            }
            if chunk.len() < CHUNK_ROWS {
                return true;
            }
            let full = std::mem::replace(&mut chunk, Chunk::new());
            chunks.blocking_send(Ok(full)).is_ok()
        })?;
        if let Some(read) = read {
            chunk.read = Some(read);
            let _ = chunks.blocking_send(Ok(chunk));
        }
        Ok(())
    }
}

fn whole_file(file: &str, reason: String) -> Problem {
    Problem {
        file: file.to_owned(),
        line: None,
        reason,
    }
}
