//! The one request context of every transport (rule F1): POST and GET /graphql, each operation over
//! /graphql/ws and each download open it the same way, before any work is done.
//!
//! Opening it authenticates the API token (R1), settles the organization acted as (R2), counts the
//! request against the token's rate limit (HEARTH_RATE_LIMIT) and, for HOUSING_STAFF, starts the
//! read audit. [`RequestContext::record_reads`] then writes what the request revealed before its
//! answer is handed out.

use crate::app::AppState;
use crate::domain::{Actor, Role};
use crate::error::AppResult;
use crate::graphql::context::{Caller, ClientReads, ORGANIZATION_HEADER};
use crate::graphql::executor::Prepared;
use crate::graphql::loaders::{self, Loaders};
use crate::service::audit;
use axum::http::{HeaderMap, header};
use std::sync::Arc;

/// What a request presents to sign in: the `Authorization` and `X-Organization-Id` values, from
/// HTTP headers or from a WebSocket's `connection_init` payload.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    pub authorization: Option<String>,
    pub organization: Option<String>,
}

impl Credentials {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Credentials {
            authorization: header(header::AUTHORIZATION.as_str()),
            organization: header(ORGANIZATION_HEADER),
        }
    }

    /// From a `connection_init` payload `{"Authorization": "Bearer …", "X-Organization-Id": "…"}`
    /// (keys in any case).
    pub fn from_payload(payload: &serde_json::Value) -> Self {
        let field = |name: &str| {
            payload
                .as_object()
                .and_then(|o| {
                    o.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v)
                })
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        Credentials {
            authorization: field(header::AUTHORIZATION.as_str()),
            organization: field(ORGANIZATION_HEADER),
        }
    }
}

/// A request that may run: who is asking, as which organization, and what it reads.
pub struct RequestContext {
    pub caller: Caller,
    /// The clients a HOUSING_STAFF request revealed; absent for other roles.
    reads: Option<Arc<ClientReads>>,
}

impl RequestContext {
    /// Authenticates, picks the organization, applies the rate limit and opens the read audit:
    /// UNAUTHENTICATED, FORBIDDEN or RATE_LIMITED before any work is done.
    pub async fn open(state: &AppState, credentials: &Credentials) -> AppResult<Self> {
        let caller = Caller::resolve(
            &state.services,
            credentials.authorization.as_deref(),
            credentials.organization.as_deref(),
        )
        .await?;
        state.rate_limit.check(caller.signed_in.token_id)?;
        let reads = caller
            .acting
            .as_ref()
            .filter(|actor| actor.role == Role::HousingStaff)
            .map(|_| Arc::new(ClientReads::default()));
        Ok(RequestContext { caller, reads })
    }

    /// The user and organization acted as, once chosen.
    pub fn actor(&self) -> Option<&Actor> {
        self.caller.acting.as_ref()
    }

    /// The API token's id: the key of the caller's persisted queries and rate limit.
    pub fn token_id(&self) -> uuid::Uuid {
        self.caller.signed_in.token_id
    }

    /// Gives a prepared request the caller, its DataLoaders and the read audit. A subscription's
    /// loaders cache nothing: it lives long, and every event must be read as it is now.
    pub fn attach(&self, state: &AppState, prepared: Prepared) -> Prepared {
        let acting = self.caller.acting.clone();
        let loaders: Loaders = if prepared.is_subscription() {
            loaders::uncached_loaders(&state.services, acting)
        } else {
            loaders::loaders(&state.services, acting)
        };
        let mut prepared = prepared.data(loaders).data(self.caller.clone());
        if let Some(reads) = &self.reads {
            prepared = prepared.data(reads.clone());
        }
        prepared
    }

    /// Records in the audit trail the clients read since the last call (HMIS privacy: what housing
    /// staff see of client records is logged). Called before an answer is handed out; when it fails,
    /// the answer must not be.
    pub async fn record_reads(&self, state: &AppState) -> AppResult<()> {
        match (&self.reads, &self.caller.acting) {
            (Some(reads), Some(actor)) => {
                audit::record_client_reads(&state.services, actor, reads.take()).await
            }
            _ => Ok(()),
        }
    }
}
