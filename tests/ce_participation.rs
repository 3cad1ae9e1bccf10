//! HUD 2.09 Coordinated Entry Participation Status and rule D4: referrals go only to projects that
//! receive them on the event's date. Through HTTP against a real database.

mod common;

use common::*;
use serde_json::{Value, json};

const PARTICIPATION: &str = "query($id: ID!, $on: Date) { project(id: $id) { \
    receivesReferrals(date: $on) ceParticipation { accessPoint housingAssessment \
    receivesReferrals startDate endDate } } }";

async fn participation(who: &Gql, project: &str, on: Option<&str>) -> Value {
    who.ok(PARTICIPATION, json!({ "id": project, "on": on }))
        .await["project"]
        .clone()
}

const SET: &str = "mutation($input: SetCeParticipationInput!) { setCeParticipation(input: $input) \
    { receivesReferrals startDate endDate } }";

fn roles(project: &str, receives: bool, start: &str) -> Value {
    json!({ "input": { "projectId": project, "accessPoint": false, "preventionAssessment": false,
        "crisisAssessment": false, "housingAssessment": false, "directServices": false,
        "receivesReferrals": receives, "startDate": start } })
}

#[tokio::test]
async fn a_new_housing_project_receives_referrals_and_a_ce_project_is_an_access_point() {
    let community = Community::new().await;
    let psh = participation(&community.plm, &community.psh_a, None).await;
    assert_eq!(psh["receivesReferrals"], true, "{psh}");
    assert_eq!(
        psh["ceParticipation"],
        json!([{ "accessPoint": false, "housingAssessment": false, "receivesReferrals": true,
            "startDate": "2020-01-01", "endDate": null }])
    );
    // Before the project operated, it received nothing.
    let before = participation(&community.plm, &community.psh_a, Some("2019-12-31")).await;
    assert_eq!(before["receivesReferrals"], false);
    let ce = participation(&community.plm, &community.ce_project, None).await;
    assert_eq!(ce["receivesReferrals"], false);
    assert_eq!(ce["ceParticipation"][0]["accessPoint"], true);
}

#[tokio::test]
async fn referrals_go_only_to_projects_receiving_them_on_the_event_date() {
    let community = Community::new().await;
    let admin = community.admin();
    let stopped = admin
        .ok(SET, roles(&community.psh_a, false, "2026-03-01"))
        .await;
    assert_eq!(stopped["setCeParticipation"]["startDate"], "2026-03-01");
    let psh = participation(&community.plm, &community.psh_a, Some("2026-02-28")).await;
    assert_eq!(psh["receivesReferrals"], true);
    assert_eq!(psh["ceParticipation"][0]["endDate"], "2026-02-28", "{psh}");
    assert_eq!(psh["ceParticipation"][1]["endDate"], Value::Null);

    let (_, ce_enrollment) = community
        .client_in_ce("Par", "Ticipant", "2026-01-05")
        .await;
    let refused = try_create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-03-02",
        "REFERRAL_TO_PSH",
        Some(&community.psh_a),
    )
    .await;
    let message = refused.expect_error("BAD_USER_INPUT");
    assert!(
        message.contains("does not receive CE referrals on 2026-03-02"),
        "{message}"
    );
    // The same project received referrals until the day before the change.
    create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-02-28",
        "REFERRAL_TO_PSH",
        Some(&community.psh_a),
    )
    .await;
    // And does again once a new period says so.
    admin
        .ok(SET, roles(&community.psh_a, true, "2026-04-01"))
        .await;
    create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-04-01",
        "REFERRAL_TO_PSH",
        Some(&community.psh_a),
    )
    .await;
}

#[tokio::test]
async fn periods_never_overlap_and_only_an_admin_sets_them() {
    let community = Community::new().await;
    let admin = community.admin();
    admin
        .ok(SET, roles(&community.psh_a, false, "2026-03-01"))
        .await;
    let (psh_a, unknown) = (community.psh_a.as_str(), unknown_id());
    // (case, who, project, receivesReferrals, startDate, code, what the message says)
    #[rustfmt::skip]
    let cases = [
        ("by a PLM", &community.plm, psh_a, false, "2026-03-01", "FORBIDDEN", "Only an ADMIN may do this"),
        ("by housing staff", &community.staff_a, psh_a, false, "2026-03-01", "FORBIDDEN", "Only an ADMIN may do this"),
        // Before the latest period's start: refused (on it, the period is corrected).
        ("before the latest period's start", &admin, psh_a, true, "2026-02-01", "BAD_USER_INPUT", "periods never overlap"),
        ("before the project operated", &admin, psh_a, true, "2019-01-01", "BAD_USER_INPUT", "before the project's operatingStartDate 2020-01-01"),
        ("of an unknown project", &admin, &unknown, true, "2026-03-01", "NOT_FOUND", "No project has id"),
    ];
    let periods = participation(&community.plm, psh_a, None).await["ceParticipation"].clone();
    for (name, who, project, receives, start, code, says) in cases {
        let reply = who.run(SET, roles(project, receives, start)).await;
        reply.expect_refused(name, code, says);
        let now = participation(&community.plm, psh_a, None).await;
        assert_eq!(now["ceParticipation"], periods, "case {name}");
    }
    admin
        .ok(SET, roles(&community.psh_a, true, "2026-03-01"))
        .await;
    let psh = participation(&community.plm, &community.psh_a, Some("2026-03-05")).await;
    assert_eq!(psh["receivesReferrals"], true);
    assert_eq!(psh["ceParticipation"].as_array().map(Vec::len), Some(2));
}

/// The HUD 2.09 migration, by name: the test rolls back to just before it, however many land later.
const CE_PARTICIPATION_MIGRATION: &str = "m20261201_000003_ce_participation";

#[tokio::test]
async fn the_migration_gives_every_existing_project_its_period() {
    use migration::{MigratorTrait, SchemaManager};
    let community = Community::new().await;
    let db = &community.server.services.db;
    let migrations = migration::Migrator::migrations();
    let position = migrations
        .iter()
        .position(|m| m.name() == CE_PARTICIPATION_MIGRATION)
        .expect("the 2.09 migration is in the Migrator");
    // 2.09 and every migration after it.
    let steps = u32::try_from(migrations.len() - position).expect("a few migrations");
    // Back to before 2.09, then forward again: the projects made since get their periods.
    migration::Migrator::down(db, Some(steps))
        .await
        .expect("down to before 2.09");
    let manager = SchemaManager::new(db);
    assert!(
        !manager
            .has_table("ce_participation")
            .await
            .expect("has_table"),
        "rolled back past 2.09: no ce_participation table"
    );
    let pending = migration::Migrator::get_pending_migrations(db)
        .await
        .expect("pending migrations");
    assert_eq!(
        pending.first().map(|m| m.name().to_owned()).as_deref(),
        Some(CE_PARTICIPATION_MIGRATION)
    );
    migration::Migrator::up(db, None).await.expect("up again");
    let psh = participation(&community.plm, &community.psh_a, None).await;
    assert_eq!(psh["receivesReferrals"], true);
    assert_eq!(
        psh["ceParticipation"],
        json!([{ "accessPoint": false, "housingAssessment": false, "receivesReferrals": true,
            "startDate": "2020-01-01", "endDate": null }])
    );
    let ce = participation(&community.plm, &community.ce_project, None).await;
    assert_eq!(ce["ceParticipation"][0]["accessPoint"], true);
    assert_eq!(ce["ceParticipation"][0]["housingAssessment"], true);
    assert_eq!(ce["receivesReferrals"], false);
}
