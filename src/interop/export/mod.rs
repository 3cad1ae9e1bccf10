//! The HMIS CSV export of a date range [from, to]: the enrollments active in it (entered by `to`, not
//! exited before `from`), their clients and exits, the CE events dated in it, and the projects,
//! organizations and users those records refer to.
//!
//! Rows stream from the database (one `SELECT` per file, inside one read-only snapshot) through a
//! bounded channel to a blocking thread that CSV-encodes and zips them into the sink; memory stays
//! bounded however many clients there are. The zip is written in streaming mode, so the sink can be a
//! file or the HTTP response.
//!
//! `rows`: each file's rows as read and as written, by HUD column name.
//!
//! Every cell is written spreadsheet-safe (rule F5, [`format::spreadsheet_safe`]): HMIS leads open
//! these files in Excel, where a client named `=HYPERLINK(...)` would otherwise run as a formula.

use super::ExportRange;
use super::columns::{self, CsvFormat, HmisFile};
use super::format;
use crate::error::{AppError, AppResult};
use crate::progress::Progress;
use crate::service::Services;
use chrono::Utc;
use chrono_tz::Tz;
use entity::installation;
use futures_util::TryStreamExt;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, FromQueryResult,
    IsolationLevel, PartialModelTrait, Select, TransactionTrait,
};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use tokio::sync::mpsc;
use uuid::Uuid;
use zip::write::SimpleFileOptions;

mod queries;
mod rows;
use rows::*;

/// Rows sent to the zip writer at a time, and batches in flight: bounds the export's memory.
const ROWS_PER_BATCH: usize = 500;
const BATCHES_IN_FLIGHT: usize = 4;

// Export.csv's fixed values (HUD HMIS CSV lists 1.x, the same in FY2024 and FY2026).
/// SourceType 4 "Other": Hearth is a Coordinated Entry system, not a CoC's or a provider's HMIS.
const SOURCE_TYPE: &str = "4";
/// ExportPeriodType 3 "Reporting period".
const EXPORT_PERIOD_TYPE: &str = "3";
/// ExportDirective 2 "Full refresh": every record of the period, not changes since a last export.
const EXPORT_DIRECTIVE: &str = "2";
/// HashStatus 1 "Unhashed".
const HASH_STATUS: &str = "1";

/// What an export wrote.
#[derive(Clone, Debug)]
pub struct ExportSummary {
    pub export_id: String,
    /// Data rows per file (headers not counted), in the order written.
    pub rows: Vec<(&'static str, u64)>,
}

/// Exports `request` into a new zip file at `path`. The zip is written beside it first and moved into
/// place once complete, so a failed export leaves no partial file behind.
pub async fn to_file(
    services: &Services,
    request: ExportRequest,
    path: &Path,
) -> AppResult<ExportSummary> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let file = std::fs::File::create(&partial).map_err(|err| {
        AppError::bad_input(format!("cannot create {}: {err}", partial.display()))
    })?;
    // The command's terminal shows how far the export is (the download's client sees its bytes).
    let progress = Progress::rows("export", 0);
    let sink = std::io::BufWriter::new(file);
    let written = write_zip_showing(services, request, sink, Some(progress)).await;
    let moved = written.and_then(|summary| {
        std::fs::rename(&partial, path).map_err(|err| {
            AppError::internal(format!(
                "cannot move the export to {}: {err}",
                path.display()
            ))
        })?;
        Ok(summary)
    });
    if moved.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    moved
}

/// Writes the export of `request` as a zip into `sink`. On error the sink may hold a partial zip: the
/// caller discards it (the CLI deletes the file; the HTTP download aborts the response).
pub async fn write_zip<W>(
    services: &Services,
    request: ExportRequest,
    sink: W,
) -> AppResult<ExportSummary>
where
    W: Write + Send + 'static,
{
    write_zip_showing(services, request, sink, None).await
}

/// [`write_zip`], counting the rows written into `progress`.
async fn write_zip_showing<W>(
    services: &Services,
    request: ExportRequest,
    sink: W,
    progress: Option<Progress>,
) -> AppResult<ExportSummary>
where
    W: Write + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(BATCHES_IN_FLIGHT);
    let writer = tokio::task::spawn_blocking(move || write_pieces(sink, receiver));
    let pieces = Pieces {
        sender,
        progress: progress.map(std::sync::Mutex::new),
    };
    let produced = produce(services, request, &pieces).await;
    if let Some(progress) = pieces.progress {
        progress.into_inner().map(Progress::finish).ok();
    }
    let written = writer
        .await
        .map_err(|err| AppError::internal(format!("the export writer failed: {err}")))?;
    match (produced, written) {
        (Ok(summary), Ok(())) => Ok(summary),
        // A producer that found the writer gone: the writer's error says why.
        (Err(AppError::Internal(message)), Err(err)) if message == WRITER_STOPPED => Err(
            AppError::internal(format!("cannot write the export zip: {err}")),
        ),
        (Err(err), _) => Err(err),
        (Ok(_), Err(err)) => Err(AppError::internal(format!(
            "cannot write the export zip: {err}"
        ))),
    }
}

/// What the producer sends the zip writer.
enum Piece {
    /// Start the next file.
    File(&'static str),
    Rows(Vec<Vec<String>>),
    /// Everything was sent: finish the zip. Without it the writer stops with an error.
    Finish,
}

struct Pieces {
    sender: mpsc::Sender<Piece>,
    /// The rows written so far, of the rows the export will write (the CLI's progress bar).
    progress: Option<std::sync::Mutex<Progress>>,
}

const WRITER_STOPPED: &str = "the export writer stopped";

impl Pieces {
    async fn send(&self, piece: Piece) -> AppResult<()> {
        self.sender
            .send(piece)
            .await
            .map_err(|_| AppError::internal(WRITER_STOPPED))
    }

    /// Counts `rows` more data rows as written.
    fn wrote(&self, rows: usize) {
        if let Some(progress) = &self.progress
            && let Ok(mut progress) = progress.lock()
        {
            progress.add(rows as u64);
        }
    }

    /// Whether anyone watches the export's progress (then it is worth counting its rows first).
    fn watched(&self) -> bool {
        self.progress.is_some()
    }

    fn expect(&self, rows: u64) {
        if let Some(progress) = &self.progress
            && let Ok(mut progress) = progress.lock()
        {
            progress.set_total(rows);
        }
    }
}

/// The blocking side: CSV-encodes rows into the zip's current file.
fn write_pieces<W: Write>(sink: W, mut receiver: mpsc::Receiver<Piece>) -> std::io::Result<()> {
    type Zip<W> = zip::ZipWriter<zip::write::StreamWriter<W>>;
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut idle: Option<Zip<W>> = Some(zip::ZipWriter::new_stream(sink));
    let mut current: Option<csv::Writer<Zip<W>>> = None;
    let csv_error = |err: csv::Error| std::io::Error::other(err.to_string());
    let unwrap_csv = |writer: csv::Writer<Zip<W>>| {
        writer
            .into_inner()
            .map_err(|err| std::io::Error::other(err.error().to_string()))
    };
    while let Some(piece) = receiver.blocking_recv() {
        match piece {
            Piece::File(name) => {
                let mut zip = match (current.take(), idle.take()) {
                    (Some(writer), _) => unwrap_csv(writer)?,
                    (None, Some(zip)) => zip,
                    (None, None) => return Err(std::io::Error::other("the zip is closed")),
                };
                zip.start_file(name, options)?;
                current = Some(
                    csv::WriterBuilder::new()
                        .terminator(csv::Terminator::CRLF)
                        .from_writer(zip),
                );
            }
            Piece::Rows(rows) => {
                let writer = current
                    .as_mut()
                    .ok_or_else(|| std::io::Error::other("rows before any file"))?;
                for row in rows {
                    writer
                        .write_record(row.iter().map(|cell| match format::spreadsheet_safe(cell) {
                            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
                        }))
                        .map_err(csv_error)?;
                }
            }
            Piece::Finish => {
                let zip = match (current.take(), idle.take()) {
                    (Some(writer), _) => unwrap_csv(writer)?,
                    (None, Some(zip)) => zip,
                    (None, None) => return Err(std::io::Error::other("the zip is closed")),
                };
                let mut sink = zip.finish()?.into_inner();
                return sink.flush();
            }
        }
    }
    Err(std::io::Error::other(
        "the export stopped before it was complete",
    ))
}

struct Context {
    export_id: String,
    zone: Tz,
    format: CsvFormat,
    /// The community's CoC code, for projects that name none (HUD 2.03).
    coc_code: String,
}

/// What to export: the records of `range`, in `format`.
#[derive(Clone, Copy, Debug)]
pub struct ExportRequest {
    pub range: ExportRange,
    pub format: CsvFormat,
}

/// The files of an export as they are written, with how many data rows each has.
struct Files<'p> {
    txn: &'p DatabaseTransaction,
    pieces: &'p Pieces,
    context: &'p Context,
    rows: Vec<(&'static str, u64)>,
}

impl Files<'_> {
    /// Writes `file` with the records of `select`, each written by `to_row`.
    async fn write<E, R>(
        &mut self,
        file: &'static HmisFile,
        select: Select<E>,
        to_row: fn(Record<R>, &Context) -> Vec<String>,
    ) -> AppResult<()>
    where
        E: queries::Audited,
        R: PartialModelTrait + FromQueryResult + Send,
    {
        let rows = queries::records(self.txn, select).await?;
        self.stream(file, rows, to_row).await
    }

    /// Streams every row of `rows` to the writer as `file`'s, each written by `to_row`.
    async fn stream<M>(
        &mut self,
        file: &'static HmisFile,
        mut rows: queries::Rows<'_, M>,
        to_row: fn(M, &Context) -> Vec<String>,
    ) -> AppResult<()> {
        let pieces = self.pieces;
        pieces.send(Piece::File(file.name)).await?;
        let header = file.columns.iter().map(|c| (*c).to_owned()).collect();
        pieces.send(Piece::Rows(vec![header])).await?;
        let mut count = 0;
        let mut batch = Vec::with_capacity(ROWS_PER_BATCH);
        while let Some(model) = rows.try_next().await? {
            batch.push(to_row(model, self.context));
            count += 1;
            if batch.len() == ROWS_PER_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(ROWS_PER_BATCH));
                pieces.send(Piece::Rows(full)).await?;
                pieces.wrote(ROWS_PER_BATCH);
            }
        }
        if !batch.is_empty() {
            let rest = batch.len();
            pieces.send(Piece::Rows(batch)).await?;
            pieces.wrote(rest);
        }
        self.rows.push((file.name, count));
        Ok(())
    }
}

/// A consistent snapshot for the whole export: REPEATABLE READ on PostgreSQL (one snapshot for every
/// file, so a record and the records it refers to agree) without the server's statement timeout,
/// which would cut a long export short; SQLite's read transaction is a snapshot already (WAL).
/// On the read replica when there is one (`Services::reporting_db`).
async fn snapshot(services: &Services) -> AppResult<DatabaseTransaction> {
    if services.backend() != DbBackend::Postgres {
        return Ok(services.reporting_db().begin().await?);
    }
    let txn = services
        .reporting_db()
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    txn.execute_unprepared("SET LOCAL statement_timeout = 0")
        .await?;
    Ok(txn)
}

async fn produce(
    services: &Services,
    request: ExportRequest,
    pieces: &Pieces,
) -> AppResult<ExportSummary> {
    let txn = snapshot(services).await?;
    let context = Context {
        export_id: Uuid::now_v7().simple().to_string(),
        zone: services.clock.time_zone(),
        format: request.format,
        coc_code: services.coc_code.clone(),
    };
    let range = request.range;
    let format = request.format;
    let mut rows = Vec::with_capacity(format.files().len());
    let implementation_id = installation::Entity::find_by_id(1)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("the installation row is missing: run the migrations"))?
        .implementation_id;
    if pieces.watched() {
        pieces.expect(queries::rows_expected(&txn, range).await?);
    }

    pieces.send(Piece::File(columns::EXPORT_FILE.name)).await?;
    let header = columns::EXPORT.iter().map(|c| (*c).to_owned()).collect();
    let export = Row::new(&columns::EXPORT_FILE)
        .set("ExportID", context.export_id.clone())
        .set("SourceType", SOURCE_TYPE)
        .set("SourceName", "Hearth")
        .set("ExportDate", format::timestamp(Utc::now(), context.zone))
        .set("ExportStartDate", format::date(range.from()))
        .set("ExportEndDate", format::date(range.to()))
        .set("SoftwareName", "Hearth")
        .set("SoftwareVersion", env!("CARGO_PKG_VERSION"))
        .set("CSVVersion", format.csv_version())
        .set("ExportPeriodType", EXPORT_PERIOD_TYPE)
        .set("ExportDirective", EXPORT_DIRECTIVE)
        .set("HashStatus", HASH_STATUS)
        .set("ImplementationID", implementation_id)
        .into_values();
    pieces.send(Piece::Rows(vec![header, export])).await?;
    rows.push((columns::EXPORT_FILE.name, 1));

    let mut files = Files {
        txn: &txn,
        pieces,
        context: &context,
        rows,
    };
    let organizations = queries::organizations(range);
    files
        .write(&columns::ORGANIZATION_FILE, organizations, organization_row)
        .await?;
    let users = queries::users(&txn, range).await?;
    files.stream(&columns::USER_FILE, users, user_row).await?;
    let projects = queries::projects(range);
    files
        .write(&columns::PROJECT_FILE, projects, project_row)
        .await?;
    if format == CsvFormat::Fy2026 {
        let periods = queries::participations(range);
        files
            .write(&columns::CE_PARTICIPATION_FILE, periods, participation_row)
            .await?;
    }
    let clients = queries::clients(range);
    files.write(format.client(), clients, client_row).await?;
    let enrollments = queries::enrollments(range, false);
    files
        .write(format.enrollment(), enrollments, enrollment_row)
        .await?;
    let exits = queries::enrollments(range, true);
    files.write(&columns::EXIT_FILE, exits, exit_row).await?;
    let events = queries::events(range);
    files.write(&columns::EVENT_FILE, events, event_row).await?;
    // HUD 4.19 Assessment.csv has the same columns in both formats.
    let assessments = queries::assessments(range);
    files
        .write(&columns::ASSESSMENT_FILE, assessments, assessment_row)
        .await?;
    let rows = files.rows;

    pieces.send(Piece::Finish).await?;
    txn.commit().await?;
    Ok(ExportSummary {
        export_id: context.export_id,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(pieces: Vec<Piece>) -> (std::io::Result<()>, Vec<u8>) {
        let (sender, receiver) = mpsc::channel(pieces.len() + 1);
        for piece in pieces {
            assert!(sender.try_send(piece).is_ok());
        }
        drop(sender);
        let mut bytes = Vec::new();
        let result = write_pieces(&mut bytes, receiver);
        (result, bytes)
    }

    #[test]
    fn the_zip_holds_each_file_with_crlf_rows() {
        let row = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect();
        let (result, bytes) = written(vec![
            Piece::File("A.csv"),
            Piece::Rows(vec![row(&["X", "Y"]), row(&["1", "a, b"])]),
            Piece::File("B.csv"),
            Piece::Finish,
        ]);
        assert!(result.is_ok());
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("A.csv").expect("A.csv"), &mut text)
            .expect("text");
        assert_eq!(text, "X,Y\r\n1,\"a, b\"\r\n");
        assert!(zip.by_name("B.csv").is_ok());
    }

    #[test]
    fn an_export_that_stops_early_is_an_error() {
        let (result, _) = written(vec![Piece::File("A.csv")]);
        assert!(result.is_err());
    }
}
