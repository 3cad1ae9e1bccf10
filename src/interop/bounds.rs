//! What an import may cost (rule F5): the bytes its files expand to, the length of one line, and the
//! bad rows it reports. A hostile or broken zip (a 1 MB file that inflates to gigabytes, a CSV of one
//! endless line, millions of bad rows) is refused with a clear error, in bounded memory, before
//! anything is written.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;

/// The default of HEARTH_IMPORT_MAX_BYTES: what the modeled files of one zip may expand to.
pub const DEFAULT_MAX_EXPANDED_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The longest line a CSV file may hold. HUD's widest row (Client.csv) is well under 4 KB; without
/// a bound, one endless line would be buffered whole by the CSV reader.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Bad rows reported in full; past them, only counted.
pub const MAX_REPORTED_PROBLEMS: usize = 1_000;

/// One bad row (or, without a line, a problem with a whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<u64>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// The problems of an import: the first [`MAX_REPORTED_PROBLEMS`] in full, the rest counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    shown: Vec<Problem>,
    unshown: usize,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        if self.shown.len() < MAX_REPORTED_PROBLEMS {
            self.shown.push(problem);
        } else {
            self.unshown += 1;
        }
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for problem in problems {
            self.push(problem);
        }
    }

    /// Moves every problem of `other` here.
    pub fn append(&mut self, other: Problems) {
        self.extend(other.shown);
        self.unshown += other.unshown;
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// Whether no more problems are kept in full (later ones are only counted).
    pub fn is_full(&self) -> bool {
        self.shown.len() >= MAX_REPORTED_PROBLEMS
    }

    /// Every problem found, shown or not.
    pub fn len(&self) -> usize {
        self.shown.len() + self.unshown
    }

    /// The problems past the first [`MAX_REPORTED_PROBLEMS`], only counted.
    pub fn unshown(&self) -> usize {
        self.unshown
    }

    /// The problems kept in full.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.shown.iter()
    }

    pub fn sort_by_key<K: Ord>(&mut self, key: impl FnMut(&Problem) -> K) {
        self.shown.sort_by_key(key);
    }
}

/// What is left of the expansion budget of one zip, shared by the readers of its entries.
#[derive(Clone, Debug)]
pub struct ExpansionBudget {
    left: Rc<Cell<u64>>,
    limit: u64,
}

impl ExpansionBudget {
    pub fn new(limit: u64) -> Self {
        ExpansionBudget {
            left: Rc::new(Cell::new(limit)),
            limit,
        }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The error of a zip that expands past the budget.
    pub fn exceeded(&self) -> String {
        format!(
            "the zip's files expand to more than {} bytes (HEARTH_IMPORT_MAX_BYTES); nothing was \
             loaded. Split the export, or raise the limit if the file is trusted",
            self.limit
        )
    }

    /// A reader of `inner` that fails once the zip's files together expand past the budget, or a
    /// line runs past [`MAX_LINE_BYTES`].
    pub fn reader<R: Read>(&self, inner: R) -> BoundedReader<R> {
        BoundedReader {
            inner,
            budget: self.clone(),
            line: 0,
        }
    }
}

/// See [`ExpansionBudget::reader`]. Its errors are [`Exceeded`].
pub struct BoundedReader<R> {
    inner: R,
    budget: ExpansionBudget,
    /// Bytes since the last line feed.
    line: usize,
}

/// Why a [`BoundedReader`] stopped: the import cannot go on.
#[derive(Debug)]
pub struct Exceeded(pub String);

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Exceeded {}

impl<R: Read> Read for BoundedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        let left = self.budget.left.get();
        if read as u64 > left {
            return Err(std::io::Error::other(Exceeded(self.budget.exceeded())));
        }
        self.budget.left.set(left - read as u64);
        for chunk in buf[..read].split_inclusive(|&b| b == b'\n') {
            if chunk.last() == Some(&b'\n') {
                self.line = 0;
            } else {
                self.line += chunk.len();
            }
            if self.line > MAX_LINE_BYTES {
                return Err(std::io::Error::other(Exceeded(format!(
                    "a line is longer than {MAX_LINE_BYTES} bytes: not an HMIS CSV file"
                ))));
            }
        }
        Ok(read)
    }
}

/// The [`Exceeded`] inside an I/O error, if that is why it failed.
pub fn exceeded(error: &std::io::Error) -> Option<&Exceeded> {
    error.get_ref()?.downcast_ref::<Exceeded>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_by_every_entry() {
        let budget = ExpansionBudget::new(10);
        let mut first = Vec::new();
        budget
            .reader(&b"12345\n"[..])
            .read_to_end(&mut first)
            .expect("within the budget");
        let mut second = Vec::new();
        let err = budget
            .reader(&b"123456\n"[..])
            .read_to_end(&mut second)
            .expect_err("past the budget");
        assert!(exceeded(&err).is_some(), "{err}");
    }

    #[test]
    fn an_endless_line_is_refused() {
        let line = vec![b'x'; MAX_LINE_BYTES + 10];
        let err = ExpansionBudget::new(u64::MAX)
            .reader(&line[..])
            .read_to_end(&mut Vec::new())
            .expect_err("too long");
        assert!(exceeded(&err).is_some());
        let lines = b"a,b\n".repeat(MAX_LINE_BYTES);
        ExpansionBudget::new(u64::MAX)
            .reader(&lines[..])
            .read_to_end(&mut Vec::new())
            .expect("many short lines are fine");
    }

    #[test]
    fn problems_past_the_first_thousand_are_counted() {
        let mut problems = Problems::default();
        for line in 0..(MAX_REPORTED_PROBLEMS as u64 + 5) {
            problems.push(Problem {
                file: "Client.csv".into(),
                line: Some(line),
                reason: "bad".into(),
            });
        }
        assert_eq!(problems.iter().count(), MAX_REPORTED_PROBLEMS);
        assert_eq!(problems.unshown(), 5);
        assert_eq!(problems.len(), MAX_REPORTED_PROBLEMS + 5);
    }
}
