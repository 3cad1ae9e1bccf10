//! `hearth seed-demo`: a small, realistic community for the playground, made through the service layer
//! so that demo data obeys every rule of the workflow.
//!
//! A CE lead agency with a Priority List Manager, two housing organizations with PSH, RRH, TH and ES
//! projects and their staff, three dozen clients in Coordinated Entry over the past year, each
//! assessed (HUD 4.19) and most placed on the priority list, and referrals in every state.
//! Running it again loads nothing new and prints fresh tokens for the demo users.

mod families;
pub mod names;

use names::{FIRST_NAMES, LAST_NAMES};

use crate::domain::{
    Actor, AssessmentLevel, AssessmentType, CeEventType, DeclineReason, PrioritizationStatus,
    ProjectType, ReferralResult, Role, Sex,
};
use crate::error::{AppError, AppResult};
use crate::service::{Services, admin, assessments, ce_events, clients, enrollments};
use chrono::{Days, NaiveDate};
use std::fmt::{self, Display};
use uuid::Uuid;

const ADMIN_EMAIL: &str = "admin@demo.hearth.example";
const CE_AGENCY: &str = "Metro Coordinated Entry";

/// What the seeder made, and a token per demo user.
pub struct Seeded {
    pub created: bool,
    pub clients: usize,
    pub referrals: usize,
    pub pending: usize,
    pub users: Vec<DemoUser>,
}

pub struct DemoUser {
    pub email: String,
    pub role: Role,
    pub organization: String,
    pub organization_id: Uuid,
    pub token: String,
}

impl Display for Seeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.created {
            writeln!(
                f,
                "Demo community loaded: {} clients, {} housing referrals ({} pending).",
                self.clients, self.referrals, self.pending
            )?;
        } else {
            writeln!(
                f,
                "The demo community is already loaded; new tokens for its users:"
            )?;
        }
        writeln!(
            f,
            "Send a token as `Authorization: Bearer <token>` (one membership each, so no X-Organization-Id needed)."
        )?;
        for user in &self.users {
            writeln!(
                f,
                "{:<22} {:<30} {:<26} {}",
                user.role.as_str(),
                user.email,
                user.organization,
                user.token
            )?;
        }
        Ok(())
    }
}

struct Member {
    email: &'static str,
    name: &'static str,
    organization: &'static str,
    role: Role,
}

const MEMBERS: &[Member] = &[
    Member {
        email: "plm@metro-ce.example",
        name: "Priya Lindqvist",
        organization: CE_AGENCY,
        role: Role::PriorityListManager,
    },
    Member {
        email: "staff@hope-housing.example",
        name: "Hector Ortiz",
        organization: "Hope Housing Partners",
        role: Role::HousingStaff,
    },
    Member {
        email: "staff@harbor-homes.example",
        name: "Hana Brooks",
        organization: "Harbor Homes",
        role: Role::HousingStaff,
    },
];

struct DemoProject {
    organization: &'static str,
    name: &'static str,
    project_type: ProjectType,
    referral: CeEventType,
}

const HOUSING_PROJECTS: &[DemoProject] = &[
    DemoProject {
        organization: "Hope Housing Partners",
        name: "Hope Permanent Supportive Housing",
        project_type: ProjectType::PhPermanentSupportiveHousing,
        referral: CeEventType::ReferralToPsh,
    },
    DemoProject {
        organization: "Hope Housing Partners",
        name: "Hope Rapid Re-Housing",
        project_type: ProjectType::PhRapidReHousing,
        referral: CeEventType::ReferralToRrh,
    },
    DemoProject {
        organization: "Harbor Homes",
        name: "Harbor Transitional Housing",
        project_type: ProjectType::TransitionalHousing,
        referral: CeEventType::ReferralToTransitionalHousing,
    },
    DemoProject {
        organization: "Harbor Homes",
        name: "Harbor Permanent Supportive Housing",
        project_type: ProjectType::PhPermanentSupportiveHousing,
        referral: CeEventType::ReferralToPsh,
    },
    DemoProject {
        organization: "Harbor Homes",
        name: "Harbor Emergency Shelter",
        project_type: ProjectType::EsEntryExit,
        referral: CeEventType::ReferralToEmergencyShelter,
    },
];

fn days_before(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn days_after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

/// Loads the demo community (unless it is there already) and issues a token per demo user.
pub async fn seed(services: &Services) -> AppResult<Seeded> {
    let bootstrap = admin::create_admin(services, ADMIN_EMAIL, Some("Demo Administrator")).await?;
    let admin_actor = Actor {
        user_id: bootstrap.user.id,
        organization_id: bootstrap.organization.id,
        role: Role::Admin,
    };
    let already_loaded = admin::list_organizations(services)
        .await?
        .iter()
        .any(|org| org.name == CE_AGENCY);
    let mut seeded = Seeded {
        created: !already_loaded,
        clients: 0,
        referrals: 0,
        pending: 0,
        users: vec![DemoUser {
            email: bootstrap.user.email.clone(),
            role: Role::Admin,
            organization: bootstrap.organization.name.clone(),
            organization_id: bootstrap.organization.id,
            token: bootstrap.token,
        }],
    };
    if !already_loaded {
        load_community(services, &admin_actor, &mut seeded).await?;
    }
    let organizations = admin::list_organizations(services).await?;
    for member in MEMBERS {
        let user = admin::find_user_by_email(&services.db, member.email)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo user {} is missing", member.email)))?;
        let organization = organizations
            .iter()
            .find(|o| o.name == member.organization)
            .ok_or_else(|| {
                AppError::internal(format!(
                    "demo organization {} is missing",
                    member.organization
                ))
            })?;
        let (token, _) =
            admin::create_api_token(services, &admin_actor, user.id, "seed-demo", None).await?;
        seeded.users.push(DemoUser {
            email: member.email.to_owned(),
            role: member.role,
            organization: organization.name.clone(),
            organization_id: organization.id,
            token,
        });
    }
    Ok(seeded)
}

async fn load_community(
    services: &Services,
    admin_actor: &Actor,
    seeded: &mut Seeded,
) -> AppResult<()> {
    let today = services.clock.today();
    let opened = days_before(today, 5 * 365);
    let mut organizations = Vec::new();
    for name in [CE_AGENCY, "Hope Housing Partners", "Harbor Homes"] {
        let org = admin::create_organization(services, admin_actor, name, false).await?;
        organizations.push(org);
    }
    let org_id = |name: &str| -> AppResult<Uuid> {
        organizations
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.id)
            .ok_or_else(|| AppError::internal(format!("demo organization {name} is missing")))
    };
    let new_project = |organization_id, name: &str, project_type| admin::NewProject {
        organization_id,
        name: name.to_owned(),
        project_type,
        operating_start_date: opened,
        operating_end_date: None,
        continuum_project: None,
        coc_code: None,
    };
    let ce_project = admin::create_project(
        services,
        admin_actor,
        new_project(
            org_id(CE_AGENCY)?,
            "Metro Coordinated Entry Access Point",
            ProjectType::CoordinatedEntry,
        ),
    )
    .await?;
    let mut housing = Vec::new();
    for spec in HOUSING_PROJECTS {
        let project = admin::create_project(
            services,
            admin_actor,
            new_project(org_id(spec.organization)?, spec.name, spec.project_type),
        )
        .await?;
        housing.push((spec, project));
    }
    for member in MEMBERS {
        let user = admin::create_user(services, admin_actor, member.email, member.name).await?;
        admin::grant_role(
            services,
            admin_actor,
            user.id,
            org_id(member.organization)?,
            member.role,
        )
        .await?;
    }
    // The PLM records Coordinated Entry; each housing organization resolves its own referrals.
    let plm = admin::find_user_by_email(&services.db, MEMBERS[0].email)
        .await?
        .ok_or_else(|| AppError::internal("demo PLM is missing"))?;
    let plm = Actor {
        user_id: plm.id,
        organization_id: org_id(CE_AGENCY)?,
        role: Role::PriorityListManager,
    };

    for (i, first_name) in FIRST_NAMES.iter().enumerate() {
        let offset = i as u64;
        let client = clients::create(
            services,
            &plm,
            clients::NewClient {
                first_name: (*first_name).to_owned(),
                last_name: LAST_NAMES[i % LAST_NAMES.len()].to_owned(),
                date_of_birth: Some(days_before(
                    today,
                    365 * (19 + (offset * 7) % 50) + offset * 11,
                )),
                // HUD 4.21, varied as a community's answers are.
                sex: Some(
                    [
                        Sex::Female,
                        Sex::Male,
                        Sex::Female,
                        Sex::ClientPrefersNotToAnswer,
                    ][i % 4],
                ),
            },
        )
        .await?;
        // Spread over the past year, so that a year's CE APR has something in every month.
        let ce_entry = days_before(today, 60 + (offset * 37) % 300);
        let ce_enrollment = enrollments::create(
            services,
            &plm,
            enrollments::NewEnrollment {
                client_id: client.id,
                project_id: ce_project.id,
                entry_date: ce_entry,
                members: Vec::new(),
            },
        )
        .await?;
        seeded.clients += 1;
        // HUD 4.19: every household is assessed (some first by a crisis needs assessment); most
        // are placed on the priority list, and most of those then referred to housing.
        if i % 5 == 0 {
            assess(
                services,
                &plm,
                ce_enrollment.id,
                days_after(ce_entry, 1),
                (AssessmentLevel::CrisisNeedsAssessment, i),
                PrioritizationStatus::NotPlacedOnPrioritizationList,
            )
            .await?;
        }
        assess(
            services,
            &plm,
            ce_enrollment.id,
            days_after(ce_entry, 3),
            (AssessmentLevel::HousingNeedsAssessment, i),
            if i % 12 == 11 {
                PrioritizationStatus::NotPlacedOnPrioritizationList
            } else {
                PrioritizationStatus::PlacedOnPrioritizationList
            },
        )
        .await?;
        // Every client gets a housing needs assessment; most are then referred to housing.
        ce_events::create(
            services,
            &plm,
            ce_events::NewCeEvent {
                enrollment_id: ce_enrollment.id,
                event_date: days_after(ce_entry, 2),
                event_type: CeEventType::ReferralToCeHousingNeedsAssessment,
                referred_project_id: None,
                safe_alternative_housed: None,
                enrolled_in_aftercare: None,
            },
        )
        .await?;
        if i % 6 == 5 {
            // Not referred to housing: problem solving instead (an access event, CE APR Q9c).
            ce_events::create(
                services,
                &plm,
                ce_events::NewCeEvent {
                    enrollment_id: ce_enrollment.id,
                    event_date: days_after(ce_entry, 5),
                    event_type: CeEventType::ProblemSolvingDiversionRapidResolution,
                    referred_project_id: None,
                    safe_alternative_housed: Some(i % 12 == 11),
                    enrolled_in_aftercare: None,
                },
            )
            .await?;
            continue;
        }
        let (spec, project) = &housing[i % housing.len()];
        let event_date = days_after(ce_entry, 10 + offset % 7);
        let referral = ce_events::create(
            services,
            &plm,
            ce_events::NewCeEvent {
                enrollment_id: ce_enrollment.id,
                event_date,
                event_type: spec.referral,
                referred_project_id: Some(project.id),
                safe_alternative_housed: None,
                enrolled_in_aftercare: None,
            },
        )
        .await?;
        seeded.referrals += 1;
        let staff = staff_of(services, spec.organization, project).await?;
        match i % 4 {
            // Successful, in the guide's order: intake first, then the CE event is updated.
            0 | 1 => {
                let enrollment = enrollments::create(
                    services,
                    &staff,
                    enrollments::NewEnrollment {
                        client_id: client.id,
                        project_id: project.id,
                        entry_date: days_after(event_date, 7 + offset % 10),
                        members: Vec::new(),
                    },
                )
                .await?;
                ce_events::resolve(
                    services,
                    &staff,
                    ce_events::Resolution {
                        ce_event_id: referral.id,
                        referral_result: ReferralResult::SuccessfulClientAccepted,
                        result_date: None,
                        resulting_enrollment_id: Some(enrollment.id),
                        decline_reason: None,
                        note: None,
                    },
                )
                .await?;
                if spec.project_type.is_permanent_housing() && i % 8 == 0 {
                    enrollments::record_move_in(
                        services,
                        &staff,
                        enrollment.id,
                        days_after(enrollment.entry_date, 14),
                    )
                    .await?;
                }
            }
            2 if i % 3 == 0 => {
                ce_events::resolve(
                    services,
                    &staff,
                    ce_events::Resolution {
                        ce_event_id: referral.id,
                        referral_result: if i % 8 == 6 {
                            ReferralResult::UnsuccessfulClientRejected
                        } else {
                            ReferralResult::UnsuccessfulProviderRejected
                        },
                        result_date: Some(days_after(event_date, 5)),
                        resulting_enrollment_id: None,
                        // Rule L3: the program says why, as communities ask it to.
                        decline_reason: Some(if i % 8 == 6 {
                            DeclineReason::ClientDeclined
                        } else {
                            DeclineReason::ProviderNoVacancy
                        }),
                        note: Some("Discussed with the Priority List Manager by phone".to_owned()),
                    },
                )
                .await?;
            }
            _ => seeded.pending += 1,
        }
    }
    let (_, hope_psh) = &housing[0];
    let hope_staff = staff_of(services, HOUSING_PROJECTS[0].organization, hope_psh).await?;
    families::seed(services, &plm, &ce_project, hope_psh, &hope_staff, seeded).await
}

/// Records a 4.19 assessment of the head of household in `enrollment_id`; the type varies with
/// `n` as a community's do.
async fn assess(
    services: &Services,
    plm: &Actor,
    enrollment_id: Uuid,
    assessment_date: NaiveDate,
    (assessment_level, n): (AssessmentLevel, usize),
    prioritization_status: PrioritizationStatus,
) -> AppResult<()> {
    assessments::record(
        services,
        plm,
        assessments::NewAssessment {
            enrollment_id,
            assessment_date,
            location: ["Downtown access point", "Phone line", "Outreach van"][n % 3].to_owned(),
            assessment_type: [
                AssessmentType::InPerson,
                AssessmentType::Phone,
                AssessmentType::InPerson,
                AssessmentType::Virtual,
            ][n % 4],
            assessment_level,
            prioritization_status,
        },
    )
    .await?;
    Ok(())
}

/// The first demo HOUSING_STAFF member of `organization`, acting for it.
async fn staff_of(
    services: &Services,
    organization: &str,
    project: &entity::project::Model,
) -> AppResult<Actor> {
    let email = MEMBERS
        .iter()
        .find(|m| m.organization == organization)
        .map(|m| m.email)
        .ok_or_else(|| AppError::internal("demo staff is missing"))?;
    let user = admin::find_user_by_email(&services.db, email)
        .await?
        .ok_or_else(|| AppError::internal("demo staff is missing"))?;
    Ok(Actor {
        user_id: user.id,
        organization_id: project.organization_id,
        role: Role::HousingStaff,
    })
}
