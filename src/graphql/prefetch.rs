//! Loads a list's nested fields level by level, for the whole list at once, before its items resolve.
//!
//! DataLoaders batch the keys that arrive within a short delay; for long lists the items' resolvers
//! register their keys over several scheduler turns, so timing alone would split one level into
//! several statements. Looking ahead at the query, the list resolver loads each requested level for
//! every row with one statement per key type and feeds the rows to the request's cache, where the
//! items' own `load_one` calls find them. A query's statement count thus depends on its shape, never
//! on its row count, and no level waits for the DataLoader's batching window.

use super::context::ContextExt;
use super::loaders::{
    AssessmentsOfClient, AssessmentsOfEnrollment, CeEventsOfClient, CeEventsOfEnrollment,
    ClientKey, EnrollmentKey, EnrollmentsOfClient, HearthLoader, HouseholdAges, HouseholdKey,
    Loaders, MembersOfHousehold, NotesOfReferral, OrganizationKey, ProjectKey,
    ProjectsOfOrganization, ReferralResolvedBy,
};
use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead, Result};
use entity::{ce_event, client, enrollment, organization, project};
use futures_util::future::BoxFuture;
use std::collections::BTreeSet;
use std::collections::HashMap;
use std::hash::Hash;
use uuid::Uuid;

/// The selection of the rows of a connection: `nodes` and `edges { node }` together.
pub fn connection_rows<'a>(field: &Lookahead<'a>) -> Lookahead<'a> {
    let nodes = field.field("nodes");
    let mut fields = nodes.selection_fields();
    fields.extend(field.field("edges").field("node").selection_fields());
    // With neither selected there is nothing to load: the empty `nodes` lookahead says so.
    Lookahead::try_from(fields.as_slice()).unwrap_or(nodes)
}

fn unique(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    ids.collect::<BTreeSet<_>>().into_iter().collect()
}

/// Loads one level for all its keys now, with one statement, and feeds the rows to the request's
/// cache. Not `load_many`: that waits out the DataLoader's batching window (1 ms) before every
/// level, though the whole level is already known here.
async fn load_now<K, V>(
    loaders: &Loaders,
    keys: impl IntoIterator<Item = K>,
) -> Result<HashMap<K, V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    HearthLoader: Loader<K, Value = V, Error = async_graphql::Error>,
{
    let keys: Vec<K> = keys.into_iter().collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let loaded = loaders.loader().load(&keys).await?;
    loaders
        .feed_many(loaded.iter().map(|(k, v)| (k.clone(), v.clone())))
        .await;
    Ok(loaded)
}

/// The rows behind one nested field of a whole level: one per key among `ids` (each once), loaded
/// now as by [`load_now`]. Every "this row's client/project/enrollment" field loads this way.
async fn load_each<K, V>(
    loaders: &Loaders,
    ids: impl Iterator<Item = Uuid>,
    key: fn(Uuid) -> K,
) -> Result<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    HearthLoader: Loader<K, Value = V, Error = async_graphql::Error>,
{
    let loaded = load_now(loaders, unique(ids).into_iter().map(key)).await?;
    Ok(loaded.into_values().collect())
}

/// The rows behind one nested list field of a whole level ("this client's enrollments"): every
/// key's list, joined, loaded now as by [`load_now`]. A key with no rows is fed an empty list: the
/// loader's answer lacks it, and an item finding nothing cached would load its own (an empty list
/// per item is an N+1 all the same).
async fn load_lists<K, V>(
    loaders: &Loaders,
    ids: impl Iterator<Item = Uuid>,
    key: fn(Uuid) -> K,
) -> Result<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    HearthLoader: Loader<K, Value = Vec<V>, Error = async_graphql::Error>,
{
    let keys: Vec<K> = unique(ids).into_iter().map(key).collect();
    let loaded = load_now(loaders, keys.iter().cloned()).await?;
    let empty = keys.into_iter().filter(|k| !loaded.contains_key(k));
    loaders.feed_many(empty.map(|k| (k, Vec::new()))).await;
    Ok(loaded.into_values().flatten().collect())
}

/// A level's loader of its own nested fields (`clients`, `enrollments`, `projects` …).
type Level<V> = for<'a> fn(&'a Context<'a>, Lookahead<'a>, Vec<V>) -> BoxFuture<'a, Result<()>>;

/// The records a level's rows name by `key` (`field`, if selected: an enrollment's client, a
/// referral's project), loaded as by [`load_each`], then their own nested fields by `next`.
async fn linked<'a, K, V>(
    ctx: &'a Context<'a>,
    field: Lookahead<'a>,
    ids: impl Iterator<Item = Uuid>,
    key: fn(Uuid) -> K,
    next: Level<V>,
) -> Result<()>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    HearthLoader: Loader<K, Value = V, Error = async_graphql::Error>,
{
    if !field.exists() {
        return Ok(());
    }
    let rows = load_each(ctx.loaders(), ids, key).await?;
    next(ctx, field, rows).await
}

/// The households a level's rows name (`field`, if selected), and their own nested fields.
async fn linked_households<'a>(
    ctx: &'a Context<'a>,
    field: Lookahead<'a>,
    ids: impl Iterator<Item = Uuid>,
) -> Result<()> {
    if !field.exists() {
        return Ok(());
    }
    households(ctx, field, unique(ids)).await
}

pub fn clients<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<client::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if rows.is_empty() {
            return Ok(());
        }
        let loaders = ctx.loaders();
        let ids = unique(rows.iter().map(|c| c.id));
        let enrollments = selection.field("enrollments");
        if enrollments.exists() {
            let rows = load_lists(loaders, ids.iter().copied(), EnrollmentsOfClient).await?;
            self::enrollments(ctx, enrollments, rows).await?;
        }
        let events = selection.field("ceEvents");
        if events.exists() {
            let rows = load_lists(loaders, ids.iter().copied(), CeEventsOfClient).await?;
            ce_events(ctx, events, rows).await?;
        }
        if selection.field("assessments").exists() {
            load_lists::<_, entity::assessment::Model>(
                loaders,
                ids.iter().copied(),
                AssessmentsOfClient,
            )
            .await?;
        }
        Ok(())
    })
}

pub fn enrollments<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<enrollment::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if rows.is_empty() {
            return Ok(());
        }
        let loaders = ctx.loaders();
        let client = selection.field("client");
        linked(
            ctx,
            client,
            rows.iter().map(|e| e.client_id),
            ClientKey,
            clients,
        )
        .await?;
        let project = selection.field("project");
        linked(
            ctx,
            project,
            rows.iter().map(|e| e.project_id),
            ProjectKey,
            projects,
        )
        .await?;
        let ids = unique(rows.iter().map(|e| e.id));
        let events = selection.field("ceEvents");
        if events.exists() {
            let rows = load_lists(loaders, ids.iter().copied(), CeEventsOfEnrollment).await?;
            ce_events(ctx, events, rows).await?;
        }
        let resolved = selection.field("resolvedReferral");
        if resolved.exists() {
            let rows = load_each(loaders, ids.iter().copied(), ReferralResolvedBy).await?;
            ce_events(ctx, resolved, rows).await?;
        }
        let household = selection.field("household");
        linked_households(ctx, household, rows.iter().map(|e| e.household_id)).await?;
        if selection.field("assessments").exists() {
            load_lists::<_, entity::assessment::Model>(
                loaders,
                ids.iter().copied(),
                AssessmentsOfEnrollment,
            )
            .await?;
        }
        Ok(())
    })
}

/// A household's project, type, head and members, for households `ids`.
pub fn households<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    ids: Vec<Uuid>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if ids.is_empty() {
            return Ok(());
        }
        let loaders = ctx.loaders();
        let households = load_now(loaders, ids.iter().copied().map(HouseholdKey)).await?;
        let project = selection.field("project");
        let of_households = households.values().map(|h| h.project_id);
        linked(ctx, project, of_households, ProjectKey, projects).await?;
        if selection.field("householdType").exists() {
            load_now(loaders, ids.iter().copied().map(HouseholdAges)).await?;
        }
        let head = selection.field("headOfHousehold");
        let members = selection.field("members");
        if head.exists() || members.exists() {
            let rows: Vec<enrollment::Model> =
                load_lists(loaders, ids.iter().copied(), MembersOfHousehold).await?;
            for wanted in [head, members] {
                if wanted.exists() {
                    enrollments(ctx, wanted, rows.clone()).await?;
                }
            }
        }
        Ok(())
    })
}

pub fn ce_events<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<ce_event::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if rows.is_empty() {
            return Ok(());
        }
        let loaders = ctx.loaders();
        let client = selection.field("client");
        linked(
            ctx,
            client,
            rows.iter().map(|e| e.client_id),
            ClientKey,
            clients,
        )
        .await?;
        let enrollment = selection.field("enrollment");
        let ids = rows.iter().map(|e| e.enrollment_id);
        linked(ctx, enrollment, ids, EnrollmentKey, enrollments).await?;
        let resulting = selection.field("resultingEnrollment");
        let ids = rows.iter().filter_map(|e| e.resulting_enrollment_id);
        linked(ctx, resulting, ids, EnrollmentKey, enrollments).await?;
        let referred = selection.field("referredProject");
        let ids = rows.iter().filter_map(|e| e.referred_project_id);
        linked(ctx, referred, ids, ProjectKey, projects).await?;
        let household = selection.field("household");
        linked_households(ctx, household, rows.iter().map(|e| e.household_id)).await?;
        // A referral's notes (`CeEvent.notes`), for every event of the level at once.
        if selection.field("notes").exists() {
            let ids = rows.iter().map(|e| e.id);
            load_lists::<_, entity::referral_note::Model>(loaders, ids, NotesOfReferral).await?;
        }
        Ok(())
    })
}

pub fn projects<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<project::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let organization = selection.field("organization");
        if rows.is_empty() || !organization.exists() {
            return Ok(());
        }
        let ids = rows.iter().map(|p| p.organization_id);
        let rows = load_each(ctx.loaders(), ids, OrganizationKey).await?;
        organizations(ctx, organization, rows).await
    })
}

pub fn organizations<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<organization::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let projects_field = selection.field("projects");
        if rows.is_empty() || !projects_field.exists() {
            return Ok(());
        }
        let ids = rows.iter().map(|o| o.id);
        let rows = load_lists(ctx.loaders(), ids, ProjectsOfOrganization).await?;
        projects(ctx, projects_field, rows).await
    })
}
