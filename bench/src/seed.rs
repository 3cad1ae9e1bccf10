//! Seeds a realistic Coordinated Entry community at a chosen scale into a database that Hearth's
//! migrations made.
//!
//! Organizations, projects, users, memberships and API tokens go through `hearth::service::admin`, so
//! the tokens are real and the rules of the service layer apply. Clients, enrollments and CE events
//! are the bulk of the data: they go through the service layer's batch write path
//! (`hearth::service::batch`, the HMIS import's too), which applies each record's rules
//! (`domain::rules`: an enrollment's entry and move-in, an event's dates, the project a referral
//! names and whether it receives referrals) and writes each record with its audit row (operation
//! `hearth-bench seed`, by the community's ADMIN), in one transaction. A generated record that
//! breaks a rule stops the seeder: the benchmark's data is data the API would accept.
//!
//! What the generator keeps besides: dates in order (CE entry <= events <= result <= today), a
//! successful referral's resulting enrollment is the same client's, in the referred project,
//! entered on or after the event date, and resolves no other referral (`rules::ce_event::result`
//! checks each result's date); a client is referred to a project once. The names are the demo's
//! (`hearth::demo::names`).

use crate::Result;
use chrono::{Days, NaiveDate, Utc};
use clap::Parser;
use entity::{ce_event, ce_participation, client, enrollment, household};
use hearth::config::{CommunitySettings, DatabaseSettings};
use hearth::demo::names::{FIRST_NAMES, LAST_NAMES};
use hearth::domain::codes::ReferredProjectRule;
use hearth::domain::rules;
use hearth::domain::{
    Actor, CeEventType, NoYes, ProjectType, ReferralResult, RelationshipToHoH, Role,
};
use hearth::service::batch::Batch;
use hearth::service::{Services, admin, audit, obey};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

/// The audit trail's operation for what the seeder writes.
const OPERATION: &str = "hearth-bench seed";
/// The community's ADMIN, whom the audit rows of the seeded records name.
const ADMIN_EMAIL: &str = "admin@bench.hearth.example";
/// Clients whose records are written at a time: bounds the seeder's memory at any scale.
const CLIENTS_PER_FLUSH: usize = 5_000;

/// Housing organizations in the community, each operating [`PROJECTS_PER_ORGANIZATION`] projects.
pub const HOUSING_ORGANIZATIONS: usize = 20;
const PROJECTS_PER_ORGANIZATION: usize = 3;
/// HOUSING_STAFF users per housing organization.
const STAFF_PER_ORGANIZATION: usize = 2;
/// Probability that a housing referral is resolved.
const RESOLVED_SHARE: f64 = 0.5;
/// Of the resolved referrals, the share that succeeded (the rest: client or provider rejected).
const SUCCESSFUL_SHARE: f64 = 0.65;

const CE_AGENCY: &str = "Metro Coordinated Entry";
const ORGANIZATION_NAMES: [&str; HOUSING_ORGANIZATIONS] = [
    "Hope Housing Partners",
    "Harbor Homes",
    "Bridgeway Shelter Alliance",
    "Cedar Street Housing",
    "Northside Family Services",
    "Riverbend Supportive Housing",
    "New Dawn Transitional Living",
    "Open Door Rapid Re-Housing",
    "Safe Harbor Youth Services",
    "Veterans Home Base",
    "Lighthouse Community Housing",
    "Maple Grove Residences",
    "Second Chance Housing",
    "Unity Shelter Network",
    "Crossroads Housing Collaborative",
    "Evergreen Supportive Living",
    "Pathways Home",
    "Summit Housing Services",
    "Haven House",
    "Keystone Housing Partners",
];
/// The project types the housing organizations run, in turn. The referral event types that fit each
/// are the domain's (`CeEventType::referred_project_rule`, rule D2), not a list of the seeder's own.
const HOUSING_TYPES: [(ProjectType, &str); 4] = [
    (
        ProjectType::PhPermanentSupportiveHousing,
        "Permanent Supportive Housing",
    ),
    (ProjectType::PhRapidReHousing, "Rapid Re-Housing"),
    (ProjectType::TransitionalHousing, "Transitional Housing"),
    (ProjectType::EsEntryExit, "Emergency Shelter"),
];

/// The referral event types still collected whose referred project may be of `project_type`.
fn fitting_events(project_type: ProjectType) -> Vec<CeEventType> {
    CeEventType::ALL
        .iter()
        .copied()
        .filter(|event| event.is_collected())
        .filter(|event| match event.referred_project_rule() {
            ReferredProjectRule::Required(types) => types.contains(&project_type),
            ReferredProjectRule::Optional | ReferredProjectRule::Forbidden => false,
        })
        .collect()
}

/// A signed-in user of the community and the organization they act as.
#[derive(Clone, Debug)]
pub struct Member {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub token: String,
}

/// A housing referral left pending, for W4 to resolve.
#[derive(Clone, Debug)]
pub struct PendingReferral {
    pub ce_event_id: Uuid,
    pub client_id: Uuid,
    pub project_id: Uuid,
    pub organization_id: Uuid,
    pub event_date: NaiveDate,
}

/// How many rows of each kind were seeded.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub organizations: usize,
    pub projects: usize,
    pub users: usize,
    pub clients: usize,
    pub enrollments: usize,
    pub ce_events: usize,
    pub referrals: usize,
    pub pending: usize,
    pub successful: usize,
    pub unsuccessful: usize,
}

impl Counts {
    pub fn describe(&self) -> String {
        format!(
            "{} organizations, {} projects, {} users, {} clients, {} enrollments, {} CE events \
             ({} housing referrals: {} successful, {} unsuccessful, {} pending)",
            self.organizations,
            self.projects,
            self.users,
            self.clients,
            self.enrollments,
            self.ce_events,
            self.referrals,
            self.successful,
            self.unsuccessful,
            self.pending
        )
    }
}

/// What the benchmark needs to know of the seeded community.
pub struct Community {
    /// "Today" of the seeded data: the server runs with HEARTH_TODAY set to it.
    pub today: NaiveDate,
    pub plm: Member,
    /// HOUSING_STAFF, [`STAFF_PER_ORGANIZATION`] per housing organization.
    pub staff: Vec<Member>,
    pub client_ids: Vec<Uuid>,
    pub pending: Vec<PendingReferral>,
    pub counts: Counts,
}

impl Community {
    /// The first staff member of each housing organization.
    pub fn staff_of(&self, organization_id: Uuid) -> Option<&Member> {
        self.staff
            .iter()
            .find(|m| m.organization_id == organization_id)
    }
}

#[derive(Parser)]
struct Settings {
    #[command(flatten)]
    database: DatabaseSettings,
    #[command(flatten)]
    community: CommunitySettings,
}

/// Hearth's services on `database_url` (running its migrations), with "today" fixed.
pub async fn open(database_url: &str, today: NaiveDate) -> Result<Services> {
    open_with(database_url, today, "30").await
}

/// As [`open`], with PostgreSQL's statement_timeout `timeout` seconds ("0": none).
async fn open_with(database_url: &str, today: NaiveDate, timeout: &str) -> Result<Services> {
    let settings = Settings::try_parse_from([
        "hearth-bench",
        "--database-url",
        database_url,
        "--today",
        &today.to_string(),
        "--db-statement-timeout-secs",
        timeout,
    ])?;
    Ok(hearth::open(&settings.database, &settings.community).await?)
}

struct HousingProject {
    id: Uuid,
    name: String,
    organization_id: Uuid,
    project_type: ProjectType,
    fitting_events: Vec<CeEventType>,
    /// What the enrollment rules read of it.
    facts: rules::enrollment::ProjectFacts,
    /// Its HUD 2.09 periods, for rule D4 on the referrals to it.
    participation: Vec<ce_participation::Model>,
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn days_after_capped(date: NaiveDate, days: u64, cap: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(days))
        .unwrap_or(date)
        .min(cap)
}

/// Seeds `scale` clients into the empty (or not yet migrated) database at `database_url`.
pub async fn seed(database_url: &str, scale: usize, rng_seed: u64) -> Result<Community> {
    let today = Utc::now().date_naive();
    // A bulk load: its commit and the VACUUM ANALYZE after it take minutes at 1M clients, past the
    // server's statement timeout.
    let services = open_with(database_url, today, "0").await?;
    let mut rng = StdRng::seed_from_u64(rng_seed);
    let mut counts = Counts::default();

    // Who runs the community: an ADMIN, the CE lead agency and its PLM, the housing organizations
    // and their staff, all through the service layer.
    let bootstrap = admin::create_admin(&services, ADMIN_EMAIL, Some("Bench Admin")).await?;
    let admin_actor = Actor {
        user_id: bootstrap.user.id,
        organization_id: bootstrap.organization.id,
        role: Role::Admin,
    };
    let opened = days_before(today, 6 * 365);
    let ce_agency = admin::create_organization(&services, &admin_actor, CE_AGENCY, false).await?;
    let ce_project = admin::create_project(
        &services,
        &admin_actor,
        admin::NewProject {
            organization_id: ce_agency.id,
            name: "Metro Coordinated Entry Access Point".to_owned(),
            project_type: ProjectType::CoordinatedEntry,
            operating_start_date: opened,
            operating_end_date: None,
            continuum_project: None,
            coc_code: None,
        },
    )
    .await?;
    counts.organizations = 2 + HOUSING_ORGANIZATIONS;
    counts.projects = 1;
    let plm = member(
        &services,
        &admin_actor,
        "plm@metro-ce.bench.example",
        "Priya Lindqvist",
        ce_agency.id,
        Role::PriorityListManager,
    )
    .await?;
    counts.users = 2;

    let mut housing = Vec::new();
    let mut staff = Vec::new();
    for (o, name) in ORGANIZATION_NAMES.iter().enumerate() {
        let org = admin::create_organization(&services, &admin_actor, name, o % 7 == 6).await?;
        for p in 0..PROJECTS_PER_ORGANIZATION {
            let (project_type, label) =
                HOUSING_TYPES[(o * PROJECTS_PER_ORGANIZATION + p) % HOUSING_TYPES.len()];
            let project = admin::create_project(
                &services,
                &admin_actor,
                admin::NewProject {
                    organization_id: org.id,
                    name: format!("{name} {label}"),
                    project_type,
                    operating_start_date: opened,
                    operating_end_date: None,
                    continuum_project: None,
                    coc_code: None,
                },
            )
            .await?;
            housing.push(HousingProject {
                id: project.id,
                name: project.name.clone(),
                organization_id: org.id,
                project_type,
                fitting_events: fitting_events(project_type),
                facts: admin::project_facts(&project),
                participation: ce_participation::Entity::find()
                    .filter(ce_participation::Column::ProjectId.eq(project.id))
                    .all(&services.db)
                    .await?,
            });
            counts.projects += 1;
        }
        for s in 0..STAFF_PER_ORGANIZATION {
            let member = member(
                &services,
                &admin_actor,
                &format!("staff{s}@org{o}.bench.example"),
                &format!("Staff {s} of {name}"),
                org.id,
                Role::HousingStaff,
            )
            .await?;
            staff.push(member);
            counts.users += 1;
        }
    }

    // The clients, their CE enrollments and CE events, through the service layer's batch write
    // path: each record under the rules its mutation applies, each with its audit row, in one
    // transaction, flushed every CLIENTS_PER_FLUSH clients so that memory stays bounded.
    let now = Utc::now();
    let ce_facts = admin::project_facts(&ce_project);
    let txn = services.db.begin().await?;
    let who = audit::operator(&txn, Some(ADMIN_EMAIL), OPERATION).await?;
    let mut batch = Batch::default();
    let mut pending = Vec::new();
    let mut client_ids = Vec::with_capacity(scale);
    for c in 0..scale {
        let client_id = Uuid::now_v7();
        client_ids.push(client_id);
        let first = FIRST_NAMES.choose(&mut rng).copied().unwrap_or("Alex");
        let last = LAST_NAMES.choose(&mut rng).copied().unwrap_or("Smith");
        batch.clients.push(client::ActiveModel {
            id: Set(client_id),
            first_name: Set(first.to_owned()),
            last_name: Set(last.to_owned()),
            sex: Set(hearth::domain::Sex::DataNotCollected),
            first_name_search: Set(hearth::domain::values::name_search_key(first)),
            last_name_search: Set(hearth::domain::values::name_search_key(last)),
            date_of_birth: Set(Some(days_before(
                today,
                rng.random_range(18 * 365..80 * 365),
            ))),
            created_by_organization_id: Set(ce_agency.id),
            date_created: Set(now),
            date_updated: Set(now),
            user_id: Set(Some(plm.user_id)),
            date_deleted: Set(None),
            hud_id: Set(None),
            hud_user_id: Set(None),
        });
        counts.clients += 1;
        let ce_entry = days_before(today, rng.random_range(45..1500));
        let ce_enrollment_id = Uuid::now_v7();
        batch
            .households
            .push(household_of_one(ce_enrollment_id, ce_project.id, now));
        let enrollment = new_enrollment(
            &services.coc_code,
            ce_enrollment_id,
            client_id,
            ce_project.id,
            ce_entry,
            plm.user_id,
            now,
        );
        obey(batch.add_enrollment(enrollment, &ce_facts, today)?)?;
        counts.enrollments += 1;
        let ce_enrollment = rules::ce_event::CeEnrollmentFacts {
            project_type: ProjectType::CoordinatedEntry,
            entry_date: ce_entry,
            exit_date: None,
        };

        // 1-3 CE events: with two or three, an assessment first, then housing referrals.
        let event_count = match rng.random_range(0..10) {
            0..=2 => 1,
            3..=6 => 2,
            _ => 3,
        };
        let mut event_date = ce_entry;
        let mut referred: Vec<&HousingProject> = housing.iter().collect();
        referred.shuffle(&mut rng);
        for (j, project) in referred.iter().copied().enumerate().take(event_count) {
            event_date = days_after_capped(event_date, rng.random_range(1..12), today);
            let referral = j > 0 || (event_count == 1 && rng.random_bool(0.7));
            let mut event = new_event(client_id, ce_enrollment_id, event_date, plm.user_id, now);
            counts.ce_events += 1;
            if !referral {
                if event_count == 1 && rng.random_bool(0.5) {
                    event.event_type = Set(CeEventType::ProblemSolvingDiversionRapidResolution);
                    let housed = rng.random_range(0..=1_i32) == 1;
                    event.prob_sol_div_rr_result = Set(Some(NoYes::from(housed)));
                }
                obey(batch.add_event(event, &ce_enrollment, None, today)?)?;
                continue;
            }
            // A client is referred to a project at most once.
            let event_type = *project
                .fitting_events
                .choose(&mut rng)
                .unwrap_or(&CeEventType::ReferralToPsh);
            event.event_type = Set(event_type);
            event.referred_project_id = Set(Some(project.id));
            counts.referrals += 1;
            let resolver = staff
                .iter()
                .filter(|m| m.organization_id == project.organization_id)
                .collect::<Vec<_>>()
                .choose(&mut rng)
                .map(|m| m.user_id)
                .unwrap_or(plm.user_id);
            if !rng.random_bool(RESOLVED_SHARE) {
                pending.push(PendingReferral {
                    ce_event_id: *event_id(&event),
                    client_id,
                    project_id: project.id,
                    organization_id: project.organization_id,
                    event_date,
                });
                counts.pending += 1;
            } else if rng.random_bool(SUCCESSFUL_SHARE) {
                // Intake first, on or after the event date; then the event names it.
                let entry = days_after_capped(event_date, rng.random_range(0..30), today);
                let enrollment_id = Uuid::now_v7();
                let mut housing_enrollment = new_enrollment(
                    &services.coc_code,
                    enrollment_id,
                    client_id,
                    project.id,
                    entry,
                    resolver,
                    now,
                );
                let move_in = days_after_capped(entry, rng.random_range(3..40), today);
                // HUD 3.20: only permanent housing has a move-in (the batch refuses one elsewhere).
                if project.project_type.is_permanent_housing()
                    && rng.random_bool(0.5)
                    && move_in > entry
                {
                    housing_enrollment.move_in_date = Set(Some(move_in));
                }
                obey(batch.add_enrollment(housing_enrollment, &project.facts, today)?)?;
                counts.enrollments += 1;
                batch
                    .households
                    .push(household_of_one(enrollment_id, project.id, now));
                event.referral_result = Set(Some(ReferralResult::SuccessfulClientAccepted));
                event.result_date = Set(Some(entry));
                event.resulting_enrollment_id = Set(Some(enrollment_id));
                obey(rules::ce_event::result(
                    event_type, event_date, entry, today,
                ))?;
                resolved_by(&mut event, resolver, project.organization_id);
                counts.successful += 1;
            } else {
                let result = if rng.random_bool(0.5) {
                    ReferralResult::UnsuccessfulClientRejected
                } else {
                    ReferralResult::UnsuccessfulProviderRejected
                };
                let result_date = days_after_capped(event_date, rng.random_range(0..21), today);
                event.referral_result = Set(Some(result));
                event.result_date = Set(Some(result_date));
                obey(rules::ce_event::result(
                    event_type,
                    event_date,
                    result_date,
                    today,
                ))?;
                resolved_by(&mut event, resolver, project.organization_id);
                counts.unsuccessful += 1;
            }
            let receiving = rules::ce_event::ReferredFacts {
                project_type: project.project_type,
                receives: hearth::service::ce_participation::receives_on(
                    &project.participation,
                    event_date,
                ),
                location: &project.name,
            };
            obey(batch.add_event(event, &ce_enrollment, Some(&receiving), today)?)?;
        }
        if (c + 1) % CLIENTS_PER_FLUSH == 0 {
            batch.flush(&txn, who, OPERATION).await?;
        }
    }
    batch.flush(&txn, who, OPERATION).await?;
    txn.commit().await?;
    // Fresh statistics for the planner, as autovacuum would gather after a bulk load. SQLite keeps
    // none unless asked (`ANALYZE`), and Hearth does not ask: it is left as Hearth runs it.
    if services.db.get_database_backend() == DbBackend::Postgres {
        services.db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    services.db.clone().close().await?;

    Ok(Community {
        today,
        plm,
        staff,
        client_ids,
        pending,
        counts,
    })
}

/// A user with one membership and an API token, made as the ADMIN would through the API.
async fn member(
    services: &Services,
    admin_actor: &Actor,
    email: &str,
    name: &str,
    organization_id: Uuid,
    role: Role,
) -> Result<Member> {
    let user = admin::create_user(services, admin_actor, email, name).await?;
    admin::grant_role(services, admin_actor, user.id, organization_id, role).await?;
    let (token, _) =
        admin::create_api_token(services, admin_actor, user.id, "hearth-bench", None).await?;
    Ok(Member {
        user_id: user.id,
        organization_id,
        token,
    })
}

fn new_enrollment(
    coc_code: &str,
    id: Uuid,
    client_id: Uuid,
    project_id: Uuid,
    entry_date: NaiveDate,
    user_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> enrollment::ActiveModel {
    enrollment::ActiveModel {
        id: Set(id),
        client_id: Set(client_id),
        project_id: Set(project_id),
        entry_date: Set(entry_date),
        exit_date: Set(None),
        destination: Set(None),
        move_in_date: Set(None),
        date_created: Set(now),
        date_updated: Set(now),
        user_id: Set(Some(user_id)),
        date_deleted: Set(None),
        hud_id: Set(None),
        hud_user_id: Set(None),
        exit_hud_id: Set(None),
        // HUD 2.03 as createEnrollment stores it: the CoC of the project at entry (the seeded
        // projects name none, so the community's).
        enrollment_coc: Set(Some(coc_code.to_owned())),
        // Each seeded enrollment heads a household of one that takes its id.
        household_id: Set(id),
        relationship_to_hoh: Set(RelationshipToHoH::SelfHeadOfHousehold),
    }
}

fn household_of_one(
    id: Uuid,
    project_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> household::ActiveModel {
    household::ActiveModel {
        id: Set(id),
        project_id: Set(project_id),
        hud_id: Set(None),
        date_created: Set(now),
        date_updated: Set(now),
    }
}

fn new_event(
    client_id: Uuid,
    enrollment_id: Uuid,
    event_date: NaiveDate,
    user_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> ce_event::ActiveModel {
    ce_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        enrollment_id: Set(enrollment_id),
        // The CE enrollment heads its own household (`household_of_one`).
        household_id: Set(enrollment_id),
        client_id: Set(client_id),
        event_date: Set(event_date),
        event_type: Set(CeEventType::ReferralToCeHousingNeedsAssessment),
        prob_sol_div_rr_result: Set(None),
        referral_case_manage_after: Set(None),
        referred_project_id: Set(None),
        referral_result: Set(None),
        result_date: Set(None),
        resulting_enrollment_id: Set(None),
        resolved_by_user_id: Set(None),
        resolved_as_organization_id: Set(None),
        date_created: Set(now),
        date_updated: Set(now),
        user_id: Set(Some(user_id)),
        date_deleted: Set(None),
        hud_id: Set(None),
        hud_user_id: Set(None),
        acknowledged_at: Set(None),
        acknowledged_by_user_id: Set(None),
        decline_reason: Set(None),
        cancelled_at: Set(None),
        cancellation_reason: Set(None),
    }
}

fn event_id(event: &ce_event::ActiveModel) -> &Uuid {
    match &event.id {
        Set(id) => id,
        _ => unreachable!("every seeded event has its id set"),
    }
}

fn resolved_by(event: &mut ce_event::ActiveModel, user_id: Uuid, organization_id: Uuid) {
    event.resolved_by_user_id = Set(Some(user_id));
    event.resolved_as_organization_id = Set(Some(organization_id));
    event.user_id = Set(Some(user_id));
}
