//! Validated values: each function checks one kind of raw input (a name, an email, a CoC code, a
//! date) and returns it normalised (trimmed, lower-cased where the kind asks), so that the service
//! layer stores only what passed. Each failure is a BAD_USER_INPUT naming the field and what would
//! be accepted.

use crate::error::AppError;
use chrono::NaiveDate;

/// Trims `raw` and checks it holds 1..=`max` characters and no control characters.
pub fn text(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let trimmed = raw.trim();
    let length = trimmed.chars().count();
    if length == 0 {
        return Err(AppError::bad_input(format!("{field} must not be empty")));
    }
    if length > max {
        return Err(AppError::bad_input(format!(
            "{field} must be at most {max} characters (got {length})"
        )));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(AppError::bad_input(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(trimmed.to_owned())
}

/// A person's first or last name (HUD 3.01): 1..100 characters after trimming.
pub fn person_name(field: &str, raw: &str) -> Result<String, AppError> {
    text(field, raw, 100)
}

/// The key a name is found by in a prefix search: lower-cased, cut to its column's 100 characters
/// (lower-casing can lengthen a name: "İ" becomes two characters). The API, the HMIS import and the
/// seeders all store this one.
pub fn name_search_key(name: &str) -> String {
    name.to_lowercase().chars().take(100).collect()
}

/// A CoC code (HUD 2.03.1, e.g. `MN-500`): two capital letters, a hyphen, three digits; surrounding
/// space trimmed, letters taken in either case.
pub fn coc_code(field: &str, raw: &str) -> Result<String, AppError> {
    let code = raw.trim().to_ascii_uppercase();
    let bytes = code.as_bytes();
    let valid = bytes.len() == 6
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2] == b'-'
        && bytes[3..].iter().all(u8::is_ascii_digit);
    if valid {
        Ok(code)
    } else {
        Err(AppError::bad_input(format!(
            "{field} must be a HUD CoC code: two letters, a hyphen and three digits, e.g. MN-500 (got \"{}\")",
            excerpt(raw)
        )))
    }
}

/// An organization, project, user or token name: 1..200 characters after trimming.
pub fn display_name(field: &str, raw: &str) -> Result<String, AppError> {
    text(field, raw, 200)
}

/// An email address: trimmed, lower-cased, one `@` with a non-empty local part and a dotted domain.
pub fn email(raw: &str) -> Result<String, AppError> {
    // Lower-case before measuring: lower-casing can lengthen a string ("İ" becomes "i̇").
    let candidate = text("email", &raw.to_lowercase(), 320)?;
    let valid = match candidate.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !candidate.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(candidate)
    } else {
        Err(AppError::bad_input(format!(
            "email \"{}\" is not an email address (expected name@example.org)",
            excerpt(&candidate)
        )))
    }
}

/// At most the first 40 characters of `text`, for echoing a client's input back in an error
/// without amplifying a huge or hostile value.
pub fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

/// The earliest date Hearth accepts anywhere (a date of birth, a project's start).
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("1900-01-01 is a date"),
};

/// Checks `date` is not after `today`.
pub fn not_in_future(field: &str, date: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if date > today {
        return Err(AppError::bad_input(format!(
            "{field} {date} is in the future (today is {today})"
        )));
    }
    Ok(())
}

/// Checks `date` is not before 1900-01-01.
pub fn not_before_1900(field: &str, date: NaiveDate) -> Result<(), AppError> {
    if date < EARLIEST_DATE {
        return Err(AppError::bad_input(format!(
            "{field} {date} is before {EARLIEST_DATE}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_fit_their_column_however_lower_casing_lengthens_a_name() {
        let name = "İ".repeat(100);
        assert!(name.to_lowercase().chars().count() > 100);
        assert_eq!(name_search_key(&name).chars().count(), 100);
        assert_eq!(name_search_key("Ana"), "ana");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(person_name("firstName", "  Ana ").unwrap(), "Ana");
        assert!(person_name("firstName", "   ").is_err());
        assert!(person_name("firstName", &"x".repeat(101)).is_err());
        assert!(person_name("firstName", "a\u{0}b").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(email(" Ana@Example.ORG ").unwrap(), "ana@example.org");
        for bad in [
            "ana",
            "@example.org",
            "ana@example",
            "a@b@c.org",
            "a b@c.org",
        ] {
            assert!(email(bad).is_err(), "{bad} accepted");
        }
    }
}
