//! The FY2026 lists that differ from FY2024 (HUD HMIS CSV FY2026 v1.0, in force since 2025-10-01; as
//! in `../shared/domain/hmis-csv-fy2026-headers.txt`): Client.csv with 4.21 Sex and without 3.06 Gender,
//! Enrollment.csv without the C4 and R3 language and orientation columns and with V10
//! MentalHealthConsultation, and the two CE files Hearth adds in FY2026 exports.

use super::{
    AUDIT, CLIENT_IDENTITY, CLIENT_VETERAN, ENROLLMENT_INTAKE, ENROLLMENT_SCREENING, joined,
    race_options,
};

/// HUD 3.04 Race and Ethnicity's option columns, as FY2026 spells them (RaceNone follows them).
pub const RACE_OPTIONS: [&str; 7] = race_options("HispanicLatinao");

/// Client.csv (HUD 3.01-3.07 and 4.21 Sex).
pub const CLIENT: [&str; 38] = joined(&[
    &CLIENT_IDENTITY,
    // HUD 4.21 Sex.
    &["Sex"],
    &RACE_OPTIONS,
    &["RaceNone", "AdditionalRaceEthnicity"],
    &CLIENT_VETERAN,
    &AUDIT,
]);

/// Enrollment.csv (HUD 3.08-3.20 and the program-specific elements).
pub const ENROLLMENT: [&str; 67] = joined(&[
    &ENROLLMENT_INTAKE,
    &ENROLLMENT_SCREENING,
    // V10 Mental Health Consultation.
    &["MentalHealthConsultation"],
    &AUDIT,
]);

/// The HUD 2.09 roles of a project's CE participation, as CEParticipation.csv names them (the
/// importer reads them in this order).
pub const CE_PARTICIPATION_ROLES: [&str; 6] = [
    "AccessPoint",
    "PreventionAssessment",
    "CrisisAssessment",
    "HousingAssessment",
    "DirectServices",
    "ReceivesReferrals",
];

/// CEParticipation.csv (HUD 2.09 Coordinated Entry Participation Status).
pub const CE_PARTICIPATION: [&str; 15] = joined(&[
    &["CEParticipationID", "ProjectID"],
    &CE_PARTICIPATION_ROLES,
    &[
        "CEParticipationStatusStartDate",
        "CEParticipationStatusEndDate",
    ],
    &AUDIT,
]);

/// Assessment.csv (HUD 4.19 Coordinated Entry Assessment).
pub const ASSESSMENT: [&str; 13] = [
    "AssessmentID",
    "EnrollmentID",
    "PersonalID",
    "AssessmentDate",
    "AssessmentLocation",
    "AssessmentType",
    "AssessmentLevel",
    "PrioritizationStatus",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
];
