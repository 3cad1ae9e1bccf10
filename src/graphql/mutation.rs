//! The `Mutation` root: the ADMIN mutations and the referral workflow. Each resolver parses its input,
//! calls one service (one transaction) and maps the result; the rules live in the services.

use super::client::{CeEvent, Client, Enrollment};
use super::context::ContextExt;
use super::household::{self, AddHouseholdMemberInput, HouseholdMemberInput};
use super::organization::{Organization, Project};
use super::participation::{CeParticipation, SetCeParticipationInput};
use super::referral::{self, ResolveReferralInput};
use super::scalars::Date;
use super::viewer::{Membership, User};
use crate::domain::{CeEventType, ProjectType, Role, Sex};
use crate::error::AppError;
use crate::service::tokens::{self, TokenInfo};
use crate::service::{
    admin, ce_events, ce_participation, clients, enrollments, households, parse_id,
};
use async_graphql::{Context, ID, InputObject, MergedObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

/// A new organization.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// OrganizationName: 1..200 characters after trimming.
    name: String,
    /// VictimServiceProvider (HUD 2.01.3); false when left out.
    victim_service_provider: Option<bool>,
}

/// A new project of an organization.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// The operating organization.
    organization_id: ID,
    /// ProjectName: 1..200 characters after trimming.
    name: String,
    /// ProjectType (HUD 2.02.6).
    project_type: ProjectType,
    /// OperatingStartDate (HUD 2.02.3), not before 1900-01-01.
    operating_start_date: Date,
    /// OperatingEndDate (HUD 2.02.4), not before the start.
    operating_end_date: Option<Date>,
    /// ContinuumProject (HUD 2.02.5): the project is part of the CoC. Default true.
    continuum_project: Option<bool>,
    /// The project's CoC code (HUD 2.03.1, e.g. MN-500). Default: the community's (HEARTH_COC_CODE).
    coc_code: Option<String>,
}

impl CreateProjectInput {
    fn new_project(self) -> Result<admin::NewProject, AppError> {
        Ok(admin::NewProject {
            organization_id: parse_id("organizationId", &self.organization_id)?,
            name: self.name,
            project_type: self.project_type,
            operating_start_date: self.operating_start_date.0,
            operating_end_date: self.operating_end_date.map(|d| d.0),
            continuum_project: self.continuum_project,
            coc_code: self.coc_code,
        })
    }
}

/// A new user; grant a role with `grantRole` and a token with `createApiToken`.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Email address, unique (case-insensitive).
    email: String,
    /// Display name: 1..200 characters after trimming.
    name: String,
}

/// A role for a user in an organization; granting again for the same pair changes the role.
#[derive(InputObject)]
pub struct GrantRoleInput {
    /// The user (`User.id`).
    user_id: ID,
    /// The organization the role is in.
    organization_id: ID,
    /// The role the user has there from now on.
    role: Role,
}

/// A new API token for a user.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// The user the token signs in as.
    user_id: ID,
    /// What the token is for (e.g. "dashboard"): 1..200 characters.
    label: String,
    /// When the token stops working; never when left out.
    expires_at: Option<DateTime<Utc>>,
}

/// A newly issued API token, shown once: only its hash is stored.
#[derive(SimpleObject)]
pub struct ApiTokenCreated {
    /// Send as `Authorization: Bearer <token>`. Shown this once.
    token: String,
    /// The token's description, by which it is revoked (`revokeApiToken`).
    api_token: ApiToken,
}

/// An API token: its label and lifetime (never the secret itself).
#[derive(SimpleObject)]
pub struct ApiToken {
    /// The token's id, for `revokeApiToken`.
    id: ID,
    /// What the token is for.
    label: String,
    /// When it was issued.
    created_at: DateTime<Utc>,
    /// When it was last used (to the minute); null if never.
    last_used_at: Option<DateTime<Utc>>,
    /// When it stops working; null if never.
    expires_at: Option<DateTime<Utc>>,
    /// When it was revoked; null while valid.
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenInfo> for ApiToken {
    fn from(token: TokenInfo) -> ApiToken {
        ApiToken {
            id: ID(token.id.to_string()),
            label: token.label,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
            revoked_at: token.revoked_at,
        }
    }
}

/// The token to revoke.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// `ApiTokenCreated.apiToken.id`.
    id: ID,
}

/// A new client (HUD 3.01, 3.03).
#[derive(InputObject)]
pub struct CreateClientInput {
    /// FirstName: 1..100 characters after trimming.
    first_name: String,
    /// LastName: 1..100 characters after trimming.
    last_name: String,
    /// DOB: not in the future, not before 1900-01-01.
    date_of_birth: Option<Date>,
    /// Sex (HUD 4.21); DATA_NOT_COLLECTED when left out.
    sex: Option<Sex>,
}

impl CreateClientInput {
    fn new_client(self) -> clients::NewClient {
        clients::NewClient {
            first_name: self.first_name,
            last_name: self.last_name,
            date_of_birth: self.date_of_birth.map(|d| d.0),
            sex: self.sex,
        }
    }
}

/// Intake: a client's enrollment in a project of the acting organization.
#[derive(InputObject)]
pub struct CreateEnrollmentInput {
    /// The head of household (HUD 3.15 SELF_HEAD_OF_HOUSEHOLD).
    client_id: ID,
    /// The project of the acting organization the household enters.
    project_id: ID,
    /// EntryDate (HUD 3.10): not in the future, within the project's operating dates.
    entry_date: Date,
    /// The household's other members, enrolled with the head in the same transaction.
    members: Option<Vec<HouseholdMemberInput>>,
}

impl CreateEnrollmentInput {
    fn new_enrollment(self) -> Result<enrollments::NewEnrollment, AppError> {
        Ok(enrollments::NewEnrollment {
            client_id: parse_id("clientId", &self.client_id)?,
            project_id: parse_id("projectId", &self.project_id)?,
            entry_date: self.entry_date.0,
            members: household::members(self.members.unwrap_or_default())?,
        })
    }
}

/// A CE event recorded in a client's CE project enrollment (a referral, for types 10-15 and 18;
/// type 17 is no longer collected).
#[derive(InputObject)]
pub struct CreateCeEventInput {
    /// The client's enrollment in a COORDINATED_ENTRY project.
    enrollment_id: ID,
    /// EventDate (HUD 4.20.1): within the CE enrollment, not in the future.
    event_date: Date,
    /// Event (HUD 4.20.2).
    event_type: CeEventType,
    /// LocationCrisisOrPHHousing (HUD 4.20.C): required for types 10-15, forbidden otherwise; its
    /// project type must fit the event (10: emergency shelter or Safe Haven).
    referred_project_id: Option<ID>,
    /// ProbSolDivRRResult (HUD 4.20.A): whether problem solving housed the client in a safe
    /// alternative; event type 2 only.
    safe_alternative_housed: Option<bool>,
    /// ReferralCaseManageAfter (HUD 4.20.B): whether the client enrolled in aftercare; event type 5
    /// only.
    enrolled_in_aftercare: Option<bool>,
}

impl CreateCeEventInput {
    fn new_ce_event(self) -> Result<ce_events::NewCeEvent, AppError> {
        Ok(ce_events::NewCeEvent {
            enrollment_id: parse_id("enrollmentId", &self.enrollment_id)?,
            event_date: self.event_date.0,
            event_type: self.event_type,
            referred_project_id: self
                .referred_project_id
                .map(|id| parse_id("referredProjectId", &id))
                .transpose()?,
            safe_alternative_housed: self.safe_alternative_housed,
            enrolled_in_aftercare: self.enrolled_in_aftercare,
        })
    }
}

/// HUD 3.20 Housing Move-In Date of a permanent housing enrollment.
#[derive(InputObject)]
pub struct RecordMoveInInput {
    /// The head of household's permanent housing enrollment.
    enrollment_id: ID,
    /// Not before entry, not after exit, not in the future.
    move_in_date: Date,
}

/// HUD 3.11 Project Exit Date and 3.12 Destination.
#[derive(InputObject)]
pub struct ExitEnrollmentInput {
    /// The enrollment that ends.
    enrollment_id: ID,
    /// Not before entry or move-in, not in the future, not before the CE events recorded in it.
    exit_date: Date,
    /// HUD 3.12 Destination code.
    destination: Option<i32>,
    /// The head of a household with members still enrolled: exit every open member on this date
    /// too (each with this destination).
    whole_household: Option<bool>,
    /// The head of a household with members still enrolled: this member's enrollment becomes the
    /// head as the head exits (the household keeps its HouseholdID).
    new_head_of_household_id: Option<ID>,
}

impl ExitEnrollmentInput {
    fn exit(self) -> Result<enrollments::Exit, AppError> {
        Ok(enrollments::Exit {
            enrollment_id: parse_id("enrollmentId", &self.enrollment_id)?,
            how: household::head_exit(self.whole_household, self.new_head_of_household_id)?,
            exit_date: self.exit_date.0,
            destination: self
                .destination
                .map(enrollments::parse_destination)
                .transpose()?,
        })
    }
}

/// Every mutation: the ADMIN's, the workflow's, the referral's lifecycle and the assessments.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    WorkflowMutation,
    referral::LifecycleMutation,
    super::assessment::AssessmentMutation,
);

#[derive(Default)]
pub struct WorkflowMutation;

/// The ADMIN mutations and the referral workflow; each mutation is one transaction.
#[Object]
impl WorkflowMutation {
    /// ADMIN: creates an organization.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's name and whether it is a victim service provider.")]
        input: CreateOrganizationInput,
    ) -> Result<Organization> {
        let org = admin::create_organization(
            ctx.services(),
            ctx.actor()?,
            &input.name,
            input.victim_service_provider.unwrap_or(false),
        )
        .await?;
        Ok(Organization(org))
    }

    /// ADMIN: creates a project of an organization.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The project: its organization, name, HUD type, operating dates and CoC."
        )]
        input: CreateProjectInput,
    ) -> Result<Project> {
        let actor = ctx.actor()?;
        let project = admin::create_project(ctx.services(), actor, input.new_project()?).await?;
        Ok(Project(project))
    }

    /// ADMIN: opens a period of a project's Coordinated Entry Participation Status (HUD 2.09) from
    /// `startDate`, ending the one before it the day before (periods never overlap); referrals go
    /// only to projects that receive them on the event's date.
    async fn set_ce_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, the period's first day and its CE roles.")]
        input: SetCeParticipationInput,
    ) -> Result<CeParticipation> {
        let period = ce_participation::set(
            ctx.services(),
            ctx.actor()?,
            parse_id("projectId", &input.project_id)?,
            ce_participation::Roles {
                access_point: input.access_point,
                prevention_assessment: input.prevention_assessment,
                crisis_assessment: input.crisis_assessment,
                housing_assessment: input.housing_assessment,
                direct_services: input.direct_services,
                receives_referrals: input.receives_referrals,
            },
            input.start_date.0,
        )
        .await?;
        Ok(CeParticipation(period))
    }

    /// ADMIN: creates a user.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's email and name.")] input: CreateUserInput,
    ) -> Result<User> {
        let user =
            admin::create_user(ctx.services(), ctx.actor()?, &input.email, &input.name).await?;
        Ok(User::from(user))
    }

    /// ADMIN: grants a user a role in an organization (or changes the role they have there).
    async fn grant_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, the organization and the role.")] input: GrantRoleInput,
    ) -> Result<Membership> {
        let actor = ctx.actor()?;
        let membership = admin::grant_role(
            ctx.services(),
            actor,
            parse_id("userId", &input.user_id)?,
            parse_id("organizationId", &input.organization_id)?,
            input.role,
        )
        .await?;
        Ok(Membership(membership))
    }

    /// ADMIN: issues an API token for a user; the token is shown once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, what the token is for and when it expires.")]
        input: CreateApiTokenInput,
    ) -> Result<ApiTokenCreated> {
        let actor = ctx.actor()?;
        let token = admin::create_api_token(
            ctx.services(),
            actor,
            parse_id("userId", &input.user_id)?,
            &input.label,
            input.expires_at,
        )
        .await?;
        let (token, info) = token;
        Ok(ApiTokenCreated {
            token,
            api_token: ApiToken::from(info),
        })
    }

    /// Revokes an API token: it is UNAUTHENTICATED from its next request on. ADMIN may revoke any
    /// token, every user their own.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token's id.")] input: RevokeApiTokenInput,
    ) -> Result<ApiToken> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &input.id)?;
        Ok(ApiToken::from(
            tokens::revoke(ctx.services(), actor, id).await?,
        ))
    }

    /// Creates a client record; the acting organization is recorded as its creator.
    async fn create_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client's name, date of birth and sex.")] input: CreateClientInput,
    ) -> Result<Client> {
        let client = clients::create(ctx.services(), ctx.actor()?, input.new_client()).await?;
        Ok(Client(client))
    }

    /// Intake: enrolls a client in a project of the acting organization (HUD 3.10).
    async fn create_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The head of household, the project, the entry date and the other members."
        )]
        input: CreateEnrollmentInput,
    ) -> Result<Enrollment> {
        let actor = ctx.actor()?;
        let enrollment =
            enrollments::create(ctx.services(), actor, input.new_enrollment()?).await?;
        Ok(Enrollment(enrollment))
    }

    /// Someone joins a household after its head entered (HUD 3.14): a new enrollment in the
    /// household's project, with its relationship to the head.
    async fn add_household_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The household, the member, their relationship to the head and entry date."
        )]
        input: AddHouseholdMemberInput,
    ) -> Result<Enrollment> {
        let actor = ctx.actor()?;
        let enrollment =
            households::add_member(ctx.services(), actor, household::new_member(input)?).await?;
        Ok(Enrollment(enrollment))
    }

    /// Records the Housing Move-In Date (HUD 3.20), any time from the enrollment's start on.
    async fn record_move_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrollment and its move-in date.")] input: RecordMoveInInput,
    ) -> Result<Enrollment> {
        let actor = ctx.actor()?;
        let enrollment_id = parse_id("enrollmentId", &input.enrollment_id)?;
        let enrollment =
            enrollments::record_move_in(ctx.services(), actor, enrollment_id, input.move_in_date.0)
                .await?;
        Ok(Enrollment(enrollment))
    }

    /// Exits an enrollment (HUD 3.11 Project Exit Date, 3.12 Destination).
    async fn exit_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The enrollment, its exit date and destination, and what becomes of the household."
        )]
        input: ExitEnrollmentInput,
    ) -> Result<Enrollment> {
        let actor = ctx.actor()?;
        let enrollment = enrollments::exit(ctx.services(), actor, input.exit()?).await?;
        Ok(Enrollment(enrollment))
    }

    /// The Priority List Manager's referral: records a CE event in a client's CE enrollment.
    async fn create_ce_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The CE enrollment, the event's date and type, and the type's own fields."
        )]
        input: CreateCeEventInput,
    ) -> Result<CeEvent> {
        let actor = ctx.actor()?;
        let event = ce_events::create(ctx.services(), actor, input.new_ce_event()?).await?;
        Ok(CeEvent(event))
    }

    /// The housing program resolves a referral: successful (with the enrollment created first) or
    /// unsuccessful (client or provider rejected). A referral is resolved once.
    async fn resolve_referral(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The referral and its result (with the resulting enrollment, or the decline's reason)."
        )]
        input: ResolveReferralInput,
    ) -> Result<CeEvent> {
        let actor = ctx.actor()?;
        let event = ce_events::resolve(ctx.services(), actor, input.resolution()?).await?;
        Ok(CeEvent(event))
    }
}
