//! The GraphQL API: the schema value, one module per type, thin resolvers over `service`.
//!
//! The schema is a plain value ([`build_schema`]) wrapped in [`HearthExecutor`], which adds Hearth's
//! checks and response touches; the HTTP layer (`crate::http`) attaches the caller and the
//! per-request DataLoaders to each request.

pub mod assessment;
pub mod audit;
pub mod client;
pub mod connection;
pub mod context;
pub mod executor;
pub mod household;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod ordering;
pub mod organization;
pub mod participation;
pub mod prefetch;
pub mod query;
pub mod referral;
pub mod report;
pub mod scalars;
pub mod subscription;
pub mod validate;
pub mod viewer;

use crate::service::Services;
use async_graphql::{Schema, SchemaBuilder};
pub use executor::HearthExecutor;

pub type HearthSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// What a list field without paging is assumed to hold when pricing a query: a client's
/// enrollments, an enrollment's CE events, an organization's projects.
pub const LIST_FANOUT: usize = 5;

/// Queries nested deeper than this are refused before they run.
pub const MAX_DEPTH: usize = 15;
/// The most a query may cost; see the per-field costs on list fields. The benchmark queries with
/// their households (`household { members { client { .. } } }`) cost about 25,000 at first: 100.
pub const MAX_COMPLEXITY: usize = 40_000;

/// Options of the schema that come from configuration.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    pub introspection: bool,
    /// Most fields a document may resolve, fragments expanded (HEARTH_MAX_SELECTIONS).
    pub max_selections: usize,
}

fn builder()
-> SchemaBuilder<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot> {
    Schema::build(
        query::QueryRoot::default(),
        mutation::MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
}

/// The schema served by Hearth, with its limits. It registers no async-graphql extension on purpose:
/// one would put every field through the extension chain; see `executor`.
pub fn build_schema(services: Services, options: &SchemaOptions) -> HearthExecutor {
    // The same schema and limits, stopped after validation (see `validate`).
    let validator = builder()
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(10)
        .extension(validate::ValidateOnly);
    let mut builder = builder()
        .data(services)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(10);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    let limits = limits::DocumentLimits {
        max_selections: options.max_selections,
        introspection: options.introspection,
    };
    HearthExecutor::new(builder.finish(), validator.finish(), limits)
}

/// The SDL of the schema, as written to `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
