//! The CE APR as HUD's upload takes it: a zip with one CSV per question (`Q9a.csv` ... `Q10.csv`),
//! each a header row of column labels, then one row per label. Percent cells are fractions with
//! four decimals (0.5000); cells HUD leaves intentionally blank are empty.

use super::{CeApr, Cell, Table};
use crate::error::{AppError, AppResult};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

fn cell(value: &Cell) -> String {
    match value {
        Cell::Count(n) => n.to_string(),
        Cell::Percent(Some(share)) => format!("{share:.4}"),
        Cell::Percent(None) => "0.0000".to_owned(),
        Cell::Blank => String::new(),
    }
}

/// One question as CSV text.
pub fn table_csv(table: &Table) -> AppResult<Vec<u8>> {
    let fault = |err: csv::Error| AppError::internal(format!("writing {}: {err}", table.question));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once(table.corner).chain(table.columns.iter().copied());
    writer.write_record(header).map_err(fault)?;
    for row in &table.rows {
        let cells = std::iter::once(row.label.to_owned()).chain(row.cells.iter().map(cell));
        writer.write_record(cells).map_err(fault)?;
    }
    writer
        .into_inner()
        .map_err(|err| AppError::internal(format!("writing {}: {err}", table.question)))
}

/// The whole report as a zip, in memory: five small tables.
pub fn zip(report: &CeApr) -> AppResult<Vec<u8>> {
    let fault = |err: zip::result::ZipError| AppError::internal(format!("writing the zip: {err}"));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for table in &report.tables {
        zip.start_file(format!("{}.csv", table.question), options)
            .map_err(fault)?;
        zip.write_all(&table_csv(table)?)
            .map_err(|err| AppError::internal(format!("writing the zip: {err}")))?;
    }
    Ok(zip.finish().map_err(fault)?.into_inner())
}
