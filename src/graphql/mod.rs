//! The GraphQL API: the schema value, one module per type, thin resolvers over `service`.
//!
//! The schema is a plain value ([`build_schema`]); the HTTP layer (`crate::http`) attaches the caller
//! and the per-request DataLoaders to each request.

pub mod audit;
pub mod client;
pub mod connection;
pub mod context;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod ordering;
pub mod organization;
pub mod prefetch;
pub mod query;
pub mod report;
pub mod scalars;
pub mod subscription;
pub mod viewer;

use crate::error::AppError;
use crate::service::Services;
use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{Response, Schema, SchemaBuilder};
use std::sync::Arc;

pub type HearthSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// What a list field without paging is assumed to hold when pricing a query: a client's
/// enrollments, an enrollment's CE events, an organization's projects.
pub const LIST_FANOUT: usize = 5;

/// Persisted queries (APQ) kept per server; a client whose hash is forgotten sends the query again.
const PERSISTED_QUERIES: usize = 1024;

/// Queries nested deeper than this are refused before they run.
pub const MAX_DEPTH: usize = 15;
/// The most a query may cost; see the per-field costs on list fields.
pub const MAX_COMPLEXITY: usize = 20_000;

/// Options of the schema that come from configuration.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    pub introspection: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        SchemaOptions {
            introspection: true,
        }
    }
}

fn builder()
-> SchemaBuilder<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot> {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
}

/// The schema served by Hearth, with its limits and extensions.
pub fn build_schema(services: Services, options: &SchemaOptions) -> HearthSchema {
    let mut builder = builder()
        .data(services)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(10)
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
            PERSISTED_QUERIES,
        )))
        .extension(limits::AliasLimit)
        .extension(ordering::SelectionOrder)
        .extension(ErrorCodes);
    if !options.introspection {
        builder = builder
            .disable_introspection()
            .extension(limits::IntrospectionOff);
    }
    builder.finish()
}

/// The SDL of the schema, as written to `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// Gives every error an `extensions.code`. Errors raised by Hearth's services carry theirs; errors the
/// GraphQL engine raises itself (syntax, validation, an argument of the wrong type, a limit) are the
/// client's to fix, so they are BAD_USER_INPUT.
struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            if let Some(app_error) = error.source::<AppError>() {
                let public = app_error.to_graphql();
                error.message = public.message;
                error.extensions = public.extensions;
                continue;
            }
            let extensions = error.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none() {
                extensions.set("code", "BAD_USER_INPUT");
            }
        }
        response
    }
}
