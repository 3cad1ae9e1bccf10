//! The HUD HMIS CSV files Hearth writes and reads, in both formats it knows: their names, their exact
//! column lists (in order, case-sensitive, as in `../shared/domain/hmis-csv-fy2026-headers.txt` and
//! `hmis-csv-fy2024-headers.txt`), and the value HUD wants in each column Hearth does not collect.
//! FY2026 (the default) and FY2024 share every list but Client.csv's and Enrollment.csv's
//! (`fy2024`, `fy2026`); FY2026 adds CEParticipation.csv; both carry Assessment.csv (HUD 4.19).
//!
//! What must not live here: reading or writing values (see `format`), or any database access.

pub mod fy2024;
pub mod fy2026;

/// The HMIS CSV format of an export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvFormat {
    /// FY2026 v1.0, in force since 2025-10-01.
    #[default]
    Fy2026,
    /// FY2024 v1.3, for systems not yet on FY2026.
    Fy2024,
}

impl CsvFormat {
    /// Export.csv's CSVVersion.
    pub fn csv_version(self) -> &'static str {
        match self {
            CsvFormat::Fy2026 => "2026 v1.0",
            CsvFormat::Fy2024 => "2024 v1.3",
        }
    }

    /// The files of an export, in the order written (a record's file before the files that refer to
    /// it).
    pub fn files(self) -> &'static [HmisFile] {
        match self {
            CsvFormat::Fy2026 => &FY2026_FILES,
            CsvFormat::Fy2024 => &FILES,
        }
    }

    /// Client.csv of this format.
    pub fn client(self) -> &'static HmisFile {
        match self {
            CsvFormat::Fy2026 => &CLIENT_FY2026_FILE,
            CsvFormat::Fy2024 => &CLIENT_FILE,
        }
    }

    /// Enrollment.csv of this format.
    pub fn enrollment(self) -> &'static HmisFile {
        match self {
            CsvFormat::Fy2026 => &ENROLLMENT_FY2026_FILE,
            CsvFormat::Fy2024 => &ENROLLMENT_FILE,
        }
    }

    /// The name used on the command line and in `?format=`.
    pub fn name(self) -> &'static str {
        match self {
            CsvFormat::Fy2026 => "fy2026",
            CsvFormat::Fy2024 => "fy2024",
        }
    }
}

impl std::str::FromStr for CsvFormat {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "fy2026" => Ok(CsvFormat::Fy2026),
            "fy2024" => Ok(CsvFormat::Fy2024),
            _ => Err(format!(
                "format must be fy2026 (the default) or fy2024 (got \"{}\")",
                raw.chars().take(20).collect::<String>()
            )),
        }
    }
}

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
    /// A file every column of which Hearth collects or leaves empty.
    const fn plain(name: &'static str, columns: &'static [&'static str]) -> Self {
        HmisFile {
            name,
            columns,
            not_collected: &[],
        }
    }

    /// The position of `column` in the header.
    pub fn index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == column)
    }
}

pub const EXPORT_FILE: HmisFile = HmisFile::plain("Export.csv", &EXPORT);

pub const ORGANIZATION_FILE: HmisFile = HmisFile::plain("Organization.csv", &ORGANIZATION);

pub const USER_FILE: HmisFile = HmisFile::plain("User.csv", &USER);

/// ContinuumProject, HousingType, TargetPopulation and the rest have no "data not collected" code in
/// HUD's lists: they stay empty.
pub const PROJECT_FILE: HmisFile = HmisFile::plain("Project.csv", &PROJECT);

/// HUD 3.02 SSN (Hearth never stores one), 3.04 Race and Ethnicity, 3.06 Gender and 3.07 Veteran
/// Status are not collected. Name and DOB quality are written per record (see the export).
pub const CLIENT_FILE: HmisFile = HmisFile {
    name: "Client.csv",
    columns: &fy2024::CLIENT,
    not_collected: &client_not_collected::<18>(&[
        (&fy2024::RACE_OPTIONS, "RaceNone"),
        (&fy2024::GENDER_OPTIONS, "GenderNone"),
    ]),
};

/// HUD 3.08 Disabling Condition and 3.917 Prior Living Situation are universal data elements Hearth
/// does not collect. HouseholdID, RelationshipToHoH and EnrollmentCoC are written per record.
pub const ENROLLMENT_FILE: HmisFile = HmisFile {
    name: "Enrollment.csv",
    columns: &fy2024::ENROLLMENT,
    not_collected: &[("LivingSituation", "99"), ("DisablingCondition", "99")],
};

/// Destination (HUD 3.12) is written per record: its code, or 99 when the exit recorded none.
pub const EXIT_FILE: HmisFile = HmisFile::plain("Exit.csv", &EXIT);

pub const EVENT_FILE: HmisFile = HmisFile::plain("Event.csv", &EVENT);

/// FY2026 Client.csv: 4.21 Sex is written per record; 3.04 Race and Ethnicity and 3.07 Veteran
/// Status are not collected, as in FY2024.
pub const CLIENT_FY2026_FILE: HmisFile = HmisFile {
    name: "Client.csv",
    columns: &fy2026::CLIENT,
    not_collected: &client_not_collected::<10>(&[(&fy2026::RACE_OPTIONS, "RaceNone")]),
};

/// FY2026 Enrollment.csv: the same universal data elements not collected as in FY2024.
pub const ENROLLMENT_FY2026_FILE: HmisFile = HmisFile {
    name: "Enrollment.csv",
    columns: &fy2026::ENROLLMENT,
    not_collected: ENROLLMENT_FILE.not_collected,
};

/// CEParticipation.csv (HUD 2.09): one row per period of a project's CE roles.
pub const CE_PARTICIPATION_FILE: HmisFile =
    HmisFile::plain("CEParticipation.csv", &fy2026::CE_PARTICIPATION);

/// Assessment.csv (HUD 4.19).
pub const ASSESSMENT_FILE: HmisFile = HmisFile::plain("Assessment.csv", &fy2026::ASSESSMENT);

/// The FY2026 export's files, in the order written.
pub const FY2026_FILES: [HmisFile; 10] = [
    EXPORT_FILE,
    ORGANIZATION_FILE,
    USER_FILE,
    PROJECT_FILE,
    CE_PARTICIPATION_FILE,
    CLIENT_FY2026_FILE,
    ENROLLMENT_FY2026_FILE,
    EXIT_FILE,
    EVENT_FILE,
    ASSESSMENT_FILE,
];

/// The FY2024 export's files, in the order written (a record's file comes before the files that
/// refer to it).
pub const FILES: [HmisFile; 9] = [
    EXPORT_FILE,
    ORGANIZATION_FILE,
    USER_FILE,
    PROJECT_FILE,
    CLIENT_FILE,
    ENROLLMENT_FILE,
    EXIT_FILE,
    EVENT_FILE,
    ASSESSMENT_FILE,
];

/// The columns `parts` hold, one after another. Client.csv and Enrollment.csv are long runs of
/// columns the two formats share around the few each has of its own: each run is written once
/// (below), and a format's list names its own columns between them. A wrong length does not build.
const fn joined<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut columns = [""; N];
    let mut n = 0;
    let mut part = 0;
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            columns[n] = parts[part][i];
            n += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(n == N, "the parts hold more or fewer columns than the list");
    columns
}

/// Client.csv's columns Hearth does not collect, with HUD's value for each: 3.02's SSNDataQuality
/// 99; each option of a multi-select element (`elements`: 3.04 Race and Ethnicity, FY2024's 3.06
/// Gender) 0 and the element's "none" column 99; 3.07 VeteranStatus 99. A wrong length does not
/// build.
const fn client_not_collected<const N: usize>(
    elements: &[(&[&'static str], &'static str)],
) -> [(&'static str, &'static str); N] {
    let mut pairs = [("", ""); N];
    pairs[0] = ("SSNDataQuality", "99");
    let mut n = 1;
    let mut element = 0;
    while element < elements.len() {
        let (options, none) = elements[element];
        let mut i = 0;
        while i < options.len() {
            pairs[n] = (options[i], "0");
            n += 1;
            i += 1;
        }
        pairs[n] = (none, "99");
        n += 1;
        element += 1;
    }
    pairs[n] = ("VeteranStatus", "99");
    assert!(
        n + 1 == N,
        "the elements hold more or fewer columns than the list"
    );
    pairs
}

/// HUD 3.04 Race and Ethnicity's option columns: the same in both formats but for the one FY2026
/// renamed (FY2024's HispanicLatinaeo is FY2026's HispanicLatinao), given as `hispanic`.
const fn race_options(hispanic: &'static str) -> [&'static str; 7] {
    [
        "AmIndAKNative",
        "Asian",
        "BlackAfAmerican",
        hispanic,
        "MidEastNAfrican",
        "NativeHIPacific",
        "White",
    ]
}

/// Client.csv's first columns in both formats: HUD 3.01 Name, 3.02 SSN and 3.03 Date of Birth.
const CLIENT_IDENTITY: [&str; 10] = [
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
];

/// Client.csv's HUD 3.07 Veteran Status and the V1 Veteran's Information columns, in both formats.
const CLIENT_VETERAN: [&str; 13] = [
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
];

/// Enrollment.csv's columns up to RunawayYouth, the same in both formats (before FY2024's R3 Sexual
/// Orientation).
const ENROLLMENT_INTAKE: [&str; 28] = [
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
];

/// Enrollment.csv's columns from FormerWardChildWelfare to ThresholdScore, the same in both formats
/// (after R3 Sexual Orientation, before FY2024's C4 and FY2026's V10).
const ENROLLMENT_SCREENING: [&str; 33] = [
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
];

/// Who changed a record and when: the last columns of every file but Export.csv and User.csv.
pub const AUDIT: [&str; 5] = [
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
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
