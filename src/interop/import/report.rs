//! What an import tells its caller: the files skipped, every problem (the first thousand in full),
//! and per file the rows read, added and already in Hearth.

use super::Problems;
use std::collections::HashSet;
use std::fmt;

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
    /// What was read but not kept, the rows being good (FY2024's Gender columns).
    pub notes: Vec<String>,
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
        for note in &self.notes {
            writeln!(f, "Note: {note}")?;
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
