//! HUD 3.14/3.15 households: the household type the CE APR counts by (rule H7).

use async_graphql::Enum;
use chrono::{Datelike, NaiveDate};

/// The CE APR's household types, from the members' ages on the head's entry date (under 18: a
/// child).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum HouseholdType {
    /// Every member's age is known and every member is 18 or older.
    WithoutChildren,
    /// At least one member 18 or older and one under 18.
    WithChildrenAndAdults,
    /// Every member is under 18.
    WithOnlyChildren,
    /// Anything else: an unknown age with no child-and-adult pair to decide it.
    Unknown,
}

/// Whole years from `birth` to `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Rule H7: the type of a household whose members were born on `births` (None: unknown), counted on
/// the head's `head_entry` date.
pub fn household_type(
    head_entry: NaiveDate,
    births: impl IntoIterator<Item = Option<NaiveDate>>,
) -> HouseholdType {
    let (mut adults, mut children, mut unknown) = (0, 0, 0);
    for birth in births {
        match birth.map(|b| age_on(b, head_entry)) {
            Some(age) if age >= 18 => adults += 1,
            Some(_) => children += 1,
            None => unknown += 1,
        }
    }
    match (adults, children, unknown) {
        (a, c, _) if a > 0 && c > 0 => HouseholdType::WithChildrenAndAdults,
        (a, 0, 0) if a > 0 => HouseholdType::WithoutChildren,
        (0, c, 0) if c > 0 => HouseholdType::WithOnlyChildren,
        _ => HouseholdType::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::on;

    #[test]
    fn ages_count_whole_years_to_the_day() {
        assert_eq!(age_on(on("2008-03-01"), on("2026-02-28")), 17);
        assert_eq!(age_on(on("2008-03-01"), on("2026-03-01")), 18);
    }

    #[test]
    fn the_type_follows_the_members_ages_on_the_head_s_entry() {
        let entry = on("2026-03-01");
        let adult = Some(on("1990-01-01"));
        let child = Some(on("2015-01-01"));
        let turns_18_after = Some(on("2008-03-02"));
        let cases = [
            (vec![adult, adult], HouseholdType::WithoutChildren),
            (vec![adult, child], HouseholdType::WithChildrenAndAdults),
            (
                vec![adult, None, child],
                HouseholdType::WithChildrenAndAdults,
            ),
            (vec![child, turns_18_after], HouseholdType::WithOnlyChildren),
            (vec![adult, None], HouseholdType::Unknown),
            (vec![child, None], HouseholdType::Unknown),
            (vec![None], HouseholdType::Unknown),
        ];
        for (births, expected) in cases {
            assert_eq!(
                household_type(entry, births.clone()),
                expected,
                "{births:?}"
            );
        }
    }
}
