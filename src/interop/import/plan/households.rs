//! The households Enrollment.csv names (HouseholdID, HUD 3.14): a household's members may be
//! anywhere in the file, so it is scanned first for each household's size, heads (rule H1) and
//! projects. Only the households that need remembering are kept: those of several members, or
//! whose one member breaks a rule; a household of one headed by its member needs nothing.

use super::Resolver;
use crate::domain::RelationshipToHoH;
use crate::domain::rules::{self, Wording};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::keys::KeyMap;
use crate::interop::import::parse::{EnrollmentRow, parse_enrollment};
use crate::interop::import::read::Pass;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// What the file says of one household.
#[derive(Clone, Copy)]
struct Counts {
    size: u32,
    /// Members whose RelationshipToHoH is 1 Self.
    heads: u32,
    /// Members whose RelationshipToHoH is empty: the head of a household of one.
    unstated: u32,
    /// Its first member's project (an index of [`Households::projects`]).
    project: u32,
    /// Whether another member is in another project.
    mixed: bool,
}

/// A household remembered through Enrollment.csv's checked reading.
pub(super) struct Group {
    counts: Counts,
    /// Its projects, when more than one.
    projects: usize,
    /// Whether Hearth had it before the import (then it has its head there): decided when its first
    /// member is resolved.
    pub(super) stored: Option<bool>,
    /// Its row, once planned (by the import, or Hearth's).
    pub(super) id: Option<Uuid>,
}

pub(super) struct Households {
    groups: HashMap<HudKey, Group>,
}

impl Households {
    /// Scans Enrollment.csv.
    pub(super) async fn scan(r: &Resolver<'_>) -> AppResult<Households> {
        // 36 bytes a household, for as long as the scan lasts.
        let mut counts: KeyMap<Counts> = KeyMap::with_capacity(r.enrollment_rows);
        let mut project_index: HashMap<HudKey, u32> = HashMap::new();
        // Members' projects of the households in more than one, to count them.
        let mut mixed: HashMap<HudKey, HashSet<u32>> = HashMap::new();
        let mut stream =
            r.zip
                .stream(&columns::ENROLLMENT_FILE, (Pass::Scan, 0), parse_enrollment)?;
        while let Some(chunk) = stream.recv().await {
            for row in chunk?.rows {
                let Some(key) = row.household else { continue };
                let next = project_index.len() as u32;
                let project = *project_index.entry(row.project).or_insert(next);
                let entry = counts.get_or_insert_with(&key, || Counts {
                    size: 0,
                    heads: 0,
                    unstated: 0,
                    project,
                    mixed: false,
                });
                entry.size += 1;
                match row.relationship {
                    Some(RelationshipToHoH::SelfHeadOfHousehold) => entry.heads += 1,
                    None => entry.unstated += 1,
                    Some(_) => {}
                }
                if entry.project != project || entry.mixed {
                    let first = entry.project;
                    entry.mixed = true;
                    mixed.entry(key).or_default().extend([first, project]);
                }
            }
        }
        let mut groups = HashMap::new();
        for (key, mut c) in counts.into_entries() {
            // `relationship_of`: an empty RelationshipToHoH heads a household of one.
            if c.size == 1 && c.unstated == 1 {
                c.heads = 1;
            }
            if c.size == 1 && c.heads == 1 && !c.mixed {
                continue;
            }
            let projects = mixed.get(&key).map_or(1, HashSet::len);
            groups.insert(
                key,
                Group {
                    counts: c,
                    projects,
                    stored: None,
                    id: None,
                },
            );
        }
        groups.shrink_to_fit();
        Ok(Households { groups })
    }

    /// The members the file gives `key`'s household.
    pub(super) fn size(&self, key: &HudKey) -> u32 {
        self.groups.get(key).map_or(1, |g| g.counts.size)
    }

    pub(super) fn group(&mut self, key: &HudKey) -> Option<&mut Group> {
        self.groups.get_mut(key)
    }

    /// Notes what is wrong with the household of `row` (rule H1, one project), `stored` saying
    /// whether Hearth had the household before the import.
    pub(super) fn check(r: &mut Resolver<'_>, row: &EnrollmentRow, group: &Group) {
        let Some(key) = &row.household else { return };
        let text = key.text();
        if group.stored == Some(false)
            && let Some(broken) = rules::household::heads(&text, group.counts.heads as usize)
        {
            r.problems.add(
                &columns::ENROLLMENT_FILE,
                row.line,
                broken.describe(Wording::Hud),
            );
        }
        if group.counts.mixed {
            r.problems.add(
                &columns::ENROLLMENT_FILE,
                row.line,
                format!(
                    "HouseholdID {text} spans {} projects; a household is in one",
                    group.projects
                ),
            );
        }
    }
}

/// HUD 3.15 as given; empty: the head of a household of one, else not collected (99).
pub(super) fn relationship_of(row: &EnrollmentRow, household_size: u32) -> RelationshipToHoH {
    match row.relationship {
        Some(relationship) => relationship,
        None if household_size <= 1 => RelationshipToHoH::SelfHeadOfHousehold,
        None => RelationshipToHoH::DataNotCollected,
    }
}
