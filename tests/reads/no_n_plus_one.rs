//! No N+1: a nested read costs as many SQL statements over 50 clients as over 5, on one thread or
//! several.

use super::*;

const NESTED_READ: &str = "{
  clients(first: 100) {
    nodes {
      enrollments {
        project { organization { name } }
        ceEvents { referredProject { name } resultingEnrollment { entryDate } notes { text } }
        household { householdType members { relationshipToHoH client { firstName } } }
        assessments { assessmentDate }
      }
      ceEvents { id }
      assessments { prioritizationStatus }
    }
  }
}";

/// Adds `count` clients, each with a CE enrollment and a referral to A's PSH; every other one is
/// resolved successfully with a housing enrollment, so every nested field has rows to load.
async fn add_referred_clients(community: &Community, from: usize, count: usize) {
    for i in from..from + count {
        let client = create_client(&community.plm, &format!("Bulk{i:03}"), "Nplusone").await;
        let ce =
            create_enrollment(&community.plm, &client, &community.ce_project, "2026-01-05").await;
        let event = create_ce_event(
            &community.plm,
            &ce,
            "2026-02-01",
            "REFERRAL_TO_PSH",
            Some(&community.psh_a),
        )
        .await;
        // Every level has rows to load: an assessment, and a note on the referral.
        community
            .plm
            .ok(
                "mutation($input: RecordAssessmentInput!) { recordAssessment(input: $input) { id } }",
                json!({ "input": {
                    "enrollmentId": ce, "assessmentDate": "2026-01-20", "location": "Access point",
                    "assessmentType": "IN_PERSON", "assessmentLevel": "HOUSING_NEEDS_ASSESSMENT",
                    "prioritizationStatus": "PLACED_ON_PRIORITIZATION_LIST"
                }}),
            )
            .await;
        community
            .plm
            .ok(
                "mutation($id: ID!) { addReferralNote(input: { ceEventId: $id, text: \"Call first\" }) { id } }",
                json!({ "id": event }),
            )
            .await;
        if i % 2 == 0 {
            let housing =
                create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-01")
                    .await;
            resolve_successfully(&community.staff_a, &event, &housing).await;
        }
    }
}

/// Runs [`NESTED_READ`] `runs` times as `who`, checking it returns `clients` clients with their nested
/// rows; returns the statements each run cost.
async fn nested_read_costs(
    community: &Community,
    who: &Gql,
    clients: usize,
    runs: usize,
) -> Vec<u64> {
    // The first request of a token may refresh its last-used time: not part of the read's cost.
    warm_up(who).await;
    let mut costs = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (reply, cost) = counting(&community.server, who, NESTED_READ, json!({})).await;
        let nodes = reply.data()["clients"]["nodes"].clone();
        let nodes = nodes.as_array().expect("nodes");
        assert_eq!(nodes.len(), clients);
        // The rows really were loaded: every client shows its CE enrollment and its referral.
        for node in nodes {
            assert!(
                !node["enrollments"]
                    .as_array()
                    .expect("enrollments")
                    .is_empty()
            );
            assert_eq!(node["ceEvents"].as_array().expect("ceEvents").len(), 1);
        }
        let text = reply.body.to_string();
        assert!(
            text.contains("Hope PSH") && text.contains("2026-03-01"),
            "{text}"
        );
        costs.push(cost);
    }
    costs
}

fn least(costs: &[u64]) -> u64 {
    costs.iter().copied().min().expect("at least one run")
}

fn most(costs: &[u64]) -> u64 {
    costs.iter().copied().max().expect("at least one run")
}

/// On the test's single-threaded runtime. Each size is read a few times and the cheapest run taken:
/// a per-row query (N+1) would cost more on every run, while the DataLoader's 1 ms batching window
/// can, rarely, split a batch on a busy machine (see the multi-threaded test below).
#[tokio::test]
async fn nested_read_runs_as_many_statements_for_50_clients_as_for_5() {
    let community = Community::new().await;
    add_referred_clients(&community, 0, 5).await;
    let plm_small = nested_read_costs(&community, &community.plm, 5, 5).await;
    let staff_small = nested_read_costs(&community, &community.staff_a, 5, 5).await;
    add_referred_clients(&community, 5, 45).await;
    let plm_large = nested_read_costs(&community, &community.plm, 50, 5).await;
    let staff_large = nested_read_costs(&community, &community.staff_a, 50, 5).await;
    assert!(
        least(&plm_small) > 0,
        "the statement counter does not count"
    );
    assert_eq!(
        least(&plm_small),
        least(&plm_large),
        "PLM: {plm_small:?} statements over 5 clients, {plm_large:?} over 50"
    );
    assert!(least(&staff_small) > 0);
    assert_eq!(
        least(&staff_small),
        least(&staff_large),
        "staff A: {staff_small:?} statements over 5 clients, {staff_large:?} over 50"
    );
}

/// The same on a multi-threaded runtime, as `hearth serve` runs (`#[tokio::main]`): no run over 50
/// clients may cost more statements than the runs over 5 do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_read_statement_count_does_not_grow_with_rows_on_a_multi_threaded_runtime() {
    let community = Community::new().await;
    add_referred_clients(&community, 0, 5).await;
    let small = nested_read_costs(&community, &community.plm, 5, 5).await;
    add_referred_clients(&community, 5, 45).await;
    let large = nested_read_costs(&community, &community.plm, 50, 5).await;
    assert!(least(&small) > 0, "the statement counter does not count");
    assert!(
        most(&large) <= most(&small),
        "statements per run: {small:?} over 5 clients, {large:?} over 50"
    );
}
