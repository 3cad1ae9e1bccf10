//! `referral-client`: a typed Hearth client, its queries checked at compile time against the
//! repository's `schema.graphql` (cynic), running the guide's successful referral from start to end.
//!
//! ```sh
//! TOKEN=$(cargo run -q -- create-admin --email admin@example.org | tail -1)
//! cargo run -p referral-client -- --url http://127.0.0.1:8000/graphql --token "$TOKEN"
//! ```
//!
//! As ADMIN it makes an organization with a Coordinated Entry project and a PSH project, a Priority
//! List Manager and a housing staff member with their tokens. As the PLM it makes a client, enrolls
//! them in CE and refers them to the PSH project (`createCeEvent`, REFERRAL_TO_PSH). As the housing
//! staff it enrolls the client in the PSH project (intake) and then resolves the referral
//! SUCCESSFUL_CLIENT_ACCEPTED with that enrollment. It prints the final CE event and exits 0; any error
//! (HTTP, GraphQL, or a status other than SUCCESSFUL) exits 1.
//!
//! Options (or environment): `--url` (`HEARTH_URL`, default `http://127.0.0.1:8000/graphql`),
//! `--token` (`HEARTH_TOKEN`, an ADMIN's API token), `--today` (`HEARTH_TODAY`, the server's "today"
//! if it is fixed; default the current UTC date): every date sent lies before it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cynic::{GraphQlResponse, MutationBuilder, Operation, QueryBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::error::Error;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

#[cynic::schema("hearth")]
mod schema {}

cynic::impl_scalar!(NaiveDate, schema::Date);
cynic::impl_scalar!(DateTime<Utc>, schema::DateTime);

// ---------------------------------------------------------------------------------------------------
// Enums and inputs of the schema
// ---------------------------------------------------------------------------------------------------

/// HUD 2.02.6 Project Type.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectType {
    EsEntryExit,
    EsNightByNight,
    TransitionalHousing,
    PhPermanentSupportiveHousing,
    StreetOutreach,
    ServicesOnly,
    Other,
    SafeHaven,
    PhHousingOnly,
    PhHousingWithServices,
    DayShelter,
    HomelessnessPrevention,
    PhRapidReHousing,
    CoordinatedEntry,
}

#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    PriorityListManager,
    HousingStaff,
}

/// HUD 4.20.2 Event.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CeEventType {
    ReferralToPreventionAssistance,
    ProblemSolvingDiversionRapidResolution,
    ReferralToCeCrisisNeedsAssessment,
    ReferralToCeHousingNeedsAssessment,
    ReferralToPostPlacementCaseManagement,
    ReferralToStreetOutreach,
    ReferralToHousingNavigation,
    ReferralToNonContinuumIneligible,
    ReferralToNonContinuumNoAvailability,
    ReferralToEmergencyShelter,
    ReferralToTransitionalHousing,
    ReferralToJointThRrh,
    ReferralToRrh,
    ReferralToPsh,
    ReferralToOtherPh,
    ReferralToEmergencyAssistance,
    ReferralToEmergencyHousingVoucher,
    ReferralToHousingStabilityVoucher,
}

/// HUD 4.20.D Referral Result.
#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralResult {
    SuccessfulClientAccepted,
    UnsuccessfulClientRejected,
    UnsuccessfulProviderRejected,
}

#[derive(cynic::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralStatus {
    Pending,
    Successful,
    Unsuccessful,
    #[cynic(rename = "NOT_A_REFERRAL")]
    NotAReferral,
    /// Withdrawn by the CE side as made in error (cancelReferral).
    Cancelled,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateOrganizationInput {
    pub name: String,
    pub victim_service_provider: Option<bool>,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateProjectInput {
    pub organization_id: cynic::Id,
    pub name: String,
    pub project_type: ProjectType,
    pub operating_start_date: NaiveDate,
    pub operating_end_date: Option<NaiveDate>,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateUserInput {
    pub email: String,
    pub name: String,
}

#[derive(cynic::InputObject, Debug)]
pub struct GrantRoleInput {
    pub user_id: cynic::Id,
    pub organization_id: cynic::Id,
    pub role: Role,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateApiTokenInput {
    pub user_id: cynic::Id,
    pub label: String,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateClientInput {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateEnrollmentInput {
    pub client_id: cynic::Id,
    pub project_id: cynic::Id,
    pub entry_date: NaiveDate,
}

#[derive(cynic::InputObject, Debug)]
pub struct CreateCeEventInput {
    pub enrollment_id: cynic::Id,
    pub event_date: NaiveDate,
    pub event_type: CeEventType,
    pub referred_project_id: Option<cynic::Id>,
}

#[derive(cynic::InputObject, Debug)]
pub struct ResolveReferralInput {
    pub ce_event_id: cynic::Id,
    pub referral_result: ReferralResult,
    pub result_date: Option<NaiveDate>,
    pub resulting_enrollment_id: Option<cynic::Id>,
}

// ---------------------------------------------------------------------------------------------------
// What is asked for
// ---------------------------------------------------------------------------------------------------

#[derive(cynic::QueryFragment, Debug)]
pub struct Organization {
    pub id: cynic::Id,
    pub name: String,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Project {
    pub id: cynic::Id,
    pub name: String,
    pub project_type: ProjectType,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct User {
    pub id: cynic::Id,
    pub email: String,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Membership {
    pub role: Role,
    pub organization: Organization,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct ApiTokenCreated {
    pub token: String,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Client {
    pub id: cynic::Id,
    pub first_name: String,
    pub last_name: String,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct Enrollment {
    pub id: cynic::Id,
    pub entry_date: NaiveDate,
    pub project: Project,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct CeEvent {
    pub id: cynic::Id,
    pub status: ReferralStatus,
    pub event_type: CeEventType,
    pub event_date: NaiveDate,
    pub client: Client,
    pub referred_project: Option<Project>,
    pub referral_result: Option<ReferralResult>,
    pub result_date: Option<NaiveDate>,
    pub resulting_enrollment: Option<Enrollment>,
    pub date_updated: DateTime<Utc>,
}

// One variables struct (`$input`) and one mutation per mutation used.

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateOrganizationVariables {
    pub input: CreateOrganizationInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateOrganizationVariables")]
pub struct CreateOrganization {
    #[arguments(input: $input)]
    pub create_organization: Organization,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateProjectVariables {
    pub input: CreateProjectInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateProjectVariables")]
pub struct CreateProject {
    #[arguments(input: $input)]
    pub create_project: Project,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateUserVariables {
    pub input: CreateUserInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateUserVariables")]
pub struct CreateUser {
    #[arguments(input: $input)]
    pub create_user: User,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct GrantRoleVariables {
    pub input: GrantRoleInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "GrantRoleVariables")]
pub struct GrantRole {
    #[arguments(input: $input)]
    pub grant_role: Membership,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateApiTokenVariables {
    pub input: CreateApiTokenInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateApiTokenVariables")]
pub struct CreateApiToken {
    #[arguments(input: $input)]
    pub create_api_token: ApiTokenCreated,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateClientVariables {
    pub input: CreateClientInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateClientVariables")]
pub struct CreateClient {
    #[arguments(input: $input)]
    pub create_client: Client,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateEnrollmentVariables {
    pub input: CreateEnrollmentInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateEnrollmentVariables")]
pub struct CreateEnrollment {
    #[arguments(input: $input)]
    pub create_enrollment: Enrollment,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CreateCeEventVariables {
    pub input: CreateCeEventInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "CreateCeEventVariables")]
pub struct CreateCeEvent {
    #[arguments(input: $input)]
    pub create_ce_event: CeEvent,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct ResolveReferralVariables {
    pub input: ResolveReferralInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "ResolveReferralVariables")]
pub struct ResolveReferral {
    #[arguments(input: $input)]
    pub resolve_referral: CeEvent,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct CeEventVariables {
    pub id: cynic::Id,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "CeEventVariables")]
pub struct CeEventQuery {
    #[arguments(id: $id)]
    pub ce_event: Option<CeEvent>,
}

// ---------------------------------------------------------------------------------------------------
// Talking to Hearth
// ---------------------------------------------------------------------------------------------------

/// A GraphQL error from Hearth, with its `extensions.code`.
#[derive(Debug)]
struct HearthError(String);

impl fmt::Display for HearthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for HearthError {}

type Fallible<T> = Result<T, Box<dyn Error>>;

struct Hearth {
    http: reqwest::Client,
    url: String,
}

impl Hearth {
    /// Runs `operation` with `token`; GraphQL errors become an `Err` naming their codes.
    async fn run<T, V>(&self, token: &str, operation: Operation<T, V>) -> Fallible<T>
    where
        T: DeserializeOwned,
        V: Serialize,
    {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(token)
            .json(&operation)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        let body: GraphQlResponse<T, serde::de::IgnoredAny> =
            serde_json::from_str(&text).map_err(|e| {
                HearthError(format!(
                    "HTTP {status}: not a GraphQL response ({e}): {text}"
                ))
            })?;
        if let Some(errors) = body.errors.filter(|e| !e.is_empty()) {
            // The codes are in `extensions`, which the typed response ignores: read them raw.
            let raw: serde_json::Value = serde_json::from_str(&text)?;
            let codes: Vec<String> = raw["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("?").to_owned())
                .collect();
            let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            return Err(Box::new(HearthError(format!(
                "HTTP {status}: {} ({})",
                messages.join("; "),
                codes.join(", ")
            ))));
        }
        body.data
            .ok_or_else(|| HearthError(format!("HTTP {status}: no data in {text}")).into())
    }
}

// ---------------------------------------------------------------------------------------------------
// The guide's successful referral
// ---------------------------------------------------------------------------------------------------

struct Options {
    url: String,
    token: String,
    today: NaiveDate,
}

fn options() -> Fallible<Options> {
    let mut url = std::env::var("HEARTH_URL").ok();
    let mut token = std::env::var("HEARTH_TOKEN").ok();
    let mut today = std::env::var("HEARTH_TODAY").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| HearthError(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--url" => url = Some(value()?),
            "--token" => token = Some(value()?),
            "--today" => today = Some(value()?),
            "-h" | "--help" => {
                println!(
                    "usage: referral-client [--url URL] --token ADMIN_TOKEN [--today YYYY-MM-DD]\n\
                     (or HEARTH_URL, HEARTH_TOKEN, HEARTH_TODAY)"
                );
                std::process::exit(0);
            }
            other => return Err(HearthError(format!("unknown argument {other}")).into()),
        }
    }
    let mut url = url.unwrap_or_else(|| "http://127.0.0.1:8000/graphql".to_owned());
    if !url.trim_end_matches('/').ends_with("/graphql") {
        url = format!("{}/graphql", url.trim_end_matches('/'));
    }
    let token = token
        .ok_or_else(|| HearthError("an ADMIN token is needed: --token or HEARTH_TOKEN".into()))?;
    let today = match today {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|e| HearthError(format!("--today {text}: {e}")))?,
        None => Utc::now().date_naive(),
    };
    Ok(Options { url, token, today })
}

/// Makes a user with `role` in `organization` and returns an API token for them.
async fn member(
    hearth: &Hearth,
    admin: &str,
    organization: &cynic::Id,
    email: String,
    name: &str,
    role: Role,
) -> Fallible<String> {
    let user = hearth
        .run(
            admin,
            CreateUser::build(CreateUserVariables {
                input: CreateUserInput {
                    email,
                    name: name.to_owned(),
                },
            }),
        )
        .await?
        .create_user;
    let membership = hearth
        .run(
            admin,
            GrantRole::build(GrantRoleVariables {
                input: GrantRoleInput {
                    user_id: user.id.clone(),
                    organization_id: organization.clone(),
                    role,
                },
            }),
        )
        .await?
        .grant_role;
    println!(
        "  {} is {} of {}",
        user.email,
        graphql_name(membership.role),
        membership.organization.name
    );
    Ok(hearth
        .run(
            admin,
            CreateApiToken::build(CreateApiTokenVariables {
                input: CreateApiTokenInput {
                    user_id: user.id,
                    label: "referral-client".to_owned(),
                },
            }),
        )
        .await?
        .create_api_token
        .token)
}

async fn successful_referral(options: &Options) -> Fallible<CeEvent> {
    let hearth = Hearth {
        http: reqwest::Client::new(),
        url: options.url.clone(),
    };
    let admin = options.token.as_str();
    let days_ago = |days: i64| options.today - Duration::days(days);
    // Names and emails unique per run, so that the flow can run again on the same server.
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();

    println!("ADMIN: an organization with a CE project and a PSH project");
    let organization = hearth
        .run(
            admin,
            CreateOrganization::build(CreateOrganizationVariables {
                input: CreateOrganizationInput {
                    name: format!("Referral Client Agency {run}"),
                    victim_service_provider: Some(false),
                },
            }),
        )
        .await?
        .create_organization;
    let project = |name: &str, project_type| {
        CreateProject::build(CreateProjectVariables {
            input: CreateProjectInput {
                organization_id: organization.id.clone(),
                name: name.to_owned(),
                project_type,
                operating_start_date: days_ago(365),
                operating_end_date: None,
            },
        })
    };
    let ce_project = hearth
        .run(
            admin,
            project("Coordinated Entry", ProjectType::CoordinatedEntry),
        )
        .await?
        .create_project;
    let psh = hearth
        .run(
            admin,
            project(
                "Permanent Supportive Housing",
                ProjectType::PhPermanentSupportiveHousing,
            ),
        )
        .await?
        .create_project;
    println!(
        "  {}: {} and {}",
        organization.name, ce_project.name, psh.name
    );

    println!("ADMIN: a Priority List Manager and a housing staff member, with tokens");
    let plm = member(
        &hearth,
        admin,
        &organization.id,
        format!("plm.{run}@referral-client.example"),
        "Pat Priority",
        Role::PriorityListManager,
    )
    .await?;
    let staff = member(
        &hearth,
        admin,
        &organization.id,
        format!("staff.{run}@referral-client.example"),
        "Sam Staff",
        Role::HousingStaff,
    )
    .await?;

    println!("PLM: a client enrolled in Coordinated Entry, referred to PSH");
    let client = hearth
        .run(
            &plm,
            CreateClient::build(CreateClientVariables {
                input: CreateClientInput {
                    first_name: "Robin".to_owned(),
                    last_name: format!("Referred{run}"),
                    date_of_birth: NaiveDate::from_ymd_opt(1979, 8, 14),
                },
            }),
        )
        .await?
        .create_client;
    let ce_enrollment = hearth
        .run(
            &plm,
            CreateEnrollment::build(CreateEnrollmentVariables {
                input: CreateEnrollmentInput {
                    client_id: client.id.clone(),
                    project_id: ce_project.id.clone(),
                    entry_date: days_ago(60),
                },
            }),
        )
        .await?
        .create_enrollment;
    let referral = hearth
        .run(
            &plm,
            CreateCeEvent::build(CreateCeEventVariables {
                input: CreateCeEventInput {
                    enrollment_id: ce_enrollment.id.clone(),
                    event_date: days_ago(30),
                    event_type: CeEventType::ReferralToPsh,
                    referred_project_id: Some(psh.id.clone()),
                },
            }),
        )
        .await?
        .create_ce_event;
    println!(
        "  {} {}: CE enrollment {} from {}, referral {} ({})",
        client.first_name,
        client.last_name,
        ce_enrollment.id.inner(),
        ce_enrollment.entry_date,
        referral.id.inner(),
        graphql_name(referral.status)
    );

    println!("Housing staff: intake first, then the referral resolved with that enrollment");
    let intake = hearth
        .run(
            &staff,
            CreateEnrollment::build(CreateEnrollmentVariables {
                input: CreateEnrollmentInput {
                    client_id: client.id.clone(),
                    project_id: psh.id.clone(),
                    entry_date: days_ago(7),
                },
            }),
        )
        .await?
        .create_enrollment;
    let resolved = hearth
        .run(
            &staff,
            ResolveReferral::build(ResolveReferralVariables {
                input: ResolveReferralInput {
                    ce_event_id: referral.id.clone(),
                    referral_result: ReferralResult::SuccessfulClientAccepted,
                    result_date: None,
                    resulting_enrollment_id: Some(intake.id.clone()),
                },
            }),
        )
        .await?
        .resolve_referral;
    println!(
        "  enrollment {} in {} from {}; referral {}",
        intake.id.inner(),
        intake.project.name,
        intake.entry_date,
        graphql_name(resolved.status)
    );

    // The CE event as it now stands, read back.
    let event = hearth
        .run(
            &staff,
            CeEventQuery::build(CeEventVariables {
                id: referral.id.clone(),
            }),
        )
        .await?
        .ce_event
        .ok_or_else(|| HearthError(format!("CE event {} is not visible", referral.id.inner())))?;
    Ok(event)
}

/// An enum value as the schema writes it (`PhRapidReHousing` -> `PH_RAPID_RE_HOUSING`).
fn graphql_name(value: impl fmt::Debug) -> String {
    let mut name = String::new();
    for (i, c) in format!("{value:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

impl fmt::Display for CeEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_none = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
        writeln!(f, "  id                   {}", self.id.inner())?;
        writeln!(
            f,
            "  client               {} {} ({})",
            self.client.first_name,
            self.client.last_name,
            self.client.id.inner()
        )?;
        writeln!(f, "  eventDate            {}", self.event_date)?;
        writeln!(
            f,
            "  eventType            {}",
            graphql_name(self.event_type)
        )?;
        writeln!(
            f,
            "  referredProject      {}",
            or_none(self.referred_project.as_ref().map(|p| format!(
                "{} ({})",
                p.name,
                graphql_name(p.project_type)
            )))
        )?;
        writeln!(f, "  status               {}", graphql_name(self.status))?;
        writeln!(
            f,
            "  referralResult       {}",
            or_none(self.referral_result.map(graphql_name))
        )?;
        writeln!(
            f,
            "  resultDate           {}",
            or_none(self.result_date.map(|d| d.to_string()))
        )?;
        writeln!(
            f,
            "  resultingEnrollment  {}",
            or_none(self.resulting_enrollment.as_ref().map(|e| format!(
                "{} ({}, from {})",
                e.id.inner(),
                e.project.name,
                e.entry_date
            )))
        )?;
        write!(
            f,
            "  dateUpdated          {}",
            self.date_updated.to_rfc3339()
        )
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Fallible<()> {
    let options = options()?;
    let event = successful_referral(&options).await?;
    println!("The CE event:");
    println!("{event}");
    let resulting = event.resulting_enrollment.as_ref();
    let whole = event.status == ReferralStatus::Successful
        && event.referral_result == Some(ReferralResult::SuccessfulClientAccepted)
        && resulting.is_some_and(|e| Some(e.entry_date) == event.result_date);
    if !whole {
        return Err(HearthError(format!(
            "the referral is {}, not SUCCESSFUL with its resulting enrollment",
            graphql_name(event.status)
        ))
        .into());
    }
    println!("status: SUCCESSFUL");
    Ok(())
}
