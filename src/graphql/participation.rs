//! `CeParticipation` (HUD 2.09 Coordinated Entry Participation Status) and `setCeParticipation`'s
//! input: a project's CE roles over time, visible to every signed-in user like the project itself.

use super::scalars::Date;
use async_graphql::{ID, InputObject, Object};
use entity::ce_participation;

pub struct CeParticipation(pub ce_participation::Model);

/// One period of a project's Coordinated Entry roles (HUD 2.09).
#[Object]
impl CeParticipation {
    /// CEParticipationID.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// AccessPoint (HUD 2.09.1): the project is a CE access point.
    async fn access_point(&self) -> bool {
        self.0.access_point
    }
    /// PreventionAssessment (HUD 2.09.A).
    async fn prevention_assessment(&self) -> bool {
        self.0.prevention_assessment
    }
    /// CrisisAssessment (HUD 2.09.B).
    async fn crisis_assessment(&self) -> bool {
        self.0.crisis_assessment
    }
    /// HousingAssessment (HUD 2.09.C).
    async fn housing_assessment(&self) -> bool {
        self.0.housing_assessment
    }
    /// DirectServices (HUD 2.09.D).
    async fn direct_services(&self) -> bool {
        self.0.direct_services
    }
    /// ReceivesReferrals (HUD 2.09.2): CE referrals may be made to the project in this period.
    async fn receives_referrals(&self) -> bool {
        self.0.receives_referrals
    }
    /// CEParticipationStatusStartDate (HUD 2.09.3).
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }
    /// CEParticipationStatusEndDate (HUD 2.09.4); null while the period is open.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
}

/// A new period of a project's CE roles (HUD 2.09) from `startDate`; the period before it ends the
/// day before. Given the latest period's own start date, that period's roles are corrected.
#[derive(InputObject)]
pub struct SetCeParticipationInput {
    /// The project whose CE roles these are.
    pub project_id: ID,
    /// AccessPoint (HUD 2.09.1).
    pub access_point: bool,
    /// PreventionAssessment (HUD 2.09.A).
    pub prevention_assessment: bool,
    /// CrisisAssessment (HUD 2.09.B).
    pub crisis_assessment: bool,
    /// HousingAssessment (HUD 2.09.C).
    pub housing_assessment: bool,
    /// DirectServices (HUD 2.09.D).
    pub direct_services: bool,
    /// ReceivesReferrals (HUD 2.09.2).
    pub receives_referrals: bool,
    /// CEParticipationStatusStartDate (HUD 2.09.3): on or after the project's operating start and
    /// the latest period's start.
    pub start_date: Date,
}
