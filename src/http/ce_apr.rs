//! `GET /reports/ce-apr.zip?from=yyyy-mm-dd&to=yyyy-mm-dd`: HUD's CE APR (Q9a, Q9b, Q9c, Q9d,
//! Q10) as the CoC uploads it, one CSV per question, for PRIORITY_LIST_MANAGER and ADMIN.
//!
//! Signed in as for `/graphql`, through the same request context (Bearer token,
//! X-Organization-Id, the rate limit); refusals are GraphQL-style JSON errors with
//! `extensions.code`; every download is in the audit trail. The tables are the same values
//! `ceApr` answers, computed by the same service.

use super::context::{Credentials, RequestContext};
use super::graphql::error_response;
use super::media::MediaType;
use crate::app::AppState;
use crate::error::AppError;
use crate::interop::ExportRange;
use crate::service::{audit, ce_apr};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
}

pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match zip(&state, &headers, query).await {
        Ok((range, bytes)) => {
            let mut response = Response::new(axum::body::Body::from(bytes));
            let response_headers = response.headers_mut();
            response_headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/zip"),
            );
            response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            let filename = format!(
                "attachment; filename=\"ce-apr-{}-{}.zip\"",
                range.from(),
                range.to()
            );
            if let Ok(value) = HeaderValue::from_str(&filename) {
                response_headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(err) => error_response(MediaType::Json, err.status(), err),
    }
}

async fn zip(
    state: &AppState,
    headers: &HeaderMap,
    query: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<(ExportRange, Vec<u8>), AppError> {
    let context = RequestContext::open(state, &Credentials::from_headers(headers)).await?;
    let actor = context.actor().cloned().ok_or_else(|| {
        AppError::forbidden(
            "Choose an organization to act as (X-Organization-Id) to download the CE APR",
        )
    })?;
    let Query(query) = query.map_err(|rejection| {
        AppError::bad_input(format!("The query string is not understood: {rejection}"))
    })?;
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(AppError::bad_input(
            "Give the report's range as ?from=yyyy-mm-dd&to=yyyy-mm-dd",
        ));
    };
    let range = ExportRange::parse(&from, &to)?;
    let report = ce_apr::ce_apr(&state.services, &actor, range.from(), range.to()).await?;
    audit::record_export(&state.services, &actor, "downloadCeApr", range).await?;
    Ok((range, ce_apr::csv::zip(&report)?))
}
