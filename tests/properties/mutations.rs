//! The twelve mutations under test: their documents, the cases generated for each, and which
//! project types a referral may name (HUD 4.20.C).

use super::strategies::{
    CE_EVENT_TYPES, Field, PROJECT_TYPES, RESULTS, ROLES, boolean, case, date, date_time,
    destination, email, enumeration, id_of, name, resulting_enrollment,
};
use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mutation {
    CreateOrganization,
    CreateProject,
    CreateUser,
    GrantRole,
    CreateApiToken,
    RevokeApiToken,
    CreateClient,
    CreateEnrollment,
    RecordMoveIn,
    ExitEnrollment,
    CreateCeEvent,
    ResolveReferral,
}

impl Mutation {
    /// The field, its input type and the selection asked for.
    pub(crate) fn spec(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Mutation::CreateOrganization => (
                "createOrganization",
                "CreateOrganizationInput",
                "id name victimServiceProvider",
            ),
            Mutation::CreateProject => (
                "createProject",
                "CreateProjectInput",
                "id name projectType operatingStartDate operatingEndDate organization { id }",
            ),
            Mutation::CreateUser => ("createUser", "CreateUserInput", "id email name"),
            Mutation::GrantRole => ("grantRole", "GrantRoleInput", "role organization { id }"),
            Mutation::CreateApiToken => (
                "createApiToken",
                "CreateApiTokenInput",
                "token apiToken { id label expiresAt revokedAt }",
            ),
            Mutation::RevokeApiToken => ("revokeApiToken", "RevokeApiTokenInput", "id revokedAt"),
            Mutation::CreateClient => (
                "createClient",
                "CreateClientInput",
                "id firstName lastName dateOfBirth",
            ),
            Mutation::CreateEnrollment => (
                "createEnrollment",
                "CreateEnrollmentInput",
                "id entryDate project { id projectType } client { id }",
            ),
            Mutation::RecordMoveIn => ("recordMoveIn", "RecordMoveInInput", "id moveInDate"),
            Mutation::ExitEnrollment => ("exitEnrollment", "ExitEnrollmentInput", "id exitDate"),
            Mutation::CreateCeEvent => (
                "createCeEvent",
                "CreateCeEventInput",
                "id status eventType eventDate referredProject { id }",
            ),
            Mutation::ResolveReferral => (
                "resolveReferral",
                "ResolveReferralInput",
                "id status referralResult resultDate resultingEnrollment { id entryDate }",
            ),
        }
    }

    pub(crate) fn field(self) -> &'static str {
        self.spec().0
    }

    pub(crate) fn document(self) -> String {
        let (field, input_type, selection) = self.spec();
        format!("mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} }} }}")
    }

    /// Random and hostile cases for this mutation; weights pick ADMIN, PLM, staff A, staff B.
    pub(crate) fn cases(self) -> BoxedStrategy<Case> {
        match self {
            Mutation::CreateOrganization => case(
                [8, 1, 1, 1],
                vec![("name", name()), ("victimServiceProvider", boolean())],
            ),
            Mutation::CreateProject => case(
                [8, 1, 1, 1],
                vec![
                    ("organizationId", id_of(Kind::Org)),
                    ("name", name()),
                    ("projectType", enumeration(PROJECT_TYPES)),
                    ("operatingStartDate", date()),
                    ("operatingEndDate", date().optional()),
                ],
            ),
            Mutation::CreateUser => case([8, 1, 1, 1], vec![("email", email()), ("name", name())]),
            Mutation::GrantRole => case(
                [8, 1, 1, 1],
                vec![
                    ("userId", id_of(Kind::User)),
                    ("organizationId", id_of(Kind::Org)),
                    ("role", enumeration(ROLES)),
                ],
            ),
            Mutation::CreateApiToken => case(
                [8, 1, 1, 1],
                vec![
                    ("userId", id_of(Kind::User)),
                    ("label", name()),
                    ("expiresAt", date_time()),
                ],
            ),
            Mutation::RevokeApiToken => case([6, 2, 2, 1], vec![("id", id_of(Kind::Token))]),
            Mutation::CreateClient => case(
                [3, 4, 3, 2],
                vec![
                    ("firstName", name()),
                    ("lastName", name()),
                    ("dateOfBirth", date().optional()),
                ],
            ),
            Mutation::CreateEnrollment => case(
                [3, 3, 4, 3],
                vec![
                    ("clientId", id_of(Kind::Client)),
                    ("projectId", id_of(Kind::Project)),
                    ("entryDate", date()),
                ],
            ),
            Mutation::RecordMoveIn => case(
                [4, 1, 4, 3],
                vec![
                    ("enrollmentId", id_of(Kind::HousingEnrollment)),
                    ("moveInDate", date()),
                ],
            ),
            Mutation::ExitEnrollment => case(
                [4, 2, 4, 3],
                vec![
                    (
                        "enrollmentId",
                        Field {
                            valid: prop_oneof![
                                3 => id_of(Kind::HousingEnrollment).valid,
                                1 => id_of(Kind::CeEnrollment).valid,
                            ]
                            .boxed(),
                            hostile: id_of(Kind::HousingEnrollment).hostile,
                        },
                    ),
                    ("exitDate", date()),
                    ("destination", destination()),
                ],
            ),
            Mutation::CreateCeEvent => case(
                [4, 6, 1, 1],
                vec![
                    ("enrollmentId", id_of(Kind::CeEnrollment)),
                    ("eventDate", date()),
                    (
                        "eventType",
                        Field {
                            valid: prop_oneof![
                                1 => enumeration(CE_EVENT_TYPES).valid,
                                1 => select(REFERRAL_TYPES).prop_map(|t| Arg::Text(t.to_owned())),
                            ]
                            .boxed(),
                            hostile: enumeration(CE_EVENT_TYPES).hostile,
                        },
                    ),
                    (
                        "referredProjectId",
                        Field {
                            valid: prop_oneof![
                                4 => any::<usize>().prop_map(Arg::Fitting),
                                1 => id_of(Kind::Project).valid,
                                1 => Just(Arg::Missing),
                            ]
                            .boxed(),
                            hostile: id_of(Kind::Project).hostile,
                        },
                    ),
                ],
            ),
            Mutation::ResolveReferral => case(
                [5, 1, 4, 3],
                vec![
                    ("ceEventId", id_of(Kind::Referral)),
                    ("referralResult", enumeration(RESULTS)),
                    (
                        "resultDate",
                        Field {
                            valid: prop_oneof![
                                3 => any::<usize>().prop_map(Arg::Fitting),
                                1 => date().valid,
                                1 => Just(Arg::Missing),
                            ]
                            .boxed(),
                            hostile: date().hostile,
                        },
                    ),
                    ("resultingEnrollmentId", resulting_enrollment()),
                ],
            ),
        }
    }
}

/// The project types a referral of `event_type` may name (HUD 4.20.C): `None` when it takes no
/// project, empty when any housing project will do (types 17 and 18).
pub(crate) fn fitting_project_types(event_type: &str) -> Option<&'static [&'static str]> {
    Some(match event_type {
        "REFERRAL_TO_EMERGENCY_SHELTER" => &["ES_ENTRY_EXIT", "ES_NIGHT_BY_NIGHT", "SAFE_HAVEN"],
        "REFERRAL_TO_TRANSITIONAL_HOUSING" => &["TRANSITIONAL_HOUSING"],
        "REFERRAL_TO_JOINT_TH_RRH" => &["TRANSITIONAL_HOUSING", "PH_RAPID_RE_HOUSING"],
        "REFERRAL_TO_RRH" => &["PH_RAPID_RE_HOUSING"],
        "REFERRAL_TO_PSH" => &["PH_PERMANENT_SUPPORTIVE_HOUSING"],
        "REFERRAL_TO_OTHER_PH" => &["PH_HOUSING_ONLY", "PH_HOUSING_WITH_SERVICES"],
        // Rule D2: 4.20.C is for 10-15 only; 17 is refused whatever it names (D1).
        _ => return None,
    })
}
