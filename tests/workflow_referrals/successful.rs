//! SUCCESSFUL_CLIENT_ACCEPTED: the client's enrollment in the referred project, from its entry date,
//! resolving no other referral.

use super::*;

#[tokio::test]
async fn a_successful_resolution_names_the_client_s_enrollment_in_the_referred_project_from_its_entry()
 {
    use Referral::*;
    use Resulting::*;
    use Who::*;
    let community = Community::new().await;
    let callers = Callers::new(&community).await;
    #[rustfmt::skip]
    let cases = [
        // Even with an intake done, the resolution must name it.
        Refusal { name: "no resulting enrollment", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: IntakeNotNamed("2026-03-10"), code: "BAD_USER_INPUT", says: "resultingEnrollmentId is required for SUCCESSFUL_CLIENT_ACCEPTED" },
        Refusal { name: "no resulting enrollment, a result date", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-10"), resulting: IntakeNotNamed("2026-03-10"), code: "BAD_USER_INPUT", says: "resultingEnrollmentId is required for SUCCESSFUL_CLIENT_ACCEPTED" },
        Refusal { name: "another client's enrollment", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: OtherClientsInPshA, code: "BAD_USER_INPUT", says: "belongs to another client than the referral's" },
        // Same client, same organization, but not the referred project; ADMIN sees every enrollment,
        // and the project rule still holds.
        Refusal { name: "an enrollment in another project", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InRrhA, code: "BAD_USER_INPUT", says: "is not in the referred project" },
        Refusal { name: "an enrollment in another project, by an ADMIN", who: Admin, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InRrhA, code: "BAD_USER_INPUT", says: "is not in the referred project" },
        Refusal { name: "an enrollment not visible", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InShelterOfB, code: "NOT_FOUND", says: "No enrollment with id" },
        Refusal { name: "an unknown enrollment", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: UnknownEnrollment, code: "NOT_FOUND", says: "No enrollment with id" },
        Refusal { name: "an enrollment from before the event", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: None, resulting: InPshA("2026-02-28"), code: "BAD_USER_INPUT", says: "starts 2026-02-28, before the referral's eventDate 2026-03-01" },
        Refusal { name: "an enrollment and a result date before the event", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-02-28"), resulting: InPshA("2026-02-28"), code: "BAD_USER_INPUT", says: "starts 2026-02-28, before the referral's eventDate 2026-03-01" },
        // resultDate must equal the resulting enrollment's entryDate.
        Refusal { name: "a result date the day before entry", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-09"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultDate 2026-03-09 must equal the resulting enrollment's entryDate 2026-03-10" },
        Refusal { name: "a result date the day after entry", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-11"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultDate 2026-03-11 must equal the resulting enrollment's entryDate 2026-03-10" },
        Refusal { name: "a result date of the event", who: StaffA, referral: ToPshA, result: SUCCESSFUL, result_date: Some("2026-03-01"), resulting: InPshA("2026-03-10"), code: "BAD_USER_INPUT", says: "resultDate 2026-03-01 must equal the resulting enrollment's entryDate 2026-03-10" },
        // The PLM sees this enrollment (made by an ADMIN), but it is in org A's project, not the CE
        // lead agency's.
        Refusal { name: "no project, an enrollment of another organization", who: Plm, referral: WithoutProject, result: SUCCESSFUL, result_date: None, resulting: MadeByAdminInPshA, code: "BAD_USER_INPUT", says: "is not in a project of the organization you act as" },
    ];
    assert_refused(&community, &callers, &cases).await;
}

#[tokio::test]
async fn enrollment_resolving_another_referral_is_a_conflict() {
    let community = Community::new().await;
    let (client, ce_enrollment, first) = community
        .referral("REFERRAL_TO_PSH", &community.psh_a, "2026-03-01")
        .await;
    let second = create_ce_event(
        &community.plm,
        &ce_enrollment,
        "2026-03-02",
        "REFERRAL_TO_PSH",
        Some(&community.psh_a),
    )
    .await;
    let housing =
        create_enrollment(&community.staff_a, &client, &community.psh_a, "2026-03-10").await;
    resolve(&community.staff_a, &first, SUCCESSFUL, None, Some(&housing))
        .await
        .data();
    resolve(
        &community.staff_a,
        &second,
        SUCCESSFUL,
        None,
        Some(&housing),
    )
    .await
    .expect_error("CONFLICT");
    assert_pending(&community.plm, &second).await;
    let enrollment = read_enrollment(&community.staff_a, &housing).await;
    assert_eq!(enrollment["resolvedReferral"]["id"], first.as_str());
}
