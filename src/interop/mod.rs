//! HUD HMIS CSV export and import, FY2026 (the default) and FY2024: the zip of Export.csv,
//! Organization.csv, User.csv, Project.csv, Client.csv, Enrollment.csv, Exit.csv and Event.csv (and,
//! in FY2026, CEParticipation.csv and Assessment.csv) that HMIS systems exchange.
//!
//! - `columns`: the files' exact headers and what HUD wants in columns Hearth does not collect.
//! - `format`: HUD IDs, dates, timestamps and codes as text.
//! - `export`: streams the records of a date range from the database into a zip, in bounded memory.
//! - `bounds`: what an import may cost (expanded bytes, line length, problems reported).
//! - `import`: checks a whole file set, reports every bad row, and loads it all or nothing.
//!
//! HUD IDs: a Hearth record's ID is its UUID as 32 hex digits. An imported record whose ID is not one
//! keeps it in `hud_id`, and exports write that instead, so a record leaves with the ID it came with.
//!
//! The CLI (`hearth export`, `hearth import`) and the HTTP download (`GET /export/hmis-csv`) call
//! these; neither re-checks anything.

pub mod bounds;
pub mod columns;
pub mod export;
pub mod format;
pub mod import;

use crate::error::{AppError, AppResult};
use chrono::NaiveDate;

/// The reporting period of an export, both days included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl ExportRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> AppResult<ExportRange> {
        if to < from {
            return Err(AppError::bad_input(format!(
                "to {to} is before from {from}; the range is [from, to]"
            )));
        }
        Ok(ExportRange { from, to })
    }

    /// From `yyyy-mm-dd` texts, as the CLI and the HTTP query string give them.
    pub fn parse(from: &str, to: &str) -> AppResult<ExportRange> {
        let day = |name: &str, raw: &str| {
            format::parse_date(raw).ok_or_else(|| {
                AppError::bad_input(format!("{name} \"{raw}\" is not a date (yyyy-mm-dd)"))
            })
        };
        ExportRange::new(day("from", from)?, day("to", to)?)
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }
}
