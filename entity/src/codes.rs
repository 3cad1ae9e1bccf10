//! HUD HMIS code lists (FY2024 Data Standards, Sex from FY2026) and what the data dictionary says a
//! code means (which event types carry a result, which project types are permanent housing). The
//! database stores, and the CSV exchange writes, the HUD integer code; the server's GraphQL enums
//! (feature `graphql`) carry readable names.
//!
//! Each list is a SeaORM active enum: a model field of a list's type is decoded when the row is read,
//! by its `ActiveEnum::try_from_value` (through SeaORM's `TryGetable`, or `decode` for the hot
//! tables), so there is one decoding of stored codes and no other. A stored code outside its list
//! fails the read with `DbErr::Type("unexpected value for <List> enum: <code>")`,
//! which the server answers as one INTERNAL_SERVER_ERROR; it never becomes a default value.
//! Serialized (the audit trail's before/after), a code is its HUD integer, as when it was an `i32`.

use sea_orm::entity::prelude::*;

/// Defines an enum whose every variant carries its HUD integer code: a SeaORM active enum stored as
/// that integer, with lossless conversions and, with feature `graphql`, a GraphQL enum. A list
/// marked `integer_on_the_wire` gets no GraphQL enum: the API carries its HUD code (or, for
/// `NoYes`, a Boolean) and converts at its edge.
macro_rules! hud_code_enum {
    (integer_on_the_wire $($list:tt)+) => {
        hud_code_enum! { @define [] $($list)+ }
    };
    (@define [$(#[$graphql:meta])*]
     $(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
        $(#[$graphql])*
        #[sea_orm(rs_type = "i32", db_type = "Integer")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(num_value = $code)] $variant,)+
        }

        impl $name {
            /// All values, in HUD code order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The HUD integer code.
            pub fn code(self) -> i32 {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The value for a HUD integer code, if the code is in the list.
            pub fn from_code(code: i32) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl crate::decode::HudCode for $name {}

        /// The HUD integer code, as the audit trail recorded it before codes were typed.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i32(self.code())
            }
        }
    };
    ($($list:tt)+) => {
        hud_code_enum! {
            @define [#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]] $($list)+
        }
    };
}

hud_code_enum! {
    /// HUD 2.02.6 Project Type.
    ProjectType {
        /// 0 Emergency Shelter - Entry Exit.
        EsEntryExit = 0,
        /// 1 Emergency Shelter - Night-by-Night.
        EsNightByNight = 1,
        /// 2 Transitional Housing.
        TransitionalHousing = 2,
        /// 3 PH - Permanent Supportive Housing.
        PhPermanentSupportiveHousing = 3,
        /// 4 Street Outreach.
        StreetOutreach = 4,
        /// 6 Services Only.
        ServicesOnly = 6,
        /// 7 Other.
        Other = 7,
        /// 8 Safe Haven.
        SafeHaven = 8,
        /// 9 PH - Housing Only.
        PhHousingOnly = 9,
        /// 10 PH - Housing with Services (no disability required for entry).
        PhHousingWithServices = 10,
        /// 11 Day Shelter.
        DayShelter = 11,
        /// 12 Homelessness Prevention.
        HomelessnessPrevention = 12,
        /// 13 PH - Rapid Re-Housing.
        PhRapidReHousing = 13,
        /// 14 Coordinated Entry.
        CoordinatedEntry = 14,
    }
}

impl ProjectType {
    /// Permanent housing project types (3, 9, 10, 13): the only ones with a Housing Move-In Date.
    pub fn is_permanent_housing(self) -> bool {
        matches!(
            self,
            ProjectType::PhPermanentSupportiveHousing
                | ProjectType::PhHousingOnly
                | ProjectType::PhHousingWithServices
                | ProjectType::PhRapidReHousing
        )
    }
}

hud_code_enum! {
    /// HUD 4.20.2 Coordinated Entry Event.
    CeEventType {
        /// 1 Referral to Prevention Assistance project.
        ReferralToPreventionAssistance = 1,
        /// 2 Problem Solving/Diversion/Rapid Resolution intervention or service.
        ProblemSolvingDiversionRapidResolution = 2,
        /// 3 Referral to scheduled Coordinated Entry Crisis Needs Assessment.
        ReferralToCeCrisisNeedsAssessment = 3,
        /// 4 Referral to scheduled Coordinated Entry Housing Needs Assessment.
        ReferralToCeHousingNeedsAssessment = 4,
        /// 5 Referral to Post-placement/follow-up case management.
        ReferralToPostPlacementCaseManagement = 5,
        /// 6 Referral to Street Outreach project or services.
        ReferralToStreetOutreach = 6,
        /// 7 Referral to Housing Navigation project or services.
        ReferralToHousingNavigation = 7,
        /// 8 Referral to Non-continuum services: Ineligible for continuum services.
        ReferralToNonContinuumIneligible = 8,
        /// 9 Referral to Non-continuum services: No availability in continuum services.
        ReferralToNonContinuumNoAvailability = 9,
        /// 10 Referral to Emergency Shelter bed opening.
        ReferralToEmergencyShelter = 10,
        /// 11 Referral to Transitional Housing bed/unit opening.
        ReferralToTransitionalHousing = 11,
        /// 12 Referral to Joint TH-RRH project/unit/resource opening.
        ReferralToJointThRrh = 12,
        /// 13 Referral to RRH project resource opening.
        ReferralToRrh = 13,
        /// 14 Referral to PSH project resource opening.
        ReferralToPsh = 14,
        /// 15 Referral to Other PH project/unit/resource opening.
        ReferralToOtherPh = 15,
        /// 16 Referral to emergency assistance/flex fund/furniture assistance.
        ReferralToEmergencyAssistance = 16,
        /// 17 Referral to Emergency Housing Voucher (EHV): removed from collection by the FY2024
        /// Data Dictionary v1.3; createCeEvent refuses it, stored and imported ones are kept.
        ReferralToEmergencyHousingVoucher = 17,
        /// 18 Referral to a Housing Stability Voucher.
        ReferralToHousingStabilityVoucher = 18,
    }
}

/// Whether a CE event names a project to refer to (HUD 4.20.C LocationCrisisOrPHHousing, which the
/// FY2024 Data Dictionary v1.6 collects for events 10-15 only).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReferredProjectRule {
    /// Types 10-15: a project is required and must be of one of these HUD project types.
    Required(&'static [ProjectType]),
    /// Type 17, no longer collected (rule D1): a stored or imported one may name a project, as
    /// FY2024 v1.2 allowed.
    Optional,
    /// Every other type, 18 included.
    Forbidden,
}

impl CeEventType {
    /// Housing referrals (10-15, 18, and stored 17s) carry a Referral Result and Result Date (HUD
    /// 4.20.D, 4.20.E; Data Dictionary v1.6).
    pub fn carries_result(self) -> bool {
        matches!(self.code(), 10..=15 | 17 | 18)
    }

    /// Whether new events of this type may be recorded: HUD removed event 17 (Emergency Housing
    /// Voucher) from collection in the FY2024 Data Dictionary v1.3 (rule D1).
    pub fn is_collected(self) -> bool {
        self != CeEventType::ReferralToEmergencyHousingVoucher
    }

    /// Which referred project the event type needs, and of which project types.
    pub fn referred_project_rule(self) -> ReferredProjectRule {
        use ProjectType as P;
        match self {
            // Data Dictionary v1.6: emergency shelter or Safe Haven.
            CeEventType::ReferralToEmergencyShelter => {
                ReferredProjectRule::Required(&[P::EsEntryExit, P::EsNightByNight, P::SafeHaven])
            }
            CeEventType::ReferralToTransitionalHousing => {
                ReferredProjectRule::Required(&[P::TransitionalHousing])
            }
            CeEventType::ReferralToJointThRrh => {
                ReferredProjectRule::Required(&[P::TransitionalHousing, P::PhRapidReHousing])
            }
            CeEventType::ReferralToRrh => ReferredProjectRule::Required(&[P::PhRapidReHousing]),
            CeEventType::ReferralToPsh => {
                ReferredProjectRule::Required(&[P::PhPermanentSupportiveHousing])
            }
            CeEventType::ReferralToOtherPh => {
                ReferredProjectRule::Required(&[P::PhHousingOnly, P::PhHousingWithServices])
            }
            CeEventType::ReferralToEmergencyHousingVoucher => ReferredProjectRule::Optional,
            _ => ReferredProjectRule::Forbidden,
        }
    }
}

hud_code_enum! {
    /// HUD FY2026 4.21 Sex.
    Sex {
        /// 0 Female.
        Female = 0,
        /// 1 Male.
        Male = 1,
        /// 8 Client doesn't know.
        ClientDoesntKnow = 8,
        /// 9 Client prefers not to answer.
        ClientPrefersNotToAnswer = 9,
        /// 99 Data not collected.
        DataNotCollected = 99,
    }
}

hud_code_enum! {
    /// HUD 3.15 Relationship to Head of Household.
    RelationshipToHoH {
        /// 1 Self (head of household).
        SelfHeadOfHousehold = 1,
        /// 2 Head of household's child.
        Child = 2,
        /// 3 Head of household's spouse or partner.
        SpouseOrPartner = 3,
        /// 4 Head of household's other relation member.
        OtherRelative = 4,
        /// 5 Other: non-relation member.
        UnrelatedMember = 5,
        /// 99 Data not collected.
        DataNotCollected = 99,
    }
}

hud_code_enum! {
    /// HUD 4.20.D Referral Result.
    ReferralResult {
        /// 1 Successful referral: client accepted.
        SuccessfulClientAccepted = 1,
        /// 2 Unsuccessful referral: client rejected.
        UnsuccessfulClientRejected = 2,
        /// 3 Unsuccessful referral: provider rejected.
        UnsuccessfulProviderRejected = 3,
    }
}

impl ReferralResult {
    pub fn is_successful(self) -> bool {
        self == ReferralResult::SuccessfulClientAccepted
    }
}

hud_code_enum! {
    /// Why a referral did not lead to an enrollment (rule L3). Hearth's own codes, stored on the CE
    /// event; each implies its HUD 4.20.D result (`result`).
    DeclineReason {
        /// The client declined the program.
        ClientDeclined = 1,
        /// The program could not reach the client.
        ClientUnreachable = 2,
        /// The client is housed or no longer homeless.
        ClientNoLongerHomeless = 3,
        /// The client left the area.
        ClientLeftArea = 4,
        /// Another reason on the client's side: a note says what.
        ClientOther = 5,
        /// The household is not eligible for the program.
        ProviderIneligible = 11,
        /// The program has no vacancy.
        ProviderNoVacancy = 12,
        /// The intake was not completed.
        ProviderIntakeNotCompleted = 13,
        /// A safety concern.
        ProviderSafetyConcern = 14,
        /// The household does not fit the program's units.
        ProviderHouseholdDoesNotFit = 15,
        /// Another reason on the program's side: a note says what.
        ProviderOther = 16,
    }
}

impl DeclineReason {
    /// The HUD 4.20.D result the reason implies: CLIENT_* the client's rejection, PROVIDER_* the
    /// provider's.
    pub fn result(self) -> ReferralResult {
        if self.code() < 10 {
            ReferralResult::UnsuccessfulClientRejected
        } else {
            ReferralResult::UnsuccessfulProviderRejected
        }
    }

    /// CLIENT_OTHER and PROVIDER_OTHER say nothing by themselves: a note must.
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            DeclineReason::ClientOther | DeclineReason::ProviderOther
        )
    }
}

hud_code_enum! {
    /// HUD 4.19.3 Assessment Type: how the assessment was conducted.
    AssessmentType {
        /// 1 Phone.
        Phone = 1,
        /// 2 Virtual.
        Virtual = 2,
        /// 3 In Person.
        InPerson = 3,
    }
}

hud_code_enum! {
    /// HUD 4.19.4 Assessment Level.
    AssessmentLevel {
        /// 1 Crisis Needs Assessment.
        CrisisNeedsAssessment = 1,
        /// 2 Housing Needs Assessment.
        HousingNeedsAssessment = 2,
    }
}

hud_code_enum! {
    /// HUD 4.19.7 Prioritization Status: whether the assessment placed the household on the
    /// community's prioritization list.
    PrioritizationStatus {
        /// 1 Placed on prioritization list.
        PlacedOnPrioritizationList = 1,
        /// 2 Not placed on prioritization list.
        NotPlacedOnPrioritizationList = 2,
    }
}

hud_code_enum! {
    integer_on_the_wire
    /// HUD 3.12 Destination (FY2026 Data Dictionary, 3.12.1 Living Situation Option List as used
    /// at exit). The API carries the HUD integer code (`Int`), as the HMIS CSV does.
    Destination {
        /// 8 Client doesn't know.
        ClientDoesntKnow = 8,
        /// 9 Client prefers not to answer.
        ClientPrefersNotToAnswer = 9,
        /// 17 Other.
        Other = 17,
        /// 24 Deceased.
        Deceased = 24,
        /// 30 No exit interview completed.
        NoExitInterviewCompleted = 30,
        /// 37 Worker unable to determine.
        WorkerUnableToDetermine = 37,
        /// 99 Data not collected.
        DataNotCollected = 99,
        /// 101 Emergency shelter, including hotel or motel paid for with emergency shelter
        /// voucher, Host Home shelter.
        EmergencyShelter = 101,
        /// 116 Place not meant for habitation (e.g., a vehicle, an abandoned building,
        /// bus/train/subway station/airport or anywhere outside).
        PlaceNotMeantForHabitation = 116,
        /// 118 Safe Haven.
        SafeHaven = 118,
        /// 204 Psychiatric hospital or other psychiatric facility.
        PsychiatricFacility = 204,
        /// 205 Substance abuse treatment facility or detox center.
        SubstanceAbuseTreatmentFacility = 205,
        /// 206 Hospital or other residential non-psychiatric medical facility.
        HospitalOrMedicalFacility = 206,
        /// 207 Jail, prison or juvenile detention facility.
        JailPrisonOrJuvenileDetention = 207,
        /// 215 Foster care home or foster care group home.
        FosterCareHome = 215,
        /// 225 Long-term care facility or nursing home.
        LongTermCareOrNursingHome = 225,
        /// 302 Transitional housing for homeless persons (including homeless youth).
        TransitionalHousing = 302,
        /// 312 Staying or living with family, temporary tenure (e.g. room, apartment or house).
        WithFamilyTemporaryTenure = 312,
        /// 313 Staying or living with friends, temporary tenure (e.g. room, apartment or house).
        WithFriendsTemporaryTenure = 313,
        /// 314 Hotel or motel paid for without emergency shelter voucher.
        HotelOrMotelWithoutVoucher = 314,
        /// 327 Moved from one HOPWA funded project to HOPWA TH.
        HopwaToHopwaTh = 327,
        /// 329 Residential project or halfway house with no homeless criteria.
        ResidentialProjectNoHomelessCriteria = 329,
        /// 332 Host Home (non-crisis).
        HostHomeNonCrisis = 332,
        /// 410 Rental by client, no ongoing housing subsidy.
        RentalNoSubsidy = 410,
        /// 411 Owned by client, no ongoing housing subsidy.
        OwnedNoSubsidy = 411,
        /// 421 Owned by client, with ongoing housing subsidy.
        OwnedWithSubsidy = 421,
        /// 422 Staying or living with family, permanent tenure.
        WithFamilyPermanentTenure = 422,
        /// 423 Staying or living with friends, permanent tenure.
        WithFriendsPermanentTenure = 423,
        /// 426 Moved from one HOPWA funded project to HOPWA PH.
        HopwaToHopwaPh = 426,
        /// 435 Rental by client, with ongoing housing subsidy.
        RentalWithSubsidy = 435,
    }
}

hud_code_enum! {
    integer_on_the_wire
    /// HUD No/Yes list (0 No, 1 Yes): 4.20.A ProbSolDivRRResult and 4.20.B
    /// ReferralCaseManageAfter. The API reads and writes it as a Boolean.
    NoYes {
        /// 0 No.
        No = 0,
        /// 1 Yes.
        Yes = 1,
    }
}

impl From<bool> for NoYes {
    fn from(yes: bool) -> Self {
        if yes { NoYes::Yes } else { NoYes::No }
    }
}

impl From<NoYes> for bool {
    fn from(answer: NoYes) -> bool {
        answer == NoYes::Yes
    }
}
