//! The FY2024 lists that FY2026 changed (HUD HMIS CSV FY2024 v1.3, as in
//! `../shared/domain/hmis-csv-fy2024-headers.txt`): Client.csv with 3.06 Gender, Enrollment.csv with
//! the language and orientation columns. Hearth writes them with `--format fy2024`.

use super::{
    AUDIT, CLIENT_IDENTITY, CLIENT_VETERAN, ENROLLMENT_INTAKE, ENROLLMENT_SCREENING, joined,
    race_options,
};

/// HUD 3.04 Race and Ethnicity's option columns, as FY2024 spells them (RaceNone follows them).
pub const RACE_OPTIONS: [&str; 7] = race_options("HispanicLatinaeo");

/// HUD 3.06 Gender's option columns (GenderNone follows them); FY2026 has no 3.06.
pub const GENDER_OPTIONS: [&str; 7] = [
    "Woman",
    "Man",
    "NonBinary",
    "CulturallySpecific",
    "Transgender",
    "Questioning",
    "DifferentIdentity",
];

/// Client.csv (HUD 3.01-3.07).
pub const CLIENT: [&str; 46] = joined(&[
    &CLIENT_IDENTITY,
    &RACE_OPTIONS,
    &["RaceNone", "AdditionalRaceEthnicity"],
    &GENDER_OPTIONS,
    &["GenderNone", "DifferentIdentityText"],
    &CLIENT_VETERAN,
    &AUDIT,
]);

/// Enrollment.csv (HUD 3.10, 3.15, 3.16, 3.20, 3.917 and program-specific elements).
pub const ENROLLMENT: [&str; 71] = joined(&[
    &ENROLLMENT_INTAKE,
    // R3 Sexual Orientation.
    &["SexualOrientation", "SexualOrientationOther"],
    &ENROLLMENT_SCREENING,
    // C4 Translation Assistance Needed.
    &[
        "TranslationNeeded",
        "PreferredLanguage",
        "PreferredLanguageDifferent",
    ],
    &AUDIT,
]);
