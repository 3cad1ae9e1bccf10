//! The `Subscription` root: `referralUpdated`, filtered to the subscriber's scope.

use super::client::CeEvent;
use super::context::ContextExt;
use crate::service::scope;
use async_graphql::{Context, Result, Subscription};
use entity::ce_event;
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

pub struct SubscriptionRoot;

/// Live updates over WebSocket at /graphql/ws (graphql-transport-ws).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Fires when a referral in your scope changes: created, acknowledged, noted, resolved, reopened,
    /// corrected or cancelled. HOUSING_STAFF hear of referrals to the acting organization's
    /// projects, PRIORITY_LIST_MANAGER and ADMIN of all.
    async fn referral_updated(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = CeEvent>> {
        let actor = ctx.actor()?.clone();
        let services = ctx.services().clone();
        let changes = BroadcastStream::new(services.notifier.subscribe());
        Ok(changes.filter_map(move |change| {
            let actor = actor.clone();
            let db = services.db.clone();
            async move {
                // A subscriber that fell behind skips the changes it missed (Err(Lagged)).
                let change = change.ok()?;
                let in_scope = actor.sees_everything()
                    || change.referred_organization_id == Some(actor.organization_id);
                if !in_scope {
                    return None;
                }
                // Re-read through the scoped lookup so the event is sent as this subscriber may see it.
                match scope::find::<ce_event::Entity, _>(&db, &actor, change.ce_event_id).await {
                    Ok(event) => event.map(CeEvent),
                    Err(err) => {
                        tracing::warn!(error = %err, "referralUpdated: could not load the changed referral");
                        None
                    }
                }
            }
        }))
    }
}
