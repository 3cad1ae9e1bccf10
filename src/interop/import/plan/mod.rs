//! Resolving the files, one module per HMIS file, in the order their records are referenced: users,
//! organizations, projects and their 2.09 periods (small files, read whole), then clients,
//! enrollments with their exits, CE events and 4.19 assessments (streamed in chunks). For each row: which record
//! Hearth has already, what each link names, the workflow's rules (`domain::rules`, worded in HUD's
//! column names) and the record to add.
//!
//! Memory stays bounded by a few chunks and compact indexes: a chunk's links are looked up in the
//! database (records of earlier files are written, in the import's transaction, before a later file
//! is read), so that only the facts a later file needs from an earlier one and that the database
//! cannot answer are kept (each client's first enrollment, the households of several members, the
//! exits, the IDs of rows that were not written). Every good record is written whatever other rows
//! hold; every problem is noted, and the caller rolls the transaction back when there is any.
//!
//! A new file is one more stage (as `assessments` for HUD 4.19 Assessment.csv): stream its chunks
//! after the files it links to, look its links up per chunk (`find_keyed`, [`Unwritten`]), check,
//! plan and flush.

/// An imported record's `ActiveModel`: the columns its own file gives, then the HMIS audit columns
/// that every imported table stores alike (DateCreated, DateUpdated, DateDeleted, the row's key as
/// `hud_id`, and its UserID as a Hearth user or as the text it came with), so that the import reads
/// them one way for every file. A macro because those columns are fields of each entity's own struct
/// literal, which a function cannot fill in.
macro_rules! imported {
    ($users:expr, $row:expr, $entity:ident :: ActiveModel {
        $($field:ident : $value:expr,)* $(..$rest:expr)?
    }) => {{
        let (user_id, hud_user_id) = $users.of(&$row.audit.user);
        $entity::ActiveModel {
            $($field: $value,)*
            date_created: sea_orm::ActiveValue::Set($row.audit.date_created),
            date_updated: sea_orm::ActiveValue::Set($row.audit.date_updated),
            user_id: sea_orm::ActiveValue::Set(user_id),
            date_deleted: sea_orm::ActiveValue::Set($row.audit.date_deleted),
            hud_id: sea_orm::ActiveValue::Set($row.key.imported()),
            hud_user_id: sea_orm::ActiveValue::Set(hud_user_id),
            $(..$rest)?
        }
    }};
}

mod assessments;
mod clients;
mod enrollments;
mod events;
mod exits;
mod households;
mod organizations;
mod overlaps;
mod participation;
mod projects;
mod users;

use super::parse::{
    Cells, OrganizationRow, ParticipationRow, ProjectRow, UserRow, parse_organization,
    parse_participation, parse_project, parse_user,
};
use super::read::{Chunk, Pass, Table, Unparsed, Zip};
use super::report::FileTally;
use super::{Problem, Problems, file_order};
use crate::domain::ProjectType;
use crate::error::AppResult;
use crate::interop::columns::{self, HmisFile};
use crate::interop::format::HudKey;
use crate::service::batch::{Batch, HmisTable};
use crate::service::{audit, new_id};
use chrono::NaiveDate;
use entity::{app_user, ce_participation, project};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Keys looked up per statement: well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK: usize = 1000;

/// What the plan found: every file's tally (in file order), the problems, and what was not kept.
pub(super) struct Outcome {
    pub(super) tallies: Vec<FileTally>,
    pub(super) problems: Problems,
    pub(super) notes: Vec<String>,
}

/// What resolving has found so far, file by file.
struct Resolver<'s> {
    txn: &'s DatabaseTransaction,
    zip: &'s Zip,
    today: NaiveDate,
    /// The modeled files the zip holds.
    present: &'s [&'static str],
    who: audit::Who,
    problems: Breaks,
    notes: Vec<String>,
    tallies: Vec<FileTally>,
    users: Users,
    organizations: Known<Uuid>,
    projects: Projects,
    clients: Unwritten,
    enrollments: Unwritten,
    /// The enrollments this import wrote, with their lines: an overlap with one of an earlier chunk
    /// names its line. 20 bytes each, while Enrollment.csv is read.
    imported: HashMap<Uuid, u32>,
    /// Enrollment.csv's data rows, as its first scan counted them: the indexes over it are
    /// allocated once at their size.
    enrollment_rows: usize,
}

impl Resolver<'_> {
    /// Writes `plan`'s records (and empties it).
    async fn flush(&self, plan: &mut Batch) -> AppResult<()> {
        plan.flush(self.txn, self.who, super::OPERATION).await
    }

    /// Notes what became of `file`'s rows, when the zip has the file.
    fn tally(&mut self, file: &'static HmisFile, tally: Tally) {
        if !self.present.contains(&file.name) {
            return;
        }
        self.tallies.push(FileTally {
            file: file.name,
            rows: tally.rows,
            added: tally.added,
            present: tally.present,
        });
    }

    /// Resolves each row of `file`, read whole as `table`: `resolve_row` gets the row and its
    /// target (the Hearth record its HUD key names, else a new id), once the Hearth records the rows
    /// already are and the users their UserIDs name are loaded. Every file read whole is resolved
    /// this one way, so that each counts every row it read.
    async fn each_row<'t, E: HmisTable, R>(
        &mut self,
        (file, table): (&'static HmisFile, &'t Table<R>),
        key_and_user: fn(&R) -> (&HudKey, &Option<String>),
        mut resolve_row: impl FnMut(&mut Self, &'t R, Target) -> AppResult<()>,
    ) -> AppResult<()>
    where
        E::Model: Clone,
    {
        let keys = table.rows.iter().map(key_and_user);
        let existing = find_keyed::<E>(self.txn, keys.clone().map(|(key, _)| key)).await?;
        self.users
            .load(self.txn, keys.map(|(_, user)| user))
            .await?;
        let mut tally = Tally {
            rows: table.read,
            ..Tally::default()
        };
        for row in &table.rows {
            let target = target::<E>(key_and_user(row).0, &existing);
            resolve_row(self, row, target)?;
            tally.count(target);
        }
        self.tally(file, tally);
        Ok(())
    }

    /// Takes a chunk's reading problems.
    fn take_problems<R>(&mut self, chunk: &mut Chunk<R>) {
        self.problems.0.extend(std::mem::take(&mut chunk.problems));
    }

    /// Streams `file` for its check pass: each chunk's reading problems are taken, `plan_chunk`
    /// looks up, checks and writes the chunk's rows, and the file's tally gets the rows read. Every
    /// streamed file is checked this one way, so that none forgets its reading problems or its count.
    async fn check_in_chunks<T: Send + 'static>(
        &mut self,
        (file, rows_hint): (&'static HmisFile, usize),
        parse: fn(&mut Cells) -> Option<T>,
        mut plan_chunk: impl AsyncFnMut(&mut Self, &Chunk<T>, &mut Tally) -> AppResult<()>,
    ) -> AppResult<()> {
        let mut tally = Tally::default();
        let mut stream = self.zip.stream(file, (Pass::Check, rows_hint), parse)?;
        while let Some(chunk) = stream.recv().await {
            let mut chunk = chunk?;
            self.take_problems(&mut chunk);
            plan_chunk(self, &chunk, &mut tally).await?;
            if let Some(read) = chunk.read {
                tally.rows = read;
            }
        }
        self.tally(file, tally);
        Ok(())
    }
}

/// Resolves the zip's files in order, writing each good record; `present` names the files it holds.
pub(super) async fn resolve(
    txn: &DatabaseTransaction,
    zip: &Zip,
    present: &[&'static str],
    today: NaiveDate,
    who: audit::Who,
) -> AppResult<Outcome> {
    let mut r = Resolver {
        txn,
        zip,
        today,
        present,
        who,
        problems: Breaks(Problems::default()),
        notes: Vec::new(),
        tallies: Vec::new(),
        users: Users {
            known: Known::new(HashSet::new()),
            absent: HashSet::new(),
        },
        organizations: Known::new(HashSet::new()),
        projects: Projects {
            known: Known::new(HashSet::new()),
            absent: HashSet::new(),
            by_id: HashMap::new(),
        },
        clients: Unwritten::default(),
        enrollments: Unwritten::default(),
        imported: HashMap::new(),
        enrollment_rows: 0,
    };
    let small = SmallFiles::read(&mut r).await?;
    users::resolve(&mut r, &small.users).await?;
    let mut plan = Batch::default();
    organizations::resolve(&mut r, &small, &mut plan).await?;
    projects::resolve(&mut r, &small, &mut plan).await?;
    participation::resolve(&mut r, &small, &mut plan).await?;
    r.flush(&mut plan).await?;
    drop(small);

    clients::resolve(&mut r).await?;
    enrollments::resolve(&mut r).await?;
    // Only Enrollment.csv's overlap rule reads the imported enrollments' lines.
    r.imported = HashMap::new();
    events::resolve(&mut r).await?;
    assessments::resolve(&mut r).await?;

    let Resolver {
        mut tallies,
        problems,
        notes,
        ..
    } = r;
    tallies.sort_by_key(|t| file_order(t.file));
    Ok(Outcome {
        tallies,
        problems: problems.0,
        notes,
    })
}

/// The files read whole: few rows, which later files link to.
struct SmallFiles {
    users: Table<UserRow>,
    organizations: Table<OrganizationRow>,
    projects: Table<ProjectRow>,
    participations: Table<ParticipationRow>,
}

impl SmallFiles {
    async fn read(r: &mut Resolver<'_>) -> AppResult<SmallFiles> {
        let problems = &mut r.problems.0;
        let users = r
            .zip
            .table(&columns::USER_FILE, problems, parse_user)
            .await?;
        let organizations = r
            .zip
            .table(&columns::ORGANIZATION_FILE, problems, parse_organization)
            .await?;
        let projects = r
            .zip
            .table(&columns::PROJECT_FILE, problems, parse_project)
            .await?;
        let participations = r
            .zip
            .table(
                &columns::CE_PARTICIPATION_FILE,
                problems,
                parse_participation,
            )
            .await?;
        r.users.known.file_ids = users.ids.clone();
        r.organizations.file_ids = organizations.ids.clone();
        r.projects.known.file_ids = projects.ids.clone();
        Ok(SmallFiles {
            users,
            organizations,
            projects,
            participations,
        })
    }
}

/// Rows read, added and already in Hearth, summed over a file's chunks.
#[derive(Default)]
struct Tally {
    rows: usize,
    added: usize,
    present: usize,
}

impl Tally {
    fn count(&mut self, target: Target) {
        if target.present {
            self.present += 1;
        } else {
            self.added += 1;
        }
    }
}

/// The ids of the clients a chunk's PersonalIDs name, by key text: its rows' and its unparsed rows'
/// (so that a row whose client did not parse is told so, rather than that the client is missing).
async fn clients_named<R>(
    txn: &DatabaseTransaction,
    chunk: &Chunk<R>,
    client_of: fn(&R) -> &HudKey,
) -> AppResult<HashMap<String, Uuid>> {
    let unparsed = chunk.unparsed_keys("PersonalID");
    let found =
        find_keyed::<entity::client::Entity>(txn, chunk.rows.iter().map(client_of).chain(unparsed))
            .await?;
    Ok(found
        .into_iter()
        .map(|(key, model)| (key, model.id))
        .collect())
}

/// The records of `E` that `keys` name, by each key's text: Hearth's, and those this import wrote.
async fn find_keyed<'k, E: HmisTable>(
    conn: &DatabaseTransaction,
    keys: impl IntoIterator<Item = &'k HudKey>,
) -> AppResult<HashMap<String, E::Model>>
where
    E::Model: Clone,
{
    let keys: Vec<&HudKey> = keys
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        let mut ids = Vec::new();
        let mut hud_ids = Vec::new();
        for key in chunk {
            match key {
                HudKey::Uuid(id) => ids.push(*id),
                HudKey::Hud(text) => hud_ids.push(text.clone()),
            }
        }
        let mut condition = Condition::any();
        if !ids.is_empty() {
            condition = condition.add(E::id_column().is_in(ids));
        }
        if !hud_ids.is_empty() {
            condition = condition.add(E::hud_id_column().is_in(hud_ids));
        }
        for model in E::find().filter(condition).all(conn).await? {
            if let Some(hud) = E::hud_id_of(&model) {
                found.insert(hud.to_owned(), model.clone());
            }
            found.insert(E::id_of(&model).simple().to_string(), model);
        }
    }
    Ok(found)
}

/// Where a row's record goes: its id, and whether Hearth has it already (then it is left alone).
#[derive(Clone, Copy)]
struct Target {
    id: Uuid,
    present: bool,
}

fn target<E: HmisTable>(key: &HudKey, existing: &HashMap<String, E::Model>) -> Target {
    match existing.get(&key.text()) {
        Some(model) => Target {
            id: E::id_of(model),
            present: true,
        },
        None => Target {
            id: match key {
                HudKey::Uuid(id) => *id,
                HudKey::Hud(_) => new_id(),
            },
            present: false,
        },
    }
}

/// What a link names: a record (of the file set or of Hearth), a bad row of the file set (already
/// reported), or nothing.
enum Link<T> {
    Found(T),
    BadRow,
    Missing,
}

impl<T> Link<T> {
    /// The record linked to, if any; a missing one adds `reason` to `reasons` (a bad row was
    /// reported already).
    fn or_note(self, reasons: &mut Vec<String>, reason: impl FnOnce() -> String) -> Option<T> {
        match self {
            Link::Found(found) => Some(found),
            Link::BadRow => None,
            Link::Missing => {
                reasons.push(reason());
                None
            }
        }
    }
}

/// The records of a small file that links may name, by HUD ID, and those of Hearth looked up.
struct Known<T> {
    file: HashMap<String, T>,
    /// The IDs of the file's rows that did not parse.
    file_ids: HashSet<String>,
    hearth: HashMap<String, T>,
}

impl<T: Clone> Known<T> {
    fn new(file_ids: HashSet<String>) -> Self {
        Known {
            file: HashMap::new(),
            file_ids,
            hearth: HashMap::new(),
        }
    }

    fn link(&self, key: &HudKey) -> Link<T> {
        let text = key.text();
        if let Some(found) = self.file.get(&text).or_else(|| self.hearth.get(&text)) {
            return Link::Found(found.clone());
        }
        if self.file_ids.contains(&text) {
            Link::BadRow
        } else {
            Link::Missing
        }
    }

    /// The keys among `keys` that neither the file nor an earlier look-up answers.
    fn outside<'k>(
        &self,
        keys: impl Iterator<Item = &'k HudKey>,
        absent: &HashSet<String>,
    ) -> Vec<HudKey> {
        keys.filter(|k| {
            let text = k.text();
            !self.file.contains_key(&text)
                && !self.file_ids.contains(&text)
                && !self.hearth.contains_key(&text)
                && !absent.contains(&text)
        })
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect()
    }
}

/// The IDs of a streamed file's rows that were not written (they did not parse, or their links did
/// not resolve): a later link to one names a bad row, already reported, not a missing record. The
/// rows that were written are found in the database.
#[derive(Default)]
struct Unwritten(HashSet<String>);

impl Unwritten {
    fn link<T: Clone>(&self, key: &HudKey, found: &HashMap<String, T>) -> Link<T> {
        let text = key.text();
        match found.get(&text) {
            Some(found) => Link::Found(found.clone()),
            None if self.0.contains(&text) => Link::BadRow,
            None => Link::Missing,
        }
    }

    fn note_unparsed(&mut self, rows: &[Unparsed]) {
        self.0.extend(
            rows.iter()
                .filter(|r| !r.id.is_empty())
                .map(|r| r.id.clone()),
        );
    }
}

#[derive(Clone)]
struct ProjectInfo {
    id: Uuid,
    organization_id: Option<Uuid>,
    project_type: ProjectType,
    operating_start_date: NaiveDate,
    operating_end_date: Option<NaiveDate>,
    /// Its HUD 2.09 periods (rule D4): a new project's first one, or a Hearth project's stored ones.
    participation: Vec<ce_participation::Model>,
}

impl ProjectInfo {
    /// A project of Hearth's, as the rules read it.
    fn of(model: &project::Model) -> ProjectInfo {
        ProjectInfo {
            id: model.id,
            organization_id: Some(model.organization_id),
            project_type: model.project_type,
            operating_start_date: model.operating_start_date,
            operating_end_date: model.operating_end_date,
            participation: Vec::new(),
        }
    }
}

/// Project.csv's projects, and the Hearth projects that rows name, looked up as chunks name them.
struct Projects {
    known: Known<ProjectInfo>,
    /// Keys looked up in Hearth and not found.
    absent: HashSet<String>,
    /// Every project known so far, by id (a stored enrollment's project).
    by_id: HashMap<Uuid, Option<ProjectInfo>>,
}

impl Projects {
    /// Looks up in Hearth the projects `keys` name that are not known yet, with their 2.09 periods.
    async fn load<'k>(
        &mut self,
        txn: &DatabaseTransaction,
        keys: impl Iterator<Item = &'k HudKey>,
    ) -> AppResult<()> {
        let outside = self.known.outside(keys, &self.absent);
        if outside.is_empty() {
            return Ok(());
        }
        let found = find_keyed::<project::Entity>(txn, &outside).await?;
        let ids: Vec<Uuid> = found.values().map(|p| p.id).collect();
        let mut periods = stored_participation(txn, ids).await?;
        for key in outside {
            let text = key.text();
            match found.get(&text).map(ProjectInfo::of) {
                Some(mut info) => {
                    info.participation = periods.get(&info.id).cloned().unwrap_or_default();
                    self.by_id.insert(info.id, Some(info.clone()));
                    self.known.hearth.insert(text, info);
                }
                None => {
                    self.absent.insert(text);
                }
            }
        }
        periods.clear();
        Ok(())
    }

    /// Looks up in Hearth the projects of `ids` not known yet.
    async fn load_ids(&mut self, txn: &DatabaseTransaction, ids: Vec<Uuid>) -> AppResult<()> {
        let ids: Vec<Uuid> = ids
            .into_iter()
            .filter(|id| !self.by_id.contains_key(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in ids.chunks(CHUNK) {
            let models = project::Entity::find()
                .filter(project::Column::Id.is_in(chunk.to_vec()))
                .all(txn)
                .await?;
            for id in chunk {
                let info = models.iter().find(|m| m.id == *id).map(ProjectInfo::of);
                self.by_id.insert(*id, info);
            }
        }
        Ok(())
    }

    fn of_id(&self, id: Uuid) -> Option<ProjectInfo> {
        self.by_id.get(&id).cloned().flatten()
    }
}

/// The stored HUD 2.09 periods of `projects`, by project.
async fn stored_participation(
    txn: &DatabaseTransaction,
    projects: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, Vec<ce_participation::Model>>> {
    let mut periods: HashMap<Uuid, Vec<ce_participation::Model>> = HashMap::new();
    for chunk in projects.chunks(CHUNK) {
        for period in ce_participation::Entity::find()
            .filter(ce_participation::Column::ProjectId.is_in(chunk.to_vec()))
            .filter(ce_participation::Column::DateDeleted.is_null())
            .all(txn)
            .await?
        {
            periods.entry(period.project_id).or_default().push(period);
        }
    }
    Ok(periods)
}

/// What the event rules need of the enrollment an event is recorded in.
#[derive(Clone)]
struct EnrollmentInfo {
    id: Uuid,
    household_id: Uuid,
    client_id: Option<Uuid>,
    project: Option<ProjectInfo>,
    entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
}

/// UserIDs as they resolve: a user of User.csv or of Hearth, else kept as given.
struct Users {
    known: Known<Uuid>,
    /// UserIDs looked up in Hearth and not found.
    absent: HashSet<String>,
}

impl Users {
    /// Looks up in Hearth the users that `raw` UserIDs name, when not known yet.
    async fn load<'a>(
        &mut self,
        txn: &DatabaseTransaction,
        raw: impl Iterator<Item = &'a Option<String>>,
    ) -> AppResult<()> {
        let keys: Vec<HudKey> = raw
            .filter_map(|raw| HudKey::parse(raw.as_deref()?).ok().flatten())
            .collect();
        let outside = self.known.outside(keys.iter(), &self.absent);
        if outside.is_empty() {
            return Ok(());
        }
        let found = find_keyed::<app_user::Entity>(txn, &outside).await?;
        for key in outside {
            let text = key.text();
            match found.get(&text) {
                Some(user) => {
                    self.known.hearth.insert(text, user.id);
                }
                None => {
                    self.absent.insert(text);
                }
            }
        }
        Ok(())
    }

    /// (`user_id`, `hud_user_id`) for a row's UserID.
    fn of(&self, raw: &Option<String>) -> (Option<Uuid>, Option<String>) {
        let Some(raw) = raw else {
            return (None, None);
        };
        let found = HudKey::parse(raw)
            .ok()
            .flatten()
            .and_then(|key| match self.known.link(&key) {
                Link::Found(id) => Some(id),
                Link::BadRow | Link::Missing => None,
            });
        match found {
            Some(id) => (Some(id), None),
            None => (None, Some(raw.clone())),
        }
    }
}

fn missing(column: &str, key: &HudKey, file: &HmisFile, what: &str) -> String {
    format!(
        "{column} \"{}\" is not in {} and names no {what} in Hearth",
        key.text(),
        file.name
    )
}

/// A PersonalID naming no client: Enrollment.csv, Event.csv and Assessment.csv rows link to theirs.
fn missing_client(key: &HudKey) -> String {
    missing("PersonalID", key, &columns::CLIENT_FILE, "client")
}

/// An EnrollmentID naming no enrollment: Event.csv and Assessment.csv rows link to theirs.
fn missing_enrollment(key: &HudKey) -> String {
    missing("EnrollmentID", key, &columns::ENROLLMENT_FILE, "enrollment")
}

/// The problems found: rows that do not parse, or break a link or a rule.
struct Breaks(Problems);

impl Breaks {
    fn add(&mut self, file: &HmisFile, line: u64, reason: String) {
        self.0.push(Problem {
            file: file.name.to_owned(),
            line: Some(line),
            reason,
        });
    }

    /// Every problem so far, reported in full or counted: a row is bad when this grows while it is
    /// resolved.
    fn count(&self) -> usize {
        self.0.len()
    }
}
