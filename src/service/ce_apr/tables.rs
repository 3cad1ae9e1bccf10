//! The CE APR's tables laid out from the database's grouped counts: rows and labels as HUD prints
//! them (FY2026), percent rows computed from the count rows. Pure, so each table's arithmetic is
//! tested beside it.

use super::{Cell, Groups, HOUSEHOLD_COLUMNS, Q10_COLUMNS, Row, Table};

/// A count per household column: Total, then the four household types (codes 1..4).
type ByType = [i64; 5];

/// Sums the last column of the `groups` rows that `wanted` accepts, by the household type in
/// column 0.
fn by_type(groups: &Groups, wanted: impl Fn(&[Option<i64>]) -> bool) -> ByType {
    let mut counts = [0; 5];
    for row in groups.iter().filter(|row| wanted(row)) {
        let count = row.last().copied().flatten().unwrap_or(0);
        let column = row[0].unwrap_or(4).clamp(1, 4) as usize;
        counts[0] += count;
        counts[column] += count;
    }
    counts
}

fn counts(label: &'static str, values: ByType) -> Row {
    Row {
        label,
        cells: values.iter().map(|&n| Cell::Count(n)).collect(),
    }
}

fn percent(label: &'static str, numerator: ByType, denominator: ByType) -> Row {
    Row {
        label,
        cells: numerator
            .iter()
            .zip(denominator)
            .map(|(&n, d)| Cell::Percent((d > 0).then(|| n as f64 / d as f64)))
            .collect(),
    }
}

/// A row per event type (`labels[i]` counting `by_event[i]`), then their "Total" row.
fn each_with_total(labels: &[&'static str], by_event: &[ByType]) -> Vec<Row> {
    let mut rows: Vec<Row> = labels
        .iter()
        .zip(by_event)
        .map(|(label, n)| counts(label, *n))
        .collect();
    rows.push(counts("Total", sum(by_event)));
    rows
}

fn sum(rows: &[ByType]) -> ByType {
    let mut total = [0; 5];
    for row in rows {
        for (t, n) in total.iter_mut().zip(row) {
            *t += n;
        }
    }
    total
}

/// Event types whose referral carries a result (HUD 4.20.D): residential projects' openings.
fn residential(event_type: i64) -> bool {
    matches!(event_type, 10..=15 | 17 | 18)
}

/// The Q9d and Q10 labels of referral events 5..18, in code order.
const REFERRAL_EVENTS_Q9D: [&str; 14] = [
    "Post-placement/follow-up case management",
    "Street Outreach project or services",
    "Housing Navigation project or services",
    "Non-continuum services: Ineligible for continuum services",
    "Non continuum services: No availability in continuum services",
    "Emergency Shelter bed opening",
    "Transitional Housing bed/unit opening",
    "Joint TH-RRH project/unit/resource opening",
    "RRH project resource opening",
    "PSH project resource opening",
    "Other PH project",
    "Referral to emergency assistance/flex fund/furniture assistance",
    "Referral to Emergency Housing Voucher (EHV)",
    "Referral to a Housing Stability Voucher",
];

/// Access events 1..4.
const ACCESS_EVENTS: [&str; 4] = [
    "Referral to Prevention Assistance project",
    "Problem Solving/Diversion/Rapid Resolution intervention or service",
    "Referral to scheduled Coordinated Entry Crisis Needs Assessment",
    "Referral to scheduled Coordinated Entry Housing Needs Assessment",
];

/// Q10's event rows, 1..18.
const Q10_EVENTS: [&str; 18] = [
    "Referral to Prevention Assistance project",
    "Problem Solving/Diversion/Rapid Resolution intervention or service",
    "Referral to scheduled Coordinated Entry Crisis Needs Assessment",
    "Referral to scheduled Coordinated Entry Housing Needs Assessment",
    "Referral to post-placement/follow-up case management",
    "Referral to Street Outreach project or services",
    "Referral to Housing Navigation project or services",
    "Referral to Non-continuum services: Ineligible for continuum services",
    "Referral to Non continuum services: No availability in continuum services",
    "Referral to Emergency Shelter bed opening",
    "Referral to Transitional Housing bed/unit opening",
    "Referral to Joint TH-RRH project/unit/resource opening",
    "Referral to RRH project resource opening",
    "Referral to PSH project resource opening",
    "Referral to Other PH project/unit/resource opening",
    "Referral to emergency assistance/flex fund/furniture assistance",
    "Referral to Emergency Housing Voucher (EHV)",
    "Referral to a Housing Stability Voucher",
];

fn household_table(question: &'static str, title: &'static str, rows: Vec<Row>) -> Table {
    Table {
        question,
        title,
        corner: " ",
        columns: HOUSEHOLD_COLUMNS.to_vec(),
        rows,
    }
}

/// Q9a from households by (type, assessment type, prioritization status, count).
fn q9a(assessed: &Groups) -> Table {
    let of_type = |code: i64| by_type(assessed, move |r| r[1] == Some(code));
    let (phone, virtual_, in_person) = (of_type(1), of_type(2), of_type(3));
    household_table(
        "Q9a",
        "Assessment Type - Households Assessed in the Date Range",
        vec![
            counts("Phone", phone),
            counts("Virtual", virtual_),
            counts("In-person", in_person),
            counts(
                "Total Households Assessed",
                sum(&[phone, virtual_, in_person]),
            ),
        ],
    )
}

/// Q9b: by prioritization status.
fn q9b(assessed: &Groups) -> (Table, ByType) {
    let placed = by_type(assessed, |r| r[2] == Some(1));
    let not_placed = by_type(assessed, |r| r[2] == Some(2));
    let table = household_table(
        "Q9b",
        "Prioritization Status - Households Prioritized in the Date Range",
        vec![
            counts("Placed on Prioritization List (Prioritized)", placed),
            counts("Not Placed on Prioritization List", not_placed),
            // HUD prints the row's instruction in its label cell, and its CSV carries both.
            percent(
                "Percent of Assessed Prioritized Of the total HH Assessed report the percent of \
                 those placed on the prioritization list",
                placed,
                sum(&[placed, not_placed]),
            ),
        ],
    );
    (table, placed)
}

/// Column positions of a household's event row: type, status, event, 4.20.A, 4.20.B, 4.20.D.
const STATUS: usize = 1;
const EVENT: usize = 2;
const SAFE_ALTERNATIVE: usize = 3;
const AFTERCARE: usize = 4;
const RESULT: usize = 5;

/// Q9c: households whose event is an access event.
fn q9c(events: &Groups) -> Table {
    let access: Vec<ByType> = (1..=4)
        .map(|code| by_type(events, move |r| r[EVENT] == Some(code)))
        .collect();
    let housed = by_type(events, |r| {
        r[EVENT] == Some(2) && r[SAFE_ALTERNATIVE] == Some(1)
    });
    let mut rows = each_with_total(&ACCESS_EVENTS, &access);
    rows.push(counts(
        "Result: Client housed/Re-Housed in a safe alternative",
        housed,
    ));
    rows.push(percent(
        "Percent of successful referrals to Problem Solving/Diversion/Rapid Resolution",
        housed,
        access[1],
    ));
    household_table(
        "Q9c",
        "Access Events - Households with an Access Event",
        rows,
    )
}

/// Q9d: households whose event is a referral event.
fn q9d(events: &Groups, prioritized: ByType) -> Table {
    let referral: Vec<ByType> = (5..=18)
        .map(|code| by_type(events, move |r| r[EVENT] == Some(code)))
        .collect();
    let is_residential = |r: &[Option<i64>]| r[EVENT].is_some_and(residential);
    let referred_prioritized = by_type(events, |r| {
        r[STATUS] == Some(1) && r[EVENT].is_some_and(|e| (5..=18).contains(&e))
    });
    let result = |code: i64| {
        by_type(events, move |r| {
            is_residential(r) && r[RESULT] == Some(code)
        })
    };
    let successful = result(1);
    // HUD's result rows (and "No result recorded" among them) are about the referrals that carry
    // a 4.20.D result; an event 5 without 4.20.B is not one.
    let no_result = by_type(events, |r| is_residential(r) && r[RESULT].is_none());
    let aftercare = by_type(events, |r| r[EVENT] == Some(5) && r[AFTERCARE] == Some(1));
    let residential_total = sum(&(5..=18)
        .zip(&referral)
        .filter(|(code, _)| residential(*code))
        .map(|(_, n)| *n)
        .collect::<Vec<_>>());
    let mut rows = each_with_total(&REFERRAL_EVENTS_Q9D, &referral);
    rows.push(percent(
        "Of the total HH prioritized (Q9b row 1) what percentage received a referral",
        referred_prioritized,
        prioritized,
    ));
    // Lower-case "successful" as HUD prints it (its other two result rows are capitalized).
    rows.push(counts(
        "Result: successful referral: client accepted",
        successful,
    ));
    rows.push(counts(
        "Result: Unsuccessful referral: client rejected",
        result(2),
    ));
    rows.push(counts(
        "Result: Unsuccessful referral: provider rejected",
        result(3),
    ));
    rows.push(counts("No result recorded", no_result));
    rows.push(counts("Result: Enrolled in Aftercare project", aftercare));
    rows.push(percent(
        "Percent of successful referrals to residential projects",
        successful,
        residential_total,
    ));
    household_table(
        "Q9d",
        "Referral Events - Households Who Were Referred",
        rows,
    )
}

/// Q10: occurrences of each assessment level and event type, with results where HUD asks for them.
fn q10(levels: &Groups, activity: &Groups) -> Table {
    let level = |code: i64| {
        levels
            .iter()
            .filter(|r| r[0] == Some(code))
            .map(|r| r[1].unwrap_or(0))
            .sum::<i64>()
    };
    let blank_results = |total: i64| {
        std::iter::once(Cell::Count(total))
            .chain(std::iter::repeat_n(Cell::Blank, Q10_COLUMNS.len() - 1))
            .collect::<Vec<_>>()
    };
    let mut rows = vec![
        Row {
            label: "Crisis Needs Assessment",
            cells: blank_results(level(1)),
        },
        Row {
            label: "Housing Needs Assessment",
            cells: blank_results(level(2)),
        },
    ];
    for (code, label) in (1..=18).zip(Q10_EVENTS) {
        let of = |column: usize| {
            activity
                .iter()
                .filter(|r| r[0] == Some(code))
                .map(|r| r[column].unwrap_or(0))
                .sum::<i64>()
        };
        let shown = |applies: bool, column: usize| {
            if applies {
                Cell::Count(of(column))
            } else {
                Cell::Blank
            }
        };
        rows.push(Row {
            label,
            cells: vec![
                Cell::Count(of(1)),
                shown(residential(code), 2),
                shown(residential(code), 3),
                shown(residential(code), 4),
                shown(code == 2, 5),
                shown(code == 5, 6),
            ],
        });
    }
    Table {
        question: "Q10",
        title: "Total Coordinated Entry Activity During the Year",
        corner: "Assessment/Event",
        columns: Q10_COLUMNS.to_vec(),
        rows,
    }
}

/// Every table, in HUD's order.
pub fn tables(
    assessed: &Groups,
    events: &Groups,
    levels: &Groups,
    activity: &Groups,
) -> Vec<Table> {
    let (q9b, prioritized) = q9b(assessed);
    vec![
        q9a(assessed),
        q9b,
        q9c(events),
        q9d(events, prioritized),
        q10(levels, activity),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'t>(table: &'t Table, label: &str) -> &'t [Cell] {
        &table
            .rows
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("{} has a row {label}", table.question))
            .cells
    }

    fn n(values: [i64; 5]) -> Vec<Cell> {
        values.iter().map(|&v| Cell::Count(v)).collect()
    }

    #[test]
    fn households_are_counted_under_their_type_and_the_total() {
        // (type, assessment type, status, count)
        let assessed: Groups = vec![
            vec![Some(1), Some(1), Some(1), Some(2)],
            vec![Some(2), Some(3), Some(2), Some(1)],
            vec![Some(4), Some(3), Some(1), Some(1)],
        ];
        let tables = tables(&assessed, &vec![], &vec![], &vec![]);
        assert_eq!(row(&tables[0], "Phone"), n([2, 2, 0, 0, 0]));
        assert_eq!(row(&tables[0], "In-person"), n([2, 0, 1, 0, 1]));
        assert_eq!(
            row(&tables[0], "Total Households Assessed"),
            n([4, 2, 1, 0, 1])
        );
        let percent = row(
            &tables[1],
            "Percent of Assessed Prioritized Of the total HH Assessed report the percent of those \
             placed on the prioritization list",
        );
        assert_eq!(percent[0], Cell::Percent(Some(0.75)));
        assert_eq!(percent[3], Cell::Percent(None));
    }

    #[test]
    fn referral_results_count_for_residential_referrals_only() {
        // (type, status, event, 4.20.A, 4.20.B, 4.20.D, count)
        let events: Groups = vec![
            vec![Some(1), Some(1), Some(14), None, None, Some(1), Some(1)],
            vec![Some(1), Some(1), Some(13), None, None, None, Some(1)],
            vec![Some(2), Some(2), Some(5), None, Some(1), None, Some(1)],
            vec![Some(3), Some(2), Some(5), None, None, None, Some(1)],
            vec![Some(2), Some(1), Some(2), Some(1), None, None, Some(1)],
        ];
        let assessed: Groups = vec![vec![Some(1), Some(1), Some(1), Some(3)]];
        let tables = tables(&assessed, &events, &vec![], &vec![]);
        let q9d = &tables[3];
        assert_eq!(row(q9d, "Total"), n([4, 2, 1, 1, 0]));
        assert_eq!(
            row(q9d, "Result: successful referral: client accepted"),
            n([1, 1, 0, 0, 0])
        );
        assert_eq!(row(q9d, "No result recorded"), n([1, 1, 0, 0, 0]));
        assert_eq!(
            row(q9d, "Result: Enrolled in Aftercare project"),
            n([1, 0, 1, 0, 0])
        );
        let q9c = &tables[2];
        assert_eq!(row(q9c, "Total"), n([1, 0, 1, 0, 0]));
        assert_eq!(
            row(q9c, "Result: Client housed/Re-Housed in a safe alternative"),
            n([1, 0, 1, 0, 0])
        );
    }
}
