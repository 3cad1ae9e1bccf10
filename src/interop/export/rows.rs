//! Each HMIS file's rows: as read from the database (`FromQueryResult` shapes) and as written, by
//! HUD column name ([`Row`]). A HUD code is read as its list (`entity::codes`) and written as its
//! integer: a stored code outside the list fails the export, never reaches a CSV file.

use super::Context;
use crate::domain::{
    AssessmentLevel, AssessmentType, CeEventType, Destination, NoYes, PrioritizationStatus,
    ProjectType, ReferralResult, RelationshipToHoH, Sex,
};
use crate::interop::columns::{self, CsvFormat, HmisFile};
use crate::interop::format;
use chrono::{DateTime, NaiveDate, Utc};
use entity::app_user;
use sea_orm::FromQueryResult;
use uuid::Uuid;

/// One CSV row of `file`, filled by column name; columns left alone are empty or HUD's "not
/// collected" value.
pub(super) struct Row {
    file: &'static HmisFile,
    values: Vec<String>,
}

impl Row {
    pub(super) fn new(file: &'static HmisFile) -> Row {
        let mut values = vec![String::new(); file.columns.len()];
        for (column, value) in file.not_collected {
            if let Some(i) = file.index(column) {
                values[i] = (*value).to_owned();
            }
        }
        Row { file, values }
    }

    pub(super) fn set(mut self, column: &str, value: impl Into<String>) -> Row {
        match self.file.index(column) {
            Some(i) => self.values[i] = value.into(),
            None => debug_assert!(false, "{} has no column {column}", self.file.name),
        }
        self
    }

    /// DateCreated, DateUpdated, UserID, DateDeleted and ExportID.
    pub(super) fn audit(self, audit: &Audit, context: &Context) -> Row {
        let zone = context.zone;
        let row = self
            .set("DateCreated", format::timestamp(audit.date_created, zone))
            .set("DateUpdated", format::timestamp(audit.date_updated, zone))
            .set(
                "DateDeleted",
                format::optional_timestamp(audit.date_deleted, zone),
            )
            .set("ExportID", context.export_id.clone());
        if row.file.name == columns::USER_FILE.name {
            return row;
        }
        row.set(
            "UserID",
            format::user_id(
                audit.user_id,
                audit.user_hud_id.as_deref(),
                audit.hud_user_id.as_deref(),
            ),
        )
    }

    pub(super) fn into_values(self) -> Vec<String> {
        self.values
    }
}

/// The HMIS audit columns of one record, read from the same query row as the record (every file's
/// query selects them under these names): each row shape nests one, so that the five columns HUD puts
/// at the end of every file are read and written in one place.
#[derive(FromQueryResult)]
pub(super) struct Audit {
    date_created: DateTime<Utc>,
    date_updated: DateTime<Utc>,
    date_deleted: Option<DateTime<Utc>>,
    /// The Hearth user who last wrote the record, and that user's HUD UserID when imported.
    user_id: Option<Uuid>,
    user_hud_id: Option<String>,
    /// The UserID an imported record came with when it names no Hearth user.
    hud_user_id: Option<String>,
}

#[derive(FromQueryResult)]
pub(super) struct OrganizationRow {
    id: Uuid,
    name: String,
    victim_service_provider: bool,
    hud_id: Option<String>,
    #[sea_orm(nested)]
    audit: Audit,
}

pub(super) fn organization_row(o: OrganizationRow, context: &Context) -> Vec<String> {
    Row::new(&columns::ORGANIZATION_FILE)
        .set("OrganizationID", format::hud_id(o.id, o.hud_id.as_deref()))
        .set("OrganizationName", o.name)
        .set("VictimServiceProvider", yes_no(o.victim_service_provider))
        .audit(&o.audit, context)
        .into_values()
}

/// HUD list 1.1 No/Yes.
fn yes_no(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

/// A Hearth user has one display name: UserFirstName is its first word, UserLastName the rest (the
/// import joins them back with a space).
pub(super) fn user_row(u: app_user::Model, context: &Context) -> Vec<String> {
    let (first, last) = match u.name.split_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (u.name.clone(), String::new()),
    };
    Row::new(&columns::USER_FILE)
        .set("UserID", format::hud_id(u.id, u.hud_id.as_deref()))
        .set("UserFirstName", first)
        .set("UserLastName", last)
        .set("UserEmail", u.email)
        .audit(
            &Audit {
                date_created: u.date_created,
                date_updated: u.date_updated,
                date_deleted: u.date_deleted,
                user_id: None,
                user_hud_id: None,
                hud_user_id: None,
            },
            context,
        )
        .into_values()
}

#[derive(FromQueryResult)]
pub(super) struct ProjectRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    project_type: ProjectType,
    operating_start_date: NaiveDate,
    operating_end_date: Option<NaiveDate>,
    hud_id: Option<String>,
    continuum_project: bool,
    organization_hud_id: Option<String>,
    #[sea_orm(nested)]
    audit: Audit,
}

pub(super) fn project_row(p: ProjectRow, context: &Context) -> Vec<String> {
    Row::new(&columns::PROJECT_FILE)
        .set("ProjectID", format::hud_id(p.id, p.hud_id.as_deref()))
        .set(
            "OrganizationID",
            format::hud_id(p.organization_id, p.organization_hud_id.as_deref()),
        )
        .set("ProjectName", p.name)
        .set("OperatingStartDate", format::date(p.operating_start_date))
        .set(
            "OperatingEndDate",
            format::optional_date(p.operating_end_date),
        )
        .set("ContinuumProject", yes_no(p.continuum_project))
        .set("ProjectType", p.project_type.code().to_string())
        .audit(&p.audit, context)
        .into_values()
}

#[derive(FromQueryResult)]
pub(super) struct ClientRow {
    id: Uuid,
    first_name: String,
    last_name: String,
    date_of_birth: Option<NaiveDate>,
    sex: Sex,
    hud_id: Option<String>,
    #[sea_orm(nested)]
    audit: Audit,
}

/// HUD 3.01.5 Name Data Quality 1 "Full name reported": Hearth requires a first and a last name.
/// HUD 3.03.2 DOB Data Quality 1 "Full DOB reported" when there is one (Hearth takes whole dates
/// only), else 99 "Data not collected".
/// FY2026: 4.21 Sex, its HUD code. FY2024 has no Sex; its 3.06 Gender columns say "not collected".
pub(super) fn client_row(c: ClientRow, context: &Context) -> Vec<String> {
    let row = Row::new(context.format.client());
    let row = match context.format {
        CsvFormat::Fy2026 => row.set("Sex", c.sex.code().to_string()),
        CsvFormat::Fy2024 => row,
    };
    row.set("PersonalID", format::hud_id(c.id, c.hud_id.as_deref()))
        .set("FirstName", c.first_name)
        .set("LastName", c.last_name)
        .set("NameDataQuality", "1")
        .set("DOB", format::optional_date(c.date_of_birth))
        .set(
            "DOBDataQuality",
            if c.date_of_birth.is_some() { "1" } else { "99" },
        )
        .audit(&c.audit, context)
        .into_values()
}

#[derive(FromQueryResult)]
pub(super) struct EnrollmentRow {
    id: Uuid,
    client_id: Uuid,
    project_id: Uuid,
    entry_date: NaiveDate,
    exit_date: Option<NaiveDate>,
    destination: Option<Destination>,
    move_in_date: Option<NaiveDate>,
    hud_id: Option<String>,
    exit_hud_id: Option<String>,
    enrollment_coc: Option<String>,
    project_coc_code: Option<String>,
    household_id: Uuid,
    household_hud_id: Option<String>,
    relationship_to_hoh: RelationshipToHoH,
    client_hud_id: Option<String>,
    project_hud_id: Option<String>,
    #[sea_orm(nested)]
    audit: Audit,
}

/// HouseholdID (HUD 3.14/5.09) and RelationshipToHoH (3.15) as recorded. EnrollmentCoC (3.16): as
/// recorded at entry, else the project's CoC.
pub(super) fn enrollment_row(e: EnrollmentRow, context: &Context) -> Vec<String> {
    let enrollment_id = format::hud_id(e.id, e.hud_id.as_deref());
    let coc = e
        .enrollment_coc
        .clone()
        .or_else(|| e.project_coc_code.clone())
        .unwrap_or_else(|| context.coc_code.clone());
    Row::new(context.format.enrollment())
        .set("EnrollmentID", enrollment_id)
        .set(
            "HouseholdID",
            format::hud_id(e.household_id, e.household_hud_id.as_deref()),
        )
        .set(
            "RelationshipToHoH",
            e.relationship_to_hoh.code().to_string(),
        )
        .set("EnrollmentCoC", coc)
        .set(
            "PersonalID",
            format::hud_id(e.client_id, e.client_hud_id.as_deref()),
        )
        .set(
            "ProjectID",
            format::hud_id(e.project_id, e.project_hud_id.as_deref()),
        )
        .set("EntryDate", format::date(e.entry_date))
        .set("MoveInDate", format::optional_date(e.move_in_date))
        .audit(&e.audit, context)
        .into_values()
}

/// Hearth keeps one exit per enrollment, on the enrollment: the exit's ExitID is its EnrollmentID
/// (unique in Exit.csv), unless it was imported with one of its own. Its audit columns are the
/// enrollment's. Destination 99 "Data not collected" when the exit recorded none.
pub(super) fn exit_row(e: EnrollmentRow, context: &Context) -> Vec<String> {
    let enrollment_id = format::hud_id(e.id, e.hud_id.as_deref());
    Row::new(&columns::EXIT_FILE)
        .set(
            "ExitID",
            e.exit_hud_id
                .clone()
                .unwrap_or_else(|| enrollment_id.clone()),
        )
        .set("EnrollmentID", enrollment_id)
        .set(
            "PersonalID",
            format::hud_id(e.client_id, e.client_hud_id.as_deref()),
        )
        .set("ExitDate", format::optional_date(e.exit_date))
        .set(
            "Destination",
            e.destination
                .unwrap_or(Destination::DataNotCollected)
                .code()
                .to_string(),
        )
        .audit(&e.audit, context)
        .into_values()
}

#[derive(FromQueryResult)]
pub(super) struct EventRow {
    id: Uuid,
    enrollment_id: Uuid,
    client_id: Uuid,
    event_date: NaiveDate,
    event_type: CeEventType,
    prob_sol_div_rr_result: Option<NoYes>,
    referral_case_manage_after: Option<NoYes>,
    referred_project_id: Option<Uuid>,
    referral_result: Option<ReferralResult>,
    result_date: Option<NaiveDate>,
    hud_id: Option<String>,
    enrollment_hud_id: Option<String>,
    client_hud_id: Option<String>,
    referred_project_hud_id: Option<String>,
    cancelled_at: Option<DateTime<Utc>>,
    #[sea_orm(nested)]
    audit: Audit,
}

pub(super) fn event_row(e: EventRow, context: &Context) -> Vec<String> {
    // HUD 4.20.C LocationCrisisOrPHHousing is free text naming the project or unit referred to;
    // Hearth writes the referred project's ProjectID there (the import reads it back as that
    // project), empty when the referral names no project.
    let location = e
        .referred_project_id
        .map(|id| format::hud_id(id, e.referred_project_hud_id.as_deref()))
        .unwrap_or_default();
    Row::new(&columns::EVENT_FILE)
        .set("EventID", format::hud_id(e.id, e.hud_id.as_deref()))
        .set(
            "EnrollmentID",
            format::hud_id(e.enrollment_id, e.enrollment_hud_id.as_deref()),
        )
        .set(
            "PersonalID",
            format::hud_id(e.client_id, e.client_hud_id.as_deref()),
        )
        .set("EventDate", format::date(e.event_date))
        .set("Event", e.event_type.code().to_string())
        .set(
            "ProbSolDivRRResult",
            format::optional_code(e.prob_sol_div_rr_result.map(NoYes::code)),
        )
        .set(
            "ReferralCaseManageAfter",
            format::optional_code(e.referral_case_manage_after.map(NoYes::code)),
        )
        .set("LocationCrisisOrPHHousing", location)
        .set(
            "ReferralResult",
            format::optional_code(e.referral_result.map(ReferralResult::code)),
        )
        .set("ResultDate", format::optional_date(e.result_date))
        .audit(
            &Audit {
                // A referral the CE side cancelled as made in error leaves HUD's data (rule L6).
                date_deleted: e.audit.date_deleted.or(e.cancelled_at),
                ..e.audit
            },
            context,
        )
        .into_values()
}

#[derive(FromQueryResult)]
pub(super) struct ParticipationRow {
    id: Uuid,
    project_id: Uuid,
    access_point: bool,
    prevention_assessment: bool,
    crisis_assessment: bool,
    housing_assessment: bool,
    direct_services: bool,
    receives_referrals: bool,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    hud_id: Option<String>,
    project_hud_id: Option<String>,
    #[sea_orm(nested)]
    audit: Audit,
}

/// HUD 2.09: a period of a project's CE roles, each a 1.1 No/Yes.
pub(super) fn participation_row(p: ParticipationRow, context: &Context) -> Vec<String> {
    Row::new(&columns::CE_PARTICIPATION_FILE)
        .set(
            "CEParticipationID",
            format::hud_id(p.id, p.hud_id.as_deref()),
        )
        .set(
            "ProjectID",
            format::hud_id(p.project_id, p.project_hud_id.as_deref()),
        )
        .set("AccessPoint", yes_no(p.access_point))
        .set("PreventionAssessment", yes_no(p.prevention_assessment))
        .set("CrisisAssessment", yes_no(p.crisis_assessment))
        .set("HousingAssessment", yes_no(p.housing_assessment))
        .set("DirectServices", yes_no(p.direct_services))
        .set("ReceivesReferrals", yes_no(p.receives_referrals))
        .set("CEParticipationStatusStartDate", format::date(p.start_date))
        .set(
            "CEParticipationStatusEndDate",
            format::optional_date(p.end_date),
        )
        .audit(&p.audit, context)
        .into_values()
}

#[derive(FromQueryResult)]
pub(super) struct AssessmentRow {
    id: Uuid,
    enrollment_id: Uuid,
    client_id: Uuid,
    assessment_date: NaiveDate,
    assessment_location: String,
    assessment_type: AssessmentType,
    assessment_level: AssessmentLevel,
    prioritization_status: PrioritizationStatus,
    hud_id: Option<String>,
    enrollment_hud_id: Option<String>,
    client_hud_id: Option<String>,
    #[sea_orm(nested)]
    audit: Audit,
}

/// HUD 4.19: one assessment of a household, in its head's CE enrollment.
pub(super) fn assessment_row(a: AssessmentRow, context: &Context) -> Vec<String> {
    Row::new(&columns::ASSESSMENT_FILE)
        .set("AssessmentID", format::hud_id(a.id, a.hud_id.as_deref()))
        .set(
            "EnrollmentID",
            format::hud_id(a.enrollment_id, a.enrollment_hud_id.as_deref()),
        )
        .set(
            "PersonalID",
            format::hud_id(a.client_id, a.client_hud_id.as_deref()),
        )
        .set("AssessmentDate", format::date(a.assessment_date))
        .set("AssessmentLocation", a.assessment_location)
        .set("AssessmentType", a.assessment_type.code().to_string())
        .set("AssessmentLevel", a.assessment_level.code().to_string())
        .set(
            "PrioritizationStatus",
            a.prioritization_status.code().to_string(),
        )
        .audit(&a.audit, context)
        .into_values()
}
