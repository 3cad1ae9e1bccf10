//! How HMIS CSV values are written and read: HUD IDs, `yyyy-mm-dd` dates and `yyyy-mm-dd hh:mm:ss`
//! timestamps (in the community's time zone), integer codes. Pure functions; no database access.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

/// HUD IDs are strings of at most 32 characters.
pub const MAX_ID_LENGTH: usize = 32;

const DATE: &str = "%Y-%m-%d";
const TIMESTAMP: &str = "%Y-%m-%d %H:%M:%S";

/// A cell as OWASP's CSV-injection advice writes it: one that a spreadsheet would read as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, which the
/// spreadsheet shows as text. No HUD column Hearth writes is a signed number, so no value is
/// changed in meaning; the import takes the quote as data (it reverses nothing).
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// A record's HUD ID: the one it was imported with, else its UUID as 32 hex digits.
pub fn hud_id(id: Uuid, imported: Option<&str>) -> String {
    match imported {
        Some(hud) => hud.to_owned(),
        None => id.simple().to_string(),
    }
}

/// The UserID of a record: its Hearth user's HUD ID, else the UserID it was imported with (which
/// names no Hearth user), else empty.
pub fn user_id(user: Option<Uuid>, user_hud_id: Option<&str>, imported: Option<&str>) -> String {
    match user {
        Some(id) => hud_id(id, user_hud_id),
        None => imported.unwrap_or_default().to_owned(),
    }
}

pub fn date(value: NaiveDate) -> String {
    value.format(DATE).to_string()
}

pub fn optional_date(value: Option<NaiveDate>) -> String {
    value.map(date).unwrap_or_default()
}

/// A timestamp as the community's wall clock shows it: HUD timestamps carry no zone.
pub fn timestamp(value: DateTime<Utc>, zone: Tz) -> String {
    value.with_timezone(&zone).format(TIMESTAMP).to_string()
}

pub fn optional_timestamp(value: Option<DateTime<Utc>>, zone: Tz) -> String {
    value.map(|t| timestamp(t, zone)).unwrap_or_default()
}

pub fn optional_code(value: Option<i32>) -> String {
    value.map(|code| code.to_string()).unwrap_or_default()
}

/// A HUD ID read from a file, trimmed. 32 lower-case hex digits are the record's UUID (that is how
/// Hearth writes its ids, and a UUID written back the same way is the same text); anything else is
/// kept as the record's `hud_id`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HudKey {
    Uuid(Uuid),
    Hud(String),
}

impl HudKey {
    /// `None` when the text is empty; `Err` with the reason when it is no HUD ID.
    pub fn parse(raw: &str) -> Result<Option<HudKey>, String> {
        let text = raw.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let length = text.chars().count();
        if length > MAX_ID_LENGTH {
            return Err(format!(
                "\"{text}\" is {length} characters long; HUD IDs have at most {MAX_ID_LENGTH}"
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(format!(
                "\"{}\" contains control characters",
                text.escape_debug()
            ));
        }
        let is_simple_uuid = length == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if is_simple_uuid && let Ok(id) = Uuid::parse_str(text) {
            return Ok(Some(HudKey::Uuid(id)));
        }
        Ok(Some(HudKey::Hud(text.to_owned())))
    }

    /// The ID as written in a file.
    pub fn text(&self) -> String {
        match self {
            HudKey::Uuid(id) => id.simple().to_string(),
            HudKey::Hud(text) => text.clone(),
        }
    }

    /// The text to keep in `hud_id`: none for a UUID.
    pub fn imported(&self) -> Option<String> {
        match self {
            HudKey::Uuid(_) => None,
            HudKey::Hud(text) => Some(text.clone()),
        }
    }
}

/// A `yyyy-mm-dd` date, strictly (zero-padded).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let text = raw.trim();
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, DATE).ok()
}

/// A `yyyy-mm-dd hh:mm:ss` timestamp in the community's time zone. A wall-clock time that occurs
/// twice (clocks set back) is the earlier instant; one that does not occur (clocks set forward) is read
/// an hour later, as the clock would have shown it.
pub fn parse_timestamp(raw: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let text = raw.trim();
    if text.len() != 19 {
        return None;
    }
    let local = NaiveDateTime::parse_from_str(text, TIMESTAMP).ok()?;
    let instant = match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
        LocalResult::None => zone
            .from_local_datetime(&(local + TimeDelta::hours(1)))
            .earliest()?,
    };
    Some(instant.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_quoted_and_others_kept() {
        for formula in [
            "=HYPERLINK(\"x\")",
            "+SUM(1+1)",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for plain in ["Ada", "", "2026-01-01", "O'Brien", " =x", "a=b"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn simple_uuids_are_ids_and_other_text_is_kept() {
        let id = Uuid::now_v7();
        let text = id.simple().to_string();
        assert_eq!(HudKey::parse(&text), Ok(Some(HudKey::Uuid(id))));
        assert_eq!(
            HudKey::parse(&format!(" {text} ")),
            Ok(Some(HudKey::Uuid(id)))
        );
        // Upper case would not be written back the same way: it is kept as text.
        let upper = text.to_uppercase();
        assert_eq!(HudKey::parse(&upper), Ok(Some(HudKey::Hud(upper.clone()))));
        assert_eq!(
            HudKey::parse("557331"),
            Ok(Some(HudKey::Hud("557331".into())))
        );
        assert_eq!(HudKey::parse("  "), Ok(None));
        assert!(HudKey::parse(&"x".repeat(33)).is_err());
        assert_eq!(hud_id(id, None), text);
        assert_eq!(hud_id(id, Some("557331")), "557331");
    }

    #[test]
    fn dates_and_timestamps_are_strict_and_zoned() {
        assert_eq!(
            parse_date("2015-02-27"),
            NaiveDate::from_ymd_opt(2015, 2, 27)
        );
        assert_eq!(parse_date("2015-2-27"), None);
        assert_eq!(parse_date("2015-02-30"), None);
        let zone: Tz = "America/Chicago".parse().expect("zone");
        let t = parse_timestamp("2016-09-02 15:54:13", zone).expect("timestamp");
        assert_eq!(timestamp(t, zone), "2016-09-02 15:54:13");
        assert_eq!(timestamp(t, Tz::UTC), "2016-09-02 20:54:13");
        assert_eq!(parse_timestamp("2016-09-02T15:54:13", zone), None);
        // 02:30 does not exist on 2024-03-10 in Chicago.
        let gap = parse_timestamp("2024-03-10 02:30:00", zone).expect("read an hour later");
        assert_eq!(timestamp(gap, zone), "2024-03-10 03:30:00");
    }
}
