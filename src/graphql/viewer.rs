//! `me`: the signed-in user, the organization they act as and all their memberships.

use super::context::Caller;
use super::organization::{Organization, organization};
use crate::domain::Role;
use crate::error::AppError;
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::{app_user, membership};

/// A person who signs in to Hearth.
#[derive(SimpleObject)]
pub struct User {
    /// UserID.
    id: ID,
    /// UserEmail, lower-cased.
    email: String,
    /// The user's name.
    name: String,
}

impl From<app_user::Model> for User {
    fn from(user: app_user::Model) -> User {
        User {
            id: ID(user.id.to_string()),
            email: user.email,
            name: user.name,
        }
    }
}

pub struct Membership(pub membership::Model);

/// A user's role in one organization.
#[Object]
impl Membership {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.organization_id).await
    }
    /// The user's role in it.
    async fn role(&self) -> Result<Role> {
        Role::parse(&self.0.role).ok_or_else(|| {
            AppError::internal(format!("membership {} has unknown role", self.0.id)).into()
        })
    }
}

pub struct Viewer(pub Caller);

/// Who is asking: the user, the organization acted as (null until chosen with X-Organization-Id when
/// the user has several memberships) and the role of that membership.
#[Object]
impl Viewer {
    /// The signed-in user.
    async fn user(&self) -> User {
        User::from(self.0.signed_in.user.clone())
    }
    /// The organization the request acts as, if chosen.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match &self.0.acting {
            Some(actor) => Ok(Some(organization(ctx, actor.organization_id).await?)),
            None => Ok(None),
        }
    }
    /// The role of the acting membership, if an organization is chosen.
    async fn role(&self) -> Option<Role> {
        self.0.acting.as_ref().map(|a| a.role)
    }
    /// Every membership of the user.
    async fn memberships(&self) -> Vec<Membership> {
        self.0
            .signed_in
            .memberships
            .iter()
            .cloned()
            .map(Membership)
            .collect()
    }
}
