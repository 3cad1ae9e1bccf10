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
//!
//! The stages, one module each:
//! - `read`: the zip's entries and their CSV rows, within the bounds of `bounds`.
//! - `parse`: one row's cells into a typed row of its file; what does not parse is a problem.
//! - `plan`: per HMIS file, what each row links to, the workflow's rules (`domain::rules`) and the
//!   records to add.
//! - writing: the records added, with their audit rows, by the service layer's batch write path
//!   (`service::batch`, shared with the seeders).
//! - `report`: what the import tells its caller.

mod keys;
mod parse;
mod plan;
mod read;
mod report;

pub use super::bounds::{Problem, Problems};
pub use report::{FileTally, ImportReport};

use super::columns;
use crate::error::AppResult;
use crate::service::{Services, audit};
use read::{ParseContext, Zip};
use std::path::Path;

/// The audit trail's operation for what an import adds.
pub const OPERATION: &str = "hearth import";

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
    let (zip, opening) = Zip::open(path, context, max_expanded_bytes).await?;
    let txn = services.write_transaction().await?;
    let who = audit::operator(&txn, as_email, OPERATION).await?;
    let outcome = plan::resolve(&txn, &zip, &opening.present, context.today, who).await?;
    drop(zip);
    let mut problems = opening.problems;
    problems.append(outcome.problems);
    let mut report = ImportReport {
        skipped: opening.skipped,
        notes: outcome.notes,
        problems,
        files: outcome.tallies,
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

/// Where a file's rows come in the report: the order of an export.
fn file_order(name: &str) -> usize {
    columns::FY2026_FILES
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(columns::FY2026_FILES.len())
}
