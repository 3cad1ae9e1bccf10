//! The `Query` root: thin resolvers that parse arguments and call the services.

use super::LIST_FANOUT;
use super::audit::AuditEventPage;
use super::client::{CeEvent, Client, Enrollment};
use super::connection::{
    CeEventConnection, ClientConnection, CursorList, decode_cursor, page_request,
};
use super::context::ContextExt;
use super::organization::{Organization, Project};
use super::prefetch;
use super::report::ReferralReport;
use super::scalars::Date;
use super::viewer::Viewer;
use crate::domain::{HouseholdType, ReferralStatus, Role};
use crate::service::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest};
use crate::service::{admin, audit, clients, parse_id, referrals, reports, require_admin, scope};
use async_graphql::{Context, ID, MergedObject, Object, Result};
use entity::{ce_event, client, enrollment};

/// Every query: the workflow's reads, and the priority list with the CE APR.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(WorkflowQuery, super::assessment::AssessmentQuery);

#[derive(Default)]
pub struct WorkflowQuery;

/// A page costs its size times what one row costs (`first` out of range costs the most; the
/// resolver then refuses it with BAD_USER_INPUT).
pub(super) fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.map_or(DEFAULT_PAGE_SIZE as usize, |n| {
        n.clamp(1, MAX_PAGE_SIZE as i32) as usize
    });
    rows * child_complexity
}

/// The read API: who is asking, client data in the caller's scope, organizations and projects.
#[Object]
impl WorkflowQuery {
    /// Who is asking: the user, the organization acted as and its role, and every membership.
    /// The only field a user with several memberships may ask before choosing an organization.
    async fn me(&self, ctx: &Context<'_>) -> Result<Viewer> {
        Ok(Viewer(ctx.caller()?.clone()))
    }

    /// A client by id; null when it does not exist or is outside your scope.
    async fn client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client's id (PersonalID).")] id: ID,
    ) -> Result<Option<Client>> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let client = scope::find::<client::Entity, _>(&ctx.services().db, actor, id).await?;
        prefetch::clients(ctx, ctx.look_ahead(), client.iter().cloned().collect()).await?;
        Ok(client.map(Client))
    }

    /// The clients you may see, oldest first. `search`: a case-insensitive prefix of the first or
    /// last name. `first`: page size, 20 by default, at most 100. `after`: a cursor from a previous page.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn clients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A case-insensitive prefix of the first or last name.")] search: Option<
            String,
        >,
        #[graphql(desc = "Page size: 20 when left out, 1..100.")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (`pageInfo.endCursor` or an edge's `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> Result<ClientConnection> {
        let actor = ctx.actor()?;
        let db = &ctx.services().db;
        let selection = ctx.look_ahead();
        let wants_total = selection.field("totalCount").exists();
        // Housing staff's reads are audited for every client a field reveals (rule F4): the rows'
        // ids sit in their cursors, and a total says how many clients match the search.
        let audited = actor.role == Role::HousingStaff;
        let request =
            PageRequest::new(first, decode_cursor(CursorList::Clients, after.as_deref())?)?
                .count_total(wants_total && !audited);
        let mut page = clients::list(db, actor, search.as_deref(), request).await?;
        if audited {
            let reveals_rows = ["edges", "nodes", "pageInfo"]
                .iter()
                .any(|field| selection.field(field).exists());
            if reveals_rows {
                page.rows.iter().for_each(|c| ctx.note_client_read(c.id));
            }
            if wants_total {
                let counted = clients::matching_ids(db, actor, search.as_deref()).await?;
                counted.iter().for_each(|id| ctx.note_client_read(*id));
                page.total_count = counted.len() as u64;
            }
        }
        let rows = prefetch::connection_rows(&selection);
        prefetch::clients(ctx, rows, page.rows.clone()).await?;
        Ok(page.into())
    }

    /// An enrollment by id; null when it does not exist or is outside your scope.
    async fn enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrollment's id (EnrollmentID).")] id: ID,
    ) -> Result<Option<Enrollment>> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        Ok(
            scope::find::<enrollment::Entity, _>(&ctx.services().db, actor, id)
                .await?
                .map(Enrollment),
        )
    }

    /// A CE event by id; null when it does not exist or is outside your scope.
    async fn ce_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The CE event's id (EventID).")] id: ID,
    ) -> Result<Option<CeEvent>> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        Ok(
            scope::find::<ce_event::Entity, _>(&ctx.services().db, actor, id)
                .await?
                .map(CeEvent),
        )
    }

    /// The referral inbox: housing referrals to the acting organization's projects (HOUSING_STAFF),
    /// or all referrals (PRIORITY_LIST_MANAGER, ADMIN), oldest first, optionally by status and project.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only referrals in this state (PENDING: the inbox).")] status: Option<
            ReferralStatus,
        >,
        #[graphql(desc = "Only referrals to this project.")] project_id: Option<ID>,
        #[graphql(
            desc = "Whether the program acknowledged it: `status: PENDING, acknowledged: false` is the new referrals."
        )]
        acknowledged: Option<bool>,
        #[graphql(desc = "Page size: 20 when left out, 1..100.")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (`pageInfo.endCursor` or an edge's `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> Result<CeEventConnection> {
        let actor = ctx.actor()?;
        let request = page_request(ctx, CursorList::CeEvents, first, after.as_deref())?;
        let project_id = project_id
            .map(|id| parse_id("projectId", &id))
            .transpose()?;
        let filter = referrals::InboxFilter {
            status,
            referred_project_id: project_id,
            acknowledged,
        };
        let page = referrals::list(&ctx.services().db, actor, filter, request).await?;
        let rows = prefetch::connection_rows(&ctx.look_ahead());
        prefetch::ce_events(ctx, rows, page.rows.clone()).await?;
        Ok(page.into())
    }

    /// Every organization, by name: the programs a referral can go to are visible to all.
    #[graphql(complexity = "LIST_FANOUT * 4 * child_complexity")]
    async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        ctx.actor()?;
        let orgs = admin::list_organizations(ctx.services()).await?;
        Ok(orgs.into_iter().map(Organization).collect())
    }

    /// A project by id; null when it does not exist.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id (ProjectID).")] id: ID,
    ) -> Result<Option<Project>> {
        ctx.actor()?;
        let id = parse_id("id", &id)?;
        Ok(admin::find_project(&ctx.services().db, id)
            .await?
            .map(Project))
    }

    /// CE APR-style referral counts of the CE events dated within [from, to] in your scope
    /// (HOUSING_STAFF: referrals to your organization's projects; PLM and ADMIN: all), optionally for
    /// one referred project.
    async fn referral_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first day counted (CE events' eventDate).")] from: Date,
        #[graphql(desc = "The last day counted, included.")] to: Date,
        #[graphql(desc = "Only referrals to this project.")] project_id: Option<ID>,
        #[graphql(desc = "Only households of this type (from the members' ages, rule H7).")]
        household_type: Option<HouseholdType>,
    ) -> Result<ReferralReport> {
        let actor = ctx.actor()?;
        let project_id = project_id
            .map(|id| parse_id("projectId", &id))
            .transpose()?;
        let filter = reports::ReportFilter {
            from: from.0,
            to: to.0,
            project: project_id,
            household_type,
        };
        let report = reports::referral_report(ctx.services(), actor, filter).await?;
        Ok(ReferralReport(report))
    }

    /// ADMIN: the audit trail, oldest first, optionally of one record: every change with who made
    /// it as which organization, and housing staff's reads of client records.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the events of this record (any record's id).")] record_id: Option<
            ID,
        >,
        #[graphql(desc = "Page size: 20 when left out, 1..100.")] first: Option<i32>,
        #[graphql(
            desc = "Continue after this cursor (`pageInfo.endCursor` or an edge's `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> Result<AuditEventPage> {
        let actor = ctx.actor()?;
        require_admin(actor)?;
        let request = page_request(ctx, CursorList::AuditEvents, first, after.as_deref())?;
        let record_id = record_id.map(|id| parse_id("recordId", &id)).transpose()?;
        let page = audit::list(&ctx.services().db, actor, record_id, request).await?;
        Ok(page.into())
    }
}
