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
use entity::{assessment, ce_event, client, enrollment, organization, project, referral_note};
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

/// A nested field of a level (`field`, if selected: an enrollment's client, a client's enrollments):
/// its rows, loaded by `rows` ([`load_each`] for a link, [`load_lists`] for what a row owns), then
/// their own nested fields by `next`. `rows` is a future, so nothing loads for a field not asked
/// for.
async fn nested<'a, V>(
    ctx: &'a Context<'a>,
    field: Lookahead<'a>,
    rows: impl Future<Output = Result<Vec<V>>>,
    next: Level<V>,
) -> Result<()> {
    if !field.exists() {
        return Ok(());
    }
    next(ctx, field, rows.await?).await
}

/// The [`Level`] of rows with no nested fields to load (assessments, notes).
fn leaves<'a, V>(_: &'a Context<'a>, _: Lookahead<'a>, _: Vec<V>) -> BoxFuture<'a, Result<()>> {
    Box::pin(std::future::ready(Ok(())))
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
        let (loaders, field) = (ctx.loaders(), |name| selection.field(name));
        let ids = unique(rows.iter().map(|c| c.id));
        let of = || ids.iter().copied();
        let enrollments_of = load_lists(loaders, of(), EnrollmentsOfClient);
        nested(ctx, field("enrollments"), enrollments_of, enrollments).await?;
        let events_of = load_lists(loaders, of(), CeEventsOfClient);
        nested(ctx, field("ceEvents"), events_of, ce_events).await?;
        let assessments_of = load_lists(loaders, of(), AssessmentsOfClient);
        let assessments = leaves::<assessment::Model>;
        nested(ctx, field("assessments"), assessments_of, assessments).await
    })
}

pub fn enrollments<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<enrollment::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let (loaders, field) = (ctx.loaders(), |name| selection.field(name));
        let client_of = load_each(loaders, rows.iter().map(|e| e.client_id), ClientKey);
        nested(ctx, field("client"), client_of, clients).await?;
        let project_of = load_each(loaders, rows.iter().map(|e| e.project_id), ProjectKey);
        nested(ctx, field("project"), project_of, projects).await?;
        let households_of = rows.iter().map(|e| e.household_id);
        linked_households(ctx, field("household"), households_of).await?;
        let ids = unique(rows.iter().map(|e| e.id));
        let of = || ids.iter().copied();
        let events_of = load_lists(loaders, of(), CeEventsOfEnrollment);
        nested(ctx, field("ceEvents"), events_of, ce_events).await?;
        let resolved_by = load_each(loaders, of(), ReferralResolvedBy);
        nested(ctx, field("resolvedReferral"), resolved_by, ce_events).await?;
        let assessments_of = load_lists(loaders, of(), AssessmentsOfEnrollment);
        let assessments = leaves::<assessment::Model>;
        nested(ctx, field("assessments"), assessments_of, assessments).await
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
        let project_ids = households.values().map(|h| h.project_id);
        let project_of = load_each(loaders, project_ids, ProjectKey);
        nested(ctx, selection.field("project"), project_of, projects).await?;
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
        let (loaders, field) = (ctx.loaders(), |name| selection.field(name));
        let client_of = load_each(loaders, rows.iter().map(|e| e.client_id), ClientKey);
        nested(ctx, field("client"), client_of, clients).await?;
        let enrollment_ids = rows.iter().map(|e| e.enrollment_id);
        let enrollment_of = load_each(loaders, enrollment_ids, EnrollmentKey);
        nested(ctx, field("enrollment"), enrollment_of, enrollments).await?;
        let resulting_ids = rows.iter().filter_map(|e| e.resulting_enrollment_id);
        let resulting = load_each(loaders, resulting_ids, EnrollmentKey);
        nested(ctx, field("resultingEnrollment"), resulting, enrollments).await?;
        let referred_ids = rows.iter().filter_map(|e| e.referred_project_id);
        let referred = load_each(loaders, referred_ids, ProjectKey);
        nested(ctx, field("referredProject"), referred, projects).await?;
        let households_of = rows.iter().map(|e| e.household_id);
        linked_households(ctx, field("household"), households_of).await?;
        let notes_of = load_lists(loaders, rows.iter().map(|e| e.id), NotesOfReferral);
        let notes = leaves::<referral_note::Model>;
        nested(ctx, field("notes"), notes_of, notes).await
    })
}

pub fn projects<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<project::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let organization_ids = rows.iter().map(|p| p.organization_id);
        let organization_of = load_each(ctx.loaders(), organization_ids, OrganizationKey);
        let field = selection.field("organization");
        nested(ctx, field, organization_of, organizations).await
    })
}

pub fn organizations<'a>(
    ctx: &'a Context<'a>,
    selection: Lookahead<'a>,
    rows: Vec<organization::Model>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let ids = rows.iter().map(|o| o.id);
        let projects_of = load_lists(ctx.loaders(), ids, ProjectsOfOrganization);
        nested(ctx, selection.field("projects"), projects_of, projects).await
    })
}
