//! Writing what the plan adds: each table's new records in chunks, referenced tables first, each
//! record with its audit row (operation `hearth import`) in the import's transaction.

use super::OPERATION;
use super::plan::Target;
use super::read::FileSet;
use super::report::FileTally;
use crate::error::AppResult;
use crate::interop::columns::HmisFile;
use crate::service::audit;
use entity::{
    app_user, audit_event, ce_event, ce_participation, client, enrollment, household, organization,
    project,
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
    app_user
);

/// The records to add (until written), and the tallies to report.
pub(super) struct Plan {
    pub(super) users: Vec<app_user::ActiveModel>,
    pub(super) organizations: Vec<organization::ActiveModel>,
    pub(super) projects: Vec<project::ActiveModel>,
    pub(super) participations: Vec<ce_participation::ActiveModel>,
    pub(super) clients: Vec<client::ActiveModel>,
    pub(super) households: Vec<household::ActiveModel>,
    pub(super) enrollments: Vec<enrollment::ActiveModel>,
    pub(super) events: Vec<ce_event::ActiveModel>,
    pub(super) tallies: Vec<FileTally>,
    /// Whom the audit trail names for the records added.
    who: audit::Who,
}

impl Plan {
    pub(super) fn new(who: audit::Who) -> Plan {
        Plan {
            users: Vec::new(),
            organizations: Vec::new(),
            projects: Vec::new(),
            participations: Vec::new(),
            clients: Vec::new(),
            households: Vec::new(),
            enrollments: Vec::new(),
            events: Vec::new(),
            tallies: Vec::new(),
            who,
        }
    }

    /// Notes what became of `file`'s `rows` (their `targets`), when the zip has the file.
    pub(super) fn tally(
        &mut self,
        set: &FileSet,
        file: &'static HmisFile,
        rows: usize,
        targets: &[Target],
    ) {
        if !set.present.contains(&file.name) {
            return;
        }
        let present = targets.iter().filter(|t| t.present).count();
        self.tallies.push(FileTally {
            file: file.name,
            rows,
            added: targets.len() - present,
            present,
        });
    }

    /// Inserts the new records resolved so far, referenced records first, when `write`; drops them
    /// either way.
    pub(super) async fn flush(&mut self, txn: &DatabaseTransaction, write: bool) -> AppResult<()> {
        let users = std::mem::take(&mut self.users);
        let organizations = std::mem::take(&mut self.organizations);
        let projects = std::mem::take(&mut self.projects);
        let participations = std::mem::take(&mut self.participations);
        let clients = std::mem::take(&mut self.clients);
        let households = std::mem::take(&mut self.households);
        let enrollments = std::mem::take(&mut self.enrollments);
        let events = std::mem::take(&mut self.events);
        if !write {
            return Ok(());
        }
        let who = self.who;
        insert_all::<app_user::Entity, _>(txn, who, users).await?;
        insert_all::<organization::Entity, _>(txn, who, organizations).await?;
        insert_all::<project::Entity, _>(txn, who, projects).await?;
        insert_all::<ce_participation::Entity, _>(txn, who, participations).await?;
        insert_all::<client::Entity, _>(txn, who, clients).await?;
        insert_all::<household::Entity, _>(txn, who, households).await?;
        insert_all::<enrollment::Entity, _>(txn, who, enrollments).await?;
        insert_all::<ce_event::Entity, _>(txn, who, events).await?;
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
