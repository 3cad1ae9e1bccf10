//! The catalog: the community's projects and organizations, kept in memory for a moment, so that a
//! list's nested `project`, `organization` and `referredProject` run no statement.
//!
//! Why: every enrollment and referral names its project, and every project its organization. In
//! the nested traversal (W2 in BENCHMARKS.md: clients -> enrollments -> project -> organization,
//! ceEvents -> referredProject) three of the seven statements of each request read these same few
//! rows again. They are the community's reference data: a few hundred rows, visible alike to every
//! signed-in user (`scope::Shared`), added by ADMINs and by imports, and never updated or deleted
//! through Hearth.
//!
//! So only rows found are kept, and for [`AGE`] at most:
//! - a project or organization added a moment ago is not kept anywhere yet, so it is read from the
//!   database like any other miss: nothing added can be missed;
//! - a row changed behind the servers' back (by SQL, or a restore) is seen by every server within
//!   [`AGE`], without a notification;
//! - a row soft-deleted that way likewise disappears from nested fields within [`AGE`].
//!
//! If Hearth itself ever updates or deletes these rows, the change must make every server forget
//! (as `sessions` does for sign-ins), or it would show for up to [`AGE`].

use super::scope::Shared;
use entity::{organization, project};
use sea_orm::{DatabaseConnection, DbErr, QueryFilter};
use std::time::Duration;
use uuid::Uuid;

/// How long a row is kept: the longest a change made behind the servers' back goes unseen.
pub const AGE: Duration = Duration::from_secs(1);

/// How many rows of each table are kept (the least recently used go first): far more than a
/// community's projects.
pub const CAPACITY: u64 = 10_000;

/// The rows this process keeps (cheap to clone: clones share them).
#[derive(Clone)]
pub struct Catalog {
    projects: moka::sync::Cache<Uuid, project::Model>,
    organizations: moka::sync::Cache<Uuid, organization::Model>,
}

fn cache<V: Clone + Send + Sync + 'static>() -> moka::sync::Cache<Uuid, V> {
    moka::sync::Cache::builder()
        .max_capacity(CAPACITY)
        .time_to_live(AGE)
        .build()
}

impl Catalog {
    pub fn new() -> Self {
        Catalog {
            projects: cache(),
            organizations: cache(),
        }
    }

    /// The live rows of `E` among `ids`: those kept, and the rest read with one statement.
    pub async fn live<E: Cataloged>(
        &self,
        db: &DatabaseConnection,
        ids: &[Uuid],
    ) -> Result<Vec<E::Model>, DbErr> {
        kept_or_read(E::kept(self), ids, |missing| live::<E>(db, missing)).await
    }
}

/// A table the catalog keeps: where its rows are kept, and each row's id.
pub trait Cataloged: Shared<Model: Clone + Send + Sync + 'static> {
    fn kept(catalog: &Catalog) -> &moka::sync::Cache<Uuid, Self::Model>;
    fn id(row: &Self::Model) -> Uuid;
}

impl Cataloged for project::Entity {
    fn kept(catalog: &Catalog) -> &moka::sync::Cache<Uuid, project::Model> {
        &catalog.projects
    }
    fn id(row: &project::Model) -> Uuid {
        row.id
    }
}

impl Cataloged for organization::Entity {
    fn kept(catalog: &Catalog) -> &moka::sync::Cache<Uuid, organization::Model> {
        &catalog.organizations
    }
    fn id(row: &organization::Model) -> Uuid {
        row.id
    }
}

/// The live rows of `E` whose id is among `ids`, each with its id.
async fn live<E: Cataloged>(
    db: &DatabaseConnection,
    ids: Vec<Uuid>,
) -> Result<Vec<(Uuid, E::Model)>, DbErr> {
    let rows = E::find()
        .filter(E::live())
        .filter(crate::db::one_of(
            db.get_database_backend(),
            E::id_column(),
            ids,
        ))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (E::id(&row), row)).collect())
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new()
    }
}

/// The rows of `ids` kept in `kept`, with the others `read` (only when some are missing) and kept.
async fn kept_or_read<V, F>(
    kept: &moka::sync::Cache<Uuid, V>,
    ids: &[Uuid],
    read: impl FnOnce(Vec<Uuid>) -> F,
) -> Result<Vec<V>, DbErr>
where
    V: Clone + Send + Sync + 'static,
    F: Future<Output = Result<Vec<(Uuid, V)>, DbErr>>,
{
    let mut found = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match kept.get(id) {
            Some(row) => found.push(row),
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        for (id, row) in read(missing).await? {
            kept.insert(id, row.clone());
            found.push(row);
        }
    }
    Ok(found)
}
