//! GraphQL over HTTP media types and status codes (the GraphQL-over-HTTP specification).
//!
//! A client that accepts `application/graphql-response+json` gets it, with a 4xx status when the
//! request failed before execution (a syntax or validation error: no `data` entry then). Every other
//! client gets `application/json` with 200 for any well-formed request, as legacy clients expect.

use async_graphql::{BatchResponse, Response, ServerError};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use std::collections::BTreeMap;

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    /// The media type to answer with, from the Accept header; `None` when the client accepts
    /// neither (406).
    pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Some(MediaType::Json);
        };
        let mut best: Option<(MediaType, f32)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let name = parts.next().unwrap_or("").to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let media = match name.as_str() {
                GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponseJson,
                JSON | "application/*" | "*/*" => MediaType::Json,
                _ => continue,
            };
            if quality <= 0.0 {
                continue;
            }
            // Prefer the higher quality; on a tie, the GraphQL response media type.
            let better = match best {
                None => true,
                Some((current, q)) => {
                    quality > q
                        || (quality == q
                            && media == MediaType::GraphqlResponseJson
                            && current != media)
                }
            };
            if better {
                best = Some((media, quality));
            }
        }
        best.map(|(media, _)| media)
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }

    /// Writes an executed (or refused) request's responses with the right status.
    pub fn respond(
        self,
        status: Option<StatusCode>,
        responses: BatchResponse,
    ) -> axum::response::Response {
        // Straight to bytes: going through serde_json::Value first cost a copy of every field.
        let (body, request_error) = match &responses {
            BatchResponse::Single(response) => (
                serde_json::to_vec(&self.body(response)),
                is_request_error(response),
            ),
            BatchResponse::Batch(list) => (
                serde_json::to_vec(&list.iter().map(|r| self.body(r)).collect::<Vec<_>>()),
                false,
            ),
        };
        let body = body.unwrap_or_else(|err| {
            tracing::error!(error = %err, "cannot serialize a GraphQL response");
            br#"{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#
                .to_vec()
        });
        let status = status.unwrap_or(match self {
            MediaType::GraphqlResponseJson if request_error => StatusCode::BAD_REQUEST,
            _ => StatusCode::OK,
        });
        let mut http = (status, body).into_response();
        http.headers_mut()
            .insert(header::CONTENT_TYPE, self.content_type());
        http
    }

    fn body(self, response: &Response) -> Body<'_> {
        // A request error means nothing ran: the GraphQL response media type then has no `data`.
        let omit_data = self == MediaType::GraphqlResponseJson && is_request_error(response);
        Body {
            data: (!omit_data).then_some(&response.data),
            extensions: &response.extensions,
            errors: &response.errors,
        }
    }
}

/// The JSON of one GraphQL response, as the GraphQL-over-HTTP specification lays it out.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
}

/// A response whose request failed before execution: no data, and errors without a path.
fn is_request_error(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).expect("header"),
        );
        MediaType::negotiate(&headers)
    }

    #[test]
    fn accept_header_chooses_the_media_type() {
        assert_eq!(
            MediaType::negotiate(&HeaderMap::new()),
            Some(MediaType::Json)
        );
        assert_eq!(accept("application/json"), Some(MediaType::Json));
        assert_eq!(
            accept(GRAPHQL_RESPONSE_JSON),
            Some(MediaType::GraphqlResponseJson)
        );
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(MediaType::GraphqlResponseJson)
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            Some(MediaType::Json)
        );
        assert_eq!(accept("*/*"), Some(MediaType::Json));
        assert_eq!(accept("text/html"), None);
    }
}
