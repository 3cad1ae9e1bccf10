//! Exit.csv: each exit by the enrollment it closes, which must be in Enrollment.csv (Hearth keeps
//! the exit on the enrollment row); the exit's own rules (`domain::rules::enrollment::exit`).

use super::Resolver;
use crate::domain::rules::{self, Wording};
use crate::interop::columns;
use crate::interop::format::HudKey;
use crate::interop::import::parse::{EnrollmentRow, ExitRow};
use std::collections::HashMap;

/// The file set's exits, by the text of their enrollment's ID.
pub(super) fn resolve<'s>(r: &mut Resolver<'s>) -> HashMap<String, &'s ExitRow> {
    let set = r.set;
    let enrollment_rows: HashMap<String, &EnrollmentRow> = set
        .enrollments
        .rows
        .iter()
        .map(|e| (e.key.text(), e))
        .collect();
    let mut exits: HashMap<String, &ExitRow> = HashMap::new();
    for (line, key) in set.exits.unparsed_links("EnrollmentID") {
        if !set.enrollments.ids.contains(&key.text()) {
            r.problems
                .add(&columns::EXIT_FILE, line, without_enrollment(key));
        }
    }
    for row in &set.exits.rows {
        let enrollment_key = row.enrollment.text();
        let Some(enrollment) = enrollment_rows.get(&enrollment_key) else {
            if !set.enrollments.ids.contains(&enrollment_key) {
                r.problems.add(
                    &columns::EXIT_FILE,
                    row.line,
                    without_enrollment(&row.enrollment),
                );
            }
            continue;
        };
        if check(r, row, enrollment, exits.get(&enrollment_key).copied()) {
            exits.insert(enrollment_key, row);
        }
    }
    exits
}

/// Notes what is wrong with `row` as the exit of `enrollment`, whose exit so far is `first`; whether
/// `row` is its exit.
fn check(
    r: &mut Resolver<'_>,
    row: &ExitRow,
    enrollment: &EnrollmentRow,
    first: Option<&ExitRow>,
) -> bool {
    let enrollment_key = enrollment.key.text();
    if enrollment.client != row.client {
        r.problems.add(
            &columns::EXIT_FILE,
            row.line,
            format!(
                "PersonalID \"{}\" is not the client of enrollment \"{enrollment_key}\" (\"{}\")",
                row.client.text(),
                enrollment.client.text()
            ),
        );
    }
    if let Some(first) = first {
        r.problems.add(
            &columns::EXIT_FILE,
            row.line,
            format!(
                "enrollment \"{enrollment_key}\" already exits on line {}; an enrollment exits once",
                first.line
            ),
        );
        return false;
    }
    let broken = rules::enrollment::exit(
        row.exit_date,
        enrollment.entry_date,
        enrollment.move_in_date,
        r.set.today,
    );
    for broken in broken {
        r.problems
            .add(&columns::EXIT_FILE, row.line, broken.describe(Wording::Hud));
    }
    true
}

fn without_enrollment(key: &HudKey) -> String {
    format!(
        "EnrollmentID \"{}\" is not in Enrollment.csv (Hearth keeps an exit on its enrollment: \
         they are imported together)",
        key.text()
    )
}
