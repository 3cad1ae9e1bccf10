//! One row's cells into the typed row of its file: HUD IDs, codes, dates and timestamps read and
//! checked by HUD column name, and the rules that a single row can break on its own (a ProjectType
//! code, an OperatingEndDate before the start, 4.20's dependent fields). Every reason a row is bad is
//! noted, so that all of them are reported at once. No database access here.

use super::read::ParseContext;
use crate::domain::rules::{self, DependentField, Wording};
use crate::domain::{
    AssessmentLevel, AssessmentType, CeEventType, Destination, NoYes, PrioritizationStatus,
    ProjectType, ReferralResult, RelationshipToHoH, Sex, values,
};
use crate::error::{AppError, AppResult};
use crate::interop::columns::fy2026::CE_PARTICIPATION_ROLES;
use crate::interop::format::{self, HudKey};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// HUD's audit columns of a row.
#[derive(Clone)]
pub(super) struct Audit {
    pub(super) date_created: DateTime<Utc>,
    pub(super) date_updated: DateTime<Utc>,
    pub(super) date_deleted: Option<DateTime<Utc>>,
    /// UserID as given (empty: none).
    pub(super) user: Option<String>,
}

pub(super) struct UserRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) audit: Audit,
}

pub(super) struct OrganizationRow {
    pub(super) key: HudKey,
    pub(super) name: String,
    pub(super) victim_service_provider: bool,
    pub(super) audit: Audit,
}

pub(super) struct ProjectRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) organization: HudKey,
    pub(super) name: String,
    pub(super) project_type: ProjectType,
    pub(super) operating_start_date: NaiveDate,
    pub(super) operating_end_date: Option<NaiveDate>,
    pub(super) continuum_project: bool,
    pub(super) audit: Audit,
}

pub(super) struct ClientRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) date_of_birth: Option<NaiveDate>,
    /// HUD 4.21 Sex (FY2026 files); empty or absent (FY2024): 99 Data not collected.
    pub(super) sex: Sex,
    pub(super) audit: Audit,
}

pub(super) struct EnrollmentRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) client: HudKey,
    pub(super) project: HudKey,
    pub(super) entry_date: NaiveDate,
    pub(super) move_in_date: Option<NaiveDate>,
    /// EnrollmentCoC (HUD 3.16) as given; empty: the project's.
    pub(super) enrollment_coc: Option<String>,
    /// HouseholdID (HUD 3.14); empty: a household of one.
    pub(super) household: Option<HudKey>,
    /// RelationshipToHoH (HUD 3.15); empty: the head of a household of one, else not collected.
    pub(super) relationship: Option<RelationshipToHoH>,
    pub(super) audit: Audit,
}

pub(super) struct ExitRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) enrollment: HudKey,
    pub(super) client: HudKey,
    pub(super) exit_date: NaiveDate,
    pub(super) destination: Option<Destination>,
}

pub(super) struct EventRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) enrollment: HudKey,
    pub(super) client: HudKey,
    pub(super) event_date: NaiveDate,
    pub(super) event_type: CeEventType,
    pub(super) prob_sol_div_rr_result: Option<NoYes>,
    pub(super) referral_case_manage_after: Option<NoYes>,
    /// LocationCrisisOrPHHousing: read as the ProjectID of the project referred to, as exports write it.
    pub(super) referred_project: Option<HudKey>,
    pub(super) referral_result: Option<ReferralResult>,
    pub(super) result_date: Option<NaiveDate>,
    pub(super) audit: Audit,
}

/// An Assessment.csv row (HUD 4.19).
pub(super) struct AssessmentRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) enrollment: HudKey,
    pub(super) client: HudKey,
    pub(super) assessment_date: NaiveDate,
    pub(super) location: String,
    pub(super) assessment_type: AssessmentType,
    pub(super) assessment_level: AssessmentLevel,
    pub(super) prioritization_status: PrioritizationStatus,
    pub(super) audit: Audit,
}

/// One row's fields, read by HUD column name. Each reader notes what is wrong and returns `None`
/// then, so that a row's every problem is reported at once.
pub(super) struct Cells<'a> {
    pub(super) record: &'a csv::StringRecord,
    pub(super) index: &'a HashMap<&'static str, usize>,
    pub(super) context: &'a ParseContext,
    pub(super) reasons: Vec<String>,
    pub(super) line: u64,
}

impl Cells<'_> {
    pub(super) fn raw(&self, column: &'static str) -> &str {
        self.index
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or_default()
    }

    pub(super) fn bad(&mut self, reason: impl Into<String>) {
        self.reasons.push(reason.into());
    }

    /// A required HUD ID.
    pub(super) fn key(&mut self, column: &'static str) -> Option<HudKey> {
        match HudKey::parse(self.raw(column)) {
            Ok(Some(key)) => Some(key),
            Ok(None) => {
                self.bad(format!("{column} is empty"));
                None
            }
            Err(reason) => {
                self.bad(format!("{column} {reason}"));
                None
            }
        }
    }

    /// A text checked by one of the domain's validators (which trim it).
    fn text(
        &mut self,
        column: &'static str,
        check: fn(&str, &str) -> AppResult<String>,
    ) -> Option<String> {
        let checked = check(column, self.raw(column));
        checked.map_err(|err| self.bad(err.to_string())).ok()
    }

    /// `Some(None)` when empty, `None` when not a date.
    fn optional_date(&mut self, column: &'static str) -> Option<Option<NaiveDate>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match format::parse_date(&raw) {
            Some(date) => Some(Some(date)),
            None => {
                self.bad(format!("{column} \"{raw}\" is not a date (yyyy-mm-dd)"));
                None
            }
        }
    }

    fn date(&mut self, column: &'static str) -> Option<NaiveDate> {
        let date = self.optional_date(column)?;
        if date.is_none() {
            self.bad(format!("{column} is empty"));
        }
        date
    }

    fn optional_timestamp(&mut self, column: &'static str) -> Option<Option<DateTime<Utc>>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match format::parse_timestamp(&raw, self.context.zone) {
            Some(instant) => Some(Some(instant)),
            None => {
                self.bad(format!(
                    "{column} \"{raw}\" is not a timestamp (yyyy-mm-dd hh:mm:ss)"
                ));
                None
            }
        }
    }

    fn timestamp(&mut self, column: &'static str) -> Option<DateTime<Utc>> {
        let instant = self.optional_timestamp(column)?;
        if instant.is_none() {
            self.bad(format!("{column} is empty"));
        }
        instant
    }

    /// An integer code from HUD's list `list` (named in the message); `Some(None)` when empty.
    fn optional_code(
        &mut self,
        column: &'static str,
        allowed: impl Fn(i32) -> bool,
        list: &str,
    ) -> Option<Option<i32>> {
        let raw = self.raw(column).to_owned();
        if raw.is_empty() {
            return Some(None);
        }
        match raw.parse::<i32>() {
            Ok(code) if allowed(code) => Some(Some(code)),
            _ => {
                self.bad(format!("{column} \"{raw}\" is not a code of {list}"));
                None
            }
        }
    }

    fn code(
        &mut self,
        column: &'static str,
        allowed: impl Fn(i32) -> bool,
        list: &str,
    ) -> Option<i32> {
        let code = self.optional_code(column, allowed, list)?;
        if code.is_none() {
            self.bad(format!("{column} is empty; {list} is required"));
        }
        code
    }

    fn not_in_future(&mut self, column: &str, date: Option<NaiveDate>) {
        if let Some(date) = date
            && let Err(err) = values::not_in_future(column, date, self.context.today)
        {
            self.bad(err.to_string());
        }
    }

    fn not_before_1900(&mut self, column: &str, date: Option<NaiveDate>) {
        if let Some(date) = date
            && let Err(err) = values::not_before_1900(column, date)
        {
            self.bad(err.to_string());
        }
    }

    /// A UserID: optional, kept as given.
    fn user(&mut self, column: &'static str) -> Option<Option<String>> {
        match HudKey::parse(self.raw(column)) {
            Ok(key) => Some(key.map(|k| k.text())),
            Err(reason) => {
                self.bad(format!("{column} {reason}"));
                None
            }
        }
    }

    fn audit(&mut self) -> Option<Audit> {
        let date_created = self.timestamp("DateCreated");
        let date_updated = self.timestamp("DateUpdated");
        let date_deleted = self.optional_timestamp("DateDeleted");
        let user = self.user("UserID");
        Some(Audit {
            date_created: date_created?,
            date_updated: date_updated?,
            date_deleted: date_deleted?,
            user: user?,
        })
    }
}

const NO_YES: &str = "HUD list 1.1 (0 No, 1 Yes)";

fn no_yes(code: i32) -> bool {
    NoYes::from_code(code).is_some()
}

pub(super) fn parse_user(c: &mut Cells) -> Option<UserRow> {
    let key = c.key("UserID");
    let first = c.raw("UserFirstName").to_owned();
    let last = c.raw("UserLastName").to_owned();
    let email = c.text("UserEmail", |_, raw| {
        if raw.trim().is_empty() {
            return Err(AppError::bad_input(
                "UserEmail is empty: a Hearth user is known by an email address",
            ));
        }
        values::email(raw)
    });
    let joined = format!("{first} {last}").trim().to_owned();
    let name = match (&email, joined.is_empty()) {
        (Some(email), true) => Some(email.clone()),
        _ => c.text_value(
            "UserFirstName and UserLastName",
            &joined,
            values::display_name,
        ),
    };
    let date_created = c.timestamp("DateCreated");
    let date_updated = c.timestamp("DateUpdated");
    let date_deleted = c.optional_timestamp("DateDeleted");
    Some(UserRow {
        line: c.line,
        key: key?,
        name: name?,
        email: email?,
        audit: Audit {
            date_created: date_created?,
            date_updated: date_updated?,
            date_deleted: date_deleted?,
            user: None,
        },
    })
}

impl Cells<'_> {
    /// As [`Cells::text`], for a value made of several columns.
    fn text_value(
        &mut self,
        what: &str,
        value: &str,
        check: fn(&str, &str) -> AppResult<String>,
    ) -> Option<String> {
        check(what, value)
            .map_err(|err| self.bad(err.to_string()))
            .ok()
    }
}

pub(super) fn parse_organization(c: &mut Cells) -> Option<OrganizationRow> {
    let key = c.key("OrganizationID");
    let name = c.text("OrganizationName", values::display_name);
    let victim_service_provider = c.code("VictimServiceProvider", no_yes, NO_YES);
    let audit = c.audit();
    Some(OrganizationRow {
        key: key?,
        name: name?,
        victim_service_provider: victim_service_provider? == 1,
        audit: audit?,
    })
}

pub(super) fn parse_project(c: &mut Cells) -> Option<ProjectRow> {
    let key = c.key("ProjectID");
    let organization = c.key("OrganizationID");
    let name = c.text("ProjectName", values::display_name);
    let project_type = c.code(
        "ProjectType",
        |code| ProjectType::from_code(code).is_some(),
        "HUD 2.02.6 Project Type",
    );
    let start = c.date("OperatingStartDate");
    c.not_before_1900("OperatingStartDate", start);
    let end = c.optional_date("OperatingEndDate");
    if let (Some(start), Some(Some(end))) = (start, end)
        && end < start
    {
        c.bad(format!(
            "OperatingEndDate {end} is before OperatingStartDate {start}"
        ));
    }
    // HUD 2.02.5: 0 No, 1 Yes; a file without it keeps Hearth's default (a CoC project).
    let continuum = c.optional_code(
        "ContinuumProject",
        |code| code == 0 || code == 1,
        "HUD 1.1 No/Yes",
    );
    let audit = c.audit();
    Some(ProjectRow {
        line: c.line,
        continuum_project: continuum?.is_none_or(|code| code == 1),
        key: key?,
        organization: organization?,
        name: name?,
        project_type: ProjectType::from_code(project_type?)?,
        operating_start_date: start?,
        operating_end_date: end?,
        audit: audit?,
    })
}

pub(super) fn parse_client(c: &mut Cells) -> Option<ClientRow> {
    let key = c.key("PersonalID");
    let first_name = c.text("FirstName", values::person_name);
    let last_name = c.text("LastName", values::person_name);
    let dob = c.optional_date("DOB");
    c.not_before_1900("DOB", dob.flatten());
    c.not_in_future("DOB", dob.flatten());
    let sex = c.optional_code("Sex", |code| Sex::from_code(code).is_some(), "HUD 4.21 Sex");
    let audit = c.audit();
    Some(ClientRow {
        sex: sex?
            .and_then(Sex::from_code)
            .unwrap_or(Sex::DataNotCollected),
        line: c.line,
        key: key?,
        first_name: first_name?,
        last_name: last_name?,
        date_of_birth: dob?,
        audit: audit?,
    })
}

pub(super) fn parse_enrollment(c: &mut Cells) -> Option<EnrollmentRow> {
    let key = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let project = c.key("ProjectID");
    let entry = c.date("EntryDate");
    c.not_before_1900("EntryDate", entry);
    // The workflow's date rules are applied with the project's facts (`domain::rules`).
    let move_in = c.optional_date("MoveInDate");
    let coc = match c.raw("EnrollmentCoC") {
        "" => Some(None),
        _ => c.text("EnrollmentCoC", values::coc_code).map(Some),
    };
    let household = match HudKey::parse(c.raw("HouseholdID")) {
        Ok(key) => Some(key),
        Err(reason) => {
            c.bad(format!("HouseholdID {reason}"));
            None
        }
    };
    let relationship = c.optional_code(
        "RelationshipToHoH",
        |code| RelationshipToHoH::from_code(code).is_some(),
        "HUD 3.15 Relationship to Head of Household",
    );
    let audit = c.audit();
    Some(EnrollmentRow {
        enrollment_coc: coc?,
        household: household?,
        relationship: relationship?.and_then(RelationshipToHoH::from_code),
        line: c.line,
        key: key?,
        client: client?,
        project: project?,
        entry_date: entry?,
        move_in_date: move_in?,
        audit: audit?,
    })
}

pub(super) fn parse_exit(c: &mut Cells) -> Option<ExitRow> {
    let key = c.key("ExitID");
    let enrollment = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let exit = c.date("ExitDate");
    let destination = c
        .optional_code(
            "Destination",
            |code| Destination::from_code(code).is_some(),
            "HUD 3.12 Destination",
        )
        .map(|code| code.and_then(Destination::from_code));
    Some(ExitRow {
        line: c.line,
        key: key?,
        enrollment: enrollment?,
        client: client?,
        exit_date: exit?,
        destination: destination?,
    })
}

pub(super) fn parse_event(c: &mut Cells) -> Option<EventRow> {
    let key = c.key("EventID");
    let enrollment = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let date = c.date("EventDate");
    let event_type = c
        .code(
            "Event",
            |code| CeEventType::from_code(code).is_some(),
            "HUD 4.20.2 Event",
        )
        .and_then(CeEventType::from_code);
    let prob_sol = c
        .optional_code("ProbSolDivRRResult", no_yes, NO_YES)
        .map(|code| code.and_then(NoYes::from_code));
    let case_manage = c
        .optional_code("ReferralCaseManageAfter", no_yes, NO_YES)
        .map(|code| code.and_then(NoYes::from_code));
    let location = c.raw("LocationCrisisOrPHHousing").to_owned();
    let result = c
        .optional_code(
            "ReferralResult",
            |code| ReferralResult::from_code(code).is_some(),
            "HUD 4.20.D Referral Result",
        )
        .map(|code| code.and_then(ReferralResult::from_code));
    let result_date = c.optional_date("ResultDate");
    let audit = c.audit();

    // HUD 4.20's dependent fields, by event type.
    let mut referred_project = Some(None);
    if let Some(event_type) = event_type {
        let code = event_type.code();
        let dependent = [
            (
                DependentField::SafeAlternativeHoused,
                prob_sol.flatten().is_some(),
            ),
            (
                DependentField::EnrolledInAftercare,
                case_manage.flatten().is_some(),
            ),
        ];
        for broken in rules::ce_event::dependent_fields(event_type, &dependent) {
            c.bad(broken.describe(Wording::Hud));
        }
        let named = !location.is_empty();
        match rules::ce_event::names_project(event_type, named) {
            Some(broken) => c.bad(broken.describe(Wording::Hud)),
            None if named => match HudKey::parse(&location) {
                Ok(key) => referred_project = Some(key),
                Err(_) => {
                    c.bad(format!(
                        "LocationCrisisOrPHHousing \"{location}\" is no ProjectID: Hearth reads it \
                         as the ProjectID of the project referred to"
                    ));
                    referred_project = None;
                }
            },
            None => {}
        }
        if !event_type.carries_result() && result.flatten().is_some() {
            c.bad(format!(
                "ReferralResult is only for housing referrals (Event 10-15, 18), not Event {code}"
            ));
        }
    }
    // The result's date: the same rule as resolveReferral's (`domain::rules`).
    if let (Some(event_type), Some(date), Some(Some(result_date))) = (event_type, date, result_date)
    {
        for broken in rules::ce_event::result(event_type, date, result_date, c.context.today) {
            c.bad(broken.describe(Wording::Hud));
        }
    }
    if let Some(event_type) = event_type
        && event_type.carries_result()
    {
        match (result.flatten(), result_date.flatten()) {
            (Some(_), None) if result_date.is_some() => {
                c.bad("ResultDate is empty; a referral with a ReferralResult has one")
            }
            (None, Some(_)) if result.is_some() => {
                c.bad("ResultDate is given but ReferralResult is empty")
            }
            _ => {}
        }
    }
    Some(EventRow {
        line: c.line,
        key: key?,
        enrollment: enrollment?,
        client: client?,
        event_date: date?,
        event_type: event_type?,
        prob_sol_div_rr_result: prob_sol?,
        referral_case_manage_after: case_manage?,
        referred_project: referred_project?,
        referral_result: result?,
        result_date: result_date?,
        audit: audit?,
    })
}

/// CEParticipation.csv (HUD 2.09): one period of a project's CE roles.
pub(super) struct ParticipationRow {
    pub(super) line: u64,
    pub(super) key: HudKey,
    pub(super) project: HudKey,
    /// In the order of [`CE_PARTICIPATION_ROLES`] (empty: No).
    pub(super) roles: [bool; 6],
    pub(super) start_date: NaiveDate,
    pub(super) end_date: Option<NaiveDate>,
    pub(super) audit: Audit,
}

pub(super) fn parse_participation(c: &mut Cells) -> Option<ParticipationRow> {
    let key = c.key("CEParticipationID");
    let project = c.key("ProjectID");
    let mut roles = [false; 6];
    let mut readable = true;
    for (i, column) in CE_PARTICIPATION_ROLES.iter().enumerate() {
        match c.optional_code(column, no_yes, NO_YES) {
            Some(code) => roles[i] = code == Some(1),
            None => readable = false,
        }
    }
    let start = c.date("CEParticipationStatusStartDate");
    let end = c.optional_date("CEParticipationStatusEndDate");
    if let (Some(start), Some(Some(end))) = (start, end)
        && end < start
    {
        c.bad(format!(
            "CEParticipationStatusEndDate {end} is before CEParticipationStatusStartDate {start}"
        ));
    }
    let audit = c.audit();
    readable.then_some(())?;
    Some(ParticipationRow {
        line: c.line,
        key: key?,
        project: project?,
        roles,
        start_date: start?,
        end_date: end?,
        audit: audit?,
    })
}

/// Assessment.csv: its codes and the location as rule A1 takes them (`domain::rules::assessment`);
/// the rules that need the enrollment are applied when it is linked.
pub(super) fn parse_assessment(c: &mut Cells) -> Option<AssessmentRow> {
    let key = c.key("AssessmentID");
    let enrollment = c.key("EnrollmentID");
    let client = c.key("PersonalID");
    let date = c.date("AssessmentDate");
    let location = match rules::assessment::location(c.raw("AssessmentLocation")) {
        Ok(location) => Some(location),
        Err(broken) => {
            c.bad(broken.describe(Wording::Hud));
            None
        }
    };
    let assessment_type = c
        .code(
            "AssessmentType",
            |code| AssessmentType::from_code(code).is_some(),
            "HUD 4.19.3 Assessment Type",
        )
        .and_then(AssessmentType::from_code);
    let assessment_level = c
        .code(
            "AssessmentLevel",
            |code| AssessmentLevel::from_code(code).is_some(),
            "HUD 4.19.4 Assessment Level",
        )
        .and_then(AssessmentLevel::from_code);
    let prioritization_status = c
        .code(
            "PrioritizationStatus",
            |code| PrioritizationStatus::from_code(code).is_some(),
            "HUD 4.19.7 Prioritization Status",
        )
        .and_then(PrioritizationStatus::from_code);
    let audit = c.audit();
    Some(AssessmentRow {
        line: c.line,
        key: key?,
        enrollment: enrollment?,
        client: client?,
        assessment_date: date?,
        location: location?,
        assessment_type: assessment_type?,
        assessment_level: assessment_level?,
        prioritization_status: prioritization_status?,
        audit: audit?,
    })
}
