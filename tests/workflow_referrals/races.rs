//! Races: concurrent resolutions of one referral, or with one enrollment, let exactly one win; the
//! others get CONFLICT.

use super::*;

/// Fires all `attempts` at once, as (label, reply) in the order given.
async fn race<F, Fut>(attempts: Vec<(String, F)>) -> Vec<(String, Reply)>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Reply> + Send + 'static,
{
    let handles = attempts
        .into_iter()
        .map(|(label, attempt)| tokio::spawn(async move { (label, attempt().await) }));
    join_all(handles)
        .await
        .into_iter()
        .map(|joined| joined.expect("the task finished"))
        .collect()
}

/// Asserts exactly one attempt succeeded and every other one got CONFLICT; returns the winner's label.
fn single_winner(outcomes: &[(String, Reply)]) -> String {
    let winners: Vec<&String> = outcomes
        .iter()
        .filter(|(_, reply)| is_success(reply))
        .map(|(label, _)| label)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one winner: {outcomes:?}");
    for (_, reply) in outcomes.iter().filter(|(_, reply)| !is_success(reply)) {
        reply.expect_error("CONFLICT");
    }
    winners[0].clone()
}

#[tokio::test]
async fn concurrent_unsuccessful_resolutions_let_exactly_one_win() {
    let community = Community::new().await;
    let (_, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Twelve resolutions, each with its own result date and alternating results, so the stored row
    // shows whose write it is and that no two were mixed.
    let attempts = (1..=12)
        .map(|day| {
            let staff = community.staff_a.clone();
            let event = event.clone();
            let result = if day % 2 == 0 {
                PROVIDER_REJECTED
            } else {
                CLIENT_REJECTED
            };
            let date = format!("2026-03-{day:02}");
            let label = format!("{result} {date}");
            (label, move || async move {
                resolve(&staff, &event, result, Some(&date), None).await
            })
        })
        .collect();
    let outcomes = race(attempts).await;
    assert_eq!(outcomes.len(), 12);
    let winner = single_winner(&outcomes);
    let (result, date) = winner.split_once(' ').expect("label");

    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "UNSUCCESSFUL");
    assert_eq!(stored["referralResult"], result);
    assert_eq!(stored["resultDate"], date);
    assert!(stored["resultingEnrollment"].is_null());
    let row = stored_event(&community, &event).await;
    assert_eq!(
        row.resolved_as_organization_id.map(|o| o.to_string()),
        Some(community.housing_a.clone())
    );
}

#[tokio::test]
async fn concurrent_successful_resolutions_let_exactly_one_enrollment_win() {
    let community = Community::new().await;
    let (client, _, event) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    // Ten valid resulting enrollments of the client in the referred project: each exits on the day
    // the next one starts, so none overlaps another.
    let mut enrollments = Vec::new();
    for day in 1..=10 {
        let entry = format!("2026-03-{day:02}");
        let enrollment =
            create_enrollment(&community.staff_a, &client, &community.psh_a, &entry).await;
        if day < 10 {
            exit_enrollment(
                &community.staff_a,
                &enrollment,
                &format!("2026-03-{:02}", day + 1),
            )
            .await;
        }
        enrollments.push((enrollment, entry));
    }
    let attempts = enrollments
        .iter()
        .map(|(enrollment, _)| {
            let staff = community.staff_a.clone();
            let event = event.clone();
            let enrollment = enrollment.clone();
            (enrollment.clone(), move || async move {
                resolve(&staff, &event, SUCCESSFUL, None, Some(&enrollment)).await
            })
        })
        .collect();
    let outcomes = race(attempts).await;
    let winner = single_winner(&outcomes);
    let entry = &enrollments
        .iter()
        .find(|(enrollment, _)| *enrollment == winner)
        .expect("the winner is one of ours")
        .1;

    let stored = read_ce_event(&community.plm, &event).await;
    assert_eq!(stored["status"], "SUCCESSFUL");
    assert_eq!(stored["resultingEnrollment"]["id"], winner.as_str());
    assert_eq!(stored["resultDate"], entry.as_str());
    for (enrollment, _) in &enrollments {
        let read = read_enrollment(&community.staff_a, enrollment).await;
        if *enrollment == winner {
            assert_eq!(read["resolvedReferral"]["id"], event.as_str());
        } else {
            assert!(read["resolvedReferral"].is_null(), "{read}");
        }
    }
}

#[tokio::test]
async fn concurrent_referrals_resolved_with_one_enrollment_let_exactly_one_win() {
    let community = Community::new().await;
    let (client, ce_enrollment, first) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let mut events = vec![first];
    for _ in 1..10 {
        events.push(
            create_ce_event(
                &community.plm,
                &ce_enrollment,
                "2026-03-01",
                "REFERRAL_TO_PSH",
                Some(&community.psh_a),
            )
            .await,
        );
    }
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    let attempts = events
        .iter()
        .map(|event| {
            let staff = community.staff_a.clone();
            let event = event.clone();
            let housing = housing.clone();
            (event.clone(), move || async move {
                resolve(&staff, &event, SUCCESSFUL, None, Some(&housing)).await
            })
        })
        .collect();
    let outcomes = race(attempts).await;
    let winner = single_winner(&outcomes);

    for event in &events {
        if *event == winner {
            let stored = read_ce_event(&community.plm, event).await;
            assert_eq!(stored["resultingEnrollment"]["id"], housing.as_str());
        } else {
            assert_pending(&community.plm, event).await;
        }
    }
    let enrollment = read_enrollment(&community.staff_a, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], winner.as_str());
}
