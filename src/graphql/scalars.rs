//! The contract's `Date` scalar: a calendar date written `yyyy-mm-dd` (HUD's date format).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

/// A calendar date, `yyyy-mm-dd`, as HUD dates are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date written `yyyy-mm-dd` (for example 2026-03-31), as in HUD HMIS dates.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::custom("a Date is a string yyyy-mm-dd"));
        };
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|d| text.len() == 10 && (1000..=9999).contains(&d.year()))
            .ok_or_else(|| {
                InputValueError::custom(format!(
                    "\"{}\" is not a date written yyyy-mm-dd",
                    text.chars().take(40).collect::<String>()
                ))
            })?;
        Ok(Date(date))
    }

    fn to_value(&self) -> Value {
        // NaiveDate displays as yyyy-mm-dd (ISO 8601) for the years parse() accepts.
        Value::String(self.0.to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}
