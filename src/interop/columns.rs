//! The HUD HMIS CSV FY2024 files Hearth writes and reads: their names, their exact column lists (in
//! order, case-sensitive, as in `../shared/domain/hmis-csv-fy2024-headers.txt`), and the value HUD
//! wants in each column Hearth does not collect.
//!
//! What must not live here: reading or writing values (see `format`), or any database access.

/// One HMIS CSV file: its name in the zip and its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HmisFile {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    /// Columns Hearth does not collect for which HUD wants a code rather than an empty field: 99
    /// "Data not collected" for universal data elements (and 0 for each race and gender option, whose
    /// "none of these" column then carries the 99). Every other column Hearth does not collect is empty.
    pub not_collected: &'static [(&'static str, &'static str)],
}

impl HmisFile {
    /// The position of `column` in the header.
    pub fn index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == column)
    }
}

pub const EXPORT_FILE: HmisFile = HmisFile {
    name: "Export.csv",
    columns: &EXPORT,
    not_collected: &[],
};

pub const ORGANIZATION_FILE: HmisFile = HmisFile {
    name: "Organization.csv",
    columns: &ORGANIZATION,
    not_collected: &[],
};

pub const USER_FILE: HmisFile = HmisFile {
    name: "User.csv",
    columns: &USER,
    not_collected: &[],
};

/// ContinuumProject, HousingType, TargetPopulation and the rest have no "data not collected" code in
/// HUD's lists: they stay empty.
pub const PROJECT_FILE: HmisFile = HmisFile {
    name: "Project.csv",
    columns: &PROJECT,
    not_collected: &[],
};

/// HUD 3.02 SSN (Hearth never stores one), 3.04 Race and Ethnicity, 3.06 Gender and 3.07 Veteran
/// Status are not collected. Name and DOB quality are written per record (see the export).
pub const CLIENT_FILE: HmisFile = HmisFile {
    name: "Client.csv",
    columns: &CLIENT,
    not_collected: &[
        ("SSNDataQuality", "99"),
        ("AmIndAKNative", "0"),
        ("Asian", "0"),
        ("BlackAfAmerican", "0"),
        ("HispanicLatinaeo", "0"),
        ("MidEastNAfrican", "0"),
        ("NativeHIPacific", "0"),
        ("White", "0"),
        ("RaceNone", "99"),
        ("Woman", "0"),
        ("Man", "0"),
        ("NonBinary", "0"),
        ("CulturallySpecific", "0"),
        ("Transgender", "0"),
        ("Questioning", "0"),
        ("DifferentIdentity", "0"),
        ("GenderNone", "99"),
        ("VeteranStatus", "99"),
    ],
};

/// HUD 3.08 Disabling Condition, 3.15 Relationship to Head of Household and 3.917 Prior Living
/// Situation are universal data elements Hearth does not collect. HouseholdID and EnrollmentCoC have
/// no such code and stay empty.
pub const ENROLLMENT_FILE: HmisFile = HmisFile {
    name: "Enrollment.csv",
    columns: &ENROLLMENT,
    not_collected: &[
        ("RelationshipToHoH", "99"),
        ("LivingSituation", "99"),
        ("DisablingCondition", "99"),
    ],
};

/// Destination (HUD 3.12) is written per record: its code, or 99 when the exit recorded none.
pub const EXIT_FILE: HmisFile = HmisFile {
    name: "Exit.csv",
    columns: &EXIT,
    not_collected: &[],
};

pub const EVENT_FILE: HmisFile = HmisFile {
    name: "Event.csv",
    columns: &EVENT,
    not_collected: &[],
};

/// Every file Hearth writes, in the order of the export (a record's file comes before the files that
/// refer to it).
pub const FILES: [HmisFile; 8] = [
    EXPORT_FILE,
    ORGANIZATION_FILE,
    USER_FILE,
    PROJECT_FILE,
    CLIENT_FILE,
    ENROLLMENT_FILE,
    EXIT_FILE,
    EVENT_FILE,
];

/// Export.csv: one row describing the export (no audit columns).
pub const EXPORT: [&str; 19] = [
    "ExportID",
    "SourceType",
    "SourceID",
    "SourceName",
    "SourceContactFirst",
    "SourceContactLast",
    "SourceContactPhone",
    "SourceContactExtension",
    "SourceContactEmail",
    "ExportDate",
    "ExportStartDate",
    "ExportEndDate",
    "SoftwareName",
    "SoftwareVersion",
    "CSVVersion",
    "ExportPeriodType",
    "ExportDirective",
    "HashStatus",
    "ImplementationID",
];

/// Organization.csv (HUD 2.01).
pub const ORGANIZATION: [&str; 9] = [
    "OrganizationID",
    "OrganizationName",
    "VictimServiceProvider",
    "OrganizationCommonName",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// User.csv: who last changed a record (no UserID column of its own to point elsewhere).
pub const USER: [&str; 10] = [
    "UserID",
    "UserFirstName",
    "UserLastName",
    "UserPhone",
    "UserExtension",
    "UserEmail",
    "DateCreated",
    "DateUpdated",
    "DateDeleted",
    "ExportID",
];

/// Project.csv (HUD 2.02).
pub const PROJECT: [&str; 19] = [
    "ProjectID",
    "OrganizationID",
    "ProjectName",
    "ProjectCommonName",
    "OperatingStartDate",
    "OperatingEndDate",
    "ContinuumProject",
    "ProjectType",
    "HousingType",
    "RRHSubType",
    "ResidentialAffiliation",
    "TargetPopulation",
    "HOPWAMedAssistedLivingFac",
    "PITCount",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// Client.csv (HUD 3.01-3.07).
pub const CLIENT: [&str; 46] = [
    "PersonalID",
    "FirstName",
    "MiddleName",
    "LastName",
    "NameSuffix",
    "NameDataQuality",
    "SSN",
    "SSNDataQuality",
    "DOB",
    "DOBDataQuality",
    "AmIndAKNative",
    "Asian",
    "BlackAfAmerican",
    "HispanicLatinaeo",
    "MidEastNAfrican",
    "NativeHIPacific",
    "White",
    "RaceNone",
    "AdditionalRaceEthnicity",
    "Woman",
    "Man",
    "NonBinary",
    "CulturallySpecific",
    "Transgender",
    "Questioning",
    "DifferentIdentity",
    "GenderNone",
    "DifferentIdentityText",
    "VeteranStatus",
    "YearEnteredService",
    "YearSeparated",
    "WorldWarII",
    "KoreanWar",
    "VietnamWar",
    "DesertStorm",
    "AfghanistanOEF",
    "IraqOIF",
    "IraqOND",
    "OtherTheater",
    "MilitaryBranch",
    "DischargeStatus",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// Enrollment.csv (HUD 3.10, 3.15, 3.16, 3.20, 3.917 and program-specific elements).
pub const ENROLLMENT: [&str; 71] = [
    "EnrollmentID",
    "PersonalID",
    "ProjectID",
    "EntryDate",
    "HouseholdID",
    "RelationshipToHoH",
    "EnrollmentCoC",
    "LivingSituation",
    "RentalSubsidyType",
    "LengthOfStay",
    "LOSUnderThreshold",
    "PreviousStreetESSH",
    "DateToStreetESSH",
    "TimesHomelessPastThreeYears",
    "MonthsHomelessPastThreeYears",
    "DisablingCondition",
    "DateOfEngagement",
    "MoveInDate",
    "DateOfPATHStatus",
    "ClientEnrolledInPATH",
    "ReasonNotEnrolled",
    "PercentAMI",
    "ReferralSource",
    "CountOutreachReferralApproaches",
    "DateOfBCPStatus",
    "EligibleForRHY",
    "ReasonNoServices",
    "RunawayYouth",
    "SexualOrientation",
    "SexualOrientationOther",
    "FormerWardChildWelfare",
    "ChildWelfareYears",
    "ChildWelfareMonths",
    "FormerWardJuvenileJustice",
    "JuvenileJusticeYears",
    "JuvenileJusticeMonths",
    "UnemploymentFam",
    "MentalHealthDisorderFam",
    "PhysicalDisabilityFam",
    "AlcoholDrugUseDisorderFam",
    "InsufficientIncome",
    "IncarceratedParent",
    "VAMCStation",
    "TargetScreenReqd",
    "TimeToHousingLoss",
    "AnnualPercentAMI",
    "LiteralHomelessHistory",
    "ClientLeaseholder",
    "HOHLeaseholder",
    "SubsidyAtRisk",
    "EvictionHistory",
    "CriminalRecord",
    "IncarceratedAdult",
    "PrisonDischarge",
    "SexOffender",
    "DisabledHoH",
    "CurrentPregnant",
    "SingleParent",
    "DependentUnder6",
    "HH5Plus",
    "CoCPrioritized",
    "HPScreeningScore",
    "ThresholdScore",
    "TranslationNeeded",
    "PreferredLanguage",
    "PreferredLanguageDifferent",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// Exit.csv (HUD 3.11, 3.12 and program-specific elements).
pub const EXIT: [&str; 44] = [
    "ExitID",
    "EnrollmentID",
    "PersonalID",
    "ExitDate",
    "Destination",
    "DestinationSubsidyType",
    "OtherDestination",
    "HousingAssessment",
    "SubsidyInformation",
    "ProjectCompletionStatus",
    "EarlyExitReason",
    "ExchangeForSex",
    "ExchangeForSexPastThreeMonths",
    "CountOfExchangeForSex",
    "AskedOrForcedToExchangeForSex",
    "AskedOrForcedToExchangeForSexPastThreeMonths",
    "WorkPlaceViolenceThreats",
    "WorkplacePromiseDifference",
    "CoercedToContinueWork",
    "LaborExploitPastThreeMonths",
    "CounselingReceived",
    "IndividualCounseling",
    "FamilyCounseling",
    "GroupCounseling",
    "SessionCountAtExit",
    "PostExitCounselingPlan",
    "SessionsInPlan",
    "DestinationSafeClient",
    "DestinationSafeWorker",
    "PosAdultConnections",
    "PosPeerConnections",
    "PosCommunityConnections",
    "AftercareDate",
    "AftercareProvided",
    "EmailSocialMedia",
    "Telephone",
    "InPersonIndividual",
    "InPersonGroup",
    "CMExitReason",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

/// Event.csv (HUD 4.20 Coordinated Entry Event).
pub const EVENT: [&str; 15] = [
    "EventID",
    "EnrollmentID",
    "PersonalID",
    "EventDate",
    "Event",
    "ProbSolDivRRResult",
    "ReferralCaseManageAfter",
    "LocationCrisisOrPHHousing",
    "ReferralResult",
    "ResultDate",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_collected_columns_are_in_their_headers() {
        for file in FILES {
            for (column, _) in file.not_collected {
                assert!(
                    file.index(column).is_some(),
                    "{} has no {column}",
                    file.name
                );
            }
        }
    }
}
