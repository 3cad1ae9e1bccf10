//! `Organization` and `Project` (HUD 2.01, 2.02): visible to every signed-in user.

use super::LIST_FANOUT;
use super::context::ContextExt;
use super::loaders::linked;
use super::loaders::{OrganizationKey, ParticipationOfProject, ProjectsOfOrganization, list_field};
use super::participation::CeParticipation;
use super::scalars::Date;
use crate::domain::ProjectType;
use crate::service::{admin, ce_participation};
use async_graphql::{Context, ID, Object, Result};
use entity::{organization, project};
use uuid::Uuid;

pub struct Organization(pub organization::Model);

/// An organization operating projects (HUD 2.01 Organization Information).
#[Object]
impl Organization {
    /// OrganizationID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// OrganizationName (HUD 2.01.2).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// VictimServiceProvider (HUD 2.01.3): the organization is a victim service provider.
    async fn victim_service_provider(&self) -> bool {
        self.0.victim_service_provider
    }
    /// The projects (housing programs) the organization operates, by name.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn projects(&self, ctx: &Context<'_>) -> Result<Vec<Project>> {
        list_field(ctx.loaders(), ProjectsOfOrganization(self.0.id), Project).await
    }
}

/// The organization a stored link names (a project's, a membership's, a note's).
pub(super) async fn organization(ctx: &Context<'_>, id: Uuid) -> Result<Organization> {
    linked(
        ctx.loaders(),
        (OrganizationKey, id),
        "organization",
        Organization,
    )
    .await
}

pub struct Project(pub project::Model);

/// A project: a housing program, shelter or the Coordinated Entry project (HUD 2.02 Project Information).
#[Object]
impl Project {
    /// ProjectID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// ProjectName (HUD 2.02.2).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ProjectType (HUD 2.02.6).
    async fn project_type(&self) -> Result<ProjectType> {
        Ok(self.0.project_type)
    }
    /// The organization that operates the project (HUD 2.02.1 OrganizationID).
    async fn organization(&self, ctx: &Context<'_>) -> Result<Organization> {
        organization(ctx, self.0.organization_id).await
    }
    /// OperatingStartDate (HUD 2.02.3).
    async fn operating_start_date(&self) -> Date {
        self.0.operating_start_date.into()
    }
    /// OperatingEndDate (HUD 2.02.4); null while the project operates.
    async fn operating_end_date(&self) -> Option<Date> {
        self.0.operating_end_date.map(Date)
    }
    /// ContinuumProject (HUD 2.02.5): the project is part of the CoC.
    async fn continuum_project(&self) -> bool {
        self.0.continuum_project
    }
    /// The project's CoC code (HUD 2.03.1): its own, else the community's (HEARTH_COC_CODE).
    async fn coc_code(&self, ctx: &Context<'_>) -> String {
        admin::coc_code(ctx.services(), &self.0).to_owned()
    }
    /// Its Coordinated Entry Participation Status periods (HUD 2.09), oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn ce_participation(&self, ctx: &Context<'_>) -> Result<Vec<CeParticipation>> {
        list_field(
            ctx.loaders(),
            ParticipationOfProject(self.0.id),
            CeParticipation,
        )
        .await
    }
    /// Whether CE referrals may be made to the project on `date` (today when left out): HUD 2.09.2
    /// ReceivesReferrals of the period covering it.
    async fn receives_referrals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked about; today when left out.")] date: Option<Date>,
    ) -> Result<bool> {
        let date = date.map_or_else(|| ctx.services().clock.today(), |d| d.0);
        Ok(ce_participation::receives_on(
            &self.participation(ctx).await?,
            date,
        ))
    }
}

impl Project {
    async fn participation(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<entity::ce_participation::Model>> {
        Ok(ctx
            .loaders()
            .load_one(ParticipationOfProject(self.0.id))
            .await?
            .unwrap_or_default())
    }
}
