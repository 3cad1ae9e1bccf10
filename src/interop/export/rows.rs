//! Each HMIS file's rows: as read from the database (partial models, which name the columns their
//! query selects, each once) and as written, by HUD column name ([`Row`]). A HUD code is read as
//! its list (`entity::codes`) and written as its integer: a stored code outside the list fails the
//! export, never reaches a CSV file.

use super::Context;
use crate::domain::{
    AssessmentLevel, AssessmentType, CeEventType, Destination, NoYes, PrioritizationStatus,
    ProjectType, ReferralResult, RelationshipToHoH, Sex,
};
use crate::interop::columns::{self, CsvFormat, HmisFile};
use crate::interop::format;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    app_user, assessment, ce_event, ce_participation, client, enrollment, household, organization,
    project,
};
use sea_orm::{DbErr, DerivePartialModel, FromQueryResult, QueryResult};
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

    /// A HUD ID column: the ID the record was imported with, else its Hearth id.
    pub(super) fn id(self, column: &str, id: Uuid, hud_id: Option<String>) -> Row {
        self.set(column, format::hud_id(id, hud_id.as_deref()))
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
/// query selects them under these names, `queries::records`), so that the five columns HUD puts at
/// the end of every file are read and written in one place.
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

/// One record as its file's query reads it: the columns its row shape `R` names, and its audit
/// columns. Apart because the audit columns are alike in every table but are each table's own
/// columns, which a partial model of one entity cannot name for all of them.
pub(super) struct Record<R> {
    fields: R,
    audit: Audit,
}

impl<R: FromQueryResult> FromQueryResult for Record<R> {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Record {
            fields: R::from_query_result(row, pre)?,
            audit: Audit::from_query_result(row, pre)?,
        })
    }
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "organization::Entity")]
pub(super) struct OrganizationRow {
    id: Uuid,
    name: String,
    victim_service_provider: bool,
    hud_id: Option<String>,
}

pub(super) fn organization_row(
    Record { fields: o, audit }: Record<OrganizationRow>,
    context: &Context,
) -> Vec<String> {
    Row::new(&columns::ORGANIZATION_FILE)
        .id("OrganizationID", o.id, o.hud_id)
        .set("OrganizationName", o.name)
        .set("VictimServiceProvider", yes_no(o.victim_service_provider))
        .audit(&audit, context)
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
        .id("UserID", u.id, u.hud_id)
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

#[derive(DerivePartialModel)]
#[sea_orm(entity = "project::Entity")]
pub(super) struct ProjectRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    project_type: ProjectType,
    operating_start_date: NaiveDate,
    operating_end_date: Option<NaiveDate>,
    hud_id: Option<String>,
    continuum_project: bool,
    #[sea_orm(from_expr = "organization::Column::HudId")]
    organization_hud_id: Option<String>,
}

pub(super) fn project_row(
    Record { fields: p, audit }: Record<ProjectRow>,
    context: &Context,
) -> Vec<String> {
    Row::new(&columns::PROJECT_FILE)
        .id("ProjectID", p.id, p.hud_id)
        .id("OrganizationID", p.organization_id, p.organization_hud_id)
        .set("ProjectName", p.name)
        .set("OperatingStartDate", format::date(p.operating_start_date))
        .set(
            "OperatingEndDate",
            format::optional_date(p.operating_end_date),
        )
        .set("ContinuumProject", yes_no(p.continuum_project))
        .set("ProjectType", p.project_type.code().to_string())
        .audit(&audit, context)
        .into_values()
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "client::Entity")]
pub(super) struct ClientRow {
    id: Uuid,
    first_name: String,
    last_name: String,
    date_of_birth: Option<NaiveDate>,
    sex: Sex,
    hud_id: Option<String>,
}

/// HUD 3.01.5 Name Data Quality 1 "Full name reported": Hearth requires a first and a last name.
/// HUD 3.03.2 DOB Data Quality 1 "Full DOB reported" when there is one (Hearth takes whole dates
/// only), else 99 "Data not collected".
/// FY2026: 4.21 Sex, its HUD code. FY2024 has no Sex; its 3.06 Gender columns say "not collected".
pub(super) fn client_row(
    Record { fields: c, audit }: Record<ClientRow>,
    context: &Context,
) -> Vec<String> {
    let row = Row::new(context.format.client());
    let row = match context.format {
        CsvFormat::Fy2026 => row.set("Sex", c.sex.code().to_string()),
        CsvFormat::Fy2024 => row,
    };
    row.id("PersonalID", c.id, c.hud_id)
        .set("FirstName", c.first_name)
        .set("LastName", c.last_name)
        .set("NameDataQuality", "1")
        .set("DOB", format::optional_date(c.date_of_birth))
        .set(
            "DOBDataQuality",
            if c.date_of_birth.is_some() { "1" } else { "99" },
        )
        .audit(&audit, context)
        .into_values()
}

/// An enrollment, with its exit (Hearth keeps one per enrollment, on the enrollment).
#[derive(DerivePartialModel)]
#[sea_orm(entity = "enrollment::Entity")]
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
    household_id: Uuid,
    relationship_to_hoh: RelationshipToHoH,
    #[sea_orm(from_expr = "project::Column::CocCode")]
    project_coc_code: Option<String>,
    #[sea_orm(from_expr = "household::Column::HudId")]
    household_hud_id: Option<String>,
    #[sea_orm(from_expr = "client::Column::HudId")]
    client_hud_id: Option<String>,
    #[sea_orm(from_expr = "project::Column::HudId")]
    project_hud_id: Option<String>,
}

/// HouseholdID (HUD 3.14/5.09) and RelationshipToHoH (3.15) as recorded. EnrollmentCoC (3.16): as
/// recorded at entry, else the project's CoC.
pub(super) fn enrollment_row(
    Record { fields: e, audit }: Record<EnrollmentRow>,
    context: &Context,
) -> Vec<String> {
    let coc = e
        .enrollment_coc
        .or(e.project_coc_code)
        .unwrap_or_else(|| context.coc_code.clone());
    Row::new(context.format.enrollment())
        .id("EnrollmentID", e.id, e.hud_id)
        .id("HouseholdID", e.household_id, e.household_hud_id)
        .set(
            "RelationshipToHoH",
            e.relationship_to_hoh.code().to_string(),
        )
        .set("EnrollmentCoC", coc)
        .id("PersonalID", e.client_id, e.client_hud_id)
        .id("ProjectID", e.project_id, e.project_hud_id)
        .set("EntryDate", format::date(e.entry_date))
        .set("MoveInDate", format::optional_date(e.move_in_date))
        .audit(&audit, context)
        .into_values()
}

/// Hearth keeps one exit per enrollment, on the enrollment: the exit's ExitID is its EnrollmentID
/// (unique in Exit.csv), unless it was imported with one of its own. Its audit columns are the
/// enrollment's. Destination 99 "Data not collected" when the exit recorded none.
pub(super) fn exit_row(
    Record { fields: e, audit }: Record<EnrollmentRow>,
    context: &Context,
) -> Vec<String> {
    let enrollment_id = format::hud_id(e.id, e.hud_id.as_deref());
    Row::new(&columns::EXIT_FILE)
        .set(
            "ExitID",
            e.exit_hud_id.unwrap_or_else(|| enrollment_id.clone()),
        )
        .set("EnrollmentID", enrollment_id)
        .id("PersonalID", e.client_id, e.client_hud_id)
        .set("ExitDate", format::optional_date(e.exit_date))
        .set(
            "Destination",
            e.destination
                .unwrap_or(Destination::DataNotCollected)
                .code()
                .to_string(),
        )
        .audit(&audit, context)
        .into_values()
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "ce_event::Entity")]
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
    cancelled_at: Option<DateTime<Utc>>,
    #[sea_orm(from_expr = "enrollment::Column::HudId")]
    enrollment_hud_id: Option<String>,
    #[sea_orm(from_expr = "client::Column::HudId")]
    client_hud_id: Option<String>,
    /// Of the project referred to (a left join: a referral may name none).
    #[sea_orm(from_expr = "project::Column::HudId")]
    referred_project_hud_id: Option<String>,
}

pub(super) fn event_row(
    Record { fields: e, audit }: Record<EventRow>,
    context: &Context,
) -> Vec<String> {
    // HUD 4.20.C LocationCrisisOrPHHousing is free text naming the project or unit referred to;
    // Hearth writes the referred project's ProjectID there (the import reads it back as that
    // project), empty when the referral names no project.
    let location = e
        .referred_project_id
        .map(|id| format::hud_id(id, e.referred_project_hud_id.as_deref()))
        .unwrap_or_default();
    Row::new(&columns::EVENT_FILE)
        .id("EventID", e.id, e.hud_id)
        .id("EnrollmentID", e.enrollment_id, e.enrollment_hud_id)
        .id("PersonalID", e.client_id, e.client_hud_id)
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
                date_deleted: audit.date_deleted.or(e.cancelled_at),
                ..audit
            },
            context,
        )
        .into_values()
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "ce_participation::Entity")]
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
    #[sea_orm(from_expr = "project::Column::HudId")]
    project_hud_id: Option<String>,
}

/// HUD 2.09: a period of a project's CE roles, each a 1.1 No/Yes.
pub(super) fn participation_row(
    Record { fields: p, audit }: Record<ParticipationRow>,
    context: &Context,
) -> Vec<String> {
    Row::new(&columns::CE_PARTICIPATION_FILE)
        .id("CEParticipationID", p.id, p.hud_id)
        .id("ProjectID", p.project_id, p.project_hud_id)
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
        .audit(&audit, context)
        .into_values()
}

#[derive(DerivePartialModel)]
#[sea_orm(entity = "assessment::Entity")]
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
    #[sea_orm(from_expr = "enrollment::Column::HudId")]
    enrollment_hud_id: Option<String>,
    #[sea_orm(from_expr = "client::Column::HudId")]
    client_hud_id: Option<String>,
}

/// HUD 4.19: one assessment of a household, in its head's CE enrollment.
pub(super) fn assessment_row(
    Record { fields: a, audit }: Record<AssessmentRow>,
    context: &Context,
) -> Vec<String> {
    Row::new(&columns::ASSESSMENT_FILE)
        .id("AssessmentID", a.id, a.hud_id)
        .id("EnrollmentID", a.enrollment_id, a.enrollment_hud_id)
        .id("PersonalID", a.client_id, a.client_hud_id)
        .set("AssessmentDate", format::date(a.assessment_date))
        .set("AssessmentLocation", a.assessment_location)
        .set("AssessmentType", a.assessment_type.code().to_string())
        .set("AssessmentLevel", a.assessment_level.code().to_string())
        .set(
            "PrioritizationStatus",
            a.prioritization_status.code().to_string(),
        )
        .audit(&audit, context)
        .into_values()
}
