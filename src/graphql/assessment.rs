//! HUD 4.19 assessments, the priority list they feed and HUD's CE APR, in GraphQL (rules A1-A3).
//! Thin resolvers over `service::assessments` and `service::ce_apr`.

use super::LIST_FANOUT;
use super::client::{CeEvent, Client, Enrollment, household, visible_client, visible_enrollment};
use super::connection::{CursorList, PageInfo, edges_and_nodes, page_request, total};
use super::context::ContextExt;
use super::household::Household;
use super::loaders::CeEventsOfEnrollment;
use super::query::page_cost;
use super::scalars::Date;
use crate::domain::{
    AssessmentLevel, AssessmentType, HouseholdType, PrioritizationStatus, ReferralStatus,
};
use crate::error::AppError;
use crate::service::assessments::{self, NewAssessment, PriorityListFilter};
use crate::service::ce_apr::{self, Cell};
use crate::service::page::Page;
use crate::service::parse_id;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::assessment;

pub struct Assessment(pub assessment::Model);

/// A HUD 4.19 Coordinated Entry Assessment of a household, recorded in its head's CE enrollment.
#[Object]
impl Assessment {
    /// AssessmentID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The head of household assessed (PersonalID).
    async fn client(&self, ctx: &Context<'_>) -> Result<Client> {
        visible_client(ctx, self.0.client_id).await
    }
    /// The head's CE enrollment the assessment is recorded in.
    async fn enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        visible_enrollment(ctx, self.0.enrollment_id)
            .await?
            .ok_or_else(|| AppError::internal("an assessment's enrollment is out of scope").into())
    }
    /// HUD 4.19.1 Date of Assessment.
    async fn assessment_date(&self) -> Date {
        Date(self.0.assessment_date)
    }
    /// HUD 4.19.2 Assessment Location.
    async fn location(&self) -> &str {
        &self.0.assessment_location
    }
    /// HUD 4.19.3 Assessment Type.
    async fn assessment_type(&self) -> Result<AssessmentType> {
        Ok(self.0.assessment_type)
    }
    /// HUD 4.19.4 Assessment Level.
    async fn assessment_level(&self) -> Result<AssessmentLevel> {
        Ok(self.0.assessment_level)
    }
    /// HUD 4.19.7 Prioritization Status.
    async fn prioritization_status(&self) -> Result<PrioritizationStatus> {
        Ok(self.0.prioritization_status)
    }
    /// DateCreated.
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.date_created
    }
}

/// A new 4.19 assessment (rule A1).
#[derive(InputObject)]
pub struct RecordAssessmentInput {
    /// The head of household's enrollment in a CE project of the organization you act as (ADMIN:
    /// any CE project).
    enrollment_id: ID,
    /// HUD 4.19.1: within the enrollment (entry to exit) and not in the future.
    assessment_date: Date,
    /// HUD 4.19.2: where it took place, 1..250 characters after trimming.
    location: String,
    /// HUD 4.19.3: phone, virtual or in person.
    assessment_type: AssessmentType,
    /// HUD 4.19.4: crisis needs or housing needs.
    assessment_level: AssessmentLevel,
    /// HUD 4.19.7: whether it places the household on the priority list.
    prioritization_status: PrioritizationStatus,
}

#[derive(Default)]
pub struct AssessmentMutation;

/// The Priority List Manager's assessments.
#[Object]
impl AssessmentMutation {
    /// PLM or ADMIN: records a 4.19 assessment in the head of household's CE enrollment (rule A1).
    /// Its prioritization status decides the household's place on the priority list.
    async fn record_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The assessment; every field is checked by rule A1.")]
        input: RecordAssessmentInput,
    ) -> Result<Assessment> {
        let actor = ctx.actor()?;
        let input = NewAssessment {
            enrollment_id: parse_id("enrollmentId", &input.enrollment_id)?,
            assessment_date: input.assessment_date.0,
            location: input.location,
            assessment_type: input.assessment_type,
            assessment_level: input.assessment_level,
            prioritization_status: input.prioritization_status,
        };
        let row = assessments::record(ctx.services(), actor, input).await?;
        Ok(Assessment(row))
    }
}

pub struct PriorityListEntry {
    assessment: assessment::Model,
    today: chrono::NaiveDate,
}

/// A household waiting on the community's priority list: placed there by its latest assessment and
/// not successfully referred since (rule A2).
#[Object]
impl PriorityListEntry {
    /// The CE household.
    async fn household(&self, ctx: &Context<'_>) -> Result<Household> {
        household(ctx, self.assessment.household_id).await
    }
    /// Its head of household.
    async fn client(&self, ctx: &Context<'_>) -> Result<Client> {
        visible_client(ctx, self.assessment.client_id).await
    }
    /// The head's CE enrollment.
    async fn enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        visible_enrollment(ctx, self.assessment.enrollment_id)
            .await?
            .ok_or_else(|| AppError::internal("a waiting household's enrollment is missing").into())
    }
    /// The latest assessment, which placed the household on the list.
    async fn assessment(&self) -> Assessment {
        Assessment(self.assessment.clone())
    }
    /// Days since that assessment (today - assessmentDate, in the community's time zone).
    async fn days_waiting(&self) -> i32 {
        let days = (self.today - self.assessment.assessment_date).num_days();
        i32::try_from(days).unwrap_or(i32::MAX)
    }
    /// The household's housing referrals still pending, oldest first.
    #[graphql(complexity = "LIST_FANOUT * child_complexity")]
    async fn pending_referrals(&self, ctx: &Context<'_>) -> Result<Vec<CeEvent>> {
        let events = ctx
            .loaders()
            .load_one(CeEventsOfEnrollment(self.assessment.enrollment_id))
            .await?
            .unwrap_or_default();
        let mut pending = Vec::new();
        for event in events {
            let event = CeEvent(event);
            if event.referral_status()? == ReferralStatus::Pending {
                pending.push(event);
            }
        }
        Ok(pending)
    }
}

/// A waiting household in a page, with its cursor.
#[derive(SimpleObject)]
pub struct PriorityListEdge {
    /// Opaque position of this row; pass as `after` to continue after it.
    cursor: String,
    /// The waiting household.
    node: PriorityListEntry,
}

/// A page of the priority list.
#[derive(SimpleObject)]
pub struct PriorityListConnection {
    /// The rows with their cursors.
    edges: Vec<PriorityListEdge>,
    /// The rows alone.
    nodes: Vec<PriorityListEntry>,
    /// Where this page sits.
    page_info: PageInfo,
    /// Every household on the list (with the filter applied), across pages.
    total_count: i32,
}

impl PriorityListConnection {
    fn new(page: Page<assessment::Model>, today: chrono::NaiveDate) -> Self {
        let page_info = PageInfo::of(CursorList::PriorityList, &page, |a| a.id);
        let total_count = total(page.total_count);
        let (edges, nodes) = edges_and_nodes(
            CursorList::PriorityList,
            page.rows,
            |a| a.id,
            |assessment| PriorityListEntry { assessment, today },
            |cursor, node| PriorityListEdge { cursor, node },
        );
        PriorityListConnection {
            edges,
            nodes,
            page_info,
            total_count,
        }
    }
}

/// One row of a CE APR table: its label as HUD prints it and one count per column.
#[derive(SimpleObject)]
pub struct CeAprRow {
    /// The row's label, as in HUD's table.
    label: String,
    /// One count per column of the table (a cell HUD leaves blank is 0).
    values: Vec<i32>,
}

/// One CE APR question's table.
#[derive(SimpleObject)]
pub struct CeAprTable {
    /// HUD's question number: Q9a, Q9b, Q9c, Q9d or Q10.
    question: String,
    /// HUD's title of the table.
    title: String,
    /// The column labels, as HUD prints them, one per value of each row.
    columns: Vec<String>,
    /// The count rows, in HUD's order (HUD's percent rows are in the CSV download).
    rows: Vec<CeAprRow>,
}

/// HUD's Coordinated Entry APR for a date range.
#[derive(SimpleObject)]
pub struct CeApr {
    /// The report's first day.
    from: Date,
    /// The report's last day.
    to: Date,
    /// Q9a, Q9b, Q9c, Q9d and Q10.
    tables: Vec<CeAprTable>,
}

fn count(cell: &Cell) -> i32 {
    match cell {
        Cell::Count(n) => i32::try_from(*n).unwrap_or(i32::MAX),
        Cell::Percent(_) | Cell::Blank => 0,
    }
}

impl From<ce_apr::CeApr> for CeApr {
    fn from(report: ce_apr::CeApr) -> Self {
        CeApr {
            from: Date(report.from),
            to: Date(report.to),
            tables: report
                .tables
                .into_iter()
                .map(|table| CeAprTable {
                    question: table.question.to_owned(),
                    title: table.title.to_owned(),
                    columns: table.columns.iter().map(|c| (*c).to_owned()).collect(),
                    rows: table
                        .rows
                        .iter()
                        .filter(|row| row.is_counts())
                        .map(|row| CeAprRow {
                            label: row.label.to_owned(),
                            values: row.cells.iter().map(count).collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct AssessmentQuery;

/// The priority list and the CE APR.
#[Object]
impl AssessmentQuery {
    /// PLM, ADMIN: households placed on the prioritization list by their latest assessment and not
    /// yet successfully referred since, longest waiting first (rule A2).
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn priority_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only households of this type (from the members' ages, rule H7).")]
        household_type: Option<HouseholdType>,
        #[graphql(desc = "Page size, 0..100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The endCursor (or an edge's cursor) of the page before.")] after: Option<
            String,
        >,
    ) -> Result<PriorityListConnection> {
        let actor = ctx.actor()?;
        let request = page_request(ctx, CursorList::PriorityList, first, after.as_deref())?;
        let services = ctx.services();
        let page = assessments::priority_list(
            &services.db,
            actor,
            PriorityListFilter { household_type },
            request,
        )
        .await?;
        Ok(PriorityListConnection::new(page, services.clock.today()))
    }

    /// PLM, ADMIN: HUD's CE APR questions Q9a, Q9b, Q9c, Q9d and Q10 for [from, to], table by
    /// table, in the shape of HUD's CSV upload (rule A3). `GET /reports/ce-apr.zip` downloads it.
    async fn ce_apr(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's first day.")] from: Date,
        #[graphql(desc = "The report's last day (at most ten years after from).")] to: Date,
    ) -> Result<CeApr> {
        let actor = ctx.actor()?;
        let report = ce_apr::ce_apr(ctx.services(), actor, from.0, to.0).await?;
        Ok(report.into())
    }
}
