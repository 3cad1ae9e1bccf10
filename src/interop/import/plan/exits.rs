//! Exit.csv: each exit by the enrollment it closes, which must be in Enrollment.csv (Hearth keeps
//! the exit on the enrollment row); the exit's own rules (`domain::rules::enrollment::exit`).
//! Exit.csv is read before Enrollment.csv, into a compact index by enrollment, so that each
//! enrollment is written with its exit; what no enrollment row claims is reported after it.

use super::Resolver;
use crate::domain::Destination;
use crate::domain::rules::{self, Wording};
use crate::error::AppResult;
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::parse::{EnrollmentRow, parse_exit};
use crate::interop::import::read::Pass;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// An exit row, by its enrollment: what the enrollment takes from it and what its checks need.
struct Exit {
    line: u64,
    client: HudKey,
    facts: ExitFacts,
    /// Whether an Enrollment.csv row claimed it.
    claimed: bool,
}

/// What an enrollment takes from its exit.
#[derive(Clone)]
pub(super) struct ExitFacts {
    /// ExitID, when it is not the EnrollmentID (kept so that exports write it back).
    pub(super) own_id: Option<String>,
    pub(super) exit_date: NaiveDate,
    pub(super) destination: Option<Destination>,
}

/// Exit.csv's exits by enrollment, and what no enrollment has claimed yet.
pub(super) struct Exits {
    by_enrollment: HashMap<String, Exit>,
    /// Later exits of an enrollment that already has one: (line, enrollment, client).
    repeated: Vec<(u64, HudKey, HudKey)>,
    /// The enrollments that exit rows which did not parse name, with their lines; each is
    /// reported unless its enrollment is in Enrollment.csv.
    unparsed: Vec<(u64, HudKey)>,
    /// Enrollment IDs seen in Enrollment.csv that `unparsed` or `repeated` name.
    seen: HashSet<String>,
    /// Exit.csv's data rows.
    rows: usize,
    /// Exits added with their enrollment, and already in Hearth with it.
    pub(super) added: usize,
    pub(super) present: usize,
}

impl Exits {
    /// Reads Exit.csv (its problems are reported).
    pub(super) async fn read(r: &mut Resolver<'_>) -> AppResult<Exits> {
        let mut exits = Exits {
            by_enrollment: HashMap::new(),
            repeated: Vec::new(),
            unparsed: Vec::new(),
            seen: HashSet::new(),
            rows: 0,
            added: 0,
            present: 0,
        };
        let mut stream = r
            .zip
            .stream(&columns::EXIT_FILE, (Pass::Check, 0), parse_exit)?;
        while let Some(chunk) = stream.recv().await {
            let mut chunk = chunk?;
            r.take_problems(&mut chunk);
            for row in chunk.unparsed {
                if let Some(key) = row.link("EnrollmentID") {
                    exits.unparsed.push((row.line, key.clone()));
                }
            }
            for row in chunk.rows {
                let enrollment = row.enrollment.text();
                if exits.by_enrollment.contains_key(&enrollment) {
                    exits.repeated.push((row.line, row.enrollment, row.client));
                    continue;
                }
                let own_id = Some(row.key.text()).filter(|id| *id != enrollment);
                exits.by_enrollment.insert(
                    enrollment,
                    Exit {
                        line: row.line,
                        client: row.client,
                        facts: ExitFacts {
                            own_id,
                            exit_date: row.exit_date,
                            destination: row.destination,
                        },
                        claimed: false,
                    },
                );
            }
            if let Some(read) = chunk.read {
                exits.rows = read;
            }
        }
        Ok(exits)
    }

    /// Notes that Enrollment.csv has a row of `enrollment` that did not parse.
    pub(super) fn seen_unparsed(&mut self, enrollment: &str) {
        if let Some(exit) = self.by_enrollment.get_mut(enrollment) {
            // Its exit is the bad row's: not reported again.
            exit.claimed = true;
        }
        self.seen.insert(enrollment.to_owned());
    }

    /// The exit of the enrollment `row`, checked against it (its problems noted); `None` when it has
    /// none.
    pub(super) fn claim(&mut self, r: &mut Resolver<'_>, row: &EnrollmentRow) -> Option<ExitFacts> {
        let key = row.key.text();
        self.seen.insert(key.clone());
        let exit = self.by_enrollment.get_mut(&key)?;
        exit.claimed = true;
        let mut clients = vec![(exit.line, &exit.client)];
        let repeated: Vec<u64> = self
            .repeated
            .iter()
            .filter(|(_, enrollment, _)| enrollment.text() == key)
            .map(|(line, _, client)| {
                clients.push((*line, client));
                *line
            })
            .collect();
        for (line, client) in clients {
            if *client != row.client {
                r.problems.add(
                    &columns::EXIT_FILE,
                    line,
                    format!(
                        "PersonalID \"{}\" is not the client of enrollment \"{key}\" (\"{}\")",
                        client.text(),
                        row.client.text()
                    ),
                );
            }
        }
        for line in repeated {
            r.problems.add(
                &columns::EXIT_FILE,
                line,
                format!(
                    "enrollment \"{key}\" already exits on line {}; an enrollment exits once",
                    exit.line
                ),
            );
        }
        let broken = rules::enrollment::exit(
            exit.facts.exit_date,
            row.entry_date,
            row.move_in_date,
            r.today,
        );
        for broken in broken {
            r.problems.add(
                &columns::EXIT_FILE,
                exit.line,
                broken.describe(Wording::Hud),
            );
        }
        Some(exit.facts.clone())
    }

    /// Reports the exits whose enrollment is not in Enrollment.csv, and tallies Exit.csv.
    pub(super) fn finish(self, r: &mut Resolver<'_>) {
        let mut reports: Vec<(u64, HudKey)> = Vec::new();
        for (enrollment, exit) in &self.by_enrollment {
            if !exit.claimed {
                reports.push((exit.line, parse_key(enrollment)));
            }
        }
        for (line, enrollment, _) in &self.repeated {
            if !self.seen.contains(&enrollment.text()) {
                reports.push((*line, enrollment.clone()));
            }
        }
        for (line, enrollment) in &self.unparsed {
            if !self.seen.contains(&enrollment.text()) {
                reports.push((*line, enrollment.clone()));
            }
        }
        for (line, enrollment) in reports {
            r.problems
                .add(&columns::EXIT_FILE, line, without_enrollment(&enrollment));
        }
        if r.present.contains(&columns::EXIT_FILE.name) {
            r.tallies.push(crate::interop::import::FileTally {
                file: columns::EXIT_FILE.name,
                rows: self.rows,
                added: self.added,
                present: self.present,
            });
        }
    }
}

/// The key an enrollment ID's text came from (texts of keys parse back to themselves).
fn parse_key(text: &str) -> HudKey {
    HudKey::parse(text)
        .ok()
        .flatten()
        .unwrap_or_else(|| HudKey::Hud(text.to_owned()))
}

fn without_enrollment(key: &HudKey) -> String {
    format!(
        "EnrollmentID \"{}\" is not in Enrollment.csv (Hearth keeps an exit on its enrollment: \
         they are imported together)",
        key.text()
    )
}
