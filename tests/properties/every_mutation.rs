//! One property per mutation: random and hostile cases against a fresh server, each answered
//! cleanly and leaving the data consistent.

use super::*;

/// Runs `mutation`'s cases against one fresh server.
fn property(mutation: Mutation, seed: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let world = RefCell::new(runtime.block_on(World::new()));
    let mut config = Config {
        failure_persistence: None,
        max_shrink_iters: 32,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    let seed_used = config.rng_seed;
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let result = runner.run(&mutation.cases(), |case| {
        let mut world = world.borrow_mut();
        runtime
            .block_on(world.check(mutation, case))
            .map_err(TestCaseError::fail)
    });
    let world = world.into_inner();
    eprintln!(
        "{} on {}: {cases} cases (seed {seed_used:?}): {:?}",
        mutation.field(),
        backend_name(),
        world.outcomes
    );
    if let Err(failure) = result {
        panic!(
            "{} (seed {seed_used:?}; rerun with PROPTEST_RNG_SEED): {failure}",
            mutation.field()
        );
    }
    drop(world);
}

#[test]
fn create_organization_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateOrganization, 0x4845_4152_5448_0001);
}

#[test]
fn create_project_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateProject, 0x4845_4152_5448_0002);
}

#[test]
fn create_user_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateUser, 0x4845_4152_5448_0003);
}

#[test]
fn grant_role_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::GrantRole, 0x4845_4152_5448_0004);
}

#[test]
fn create_api_token_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateApiToken, 0x4845_4152_5448_0005);
}

#[test]
fn revoke_api_token_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::RevokeApiToken, 0x4845_4152_5448_0006);
}

#[test]
fn create_client_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateClient, 0x4845_4152_5448_0007);
}

#[test]
fn create_enrollment_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateEnrollment, 0x4845_4152_5448_0008);
}

#[test]
fn record_move_in_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::RecordMoveIn, 0x4845_4152_5448_0009);
}

#[test]
fn exit_enrollment_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::ExitEnrollment, 0x4845_4152_5448_000a);
}

#[test]
fn create_ce_event_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::CreateCeEvent, 0x4845_4152_5448_000b);
}

#[test]
fn resolve_referral_answers_cleanly_and_keeps_data_consistent() {
    property(Mutation::ResolveReferral, 0x4845_4152_5448_000c);
}
