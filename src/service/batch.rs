//! The batch write path: many records at once, for the HMIS CSV import and the seeders, under the
//! same rules and with the same audit rows as the single-row mutations.
//!
//! A caller loads the facts for a chunk of rows in bulk (the importer from the database, a seeder
//! from what it made), adds each record through the `add_*` method of its table (which applies the
//! rules the record's mutation applies, `domain::rules`, and keeps the record only if none breaks)
//! and flushes: each table's new records are inserted in chunks, referenced tables first, each
//! record with its audit row, in the caller's transaction. The caller words the rule breaks (the
//! importer in HUD's column names) and decides what a break means (the importer reports it and
//! rolls back; a seeder that makes a record the API would refuse is wrong, and stops).

use crate::domain::rules::{self, RuleBreak};
use crate::error::AppResult;
use crate::service::audit;
use chrono::NaiveDate;
use entity::{
    app_user, assessment, audit_event, ce_event, ce_participation, client, enrollment, household,
    organization, project,
};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, TryIntoModel};
use uuid::Uuid;

/// Rows inserted per statement: at most 19 columns each, well under SQLite's (32766) and
/// PostgreSQL's (65535) limits on bound parameters; fewer, larger statements load faster.
const INSERT_CHUNK: usize = 1000;

/// An HMIS record table: the batch writes its rows, each with its id (for its audit row), and the
/// import finds its records by HUD ID (the UUID, or the `hud_id` an imported record keeps). One
/// impl per table serves both.
pub(crate) trait HmisTable: EntityTrait {
    fn id_column() -> Self::Column;
    fn hud_id_column() -> Self::Column;
    fn id_of(model: &Self::Model) -> Uuid;
    fn hud_id_of(model: &Self::Model) -> Option<&str>;
}

macro_rules! hmis_table {
    ($($module:ident),+) => {$(
        impl HmisTable for $module::Entity {
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
            fn hud_id_column() -> Self::Column {
                $module::Column::HudId
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
            fn hud_id_of(model: &Self::Model) -> Option<&str> {
                model.hud_id.as_deref()
            }
        }
    )+};
}

hmis_table!(
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
pub struct Batch {
    pub users: Vec<app_user::ActiveModel>,
    pub organizations: Vec<organization::ActiveModel>,
    pub projects: Vec<project::ActiveModel>,
    pub participations: Vec<ce_participation::ActiveModel>,
    pub clients: Vec<client::ActiveModel>,
    pub households: Vec<household::ActiveModel>,
    enrollments: Vec<enrollment::ActiveModel>,
    events: Vec<ce_event::ActiveModel>,
    pub assessments: Vec<assessment::ActiveModel>,
}

impl Batch {
    /// Adds `record` if it keeps createEnrollment's rules (entry within the project's operating
    /// dates, not in the future) and recordMoveIn's (a move-in only in permanent housing, on or after
    /// the entry), against its project; otherwise returns the breaks and adds nothing.
    pub fn add_enrollment(
        &mut self,
        record: enrollment::ActiveModel,
        project: &rules::enrollment::ProjectFacts,
        today: NaiveDate,
    ) -> AppResult<Vec<RuleBreak>> {
        let entry = set(&record.entry_date, "enrollment", "entry_date")?;
        let move_in = record.move_in_date.try_as_ref().copied().flatten();
        let breaks = rules::enrollment::record(entry, move_in, project, today);
        if breaks.is_empty() {
            self.enrollments.push(record);
        }
        Ok(breaks)
    }

    /// Adds `record` if it keeps createCeEvent's rules (`rules::ce_event::record`): the event lies
    /// within its CE enrollment and not in the future; a referral names a project of a type that
    /// fits the event (D2) that receives referrals on the event's date (D4). Otherwise returns the
    /// breaks and adds nothing.
    pub fn add_event(
        &mut self,
        record: ce_event::ActiveModel,
        enrollment: &rules::ce_event::CeEnrollmentFacts,
        referred: Option<&rules::ce_event::ReferredFacts<'_>>,
        today: NaiveDate,
    ) -> AppResult<Vec<RuleBreak>> {
        let date = set(&record.event_date, "ce_event", "event_date")?;
        let event_type = set(&record.event_type, "ce_event", "event_type")?;
        let breaks = rules::ce_event::record(event_type, date, Some(enrollment), referred, today);
        if breaks.is_empty() {
            self.events.push(record);
        }
        Ok(breaks)
    }

    /// Inserts the records added, referenced records first, each with its audit row (operation
    /// `operation`, attributed to `who`), and empties the batch. Records are written whatever other
    /// rows hold: later chunks find them in the database, and the caller rolls back when any row is
    /// bad.
    pub async fn flush(
        &mut self,
        txn: &DatabaseTransaction,
        who: audit::Who,
        operation: &str,
    ) -> AppResult<()> {
        let batch = std::mem::take(self);
        insert_all::<app_user::Entity, _>(txn, who, operation, batch.users).await?;
        insert_all::<organization::Entity, _>(txn, who, operation, batch.organizations).await?;
        insert_all::<project::Entity, _>(txn, who, operation, batch.projects).await?;
        insert_all::<ce_participation::Entity, _>(txn, who, operation, batch.participations)
            .await?;
        insert_all::<client::Entity, _>(txn, who, operation, batch.clients).await?;
        insert_all::<household::Entity, _>(txn, who, operation, batch.households).await?;
        insert_all::<enrollment::Entity, _>(txn, who, operation, batch.enrollments).await?;
        insert_all::<ce_event::Entity, _>(txn, who, operation, batch.events).await?;
        insert_all::<assessment::Entity, _>(txn, who, operation, batch.assessments).await?;
        Ok(())
    }
}

/// A record handed to the batch without a value its rules read: the caller's mistake, not the data's.
/// The value `column` of a `table` record was set to: every record reaches the batch with the
/// columns its rules read.
fn set<T: Copy + Into<sea_orm::Value>>(
    value: &sea_orm::ActiveValue<T>,
    table: &str,
    column: &str,
) -> AppResult<T> {
    value.try_as_ref().copied().ok_or_else(|| {
        crate::error::AppError::internal(format!(
            "a {table} record reached the batch without its {column}"
        ))
    })
}

/// Inserts `models` in chunks, each with its audit rows (one per record, in the same transaction).
async fn insert_all<E, A>(
    txn: &DatabaseTransaction,
    who: audit::Who,
    operation: &str,
    models: Vec<A>,
) -> AppResult<()>
where
    E: HmisTable,
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
            operation,
            &record_type,
            records
                .iter()
                .map(|record| (<E as HmisTable>::id_of(record), record)),
        )?;
        E::insert_many(chunk).exec_without_returning(txn).await?;
        audit_event::Entity::insert_many(trail)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
