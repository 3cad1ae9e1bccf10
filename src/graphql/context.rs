//! What a resolver knows about the request: the signed-in caller and the organization they act as
//! (rules R1, R2), resolved once per HTTP request or WebSocket connection before anything runs.

use super::loaders::Loaders;
use crate::domain::{Actor, Role};
use crate::error::{AppError, AppResult};
use crate::service::Services;
use crate::service::tokens::{self, SignedIn};
use async_graphql::Context;
use uuid::Uuid;

/// The HTTP header that names the organization a user acts as.
pub const ORGANIZATION_HEADER: &str = "X-Organization-Id";

/// A signed-in user and, when chosen (or implied by a single membership), the organization acted as.
#[derive(Clone, Debug)]
pub struct Caller {
    pub signed_in: SignedIn,
    pub acting: Option<Actor>,
}

impl Caller {
    /// Authenticates `authorization` (the `Authorization` header's value) and settles the acting
    /// organization from `organization` (the `X-Organization-Id` header's value).
    pub async fn resolve(
        services: &Services,
        authorization: Option<&str>,
        organization: Option<&str>,
    ) -> AppResult<Caller> {
        let token = bearer_token(authorization)?;
        let signed_in = tokens::authenticate(services, token).await?;
        let acting = acting_membership(&signed_in, organization)?;
        Ok(Caller { signed_in, acting })
    }
}

fn bearer_token(authorization: Option<&str>) -> AppResult<&str> {
    let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
        return Err(AppError::unauthenticated(
            "Sign in: send the header `Authorization: Bearer <api token>`",
        ));
    };
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(AppError::unauthenticated(
            "The Authorization header must be `Bearer <api token>`",
        )),
    }
}

fn acting_membership(signed_in: &SignedIn, organization: Option<&str>) -> AppResult<Option<Actor>> {
    let actor_for = |m: &entity::membership::Model| -> AppResult<Actor> {
        let role = Role::parse(&m.role)
            .ok_or_else(|| AppError::internal(format!("membership {} has unknown role", m.id)))?;
        Ok(Actor {
            user_id: signed_in.user.id,
            organization_id: m.organization_id,
            role,
        })
    };
    match organization.map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => {
            let not_member = || {
                AppError::forbidden(format!(
                    "{ORGANIZATION_HEADER} \"{raw}\" is not an organization you belong to; \
                     ask `me {{ memberships {{ organization {{ id }} }} }}` for yours"
                ))
            };
            let id = Uuid::parse_str(raw).map_err(|_| not_member())?;
            let membership = signed_in
                .memberships
                .iter()
                .find(|m| m.organization_id == id)
                .ok_or_else(not_member)?;
            Ok(Some(actor_for(membership)?))
        }
        None => match signed_in.memberships.as_slice() {
            [only] => Ok(Some(actor_for(only)?)),
            _ => Ok(None),
        },
    }
}

/// The clients whose records a HOUSING_STAFF request read, recorded in the audit trail once the
/// request is answered (one insert per request). Absent for other roles.
#[derive(Default)]
pub struct ClientReads(std::sync::Mutex<std::collections::BTreeSet<Uuid>>);

impl ClientReads {
    pub fn note(&self, client_id: Uuid) {
        match self.0.lock() {
            Ok(mut ids) => ids.insert(client_id),
            Err(poisoned) => poisoned.into_inner().insert(client_id),
        };
    }

    pub fn take(&self) -> Vec<Uuid> {
        let mut ids = match self.0.lock() {
            Ok(ids) => ids,
            Err(poisoned) => poisoned.into_inner(),
        };
        std::mem::take(&mut *ids).into_iter().collect()
    }
}

/// Resolver access to the caller and services.
pub trait ContextExt {
    fn services(&self) -> &Services;
    fn caller(&self) -> AppResult<&Caller>;
    /// The acting user and organization; FORBIDDEN until an organization is chosen.
    fn actor(&self) -> AppResult<&Actor>;
    fn loaders(&self) -> &Loaders;
    /// Notes that the request read this client's record (for the audit trail).
    fn note_client_read(&self, client_id: Uuid);
}

impl ContextExt for Context<'_> {
    fn services(&self) -> &Services {
        self.data_unchecked::<Services>()
    }

    fn caller(&self) -> AppResult<&Caller> {
        self.data_opt::<Caller>().ok_or_else(|| {
            AppError::unauthenticated("Sign in: send `Authorization: Bearer <api token>`")
        })
    }

    fn actor(&self) -> AppResult<&Actor> {
        let caller = self.caller()?;
        caller.acting.as_ref().ok_or_else(|| {
            if caller.signed_in.memberships.is_empty() {
                AppError::forbidden(
                    "You have no membership in any organization; ask an ADMIN to grant you a role",
                )
            } else {
                AppError::forbidden(format!(
                    "You belong to several organizations: choose one with the {ORGANIZATION_HEADER} \
                     header (see `me {{ memberships {{ organization {{ id name }} }} }}`)"
                ))
            }
        })
    }

    fn loaders(&self) -> &Loaders {
        self.data_unchecked::<Loaders>()
    }

    fn note_client_read(&self, client_id: Uuid) {
        if let Some(reads) = self.data_opt::<std::sync::Arc<ClientReads>>() {
            reads.note(client_id);
        }
    }
}
