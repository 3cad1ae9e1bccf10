//! Writing what the plan adds: each table's new records in chunks, referenced tables first, each
//! record with its audit row (operation `hearth import`) in the import's transaction.

use super::OPERATION;
use crate::error::AppResult;
use crate::service::audit;
use entity::{
    app_user, assessment, audit_event, ce_event, ce_participation, client, enrollment, household,
    organization, project,
};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, TryIntoModel};
use uuid::Uuid;

/// Rows inserted per statement: at most 19 columns each, well under SQLite's (32766) and
/// PostgreSQL's (65535) limits on bound parameters; fewer, larger statements load faster.
const INSERT_CHUNK: usize = 1000;

/// A table the import writes, each row with its id (for its audit row).
trait Written: EntityTrait {
    fn id_of(model: &Self::Model) -> Uuid;
}

macro_rules! written {
    ($($module:ident),+) => {$(
        impl Written for $module::Entity {
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
        }
    )+};
}

written!(
    organization,
    project,
    ce_participation,
    client,
    household,
    enrollment,
    ce_event,
    assessment,
    app_user
);

/// Records to add, until written: one stage's, or one chunk's of a streamed file.
#[derive(Default)]
pub(super) struct Plan {
    pub(super) users: Vec<app_user::ActiveModel>,
    pub(super) organizations: Vec<organization::ActiveModel>,
    pub(super) projects: Vec<project::ActiveModel>,
    pub(super) participations: Vec<ce_participation::ActiveModel>,
    pub(super) clients: Vec<client::ActiveModel>,
    pub(super) households: Vec<household::ActiveModel>,
    pub(super) enrollments: Vec<enrollment::ActiveModel>,
    pub(super) events: Vec<ce_event::ActiveModel>,
    pub(super) assessments: Vec<assessment::ActiveModel>,
}

impl Plan {
    /// Inserts the records planned, referenced records first, each with its audit row (attributed
    /// to `who`), and empties the plan. Records are written whatever other rows hold: later chunks
    /// find them in the database, and the caller rolls back when any row is bad.
    pub(super) async fn flush(
        &mut self,
        txn: &DatabaseTransaction,
        who: audit::Who,
    ) -> AppResult<()> {
        let plan = std::mem::take(self);
        insert_all::<app_user::Entity, _>(txn, who, plan.users).await?;
        insert_all::<organization::Entity, _>(txn, who, plan.organizations).await?;
        insert_all::<project::Entity, _>(txn, who, plan.projects).await?;
        insert_all::<ce_participation::Entity, _>(txn, who, plan.participations).await?;
        insert_all::<client::Entity, _>(txn, who, plan.clients).await?;
        insert_all::<household::Entity, _>(txn, who, plan.households).await?;
        insert_all::<enrollment::Entity, _>(txn, who, plan.enrollments).await?;
        insert_all::<ce_event::Entity, _>(txn, who, plan.events).await?;
        insert_all::<assessment::Entity, _>(txn, who, plan.assessments).await?;
        Ok(())
    }
}

/// Inserts `models` in chunks, each with its audit rows (one per record, in the same transaction).
async fn insert_all<E, A>(
    txn: &DatabaseTransaction,
    who: audit::Who,
    models: Vec<A>,
) -> AppResult<()>
where
    E: Written,
    E::Model: serde::Serialize,
    A: ActiveModelTrait<Entity = E> + TryIntoModel<E::Model> + Send,
{
    let record_type = E::default().table_name().to_owned();
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        let chunk: Vec<A> = models.by_ref().take(INSERT_CHUNK).collect();
        let records = chunk
            .iter()
            .map(|model| model.clone().try_into_model())
            .collect::<Result<Vec<E::Model>, _>>()?;
        let trail = audit::creations(
            who,
            OPERATION,
            &record_type,
            records
                .iter()
                .map(|record| (<E as Written>::id_of(record), record)),
        )?;
        E::insert_many(chunk).exec_without_returning(txn).await?;
        audit_event::Entity::insert_many(trail)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
