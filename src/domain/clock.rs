//! "Today" for date rules: the server's date in its configured time zone (HEARTH_TZ), or a fixed date
//! (HEARTH_TODAY) so that tests set the clock instead of depending on the calendar.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

#[derive(Clone, Debug)]
pub struct Clock {
    time_zone: Tz,
    fixed_today: Option<NaiveDate>,
}

impl Clock {
    pub fn new(time_zone: Tz, fixed_today: Option<NaiveDate>) -> Self {
        Clock {
            time_zone,
            fixed_today,
        }
    }

    /// The community's time zone: HMIS CSV timestamps are written and read in it.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Today's date where the community is.
    pub fn today(&self) -> NaiveDate {
        self.fixed_today
            .unwrap_or_else(|| Utc::now().with_timezone(&self.time_zone).date_naive())
    }
}
