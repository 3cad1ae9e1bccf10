//! How one GraphQL request runs: what Hearth checks before the engine executes it, and what it does
//! to the response after.
//!
//! Before: persisted queries (APQ) are looked up, the document is parsed once, and Hearth's own
//! limits are checked (aliases, introspection when switched off). After: the fields of each object
//! are put in selection order and every error gets its `extensions.code`.
//!
//! All of this could be async-graphql extensions, and once was; but as soon as one extension is
//! registered the engine sends every field of every response through the extension chain (a boxed
//! future per extension and a registry lookup per field), which cost about a third of the server's
//! CPU on a 50-client traversal (BENCHMARKS.md). Done here, each step runs once per request, and the
//! HTTP handler and the WebSocket share it through async-graphql's `Executor` trait.

use super::limits::{self, DocumentLimits};
use super::{HearthSchema, ordering};
use crate::error::AppError;
use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerError};
use futures_util::stream::{self, BoxStream, StreamExt};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// Persisted queries kept per server (across every caller); a client whose hash is forgotten sends
/// the query again.
const PERSISTED_QUERIES: usize = 1024;

/// The schema with Hearth's request checks and response touches around it.
#[derive(Clone)]
pub struct HearthExecutor {
    schema: HearthSchema,
    /// The schema stopped after validation, for requests without a valid token (`validate`).
    validator: HearthSchema,
    persisted: LruCacheStorage,
    limits: DocumentLimits,
    large_documents: Arc<Semaphore>,
}

/// Documents longer than this (bytes) are parsed off the async workers, [`LARGE_DOCUMENTS_AT_ONCE`]
/// at a time. Every query of the README and the benchmark is under 2 KB.
const LARGE_DOCUMENT: usize = 64 * 1024;
const LARGE_DOCUMENTS_AT_ONCE: usize = 2;

/// A request ready to execute (its document parsed and checked), or the error that refuses it.
pub struct Prepared {
    request: Request,
    /// A copy of the parsed document, to order the response by; the engine consumes its own.
    checked: Result<ExecutableDocument, ServerError>,
}

impl Prepared {
    /// The operation the request selects, when its document parsed.
    fn operation(&self) -> Option<&async_graphql::parser::types::OperationDefinition> {
        let document = self.checked.as_ref().ok()?;
        let operation = match (&document.operations, &self.request.operation_name) {
            (DocumentOperations::Single(operation), _) => operation,
            (DocumentOperations::Multiple(operations), Some(name)) => {
                operations.get(name.as_str())?
            }
            (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
                operations.values().next()?
            }
            (DocumentOperations::Multiple(_), None) => return None,
        };
        Some(&operation.node)
    }

    /// The operation's name for metrics: `operationName`, else the name of the only operation.
    pub fn operation_name(&self) -> Option<String> {
        if let Some(name) = &self.request.operation_name {
            return Some(name.clone());
        }
        match &self.checked.as_ref().ok()?.operations {
            DocumentOperations::Multiple(operations) if operations.len() == 1 => {
                operations.keys().next().map(|name| name.to_string())
            }
            _ => None,
        }
    }

    /// Whether the selected operation is a subscription (long-lived: it must not cache reads).
    pub fn is_subscription(&self) -> bool {
        self.operation()
            .is_some_and(|operation| operation.ty == OperationType::Subscription)
    }

    /// Whether the selected operation is a mutation (a request that does not parse is not one: it
    /// fails with its syntax error).
    pub fn is_mutation(&self) -> bool {
        self.operation()
            .is_some_and(|operation| operation.ty == OperationType::Mutation)
    }

    /// Attaches per-request data (the caller, the DataLoaders) to the request.
    pub fn data<D: std::any::Any + Send + Sync>(mut self, data: D) -> Self {
        self.request = self.request.data(data);
        self
    }
}

impl HearthExecutor {
    pub fn new(schema: HearthSchema, validator: HearthSchema, limits: DocumentLimits) -> Self {
        HearthExecutor {
            schema,
            validator,
            persisted: LruCacheStorage::new(PERSISTED_QUERIES),
            limits,
            large_documents: Arc::new(Semaphore::new(LARGE_DOCUMENTS_AT_ONCE)),
        }
    }

    /// Parses the request's document, unless a persisted query already gave it. A large document
    /// is parsed on the blocking pool, a few at a time: a megabyte takes the parser a while and a
    /// hundred megabytes of syntax tree, which must neither stall the async workers (and every
    /// other request with them) nor be paid for by many requests at once.
    async fn parse(&self, request: &mut Request) -> Result<(), ServerError> {
        if request.query.len() <= LARGE_DOCUMENT {
            return request.parsed_query().map(|_| ()).map_err(syntax_error);
        }
        let _permit = self
            .large_documents
            .acquire()
            .await
            .map_err(|_| ServerError::new("the server is stopping", None))?;
        let query = request.query.clone();
        let parsed = tokio::task::spawn_blocking(move || parse_query(query))
            .await
            .map_err(|err| ServerError::new(format!("the parser failed: {err}"), None))?;
        match parsed {
            Ok(document) => {
                request.set_parsed_query(document);
                Ok(())
            }
            Err(err) => Err(syntax_error(err.into())),
        }
    }

    /// Whether the request only reads the schema (see [`limits::only_introspection`]) and
    /// introspection is on: such a request is answered without a token. A persisted query is not
    /// judged (its store is per token), nor a large document (no introspection query is large; it
    /// is parsed later, off the async workers). The parsed document is kept for `prepare`.
    pub fn reads_only_schema(&self, request: &mut Request) -> bool {
        self.limits.introspection
            && !request.extensions.contains_key("persistedQuery")
            && request.query.len() <= LARGE_DOCUMENT
            && request.parsed_query().is_ok_and(limits::only_introspection)
    }

    /// For a request without a valid token: its error when it would be refused whatever the token
    /// (it does not parse, costs over the limits or does not validate), else `None` (it must sign
    /// in). Only while introspection is on, and not for a persisted query: the errors describe the
    /// schema.
    pub async fn refusal_without_token(&self, request: Request) -> Option<Response> {
        if !self.limits.introspection || request.extensions.contains_key("persistedQuery") {
            return None;
        }
        let Prepared { request, checked } = self.prepare(request, Uuid::nil()).await;
        if let Err(err) = checked {
            return Some(finish(Response::from_errors(vec![err]), None));
        }
        let response = self.validator.execute(request).await;
        match response.errors.as_slice() {
            [only] if only.message == super::validate::VALID => None,
            _ => Some(finish(response, None)),
        }
    }

    /// Looks a persisted query up among those of `caller_token` (rule F6: a caller can neither use
    /// nor detect another's persisted queries), parses the document once and prices it (rule F2).
    pub async fn prepare(&self, mut request: Request, caller_token: Uuid) -> Prepared {
        let checked = match self.persisted_query(&mut request, caller_token).await {
            Ok(()) => match request.parsed_query() {
                Ok(document) => limits::check(document, self.limits).map(|()| document.clone()),
                Err(err) => Err(err),
            },
            Err(err) => Err(err),
        };
        Prepared { request, checked }
    }

    /// Executes a prepared request.
    pub async fn run(&self, prepared: Prepared) -> Response {
        let Prepared { request, checked } = prepared;
        let document = match checked {
            Ok(document) => document,
            Err(err) => return finish(Response::from_errors(vec![err]), None),
        };
        let operation_name = request.operation_name.clone();
        let response = self.schema.execute(request).await;
        finish(response, Some((&document, operation_name.as_deref())))
    }

    /// Executes a prepared request as a stream of responses: one for a query or mutation, one per
    /// event for a subscription (the WebSocket transport).
    pub fn run_stream(&self, prepared: Prepared) -> BoxStream<'static, Response> {
        let Prepared { request, checked } = prepared;
        let document = match checked {
            Ok(document) => Arc::new(document),
            Err(err) => {
                return stream::once(async move { finish(Response::from_errors(vec![err]), None) })
                    .boxed();
            }
        };
        let operation_name = request.operation_name.clone();
        self.schema
            .execute_stream(request)
            .map(move |response| finish(response, Some((&document, operation_name.as_deref()))))
            .boxed()
    }

    /// Automatic persisted queries (Apollo's protocol, version 1): a request may carry only the
    /// SHA-256 of a query the server has seen; a miss answers `PersistedQueryNotFound`, upon which
    /// the client sends the query with its hash, and the server keeps it. The store is
    /// async-graphql's LRU.
    async fn persisted_query(
        &self,
        request: &mut Request,
        caller_token: Uuid,
    ) -> Result<(), ServerError> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            return self.parse(request).await;
        };
        let invalid = || {
            ServerError::new(
                "extensions.persistedQuery must be { \"version\": 1, \"sha256Hash\": \"<hex>\" }",
                None,
            )
        };
        let value = value.into_json().map_err(|_| invalid())?;
        if value.get("version").and_then(|v| v.as_i64()) != Some(1) {
            return Err(invalid());
        }
        let hash = value
            .get("sha256Hash")
            .and_then(|v| v.as_str())
            .ok_or_else(invalid)?
            .to_ascii_lowercase();
        let key = format!("{caller_token}:{hash}");
        if request.query.is_empty() {
            // The protocol's exact message: clients retry with the query when they read it.
            let document = self
                .persisted
                .get(key)
                .await
                .ok_or_else(|| ServerError::new("PersistedQueryNotFound", None))?;
            request.set_parsed_query(document);
            return Ok(());
        }
        let actual = format!("{:x}", Sha256::digest(request.query.as_bytes()));
        if actual != hash {
            return Err(ServerError::new(
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
                None,
            ));
        }
        self.parse(request).await?;
        let document = request.parsed_query()?.clone();
        self.persisted.set(key, document).await;
        Ok(())
    }
}

/// A syntax error as a client can act on it: where, and what was expected. The parser's own message
/// quotes the whole offending line, which for a hostile one-line document is the whole body.
fn syntax_error(mut error: ServerError) -> ServerError {
    let expected = error
        .message
        .rsplit_once("= ")
        .map_or("not GraphQL", |(_, reason)| reason.trim());
    // The parser names what it expected in a line of its own; it never runs long.
    let expected: String = expected.chars().take(160).collect();
    error.message = match error.locations.first() {
        Some(at) => format!(
            "The query does not parse at line {}, column {}: {expected}",
            at.line, at.column
        ),
        None => format!("The query does not parse: {expected}"),
    };
    error
}

/// The response as Hearth sends it: fields in selection order, every error with its code.
fn finish(
    mut response: Response,
    document: Option<(&ExecutableDocument, Option<&str>)>,
) -> Response {
    if let Some((document, operation_name)) = document {
        ordering::reorder_response(&mut response.data, document, operation_name);
    }
    for error in &mut response.errors {
        with_code(error);
    }
    response
}

/// The longest message an error raised by the GraphQL engine itself is answered with.
const MAX_ENGINE_MESSAGE: usize = 300;

/// Gives an error its `extensions.code`. Errors raised by Hearth's services carry theirs; errors the
/// GraphQL engine raises itself (syntax, validation, an argument of the wrong type, a limit) are the
/// client's to fix, so they are BAD_USER_INPUT.
fn with_code(error: &mut ServerError) {
    if let Some(app_error) = error.source::<AppError>() {
        let public = app_error.to_graphql();
        error.message = public.message;
        error.extensions = public.extensions;
        return;
    }
    // Validation messages quote the document's names, which a hostile document makes as long as
    // the body allows.
    if error.message.chars().count() > MAX_ENGINE_MESSAGE {
        let cut: String = error.message.chars().take(MAX_ENGINE_MESSAGE).collect();
        error.message = format!("{cut}...");
    }
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", "BAD_USER_INPUT");
    }
}
