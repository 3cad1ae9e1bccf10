//! `GET /export/hmis-csv?from=yyyy-mm-dd&to=yyyy-mm-dd[&format=fy2026|fy2024]`: the HUD HMIS CSV
//! export (FY2026 unless asked otherwise) as a zip download,
//! for ADMIN and PRIORITY_LIST_MANAGER (the roles that see the whole community's data).
//!
//! Signed in as for `/graphql`, through the same request context (Bearer token, X-Organization-Id,
//! the rate limit; rule F1); refusals are GraphQL-style JSON errors with `extensions.code`. Every
//! download is written to the audit trail. The zip streams to the client as it is written: the response starts
//! at once and memory stays bounded. Should the export fail midway, the response is cut off rather
//! than finished, so the client never takes a truncated zip for a whole one.

use super::context::{Credentials, RequestContext};
use super::graphql::error_response;
use super::media::MediaType;
use crate::app::AppState;
use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::ORGANIZATION_HEADER;
use crate::interop::ExportRange;
use crate::interop::columns::CsvFormat;
use crate::interop::export::{self, ExportRequest};
use crate::service::audit;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;
use std::io::Write;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

#[derive(Deserialize)]
pub struct ExportQuery {
    from: Option<String>,
    to: Option<String>,
    /// `fy2026` (the default) or `fy2024`.
    format: Option<String>,
}

/// Bytes handed to the response at a time, and chunks in flight.
const CHUNK_BYTES: usize = 64 * 1024;
const CHUNKS_IN_FLIGHT: usize = 8;

type Chunk = Result<Vec<u8>, std::io::Error>;

fn export_request(query: ExportQuery) -> Result<ExportRequest, AppError> {
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(AppError::bad_input(
            "Give the range as ?from=yyyy-mm-dd&to=yyyy-mm-dd (and optionally &format=fy2026|fy2024)",
        ));
    };
    let format = match query.format {
        Some(raw) => raw.parse::<CsvFormat>().map_err(AppError::bad_input)?,
        None => CsvFormat::default(),
    };
    Ok(ExportRequest {
        range: ExportRange::parse(&from, &to)?,
        format,
    })
}

pub async fn hmis_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let context = match RequestContext::open(&state, &Credentials::from_headers(&headers)).await {
        Ok(context) => context,
        Err(err) => return refuse(err),
    };
    let Some(actor) = context
        .actor()
        .filter(|actor| matches!(actor.role, Role::Admin | Role::PriorityListManager))
        .cloned()
    else {
        return refuse(AppError::forbidden(format!(
            "Only an ADMIN or a PRIORITY_LIST_MANAGER may download the HMIS CSV export; act as an \
             organization where you are one (header {ORGANIZATION_HEADER})"
        )));
    };
    let request = match query {
        Ok(Query(query)) => export_request(query),
        Err(rejection) => Err(AppError::bad_input(format!(
            "The query string is not understood: {rejection}"
        ))),
    };
    let request = match request {
        Ok(request) => request,
        Err(err) => return refuse(err),
    };
    let range = request.range;
    // Who took the community's records, and which period: recorded before the first byte is sent.
    if let Err(err) = audit::record_export(&state.services, &actor, "exportHmisCsv", range).await {
        return refuse(err);
    }

    let (sender, receiver) = mpsc::channel::<Chunk>(CHUNKS_IN_FLIGHT);
    let sink = ChannelWriter {
        sender: sender.clone(),
        buffer: Vec::with_capacity(CHUNK_BYTES),
    };
    let services = state.services.clone();
    tokio::spawn(async move {
        if let Err(err) = export::write_zip(&services, request, sink).await {
            tracing::warn!(error = %err, "HMIS CSV export stopped");
            // Ends the body with an error: the connection is cut, not the zip finished.
            let _ = sender
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    let filename = format!(
        "attachment; filename=\"hmis-csv-{}-{}.zip\"",
        range.from(),
        range.to()
    );
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(receiver)));
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    // Client records: never kept by caches along the way.
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&filename) {
        response_headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The refusal's status follows its code, as for `/graphql`.
fn refuse(err: AppError) -> Response {
    error_response(MediaType::Json, err.status(), err)
}

/// The zip writer's sink (on its blocking thread): hands the response body chunks of bytes, waiting
/// while the client is behind.
struct ChannelWriter {
    sender: mpsc::Sender<Chunk>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the client closed the download",
            )
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send_buffer()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffer()
    }
}
