//! Per-request DataLoaders: nested fields load in batches keyed by id, so a query's statement count
//! depends on its shape, never on how many rows it returns. Scoped keys apply the same conditions as
//! lookups and lists (`service::scope`), so nested fields show exactly what the caller may see.

use crate::db::ReadModels;
use crate::domain::{Actor, RelationshipToHoH};
use crate::error::AppError;
use crate::service::Services;
use crate::service::catalog::Catalog;
use crate::service::scope::{self, Scoped, Shared};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::decode::Decoded;
use entity::{
    app_user, assessment, audit_event, ce_event, ce_participation, client, enrollment, household,
    organization, project,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The loader of one request: the database and, once the caller acts as an organization, the actor
/// that scopes client data.
pub struct HearthLoader {
    db: DatabaseConnection,
    /// Projects and organizations, kept by the process (`service::catalog`).
    catalog: Catalog,
    actor: Option<Actor>,
}

pub type Loaders = DataLoader<HearthLoader, HashMapCache>;

/// The loaders of one HTTP request: results are cached for the request, so that a list resolver
/// can load a level for all its rows at once (`super::prefetch`) and each row then finds its own.
pub fn loaders(services: &Services, actor: Option<Actor>) -> Loaders {
    // A batch runs on a task of its own; it keeps the request's span, so that its statements'
    // spans are the request's children.
    DataLoader::with_cache(
        HearthLoader {
            db: services.db.clone(),
            catalog: services.catalog.clone(),
            actor,
        },
        |batch| tokio::spawn(tracing::Instrument::in_current_span(batch)),
        HashMapCache::default(),
    )
}

/// The loaders of a subscription: it lives as long as its WebSocket, so nothing is cached and every
/// event is read afresh.
pub fn uncached_loaders(services: &Services, actor: Option<Actor>) -> Loaders {
    let loaders = loaders(services, actor);
    loaders.enable_all_cache(false);
    loaders
}

impl HearthLoader {
    /// `column` is one of `keys`' ids, as one statement text whatever their number.
    fn one_of<K: Copy + Into<Uuid>>(&self, column: impl ColumnTrait, keys: &[K]) -> Expr {
        let ids = keys.iter().map(|&key| key.into());
        crate::db::one_of(self.db.get_database_backend(), column, ids)
    }

    fn actor(&self) -> Result<&Actor, async_graphql::Error> {
        self.actor.as_ref().ok_or_else(|| {
            AppError::forbidden(
                "Choose an organization to act as (X-Organization-Id) to read client data",
            )
            .into()
        })
    }
}

type LoadResult<V> = Result<HashMap<<V as Keyed>::Key, <V as Keyed>::Value>, async_graphql::Error>;

/// Ties a key newtype to the value it loads.
pub trait Keyed {
    type Key;
    type Value;
}

macro_rules! key {
    ($(#[$meta:meta])* $name:ident => $value:ty) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name(pub Uuid);
        impl Keyed for $name {
            type Key = $name;
            type Value = $value;
        }
        impl From<$name> for Uuid {
            fn from(key: $name) -> Uuid {
                key.0
            }
        }
    };
}

key!(/// A project by id (visible to all).
    ProjectKey => project::Model);
key!(/// An organization by id (visible to all).
    OrganizationKey => organization::Model);
key!(/// The live projects an organization operates.
    ProjectsOfOrganization => Vec<project::Model>);
key!(/// A project's HUD 2.09 periods, oldest first.
    ParticipationOfProject => Vec<ce_participation::Model>);
key!(/// A client by id, within scope.
    ClientKey => client::Model);
key!(/// An enrollment by id, within scope.
    EnrollmentKey => enrollment::Model);
key!(/// A client's enrollments within scope.
    EnrollmentsOfClient => Vec<enrollment::Model>);
key!(/// A client's CE events within scope.
    CeEventsOfClient => Vec<ce_event::Model>);
key!(/// The CE events recorded in an enrollment, within scope.
    CeEventsOfEnrollment => Vec<ce_event::Model>);
key!(/// A client's 4.19 assessments within scope, oldest first.
    AssessmentsOfClient => Vec<assessment::Model>);
key!(/// The 4.19 assessments recorded in an enrollment, within scope, oldest first.
    AssessmentsOfEnrollment => Vec<assessment::Model>);
key!(/// A user by id (for the audit trail).
    UserKey => app_user::Model);
key!(/// A record's audit trail, as far as the actor may read it.
    AuditOfRecord => Vec<audit_event::Model>);
key!(/// The referral an enrollment resolved (its resulting enrollment), within scope.
    ReferralResolvedBy => ce_event::Model);
key!(/// A referral's notes, oldest first (whoever sees the referral sees them).
    NotesOfReferral => Vec<entity::referral_note::Model>);
key!(/// A household by id (reached through an enrollment the caller sees).
    HouseholdKey => household::Model);
key!(/// A household's enrollments within scope, head first, then by entry.
    MembersOfHousehold => Vec<enrollment::Model>);
key!(/// What a household's type is counted from: every live member, in scope or not.
    HouseholdAges => HouseholdAgeFacts);

/// The facts of rule H7: the head's entry date and each live member's date of birth.
#[derive(Clone, Debug, Default)]
pub struct HouseholdAgeFacts {
    pub head_entry: Option<chrono::NaiveDate>,
    pub births: Vec<Option<chrono::NaiveDate>>,
}

/// A nested list field: the rows the request's loader holds for `key` (none when it found none: a
/// list loader answers only for the keys it has rows for), each as its GraphQL object `object`.
pub async fn list_field<K, V, T>(
    loaders: &Loaders,
    key: K,
    object: fn(V) -> T,
) -> async_graphql::Result<Vec<T>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    HearthLoader: Loader<K, Value = Vec<V>, Error = async_graphql::Error>,
{
    let rows = loaders.load_one(key).await?.unwrap_or_default();
    Ok(rows.into_iter().map(object).collect())
}

/// The record a stored link names (an enrollment's project, an event's household), as its GraphQL
/// object `object`: the link's target must be there, so its absence is a fault of the data, not the
/// caller's.
pub async fn linked<K, V, T>(
    loaders: &Loaders,
    (key, id): (fn(Uuid) -> K, Uuid),
    record: &str,
    object: fn(V) -> T,
) -> async_graphql::Result<T>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    HearthLoader: Loader<K, Value = V, Error = async_graphql::Error>,
{
    let found = loaders
        .load_one(key(id))
        .await?
        .ok_or_else(|| AppError::internal(format!("{record} {id} is missing")))?;
    Ok(object(found))
}

fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> Uuid) -> Vec<Uuid> {
    keys.iter().copied().map(id).collect()
}

fn group<K: Eq + std::hash::Hash, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut grouped: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        grouped.entry(key(&row)).or_default().push(row);
    }
    grouped
}

fn db_error(err: sea_orm::DbErr) -> async_graphql::Error {
    AppError::from(err).into()
}

impl Loader<ProjectKey> for HearthLoader {
    type Value = project::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProjectKey]) -> LoadResult<ProjectKey> {
        let rows = self
            .catalog
            .live::<project::Entity>(&self.db, &ids(keys, |k| k.0))
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(|p| (ProjectKey(p.id), p)).collect())
    }
}

impl Loader<OrganizationKey> for HearthLoader {
    type Value = organization::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[OrganizationKey]) -> LoadResult<OrganizationKey> {
        let rows = self
            .catalog
            .live::<organization::Entity>(&self.db, &ids(keys, |k| k.0))
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|o| (OrganizationKey(o.id), o))
            .collect())
    }
}

impl Loader<ProjectsOfOrganization> for HearthLoader {
    type Value = Vec<project::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProjectsOfOrganization]) -> LoadResult<ProjectsOfOrganization> {
        let rows = project::Entity::find()
            .filter(project::Entity::live())
            .filter(self.one_of(project::Column::OrganizationId, keys))
            .order_by_asc(project::Column::Name)
            .order_by_asc(project::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(group(rows, |p| ProjectsOfOrganization(p.organization_id)))
    }
}

impl Loader<ParticipationOfProject> for HearthLoader {
    type Value = Vec<ce_participation::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ParticipationOfProject]) -> LoadResult<ParticipationOfProject> {
        let rows = ce_participation::Entity::find()
            .filter(ce_participation::Column::DateDeleted.is_null())
            .filter(self.one_of(ce_participation::Column::ProjectId, keys))
            .order_by_asc(ce_participation::Column::StartDate)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(group(rows, |p| ParticipationOfProject(p.project_id)))
    }
}

/// The records among `keys` that `visible` lets through.
async fn by_id<E, K>(
    loader: &HearthLoader,
    keys: &[K],
    visible: Condition,
) -> Result<Vec<E::Model>, async_graphql::Error>
where
    E: Scoped,
    E::Model: Send,
    Decoded<E::Model>: FromQueryResult + Send,
    K: Copy + Into<Uuid>,
{
    E::find()
        .filter(visible)
        .filter(loader.one_of(E::id_column(), keys))
        .read_all(&loader.db)
        .await
        .map_err(db_error)
}

/// Which rows a loader of records by id lets through.
enum Seen {
    /// What the actor may see (`service::scope::Scoped`).
    InScope,
    /// Every row, deleted or not, whoever asks: for records reached only through one the caller may
    /// see (a note's author, an enrollment's household).
    ByAnyone,
}

impl Seen {
    fn condition<E: Scoped>(
        &self,
        loader: &HearthLoader,
    ) -> Result<Condition, async_graphql::Error> {
        match self {
            Seen::InScope => Ok(E::visible_to(loader.actor()?)),
            Seen::ByAnyone => Ok(Condition::all()),
        }
    }
}

/// The loader of records by id, those `$seen` lets through, each under its own key.
macro_rules! by_id_loader {
    ($($key:ident: $entity:ident $seen:ident),+ $(,)?) => {$(
        impl Loader<$key> for HearthLoader {
            type Value = $entity::Model;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key> {
                let visible = Seen::$seen.condition::<$entity::Entity>(self)?;
                let rows = by_id::<$entity::Entity, _>(self, keys, visible).await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    )+};
}

by_id_loader!(
    ClientKey: client InScope,
    EnrollmentKey: enrollment InScope,
    // A deleted user still authored what they did: the trail names them.
    UserKey: app_user ByAnyone,
    HouseholdKey: household ByAnyone,
);

impl Loader<EnrollmentsOfClient> for HearthLoader {
    type Value = Vec<enrollment::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[EnrollmentsOfClient]) -> LoadResult<EnrollmentsOfClient> {
        let rows = enrollment::Entity::find()
            .filter(scope::enrollments(self.actor()?))
            .filter(self.one_of(enrollment::Column::ClientId, keys))
            .order_by_asc(enrollment::Column::Id)
            .read_all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(group(rows, |e| EnrollmentsOfClient(e.client_id)))
    }
}

/// CE events within scope matching `condition`, oldest first.
async fn scoped_events(
    loader: &HearthLoader,
    condition: Condition,
) -> Result<Vec<ce_event::Model>, async_graphql::Error> {
    ce_event::Entity::find()
        .filter(scope::ce_events(loader.actor()?))
        .filter(condition)
        .order_by_asc(ce_event::Column::Id)
        .read_all(&loader.db)
        .await
        .map_err(db_error)
}

impl Loader<ReferralResolvedBy> for HearthLoader {
    type Value = ce_event::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ReferralResolvedBy]) -> LoadResult<ReferralResolvedBy> {
        let condition =
            Condition::all().add(self.one_of(ce_event::Column::ResultingEnrollmentId, keys));
        let rows = scoped_events(self, condition).await?;
        Ok(rows
            .into_iter()
            .filter_map(|e| {
                e.resulting_enrollment_id
                    .map(|id| (ReferralResolvedBy(id), e))
            })
            .collect())
    }
}

/// Assessments within scope matching `condition`, oldest first (by date, then as recorded).
async fn scoped_assessments(
    loader: &HearthLoader,
    condition: Condition,
) -> Result<Vec<assessment::Model>, async_graphql::Error> {
    assessment::Entity::find()
        .filter(scope::assessments(loader.actor()?))
        .filter(condition)
        .order_by_asc(assessment::Column::AssessmentDate)
        .order_by_asc(assessment::Column::Id)
        .read_all(&loader.db)
        .await
        .map_err(db_error)
}

/// The loader of a nested list: the rows `$read` finds in scope whose `$column` is one of the keys,
/// each under its own key (`$field`).
macro_rules! list_loader {
    ($($key:ident: $entity:ident::$column:ident ($field:ident) by $read:ident),+ $(,)?) => {$(
        impl Loader<$key> for HearthLoader {
            type Value = Vec<$entity::Model>;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key> {
                let condition =
                    Condition::all().add(self.one_of($entity::Column::$column, keys));
                let rows = $read(self, condition).await?;
                Ok(group(rows, |row| $key(row.$field)))
            }
        }
    )+};
}

list_loader!(
    CeEventsOfClient: ce_event::ClientId (client_id) by scoped_events,
    CeEventsOfEnrollment: ce_event::EnrollmentId (enrollment_id) by scoped_events,
    AssessmentsOfClient: assessment::ClientId (client_id) by scoped_assessments,
    AssessmentsOfEnrollment: assessment::EnrollmentId (enrollment_id) by scoped_assessments,
);

impl Loader<AuditOfRecord> for HearthLoader {
    type Value = Vec<audit_event::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[AuditOfRecord]) -> LoadResult<AuditOfRecord> {
        let rows = audit_event::Entity::find()
            .filter(audit_event::Entity::visible_to(self.actor()?))
            .filter(self.one_of(audit_event::Column::RecordId, keys))
            .order_by_asc(audit_event::Column::Id)
            .read_all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(group(rows, |e| AuditOfRecord(e.record_id)))
    }
}

/// Head first (HUD 3.15 code 1), then by entry date and id.
fn head_first(members: &mut [enrollment::Model]) {
    members.sort_by_key(|e| {
        let head = e.relationship_to_hoh == RelationshipToHoH::SelfHeadOfHousehold;
        (!head, e.entry_date, e.id)
    });
}

impl Loader<MembersOfHousehold> for HearthLoader {
    type Value = Vec<enrollment::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[MembersOfHousehold]) -> LoadResult<MembersOfHousehold> {
        let rows = enrollment::Entity::find()
            .filter(scope::enrollments(self.actor()?))
            .filter(self.one_of(enrollment::Column::HouseholdId, keys))
            .read_all(&self.db)
            .await
            .map_err(db_error)?;
        let mut grouped = group(rows, |e| MembersOfHousehold(e.household_id));
        grouped.values_mut().for_each(|members| head_first(members));
        Ok(grouped)
    }
}

impl Loader<HouseholdAges> for HearthLoader {
    type Value = HouseholdAgeFacts;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[HouseholdAges]) -> LoadResult<HouseholdAges> {
        // Only ages leave this loader: the type is the household's, whoever of it the caller sees.
        let rows: Vec<(Uuid, i32, chrono::NaiveDate, Option<chrono::NaiveDate>)> =
            enrollment::Entity::find()
                .select_only()
                .column(enrollment::Column::HouseholdId)
                .column(enrollment::Column::RelationshipToHoh)
                .column(enrollment::Column::EntryDate)
                .column(client::Column::DateOfBirth)
                .join(
                    sea_orm::JoinType::InnerJoin,
                    enrollment::Relation::Client.def(),
                )
                .filter(enrollment::Column::DateDeleted.is_null())
                .filter(self.one_of(enrollment::Column::HouseholdId, keys))
                .into_tuple()
                .all(&self.db)
                .await
                .map_err(db_error)?;
        let mut facts: HashMap<HouseholdAges, HouseholdAgeFacts> = HashMap::new();
        for (household, relationship, entry, birth) in rows {
            let entry_facts = facts.entry(HouseholdAges(household)).or_default();
            if relationship == 1 {
                entry_facts.head_entry = Some(entry);
            }
            entry_facts.births.push(birth);
        }
        Ok(facts)
    }
}

impl Loader<NotesOfReferral> for HearthLoader {
    type Value = Vec<entity::referral_note::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[NotesOfReferral]) -> LoadResult<NotesOfReferral> {
        let rows = crate::service::referrals::notes_of(&self.db, ids(keys, |k| k.0)).await?;
        Ok(group(rows, |n| NotesOfReferral(n.ce_event_id)))
    }
}
