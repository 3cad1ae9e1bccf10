//! Resolving the parsed file set, one module per HMIS file: which records Hearth has already, what
//! each link names (a row of the file set or a record of Hearth), the workflow's rules across rows
//! (`domain::rules`, worded in HUD's column names) and the records to add. Every problem is noted;
//! records are written (`write`) only while there is none.
//!
//! Files are resolved in the order their records are referenced: users, organizations, projects,
//! then clients, exits and enrollments together (a client is seen by the organization of its first
//! enrollment; an exit lives on its enrollment), then CE events.

mod clients;
mod enrollments;
mod events;
mod exits;
mod organizations;
mod participation;
mod projects;
mod users;

use super::file_order;
use super::read::FileSet;
use super::write::Plan;
use super::{Problem, Problems};
use crate::domain::ProjectType;
use crate::error::AppResult;
use crate::interop::columns::HmisFile;
use crate::interop::format::HudKey;
use crate::service::{audit, new_id};
use chrono::NaiveDate;
use entity::{
    app_user, ce_event, ce_participation, client, enrollment, household, organization, project,
};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Keys looked up per statement.
const CHUNK: usize = 200;

/// What resolving has found so far, file by file, and the records it will add.
struct Resolver<'s> {
    txn: &'s DatabaseTransaction,
    set: &'s FileSet,
    plan: Plan,
    /// Rows that parsed but break a link or a rule.
    problems: Breaks,
    users: Users,
    organizations: Known<Uuid>,
    projects: Known<ProjectInfo>,
    clients: Known<Uuid>,
    enrollments: Known<EnrollmentInfo>,
}

impl Resolver<'_> {
    /// Whether no row is bad so far.
    fn clean(&self) -> bool {
        self.set.problems.is_empty() && self.problems.0.is_empty()
    }

    /// Writes the records resolved so far while nothing is wrong, and drops them either way.
    /// Records are written table by table (the transaction makes it all or nothing), so that memory
    /// holds one table's new records at a time; after the first problem nothing more is written,
    /// and the caller rolls back.
    async fn flush(&mut self) -> AppResult<()> {
        let clean = self.clean();
        self.plan.flush(self.txn, clean).await
    }
}

/// Resolves `set` file by file, writing its new records while no row is bad; the problems found
/// are added to the set's. The tallies are in file order.
pub(super) async fn resolve(
    txn: &DatabaseTransaction,
    set: &mut FileSet,
    who: audit::Who,
) -> AppResult<Plan> {
    let mut r = Resolver {
        txn,
        set,
        plan: Plan::new(who),
        problems: Breaks(Problems::default()),
        users: Users {
            known: Known::new(&set.users.ids),
        },
        organizations: Known::new(&set.organizations.ids),
        projects: Known::new(&set.projects.ids),
        clients: Known::new(&set.clients.ids),
        enrollments: Known::new(&set.enrollments.ids),
    };
    users::resolve(&mut r).await?;
    organizations::resolve(&mut r).await?;
    projects::resolve(&mut r).await?;
    participation::resolve(&mut r).await?;
    r.flush().await?;

    let client_targets = clients::link(&mut r).await?;
    let exits = exits::resolve(&mut r);
    let spans = enrollments::resolve(&mut r, &exits).await?;
    enrollments::check_overlaps(&mut r, &client_targets, &spans).await?;
    clients::resolve(&mut r, &client_targets, &spans);
    r.flush().await?;

    events::resolve(&mut r).await?;
    r.flush().await?;

    let Resolver {
        mut plan, problems, ..
    } = r;
    set.problems.append(problems.0);
    plan.tallies.sort_by_key(|t| file_order(t.file));
    Ok(plan)
}

/// Tables whose records are found by HUD ID: the UUID, or the kept `hud_id`.
trait Keyed: EntityTrait {
    fn id_column() -> Self::Column;
    fn hud_id_column() -> Self::Column;
    fn id_of(model: &Self::Model) -> Uuid;
    fn hud_id_of(model: &Self::Model) -> Option<&str>;
}

macro_rules! keyed {
    ($($module:ident),+) => {$(
        impl Keyed for $module::Entity {
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

keyed!(
    organization,
    project,
    ce_participation,
    client,
    household,
    enrollment,
    ce_event,
    app_user
);

/// The records of `E` that `keys` name, by each key's text.
async fn find_keyed<E: Keyed>(
    conn: &DatabaseTransaction,
    keys: impl IntoIterator<Item = HudKey>,
) -> AppResult<HashMap<String, E::Model>>
where
    E::Model: Clone,
{
    let keys: Vec<HudKey> = keys
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
pub(super) struct Target {
    id: Uuid,
    pub(super) present: bool,
}

fn target<E: Keyed>(key: &HudKey, existing: &HashMap<String, E::Model>) -> Target {
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

/// The records of one kind that links may name, by HUD ID.
struct Known<T> {
    file: HashMap<String, T>,
    file_ids: HashSet<String>,
    hearth: HashMap<String, T>,
}

impl<T: Clone> Known<T> {
    fn new(file_ids: &HashSet<String>) -> Self {
        Known {
            file: HashMap::new(),
            file_ids: file_ids.clone(),
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

    /// The keys among `keys` that the file set does not hold: to look up in Hearth.
    fn outside<'k>(&self, keys: impl Iterator<Item = &'k HudKey>) -> Vec<HudKey> {
        keys.filter(|k| !self.file_ids.contains(&k.text()))
            .cloned()
            .collect()
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
    fn of(model: &project::Model) -> Option<ProjectInfo> {
        Some(ProjectInfo {
            id: model.id,
            organization_id: Some(model.organization_id),
            project_type: ProjectType::from_code(model.project_type)?,
            operating_start_date: model.operating_start_date,
            operating_end_date: model.operating_end_date,
            participation: Vec::new(),
        })
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

#[derive(Clone)]
struct EnrollmentInfo {
    id: Uuid,
    /// HouseholdID: an imported enrollment is a household of one (which takes its id) until the
    /// import reads Enrollment.csv's HouseholdID.
    household_id: Uuid,
    client_id: Option<Uuid>,
    project: Option<ProjectInfo>,
    entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
}

/// UserIDs as they resolve: a user of User.csv or of Hearth, else kept as given.
struct Users {
    known: Known<Uuid>,
}

impl Users {
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

/// The problems found while resolving: rows that parsed but break a link or a rule.
struct Breaks(Problems);

impl Breaks {
    fn add(&mut self, file: &HmisFile, line: u64, reason: String) {
        self.0.push(Problem {
            file: file.name.to_owned(),
            line: Some(line),
            reason,
        });
    }
}
