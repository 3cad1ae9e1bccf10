//! `ReferralReport`: HUD CE APR-style referral counts (Q9d / Q10) for partner dashboards.

use super::context::ContextExt;
use super::loaders::ProjectKey;
use super::organization::Project;
use super::scalars::Date;
use crate::domain::{CeEventType, DeclineReason};
use crate::service::reports::{Report, ReportRow};
use async_graphql::{Context, Object, Result, SimpleObject};

fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The CE events of one event type referring to one project (or to none) in the period; in
/// `totals`, all events of the report.
pub struct ReferralReportRow(pub ReportRow);

/// Counts of CE events by type and referral result (HUD CE APR Q9d / Q10), and days to result.
#[Object]
impl ReferralReportRow {
    /// Event (HUD 4.20.2). In `totals`, the most frequent event type of the report; for a period
    /// with no CE event at all (`total` 0), REFERRAL_TO_PREVENTION_ASSISTANCE (code 1), as the
    /// field is non-null.
    async fn event_type(&self) -> CeEventType {
        self.0
            .event_type
            .unwrap_or(CeEventType::ReferralToPreventionAssistance)
    }
    /// The project referred to (HUD 4.20.C); null for events naming none, and in `totals`.
    async fn referred_project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        match self.0.referred_project_id {
            Some(id) => Ok(ctx.loaders().load_one(ProjectKey(id)).await?.map(Project)),
            None => Ok(None),
        }
    }
    /// CE events in the period.
    async fn total(&self) -> i32 {
        count(self.0.total)
    }
    /// Referral Result 1: successful referral, client accepted.
    async fn successful(&self) -> i32 {
        count(self.0.successful)
    }
    /// Referral Result 2: unsuccessful referral, client rejected.
    async fn client_rejected(&self) -> i32 {
        count(self.0.client_rejected)
    }
    /// Referral Result 3: unsuccessful referral, provider rejected.
    async fn provider_rejected(&self) -> i32 {
        count(self.0.provider_rejected)
    }
    /// Events with no Referral Result (yet): pending referrals and events that carry none.
    async fn no_result(&self) -> i32 {
        count(self.0.no_result)
    }
    /// Median days from EventDate to ResultDate of the resolved events; null when none is resolved.
    async fn median_days_to_result(&self) -> Option<f64> {
        self.0.median_days_to_result
    }
    /// Cancelled as made in error: not counted in total or noResult.
    async fn cancelled(&self) -> i32 {
        count(self.0.cancelled)
    }
    /// Median days from the event date to the program's acknowledgement.
    async fn median_days_to_acknowledge(&self) -> Option<f64> {
        self.0.median_days_to_acknowledge
    }
    /// How often each decline reason was given, most frequent first.
    async fn decline_reasons(&self) -> Vec<DeclineReasonCount> {
        self.0
            .decline_reasons
            .iter()
            .map(|(reason, n)| DeclineReasonCount {
                reason: *reason,
                count: count(*n),
            })
            .collect()
    }
    /// 90th percentile of days from EventDate to ResultDate (linear interpolation); null when none
    /// is resolved.
    async fn p90_days_to_result(&self) -> Option<f64> {
        self.0.p90_days_to_result
    }
}

/// The referral report of a period, in the caller's scope.
pub struct ReferralReport(pub Report);

/// Referral counts of CE events dated within [from, to].
#[Object]
impl ReferralReport {
    /// First day of the period.
    async fn from(&self) -> Date {
        self.0.from.into()
    }
    /// Last day of the period (inclusive).
    async fn to(&self) -> Date {
        self.0.to.into()
    }
    /// One row per event type and referred project, by HUD event code.
    async fn rows(&self) -> Vec<ReferralReportRow> {
        self.0.rows.iter().cloned().map(ReferralReportRow).collect()
    }
    /// All rows added up, with the median and 90th percentile over every resolved event.
    async fn totals(&self) -> ReferralReportRow {
        ReferralReportRow(self.0.totals.clone())
    }
}

/// How often one decline reason was given.
#[derive(SimpleObject)]
pub struct DeclineReasonCount {
    /// The reason.
    reason: DeclineReason,
    /// Referrals declined for it.
    count: i32,
}
