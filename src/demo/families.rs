//! The demo's families (HUD 3.14/3.15): the unit CE refers is a household. One family goes the whole
//! way (CE intake together, a referral on the head, household intake at the program, success,
//! move-in); a single parent and child wait on a pending referral.

use super::{Seeded, days_after, days_before};
use crate::domain::{
    Actor, AssessmentLevel, CeEventType, PrioritizationStatus, ReferralResult, RelationshipToHoH,
    Sex,
};
use crate::error::AppResult;
use crate::service::households::NewMember;
use crate::service::{Services, ce_events, clients, enrollments};
use entity::project;

/// A family member: first name, years of age today, sex, relationship to the head (None: the head).
type Person = (&'static str, u64, Sex, Option<RelationshipToHoH>);

const HOUSED: (&str, &[Person]) = (
    "Alvarez",
    &[
        ("Marisol", 36, Sex::Female, None),
        (
            "Tomas",
            38,
            Sex::Male,
            Some(RelationshipToHoH::SpouseOrPartner),
        ),
        ("Lucia", 9, Sex::Female, Some(RelationshipToHoH::Child)),
        ("Mateo", 4, Sex::Male, Some(RelationshipToHoH::Child)),
    ],
);

const WAITING: (&str, &[Person]) = (
    "Okafor",
    &[
        ("Grace", 27, Sex::Female, None),
        ("Daniel", 6, Sex::Male, Some(RelationshipToHoH::Child)),
    ],
);

/// The family's clients (head first) and its members as an intake names them.
async fn clients_of(
    services: &Services,
    plm: &Actor,
    (last_name, people): (&str, &[Person]),
) -> AppResult<(uuid::Uuid, Vec<(uuid::Uuid, RelationshipToHoH)>)> {
    let today = services.clock.today();
    let mut head = None;
    let mut members = Vec::new();
    for (first_name, age, sex, relationship) in people {
        let client = clients::create(
            services,
            plm,
            clients::NewClient {
                first_name: (*first_name).to_owned(),
                last_name: last_name.to_owned(),
                date_of_birth: Some(days_before(today, age * 365 + 40)),
                sex: Some(*sex),
            },
        )
        .await?;
        match relationship {
            None => head = Some(client.id),
            Some(relationship) => members.push((client.id, *relationship)),
        }
    }
    let head = head.ok_or_else(|| crate::error::AppError::internal("a demo family has no head"))?;
    Ok((head, members))
}

fn with(members: &[(uuid::Uuid, RelationshipToHoH)]) -> Vec<NewMember> {
    members
        .iter()
        .map(|(client_id, relationship)| NewMember {
            client_id: *client_id,
            relationship: *relationship,
            entry_date: None,
        })
        .collect()
}

/// Enrolls the family (its head and members) in `project` on `entry`.
async fn enroll(
    services: &Services,
    actor: &Actor,
    project: &project::Model,
    (head, members): (uuid::Uuid, &[(uuid::Uuid, RelationshipToHoH)]),
    entry: chrono::NaiveDate,
) -> AppResult<entity::enrollment::Model> {
    enrollments::create(
        services,
        actor,
        enrollments::NewEnrollment {
            client_id: head,
            project_id: project.id,
            entry_date: entry,
            members: with(members),
        },
    )
    .await
}

/// A family's CE intake and its referral to `program`; returns the head, the members and the
/// referral.
async fn referred(
    services: &Services,
    plm: &Actor,
    ce_project: &project::Model,
    program: &project::Model,
    family: (&str, &[Person]),
    ce_entry: chrono::NaiveDate,
) -> AppResult<(
    uuid::Uuid,
    Vec<(uuid::Uuid, RelationshipToHoH)>,
    entity::ce_event::Model,
)> {
    let (head, members) = clients_of(services, plm, family).await?;
    let ce_enrollment = enroll(services, plm, ce_project, (head, &members), ce_entry).await?;
    // HUD 4.19: the family is assessed and placed on the priority list before its referral.
    super::assess(
        services,
        plm,
        ce_enrollment.id,
        days_after(ce_entry, 2),
        (AssessmentLevel::HousingNeedsAssessment, 0),
        PrioritizationStatus::PlacedOnPrioritizationList,
    )
    .await?;
    let referral = ce_events::create(
        services,
        plm,
        ce_events::NewCeEvent {
            enrollment_id: ce_enrollment.id,
            event_date: days_after(ce_entry, 5),
            event_type: CeEventType::ReferralToPsh,
            referred_project_id: Some(program.id),
            safe_alternative_housed: None,
            enrolled_in_aftercare: None,
        },
    )
    .await?;
    Ok((head, members, referral))
}

pub(super) async fn seed(
    services: &Services,
    plm: &Actor,
    ce_project: &project::Model,
    program: &project::Model,
    staff: &Actor,
    seeded: &mut Seeded,
) -> AppResult<()> {
    let today = services.clock.today();
    let (head, members, referral) = referred(
        services,
        plm,
        ce_project,
        program,
        HOUSED,
        days_before(today, 70),
    )
    .await?;
    // The guide's order: the program enrolls the household first, then resolves the referral.
    let entry = days_after(referral.event_date, 10);
    let housed = enroll(services, staff, program, (head, &members), entry).await?;
    ce_events::resolve(
        services,
        staff,
        ce_events::Resolution {
            ce_event_id: referral.id,
            referral_result: ReferralResult::SuccessfulClientAccepted,
            result_date: None,
            resulting_enrollment_id: Some(housed.id),
            decline_reason: None,
            note: Some("The whole family moved in together".to_owned()),
        },
    )
    .await?;
    enrollments::record_move_in(services, staff, housed.id, days_after(entry, 12)).await?;

    referred(
        services,
        plm,
        ce_project,
        program,
        WAITING,
        days_before(today, 20),
    )
    .await?;
    seeded.clients += HOUSED.1.len() + WAITING.1.len();
    seeded.referrals += 2;
    seeded.pending += 1;
    Ok(())
}
