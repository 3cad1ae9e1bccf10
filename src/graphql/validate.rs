//! Validation without execution: for a request that has no valid token, whether its document would
//! be refused anyway (it does not parse, is priced over the limits, or does not validate against the
//! schema). Such a request is answered with that error rather than asked to sign in, as the
//! GraphQL-over-HTTP specification expects (graphql-http's audit checks it without a token): nothing
//! of it runs, and what the error says is the schema's, public while introspection is on.
//!
//! async-graphql validates inside `execute`; an extension of a schema used only for this stops the
//! request once validation passes, before any resolver runs. Hearth's own schema carries no
//! extension (see `executor`).

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};
use std::sync::Arc;

/// The message of the error that stops a valid document; never sent to a client.
pub const VALID: &str = "hearth: the document is valid";

/// Stops every request after validation: with validation's errors, or with [`VALID`].
pub struct ValidateOnly;

impl ExtensionFactory for ValidateOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ValidateOnly)
    }
}

#[async_trait::async_trait]
impl Extension for ValidateOnly {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await?;
        Err(vec![ServerError::new(VALID, None)])
    }
}
